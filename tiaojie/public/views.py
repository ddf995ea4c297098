"""The public pages (群众端, /p/): mobile first, no staff navigation, no account.

A verified phone is kept in the session for 30 minutes (``p_apply``); a case opened with its
tracking code and a one-time code likewise (``p_track``: code → party ids). Nothing here takes
a record's id: cases are reached by their tracking code only, after the phone check.
"""
import time

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tiaojie.accounts.audit import client_ip
from tiaojie.cases.models import Party
from tiaojie.core.access import case_for
from tiaojie.core.errors import DomainError, Refused
from tiaojie.public import forms, services
from tiaojie.public.models import TrackingCode

SESSION_SECONDS = 30 * 60
DOCUMENTS = ("rights_notice", "agreement", "rejection_notice", "termination_notice")


def _err(form, e: DomainError, default: str | None = None):
    field = e.field if e.field in form.fields else default
    form.add_error(field, e.message)


def home(request):
    return render(request, "public/home.html")


def privacy(request):
    return render(request, "public/privacy.html")


def guide(request):
    """调解指南: what people's mediation is and which committee handles what."""
    from tiaojie.public import guide as g

    return render(request, "public/guide.html", {"steps": g.routing_steps()})


def offices(request):
    """调解组织查询: committees by words, county and kind, with address and office phone."""
    from tiaojie.orgs.models import OrgKind
    from tiaojie.public import guide as g

    q = (request.GET.get("q") or "").strip()[:50]
    county, kind = request.GET.get("county", ""), request.GET.get("kind", "")
    page = g.offices(q, county, kind, request.GET.get("page", 1))
    kinds = [(k, OrgKind(k).label) for k in g.PUBLIC_KINDS]
    return render(request, "public/offices.html", {"page": page, "q": q, "county": county, "kind": kind,
                                                   "counties": g.counties(), "kinds": kinds})


# --- apply ---------------------------------------------------------------------------------------

def _verified_phone(request) -> str | None:
    v = request.session.get("p_apply")
    if not v or time.time() - v.get("at", 0) > SESSION_SECONDS:
        return None
    return v["phone"]


def _phone_form(request, cls, **kw):
    ip = client_ip(request) or "-"
    return cls(request.POST or None, need_captcha=services.needs_captcha(ip), session=request.session, **kw)


@never_cache
def captcha_image(request):
    from tiaojie.public import captcha

    return HttpResponse(captcha.new_challenge(request.session), content_type="image/png")


def apply_phone(request):
    form = _phone_form(request, forms.PhoneForm)
    if request.method == "POST" and form.is_valid():
        try:
            phone = services.validators.mobile(form.cleaned_data["phone"])
            services.send_code(phone, "apply", client_ip(request) or "-", what="申请调解")
        except DomainError as e:
            _err(form, e, "phone")
        else:
            request.session["p_apply_pending"] = phone
            messages.info(request, f"验证码已发送至{_masked(phone)}，5分钟内有效")
            return redirect("public:apply_verify")
    return render(request, "public/phone.html", {"form": form, "title": "申请调解", "step": "验证手机号码"})


def _masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def _code_step(request, *, phone: str, title: str, again: str, check, done):
    """The one-time-code step of applying and of tracking: the code form for ``phone``.
    ``check(code)`` raises ``DomainError`` for a wrong or expired code (shown at the field and
    counted towards the CAPTCHA); after a right one the session gets a new key and
    ``done(result of check)`` gives the response."""
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = check(form.cleaned_data["code"])
        except DomainError as e:
            services.failed(client_ip(request) or "-")
            _err(form, e, "code")
        else:
            request.session.cycle_key()
            return done(result)
    return render(request, "public/verify.html", {"form": form, "title": title, "masked": _masked(phone),
                                                  "again": again})


def apply_verify(request):
    phone = request.session.get("p_apply_pending")
    if not phone:
        return redirect("public:apply")

    def done(_):
        request.session["p_apply"] = {"phone": phone, "at": time.time()}
        return redirect("public:apply_form")

    return _code_step(request, phone=phone, title="申请调解", again=reverse("public:apply"),
                      check=lambda code: services.check_code(phone, "apply", code), done=done)


