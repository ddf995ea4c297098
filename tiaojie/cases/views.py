"""Staff workbench pages (工作台): to-do, case list and export, registration, case detail, one form
per step, 更正登记信息. Views stay thin: cases are fetched through ``core.access.case_for`` (the one
scope rule), registration goes through the one intake function, every write through
``transitions``.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tiaojie.accounts.models import PersonalDataAccess
from tiaojie.cases import intake, panels, search, selectors, transitions
from tiaojie.cases.forms import TRANSITION_FORMS, CaseFilterForm, CaseForm, CorrectForm, PartyFormSet
from tiaojie.cases.models import Agreement, Assignment, Party
from tiaojie.cases.transitions import TRANSITIONS, StaleCase, TransitionError
from tiaojie.core import access, permissions, xlsx
from tiaojie.core.errors import DomainError, Refused
from tiaojie.core.paging import CappedPaginator, cursor_from
from tiaojie.core.scope import Scope
from tiaojie.core.validators import PartyError

PAGE_SIZE = 30


@login_required
def todo(request):
    return render(request, "cases/todo.html", {"blocks": selectors.todo_summary(request.user)})


def _filtered(request):
    form = CaseFilterForm(request.GET or None, user=request.user)
    qs = selectors.visible_cases(request.user)
    if form.is_bound:
        qs = selectors.filter_cases(qs, form.filters())
    return form, qs


@login_required
def case_list(request):
    form, qs = _filtered(request)
    paginator = CappedPaginator(qs, PAGE_SIZE)
    # 下一页/上一页 carry the boundary row (keyset paging); a page number alone is read by offset
    page = paginator.get_page(request.GET.get("page"), cursor=cursor_from(paginator, request.GET))
    query = form.query_string()
    more_open = bool(form.errors) or any(request.GET.get(k) for k in form.fields if k != "q")
    return render(request, "cases/list.html", {"form": form, "page": page, "query": query,
                                               "pager": paginator.links(page, query), "more_open": more_open})


@login_required
def export(request):
    form, qs = _filtered(request)
    if form.is_bound and not form.is_valid():
        page = Paginator(qs, PAGE_SIZE).get_page(1)
        return render(request, "cases/list.html", {"form": form, "page": page, "query": form.query_string(),
                                                   "export_error": "筛选条件有误，请更正后再导出"})
    total = qs.count()
    if total > selectors.EXPORT_LIMIT:
        page = Paginator(qs, PAGE_SIZE).get_page(1)
        return render(request, "cases/list.html", {
            "form": form, "page": page, "query": form.query_string(),
            "export_error": f"符合条件的案件有{total}件，超过单次导出上限{selectors.EXPORT_LIMIT}件，请缩小筛选范围"})
    from django.utils import timezone

    data = selectors.export_xlsx(qs.order_by("registered_at", "id"))
    return xlsx.xlsx_response(data, f"纠纷案件-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


def desk_application(user, form: CaseForm, parties: PartyFormSet) -> intake.Application:
    d = form.cleaned_data
    return intake.Application(
        via=intake.Via.DESK, organization=d["organization"], parties=parties.parties(),
        routing_reason=d.get("routing_reason", ""),
        **{k: d.get(k) for k in ("source", "channel", "dispute_type", "region", "place_detail", "arose_on",
                                 "people_count", "amount_at_stake", "facts", "claims", *intake.ROUTING_FLAGS)})


def _put_error(form, parties, e: DomainError) -> None:
    """Show a refusal of the intake function at the field it concerns."""
    ordered = getattr(parties, "forms_in_order", [])
    if isinstance(e, PartyError) and e.index < len(ordered):
        target = ordered[e.index]
        if e.party_field in target.fields:
            target.add_error(e.party_field, e.message.split("：", 1)[-1])
            return
    if e.field in form.fields:
        form.add_error(e.field, e.message)
    else:
        parties._non_form_errors = parties.error_class([e.message], error_class="nonform")


@login_required
def register(request):
    user = request.user
    permissions.require(user, "case.register")
    form = CaseForm(request.POST or None, user=user)
    parties = PartyFormSet(request.POST or None, prefix="parties")
    if request.method == "POST":
        form_ok, parties_ok = form.is_valid(), parties.is_valid()
        if form_ok and parties_ok:
            try:
                case = intake.register(user, desk_application(user, form, parties))
            except DomainError as e:
                _put_error(form, parties, e)
            else:
                messages.success(request, f"已登记，案号 {case.number}。请上传当事人身份证明（文书与卷宗）。")
                for w in case.intake_warnings:
                    messages.warning(request, w)
                return redirect("cases:detail", pk=case.pk)
    search.warm_up()  # the preview panel's word lists load while the registrar types
    return render(request, "cases/register.html", {"form": form, "parties": parties})


PREVIEW_MAX_PARTIES = 20


def _posted_parties(data) -> list[dict]:
    """Party names and ID numbers of a form being filled in: the registration formset
    (``parties-N-…``) or a referral form's applicant and respondent."""
    out = []
    try:
        total = min(int(data.get("parties-TOTAL_FORMS") or 0), PREVIEW_MAX_PARTIES)
    except ValueError:
        total = 0
    rows = [(f"parties-{i}-name", f"parties-{i}-id_number") for i in range(total)]
    rows += [("applicant_name", "applicant_id"), ("respondent_name", "respondent_id")]
    for name_key, id_key in rows:
        name, number = (data.get(name_key) or "")[:100], (data.get(id_key) or "")[:30]
        if name.strip() or number.strip():
            out.append({"name": name, "id_number": number})
    return out


