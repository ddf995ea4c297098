"""Staff workbench pages (工作台): to-do, case list and export, registration, case detail and
one form per transition. Views stay thin: reads go through ``selectors`` (always scoped by
``Case.objects.visible_to``), writes through ``services`` and ``transitions``.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tiaojie.accounts.models import PersonalDataAccess
from tiaojie.cases import selectors, services, transitions
from tiaojie.cases.forms import TRANSITION_FORMS, CaseFilterForm, CaseForm, PartyFormSet
from tiaojie.cases.models import Agreement, Assignment, Party
from tiaojie.cases.transitions import TRANSITIONS, StaleCase, TransitionError
from tiaojie.routing.services import register_routed

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
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    more_open = bool(form.errors) or any(request.GET.get(k) for k in form.fields if k != "q")
    return render(request, "cases/list.html", {"form": form, "page": page, "query": form.query_string(),
                                               "page_range": page_range, "more_open": more_open})


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
    data = selectors.export_xlsx(qs.order_by("registered_at", "id"))
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"cases-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@login_required
def register(request):
    user = request.user
    if not user.can_mediate:
        raise PermissionDenied("您的角色不能登记纠纷")
    form = CaseForm(request.POST or None, user=user)
    parties = PartyFormSet(request.POST or None, prefix="parties")
    if request.method == "POST":
        form_ok, parties_ok = form.is_valid(), parties.is_valid()
        if form_ok and parties_ok:
            party_data = parties.parties()
            duplicates = services.duplicate_id_warnings(party_data, user)
            fields = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
            try:
                case = register_routed(user, organization=form.cleaned_data["organization"],
                                       parties=party_data, **fields)
            except TransitionError as e:
                if e.field in form.fields:
                    form.add_error(e.field, e.message)
                else:
                    parties._non_form_errors = parties.error_class([e.message], error_class="nonform")
            else:
                messages.success(request, f"已登记，案号 {case.number}")
                for w in parties.warnings() + duplicates:
                    messages.warning(request, w)
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/register.html", {"form": form, "parties": parties})


def _case_for(request, pk):
    """The case if it is in the user's scope; otherwise 404 (its existence is not revealed)."""
    qs = (selectors.visible_cases(request.user)
          .select_related("region", "registered_by", "dispute_type__parent"))
    return get_object_or_404(qs, pk=pk)


@login_required
def detail(request, pk, revealed=None):
    case = _case_for(request, pk)
    parties = list(case.parties.all())
    for p in parties:
        p.revealed = revealed.get(p.pk) if revealed else None
    try:
        agreement = case.agreement
    except Agreement.DoesNotExist:
        agreement = None
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
    }
    ctx.update(_linked_panels(case, request.user))
    return render(request, "cases/detail.html", ctx)


def _linked_panels(case, user) -> dict:
    """What other parts show on the case page: risk (warnings) and open 督办 escalations."""
    from tiaojie.screening.forms import LevelForm
    from tiaojie.warnings.forms import RiskInputsForm
    from tiaojie.warnings.services import assessment_for

    a = assessment_for(case=case)
    editable = user.can_mediate and not case.is_read_only
    return {
        "risk": a,
        "level_form": LevelForm(initial={"level": a.level}) if editable else None,
        "risk_inputs": RiskInputsForm(initial={k: getattr(a, k) for k in RiskInputsForm.base_fields}) if editable else None,
        "escalations": case.escalations.all(),
        "can_escalate": editable and not case.escalations.filter(closed_at__isnull=True).exists(),
    }


@login_required
@require_POST
def unmask(request, pk, party_pk):
    """Show one party's full ID number and phone to a role that needs them, and log it."""
    case = _case_for(request, pk)
    if not request.user.can_unmask:
        raise PermissionDenied("您的角色不能查看完整证件号码")
    party = get_object_or_404(Party, pk=party_pk, case=case)
    PersonalDataAccess.objects.create(user=request.user, what="当事人证件号码、联系电话",
                                      object_repr=f"{case.number} {party.get_role_display()} {party.name}"[:200])
    shown = {"id_number": party.id_number, "phone": party.phone}
    if request.headers.get("HX-Request"):
        return render(request, "cases/_party_revealed.html", {"p": party, "shown": shown})
    return detail(request, pk, revealed={party.pk: shown})


def _archive(case, user, *, version, note="", override_reason=""):
    from tiaojie.documents.services import archive_with_check

    return archive_with_check(case, user, version=version, override_reason=override_reason, note=note)


# Transitions whose page goes through a wider check than the bare state machine.
PERFORMERS = {"archive": _archive}


@login_required
def act(request, pk, name):
    t = TRANSITIONS.get(name)
    if t is None:
        raise Http404("没有这个办理事项")
    case = _case_for(request, pk)
    user = request.user
    if user.role not in t.roles:
        raise PermissionDenied(f"您的角色（{user.get_role_display()}）不能办理“{t.label}”")
    form_class = TRANSITION_FORMS[name]
    ctx = {"case": case, "t": t, "error": None, "stale": False}
    if case.is_read_only:
        ctx["form"] = None
        return render(request, "cases/act.html", ctx)
    if request.method == "POST":
        form = form_class(request.POST, case=case, user=user)
        if form.is_valid():
            try:
                perform = PERFORMERS.get(name) or getattr(transitions, name)
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
    return render(request, "cases/act.html", ctx)