def apply_form(request):
    phone = _verified_phone(request)
    if phone is None:
        messages.warning(request, "请先验证手机号码")
        return redirect("public:apply")
    form = forms.ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.apply(
                phone=phone, address=client_ip(request),
                me={"name": d["name"], "id_number": d["id_number"], "address": d["address"]},
                other={"name": d["other_name"], "kind": d["other_kind"], "phone": d["other_phone"],
                       "address": d["other_address"]},
                facts=d["facts"], claims=d["claims"], region=d["region"], place_detail=d["place_detail"],
                arose_on=d["arose_on"], dispute_type=d["dispute_type"], consent=d["consent"],
                amount_at_stake=d["amount_at_stake"], files=request.FILES.getlist("files"))
        except services.validators.PartyError as e:
            mine = {"id_number": "id_number", "address": "address"}
            other = {"phone": "other_phone", "address": "other_address", "kind": "other_kind"}
            field = (mine.get(e.party_field, "name") if e.index == 0 else other.get(e.party_field, "other_name"))
            form.add_error(field, e.message.split("：", 1)[-1])
        except DomainError as e:
            _err(form, e)
        else:
            request.session["p_done"] = {"code": case.tracking.code, "org": case.organization.name,
                                          "reference": case.number}
            request.session.pop("p_apply", None)
            return redirect("public:apply_done")
    return render(request, "public/apply.html", {"form": form, "phone": _masked(phone),
                                                 "consent_version": services.CONSENT_VERSION})


@require_POST
def apply_help(request):
    """The suggestions beside the facts while an applicant types (public.js): dispute types and the
    amount read from the text. Only for a verified phone, rate-limited (counted, nothing else
    written); odd input gives nothing."""
    phone = _verified_phone(request)
    if phone is None:
        return HttpResponse("", status=403)
    facts = (request.POST.get("facts") or "")[:services.validators.limit("facts")]
    try:
        types, amount = services.help_for(phone, client_ip(request) or "-", facts, request.POST.get("claims") or "")
    except DomainError as e:
        return HttpResponse(e.message, status=429)  # the page shows no suggestions; the form still works
    return render(request, "public/_apply_help.html", {"types": types, "amount": amount})


def apply_done(request):
    done = request.session.get("p_done")
    if not done:
        return redirect("public:home")
    return render(request, "public/done.html", {"done": done})


# --- track (一案一码) -------------------------------------------------------------------------------

