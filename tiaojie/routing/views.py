"""Linkage pages (联动): routing proposal, transfers, referrals in, judicial confirmation.

Standalone pages extending base.html; the case page can load ``case_panel`` with htmx. Views are
thin: reads through ``selectors`` (scoped), writes through ``services``.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiaojie.cases import transitions
from tiaojie.cases.models import DisputeType, Status
from tiaojie.cases.rules import confirmation_window
from tiaojie.cases.transitions import StaleCase, TransitionError
from tiaojie.core import access, dates, permissions
from tiaojie.core.errors import Refused
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Region
from tiaojie.routing import engine, selectors, services
from tiaojie.routing.forms import (
    ConfirmationForm,
    CourtResultForm,
    FeedbackForm,
    ReasonForm,
    ReferralForm,
    RevisitForm,
    TransferForm,
)
from tiaojie.routing.models import JudicialConfirmation, Referral, Transfer
from tiaojie.routing.panels import routing_inputs


def _form_error(form, ctx, e: TransitionError):
    if e.field and e.field in form.fields:
        form.add_error(e.field, e.message)
    else:
        ctx["error"] = e.message


def _page(request, title, form, *, case=None, submit="提交", back=None, extra=None):
    ctx = {"title": title, "form": form, "case": case, "submit": submit, "back": back, "error": None}
    ctx.update(extra or {})
    return ctx


@login_required
def index(request):
    user = request.user
    ctx = {
        "incoming": selectors.incoming_transfers(user)[:50],
        "transfers": selectors.visible_transfers(user)[:20],
        "referrals": selectors.visible_referrals(user)[:20],
        "feedback_due": selectors.police_feedback_due(user)[:20],
        "revisit_due": selectors.revisit_due(user)[:20],
        "jc_closing": selectors.confirmation_window_closing(user)[:20],
        "referral_kinds": _kinds_for(user),
    }
    return render(request, "routing/index.html", ctx)


def _kinds_for(user):
    return services.kinds_for(user)


@login_required
def propose(request):
    """htmx partial for the register form: the proposed organization and why."""
    g = request.GET
    ctx = {"proposal": None, "error": None}
    try:
        dispute_type = DisputeType.objects.get(pk=int(g.get("dispute_type", "")))
        region = Region.objects.get(code=(g.get("region") or "").strip())
    except (ValueError, DisputeType.DoesNotExist, Region.DoesNotExist):
        ctx["error"] = "选择纠纷类型和纠纷发生地后显示分流建议"
        return render(request, "routing/_proposal.html", ctx)
    try:
        people = max(int(g.get("people_count") or 2), 0)
    except ValueError:
        people = 2
    try:
        amount = engine.Decimal(str(g.get("amount_at_stake") or "0").replace(",", ""))
        if not amount.is_finite() or amount < 0:
            raise ValueError
    except (ValueError, ArithmeticError):
        amount = engine.Decimal("0")
    flags = {k: g.get(k) in ("on", "1", "true") for k in services.ROUTING_FLAGS}
    p = services.propose_for_fields(dispute_type=dispute_type, region=region, people_count=people,
                                    amount_at_stake=amount, source=g.get("source", ""), facts=g.get("facts", ""),
                                    claims=g.get("claims", ""), **flags)
    ctx["proposal"] = p
    ctx["in_scope"] = p.org is not None and Scope.of(request.user).sees(p.org)
    return render(request, "routing/_proposal.html", ctx)


def _panel_ctx(request, case):
    user = request.user
    try:
        referral = case.referral
    except Referral.DoesNotExist:
        referral = None
    jc = JudicialConfirmation.objects.filter(case=case).first()
    acting = transitions.may(case, user, "transfer_out")
    ctx = {
        "case": case, "acting": acting, "referral": referral, "jc": jc, "case_open": case.status in transitions.OPEN,
        "decisions": case.routing_decisions.select_related("proposed_org", "chosen_org"),
        "transfers": case.transfers.select_related("from_org", "to_org", "sent_by", "answered_by"),
        "revisits": referral.revisits.all() if referral else [],
        "outcome": selectors.outcome_of(case),
        "inputs": routing_inputs(case, referral),
    }
    if acting:
        ctx["proposal"] = services.proposal_to_offer(case)
    pending = next((t for t in ctx["transfers"] if t.status == Transfer.Status.PENDING), None)
    ctx["pending"] = pending
    ctx["may_answer_transfer"] = (pending is not None and Scope.of(user).sees(pending.to_org)
                                  and transitions.may(case, user, "transfer_accept"))
    if jc is None and case.status in (Status.SUCCEEDED, Status.FOLLOWED_UP, Status.ARCHIVED):
        ctx["jc_refusal"] = confirmation_window.refusal(case)
        if not ctx["jc_refusal"]:
            effective = case.agreement.effective_on
            ctx["jc_closes"] = confirmation_window.closes_on(effective)
            ctx["jc_days_left"] = confirmation_window.days_left(effective)
            ctx["jc_warn"] = ctx["jc_days_left"] <= dates.limit("jc_warn")
            ctx["may_apply_jc"] = transitions.may(case, user, "jc_apply")
    ctx["may_answer_jc"] = (jc is not None and services.may_answer(user, case, jc)
                            and transitions.may(case, user, "jc_result")
                            and jc.status in (JudicialConfirmation.Status.APPLIED, JudicialConfirmation.Status.ACCEPTED))
    return ctx


@login_required
def case_panel(request, pk):
    """The linkage panel of one case (for ``hx-get`` on the case page)."""
    case = access.case_for(request.user, pk)
    return render(request, "routing/_case_panel.html", _panel_ctx(request, case))


@login_required
def case_linkage(request, pk):
    case = access.case_for(request.user, pk)
    return render(request, "routing/case.html", _panel_ctx(request, case))


@login_required
def transfer_new(request, pk):
    user = request.user
    case = access.case_for(user, pk, acting=True)
    transitions.check(case, user, "transfer_out")
    reach = services.transfer_reach(user).exclude(pk=case.organization_id)
    initial = {"version": case.version}
    proposal = services.proposal_to_offer(case)
    if proposal is not None:
        initial["to_org"] = proposal.org.pk
        initial["reason"] = proposal.explanation
    form = TransferForm(request.POST or None, reach=reach, initial=initial)
    ctx = _page(request, f"移交案件 {case.number}", form, case=case, submit="移交",
                extra={"proposal": proposal})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.transfer_out(case, user, to_org=d["to_org"], reason=d["reason"], version=d["version"])
        except StaleCase as e:
            ctx["error"] = e.message
        except TransitionError as e:
            _form_error(form, ctx, e)
        else:
            messages.success(request, f"已移交{d['to_org'].name}，等待对方接收")
            return redirect("routing:case", pk=case.pk)
    return render(request, "routing/form.html", ctx)


@login_required
@require_POST
def transfer_accept(request, pk):
    transfer = access.transfer_for(request.user, pk, acting=True)
    try:
        services.accept_transfer(transfer, request.user, version=request.POST.get("version"))
    except TransitionError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已接收移交的案件")
    return redirect("routing:case", pk=transfer.case_id)


@login_required
def transfer_return(request, pk):
    transfer = access.transfer_for(request.user, pk, acting=True)
    form = ReasonForm(request.POST or None, initial={"version": transfer.case.version})
    ctx = _page(request, f"退回移交 {transfer.case.number}", form, case=transfer.case, submit="退回")
    if request.method == "POST" and form.is_valid():
        try:
            services.return_transfer(transfer, request.user, reason=form.cleaned_data["reason"],
                                     version=form.cleaned_data["version"])
        except StaleCase as e:
            ctx["error"] = e.message
        except TransitionError as e:
            _form_error(form, ctx, e)
        else:
            messages.success(request, f"已退回{transfer.from_org.name}")
            return redirect("routing:index")
    return render(request, "routing/form.html", ctx)


@login_required
def transfers(request):
    page = Paginator(selectors.visible_transfers(request.user).order_by("-sent_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "routing/transfers.html", {"transfers": page, "page": page})


@login_required
def referral_new(request, kind):
    user = request.user
    if kind not in Referral.Kind.values:
        raise Http404("没有这种移送来源")
    permissions.require(user, f"referral.{kind}")
    if user.organization_id is None:
        raise Refused("您的账号未关联单位，不能登记移送的案件")
    form = ReferralForm(request.POST or None, kind=kind, intake=user.organization)
    ctx = _page(request, f"移送调解：{Referral.Kind(kind).label}", form, submit="移送")
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        parties = form.parties()
        flags = {k: d.pop(k, False) for k in services.ROUTING_FLAGS}
        for n in ("applicant_name", "applicant_phone", "applicant_id", "respondent_name", "respondent_phone",
                  "respondent_id"):
            d.pop(n, None)
        case_fields = {k: d.pop(k) for k in ("dispute_type", "region", "place_detail", "arose_on", "people_count",
                                              "amount_at_stake", "facts", "claims")}
        try:
            referral = services.refer_case(user, kind=kind, parties=parties, routing_flags=flags, **d, **case_fields)
        except services.DuplicateReferral as e:
            if e.same_referrer:
                messages.info(request, e.message)
                return redirect("routing:referral", pk=e.referral.pk)
            _form_error(form, ctx, e)
        except TransitionError as e:
            _form_error(form, ctx, e)
        else:
            messages.success(request, f"已移送，案号 {referral.case.number}，分流至{referral.case.organization.name}")
            return redirect("routing:referral", pk=referral.pk)
    return render(request, "routing/form.html", ctx)


@login_required
def referrals(request):
    qs = selectors.visible_referrals(request.user)
    kind = request.GET.get("kind")
    if kind in Referral.Kind.values:
        qs = qs.filter(kind=kind)
    qs = qs.select_related("case__organization").order_by("-referred_at", "-id")
    if request.GET.get("export") == "xlsx":
        from django.utils import timezone as tz

        from tiaojie.core.xlsx import sheet_bytes, xlsx_response

        rows = [(tz.localtime(r.referred_at).strftime("%Y-%m-%d %H:%M"), r.get_kind_display(), r.referrer_name,
                 r.external_ref, r.case.number, r.case.organization.name, r.case.get_status_display(),
                 r.case.get_outcome_display(), r.due_on.isoformat() if r.due_on else "") for r in qs[:50_000]]
        data = sheet_bytes("移送调解", ("移送时间", "来源", "移送单位", "移送单位编号", "案号", "承办单位", "状态",
                                      "结果", "调解期限"), rows, widths=(16, 12, 24, 24, 28, 30, 12, 10, 12))
        return xlsx_response(data, "移送调解.xlsx")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "routing/referrals.html", {"referrals": page, "page": page, "kinds": _kinds_for(request.user),
                                                      "all_kinds": Referral.Kind.choices, "kind": kind})


@login_required
def referral_detail(request, pk):
    referral = access.referral_for(request.user, pk)
    ctx = _panel_ctx(request, referral.case)
    ctx["feedback_form"] = FeedbackForm(initial={"version": referral.case.version})
    ctx["may_feedback"] = transitions.may(referral.case, request.user, "referral_feedback")
    ctx["may_revisit"] = transitions.may(referral.case, request.user, "referral_revisit")
    return render(request, "routing/referral.html", ctx)


def _referral_step(request, pk, form_class, title, record, done):
    """One step on a referral (feedback to the referrer, 回访): form, service call, field errors."""
    referral = access.referral_for(request.user, pk, acting=True)
    form = form_class(request.POST or None, initial={"version": referral.case.version})
    ctx = _page(request, title(referral), form, case=referral.case)
    if request.method == "POST" and form.is_valid():
        try:
            record(referral, request.user, **form.cleaned_data)
        except StaleCase as e:
            ctx["error"] = e.message
        except TransitionError as e:
            _form_error(form, ctx, e)
        else:
            messages.success(request, done)
            return redirect("routing:referral", pk=referral.pk)
    return render(request, "routing/form.html", ctx)


@login_required
def referral_feedback(request, pk):
    return _referral_step(request, pk, FeedbackForm, lambda r: f"向{r.referrer_name}反馈",
                          services.record_feedback, "已记录反馈")


@login_required
def referral_revisit(request, pk):
    return _referral_step(request, pk, RevisitForm, lambda r: f"回访 {r.case.number}",
                          services.record_revisit, "已记录回访")


@login_required
def confirmation_apply(request, pk):
    case = access.case_for(request.user, pk, acting=True)
    form = ConfirmationForm(request.POST or None, initial={
        "version": case.version, "applicants": "、".join(p.name for p in case.parties.exclude(role="agent"))})
    refusal = confirmation_window.refusal(case)
    ctx = _page(request, f"申请司法确认 {case.number}", form, case=case, extra={"refusal": refusal})
    if refusal:
        ctx["error"] = refusal
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.apply_confirmation(case, request.user, version=d.pop("version"), **d)
        except StaleCase as e:
            ctx["error"] = e.message
        except TransitionError as e:
            _form_error(form, ctx, e)
        else:
            messages.success(request, "已记录司法确认申请")
            return redirect("routing:case", pk=case.pk)
    return render(request, "routing/form.html", ctx)


@login_required
def confirmation_result(request, pk):
    jc = access.confirmation_for(request.user, pk)
    if not services.may_answer(request.user, jc.case, jc):
        raise Refused("该司法确认申请不在您的管辖范围内，只能查看")
    form = CourtResultForm(request.POST or None, initial={"accepted": "1", "version": jc.case.version})
    ctx = _page(request, f"司法确认结果 {jc.case.number}", form, case=jc.case, extra={"jc": jc})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_court_result(jc, request.user, version=d["version"], accepted=d["accepted"],
                                         answered_on=d["answered_on"], note=d["note"], decision=d["decision"],
                                         decided_on=d["decided_on"], number=d["number"])
        except StaleCase as e:
            ctx["error"] = e.message
        except TransitionError as e:
            _form_error(form, ctx, e)
        else:
            messages.success(request, "已记录法院答复")
            return redirect("routing:case", pk=jc.case_id)
    return render(request, "routing/form.html", ctx)


@login_required
def confirmations(request):
    return render(request, "routing/confirmations.html", {
        "items": selectors.visible_confirmations(request.user)[:200],
        "closing": selectors.confirmation_window_closing(request.user)})