@login_required
@require_POST
def intake_preview(request):
    """htmx panel of the registration and referral forms while the facts are typed: type
    suggestions, amount and people read from the text, risk signals with their phrases, the routing
    proposal, possible duplicates and similar closed cases. Writes nothing."""
    user = request.user
    if Scope.of(user).nothing:
        raise Refused("您的账号不能登记纠纷")
    d = request.POST
    app = intake.Application(
        via=intake.Via.DESK, source=d.get("source", ""), dispute_type=d.get("dispute_type"),
        region=d.get("region"), facts=d.get("facts", ""), claims=d.get("claims", ""),
        parties=_posted_parties(d), people_count=d.get("people_count"), amount_at_stake=d.get("amount_at_stake"),
        **{k: d.get(k) in ("on", "1", "true") for k in intake.ROUTING_FLAGS})
    p = intake.preview(user, app)
    return render(request, "cases/_intake_preview.html", {
        "p": p, "in_scope": p.proposal is not None and Scope.of(user).sees(p.proposal.org),
        # the registration form shows routing in its own 分流 section (routing:propose): not twice
        "show_routing": d.get("own_routing") != "1"})


@login_required
def detail(request, pk, revealed=None):
    case = access.case_for(request.user, pk, select=("organization", "region", "registered_by",
                                                     "dispute_type__parent"))
    parties = list(case.parties.all())
    for p in parties:
        p.revealed = revealed.get(p.pk) if revealed else None
    try:
        agreement = case.agreement
    except Agreement.DoesNotExist:
        agreement = None
    owns = Scope.of(request.user).owns(case)
    ctx = {
        "case": case,
        "parties": parties,
        "assignments": Assignment.objects.filter(case=case).select_related("mediator", "mediator__organization"),
        "sessions": case.sessions.all(),
        "investigations": case.investigations.all(),
        "agreement": agreement,
        "follow_ups": case.follow_ups.all(),
        "events": case.events.select_related("actor"),
        "actions": transitions.available(case, request.user),
        "may_correct": transitions.may(case, request.user, "correct"),
        "may_unmask": permissions.allowed(request.user, "case.unmask") and owns,
        "intake_record": getattr(case, "intake", None) if hasattr(case, "intake") else None,
        "panels": panels.panels_for(case, request.user),
    }
    return render(request, "cases/detail.html", ctx)


@login_required
@require_POST
def unmask(request, pk, party_pk):
    """Show one party's full ID number and phone to a role that needs them, and log it."""
    permissions.require(request.user, "case.unmask")
    case = access.case_for(request.user, pk, acting=True)
    party = get_object_or_404(Party, pk=party_pk, case=case)
    PersonalDataAccess.objects.create(user=request.user, what="当事人证件号码、联系电话",
                                      object_repr=f"{case.number} {party.get_role_display()} {party.name}"[:200])
    shown = {"id_number": party.id_number, "phone": party.phone}
    if request.headers.get("HX-Request"):
        return render(request, "cases/_party_revealed.html", {"p": party, "shown": shown})
    return detail(request, pk, revealed={party.pk: shown})


@login_required
def act(request, pk, name):
    t = TRANSITIONS.get(name)
    if t is None:
        raise Http404("没有这个办理事项")
    user = request.user
    case = access.case_for(user, pk, acting=True)
    permissions.require(user, t.permission)
    form_class = TRANSITION_FORMS[name]
    ctx = {"case": case, "t": t, "error": None, "stale": False}
    if case.is_read_only:
        ctx["form"] = None
        return render(request, "cases/act.html", ctx)
    if request.method == "POST":
        form = form_class(request.POST, case=case, user=user)
        if form.is_valid():
            try:
                perform = form.step() if hasattr(form, "step") else getattr(transitions, name)
                perform(case, user, version=form.cleaned_data["version"], **form.transition_kwargs())
            except StaleCase as e:
                ctx["error"], ctx["stale"] = e.message, True
            except TransitionError as e:
                if e.field and e.field in form.fields:
                    form.add_error(e.field, e.message)
                else:
                    ctx["error"] = e.message
            else:
                messages.success(request, f"已办理“{t.label}”")
                return redirect("cases:detail", pk=case.pk)
        elif "version" in form.errors:
            ctx["error"] = "表单缺少案件版本信息，请刷新页面后重新填写"
    else:
        form = form_class(case=case, user=user)
        try:
            transitions.check(case, user, name)
        except TransitionError as e:
            ctx["error"] = e.message
    ctx["form"] = form
    ctx["assignments"] = case.assignments.filter(active=True).select_related("mediator")
    ctx["step_notes"] = panels.step_notes(case, user, name)
    return render(request, "cases/act.html", ctx)


@login_required
def correct(request, pk):
    """更正登记信息: correct registered data with a reason; the timeline keeps before and after."""
    user = request.user
    case = access.case_for(user, pk, acting=True)
    permissions.require(user, "case.correct")
    form = CorrectForm(request.POST or None, case=case, user=user)
    ctx = {"case": case, "form": form, "error": None, "stale": False}
    if case.is_read_only:
        ctx["error"] = transitions.READ_ONLY
        ctx["form"] = None
        return render(request, "cases/correct.html", ctx)
    if request.method == "POST" and form.is_valid():
        try:
            transitions.correct_record(case, user, version=form.cleaned_data["version"],
                                       reason=form.cleaned_data["reason"], **form.changes())
        except StaleCase as e:
            ctx["error"], ctx["stale"] = e.message, True
        except TransitionError as e:
            if e.field and e.field in form.fields:
                form.add_error(e.field, e.message)
            else:
                ctx["error"] = e.message
        else:
            messages.success(request, "已更正登记信息")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/correct.html", ctx)