def track(request):
    initial = {"code": services.normalize_code(request.GET.get("code", ""))}
    form = _phone_form(request, forms.TrackForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            code = services.normalize_code(form.cleaned_data["code"])
            phone = services.validators.mobile(form.cleaned_data["phone"])
            services.start_tracking(code, phone, client_ip(request) or "-")
        except DomainError as e:
            _err(form, e, "phone")
        else:
            request.session["p_track_pending"] = {"code": code, "phone": phone}
            messages.info(request, services.GENERIC_SENT)
            return redirect("public:track_verify")
    return render(request, "public/track.html", {"form": form})


def track_verify(request):
    pending = request.session.get("p_track_pending")
    if not pending:
        return redirect("public:track")

    def done(found):
        _case, party_ids = found
        tracked = request.session.get("p_track", {})
        tracked[pending["code"]] = {"parties": party_ids, "at": time.time()}
        request.session["p_track"] = tracked
        request.session.pop("p_track_pending", None)
        return redirect("public:case", code=pending["code"])

    return _code_step(request, phone=pending["phone"], title="查询案件",
                      again=reverse("public:track") + f"?code={pending['code']}",
                      check=lambda code: services.finish_tracking(pending["code"], pending["phone"], code), done=done)


def _tracked(request, code: str):
    """(case, the parties this phone speaks for) or a redirect to the phone check."""
    code = services.normalize_code(code)
    entry = request.session.get("p_track", {}).get(code)
    if not entry or time.time() - entry.get("at", 0) > SESSION_SECONDS:
        return None, None
    tc = TrackingCode.objects.select_related("case__organization", "case__dispute_type__parent").filter(code=code).first()
    if tc is None:
        return None, None
    parties = list(Party.objects.filter(case=tc.case, pk__in=entry["parties"]))
    if not parties:
        return None, None
    return tc.case, parties


def _need_check(request, code):
    messages.warning(request, "请输入查询码并通过手机验证后查看")
    return redirect(reverse("public:track") + f"?code={services.normalize_code(code)}")


def _principal(parties):
    for p in parties:
        if p.role != Party.Role.AGENT:
            return p
    return parties[0].agent_for or parties[0]


def case(request, code):
    c, parties = _tracked(request, code)
    if c is None:
        return _need_check(request, code)
    from tiaojie.documents.kinds import KINDS, refusal

    docs = [KINDS[k] for k in DOCUMENTS if refusal(c, KINDS[k]) is None]
    me = _principal(parties)
    mediators = c.active_mediators()
    last = c.sessions.order_by("-held_at").first()
    nxt = getattr(c, "next_session", None) if hasattr(c, "next_session") else None
    if nxt is not None and nxt.at < timezone.now():
        nxt = None
    signing = services.signing_open(c)
    signed = {s.party_id for s in services.valid_signatures(c)}
    rated = c.ratings.filter(party=me).first()
    return render(request, "public/case.html", {
        "c": c, "code": services.normalize_code(code), "me": me, "stage": services.stage_of(c),
        "org": c.organization, "mediators": mediators, "last_session": last, "next_session": nxt, "docs": docs,
        "signing": signing, "signed": me.pk in signed, "may_rate": services.may_rate(c) and rated is None,
        "rated": rated, "qr": services.qr_svg(services.track_url(services.normalize_code(code))),
    })


def document(request, code, kind):
    c, parties = _tracked(request, code)
    if c is None:
        return _need_check(request, code)
    from tiaojie.documents import context as ctxmod
    from tiaojie.documents import render as rendering
    from tiaojie.documents.kinds import KINDS, refusal

    if kind not in DOCUMENTS or refusal(c, KINDS[kind]) is not None:
        raise Http404("没有该文书")
    ctx = ctxmod.build(c)
    mine = {p.pk for p in parties}
    for d in ctx["parties"]:
        if d.get("pk") not in mine:  # the other side's identifiers stay off a party's copy, even masked
            for key, label in (("id_number", f"{d['id_type']}号码"), ("phone", "联系电话")):
                if d[key]:
                    d["summary"] = d["summary"].replace(f"，{label}{d[key]}", "")
                    d[key] = ""
    k = KINDS[kind]
    data = rendering.html_to_pdf(rendering.page_html([rendering.section_html(k, ctx)], f"{c.number} {k.label}"))
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{kind}-{c.pk}.pdf"
    return resp


def sign(request, code):
    c, parties = _tracked(request, code)
    if c is None:
        return _need_check(request, code)
    me = _principal(parties)
    signing = services.signing_open(c)
    if signing is None:
        messages.warning(request, "该协议目前不能在线签名（尚未发出或协议已修改），请联系调委会")
        return redirect("public:case", code=code)
    form = forms.SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["agree"]:
            form.add_error("agree", "请确认已阅读协议全文并同意")
        else:
            try:
                services.sign(c, me, form.cleaned_data["signature"], client_ip(request))
            except DomainError as e:
                _err(form, e, "signature")
            else:
                messages.success(request, "签名成功。协议书中已显示您的签名，可在下方下载")
                return redirect("public:case", code=code)
    from tiaojie.documents.context import split_terms

    ag = c.agreement
    return render(request, "public/sign.html", {"c": c, "code": code, "me": me, "ag": ag, "form": form,
                                                "terms": split_terms(ag.terms),
                                                "sha": services.agreement_sha256(ag)})


def rate(request, code):
    c, parties = _tracked(request, code)
    if c is None:
        return _need_check(request, code)
    me = _principal(parties)
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate(c, me, form.cleaned_data["score"], form.cleaned_data["comment"])
        except DomainError as e:
            _err(form, e, "score")
        else:
            messages.success(request, "感谢您的评价")
            return redirect("public:case", code=code)
    if not services.may_rate(c):
        messages.warning(request, "案件结案后才能评价")
        return redirect("public:case", code=code)
    return render(request, "public/rate.html", {"c": c, "code": code, "form": form})


# --- staff: send the agreement for online signing --------------------------------------------------

@require_POST
def sign_ready(request, pk):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('cases:detail', args=[pk])}")
    c = case_for(request.user, pk, acting=True)
    try:
        services.mark_ready(c, request.user, version=request.POST.get("version"))
    except Refused:
        raise
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已发出在线签名，当事人将收到短信，可在手机上阅读并签署协议")
    return redirect("cases:detail", pk=c.pk)




@require_POST
def schedule(request, pk):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('cases:detail', args=[pk])}")
    c = case_for(request.user, pk, acting=True)
    try:
        services.schedule_session(c, request.user, version=request.POST.get("version"),
                                  at=request.POST.get("at"), place=request.POST.get("place"))
    except Refused:
        raise
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已安排调解时间地点，并短信通知当事人")
    return redirect("cases:detail", pk=c.pk)
