"""Warning center (预警中心), the risk panel of a case, and 疑难重大 supervision (挂牌督办)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tiaojie.cases import transitions
from tiaojie.core import access, permissions
from tiaojie.core.errors import DomainError, form_error
from tiaojie.core.scope import Scope
from tiaojie.warnings import services
from tiaojie.warnings.forms import (
    AckForm,
    EscalateForm,
    LevelForm,
    MeasuresForm,
    NoteForm,
    PreventionForm,
    ResolveForm,
    RiskInputsForm,
)
from tiaojie.warnings.models import Escalation, Level, PreventionOutcome, Warning

LEVEL_ORDER = ["red", "orange", "yellow", "blue"]


@login_required
def center(request):
    qs = services.visible_warnings(request.user)
    status = request.GET.get("status", "active")
    if status == "active":
        qs = qs.exclude(status=Warning.Status.RESOLVED)
    elif status in Warning.Status.values:
        qs = qs.filter(status=status)
    level = request.GET.get("level", "")
    if level in Level.values:
        qs = qs.filter(level=level)
    open_by_level = dict(services.visible_warnings(request.user).exclude(status=Warning.Status.RESOLVED)
                         .values_list("level").annotate(n=Count("id")).order_by())
    counts = {lv: open_by_level.get(lv, 0) for lv in LEVEL_ORDER}
    qs = qs.annotate(level_rank=When_(*(When(level=lv, then=Value(i)) for i, lv in enumerate(LEVEL_ORDER)),
                                      default=Value(9), output_field=IntegerField()))
    if request.GET.get("export") == "xlsx":
        from tiaojie.core.xlsx import sheet_bytes, xlsx_response

        rows = [(w.get_level_display(), w.title, w.responsible.name, w.origin.name, w.get_status_display(),
                 timezone.localtime(w.raised_at).strftime("%Y-%m-%d %H:%M"),
                 timezone.localtime(w.respond_by).strftime("%Y-%m-%d %H:%M"), w.escalations, w.explanation)
                for w in qs.order_by("level_rank", "respond_by")[:50_000]]
        data = sheet_bytes("预警", ("等级", "预警事项", "责任单位", "发生单位", "状态", "预警时间", "响应时限",
                                   "上报次数", "风险因素"), rows, widths=(6, 50, 30, 30, 10, 16, 16, 8, 60))
        return xlsx_response(data, "预警.xlsx")
    page = Paginator(qs.order_by("level_rank", "respond_by"), 30).get_page(request.GET.get("page"))
    return render(request, "warnings/center.html", {"page": page, "status": status, "level": level,
                                                    "counts": counts, "now": timezone.now(),
                                                    "statuses": Warning.Status.choices})


@login_required
def detail(request, pk):
    w = access.warning_for(request.user, pk)
    forms = {"ack": AckForm(), "measures": MeasuresForm(), "resolve": ResolveForm()}
    if request.method == "POST":
        action = request.POST.get("action")
        form_class = {"ack": AckForm, "measures": MeasuresForm, "resolve": ResolveForm}.get(action)
        if form_class is not None:
            form = forms[action] = form_class(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    if action == "ack":
                        services.acknowledge(w, request.user, d["note"])
                    elif action == "measures":
                        services.record_measures(w, request.user, d["measures"], d["police_notified"], d["leader"])
                    else:
                        services.resolve(w, request.user, d["note"])
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    messages.success(request, "已保存")
                    return redirect("warnings:detail", pk=w.pk)
    a = w.assessment
    return render(request, "warnings/detail.html", {
        "warning": w, "a": a, "subject": a.subject, "forms": forms, "events": w.events.all(), "now": timezone.now(),
        "may_handle": permissions.allowed(request.user, "warning.handle") and Scope.of(request.user).owns(w)})


@login_required
@require_POST
def case_risk(request, pk):
    """Manual level or risk inputs of a case, posted from the case page's risk panel."""
    user = request.user
    case = access.case_for(user, pk, acting=True)
    try:
        if request.POST.get("action") == "inputs":
            form = RiskInputsForm(request.POST)
            if not form.is_valid():
                raise DomainError("风险情形未保存：" + "；".join(e for errs in form.errors.values() for e in errs))
            services.set_case_inputs(case, user, version=request.POST.get("version"), **form.cleaned_data)
            messages.success(request, "风险情形已保存，等级随后重新评估")
        else:
            form = LevelForm(request.POST)
            if not form.is_valid():
                raise DomainError("请选择风险等级")
            services.set_case_level(case, user, version=request.POST.get("version"), **form.cleaned_data)
            messages.success(request, "风险等级已调整")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("cases:detail", pk=case.pk)


@login_required
def escalate(request, pk):
    permissions.require(request.user, "case.escalate")
    case = access.case_for(request.user, pk, acting=True)
    transitions.check(case, request.user, "escalate")
    form = EscalateForm(request.POST or None, initial={"version": case.version})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            e = services.escalate_case(case, request.user, **form.cleaned_data)
        except DomainError as exc:
            error = form_error(form, exc)
        else:
            messages.success(request, f"已上报{e.get_target_display()}，挂牌督办")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "warnings/escalate.html", {"case": case, "form": form, "error": error})


def visible_escalations(user):
    return Escalation.objects.visible_to(user).select_related("case", "supervisor", "case__organization")


@login_required
def supervision(request):
    qs = visible_escalations(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.filter(closed_at__isnull=True)
    page = Paginator(qs.order_by("deadline"), 30).get_page(request.GET.get("page"))
    return render(request, "warnings/supervision.html", {"page": page, "show": show,
                                                         "today": timezone.localdate()})


@login_required
def escalation_detail(request, pk):
    e = access.escalation_for(request.user, pk)
    may_note = transitions.may(e.case, request.user, "escalation_note") and not e.closed_at
    form = NoteForm(request.POST or None, initial={"version": e.case.version}) if may_note else None
    error = None
    if request.method == "POST":
        if form is None:
            error = "您不能记录该督办事项的进展（已办结、案件已归档，或不在您的管辖范围内）"
        elif form.is_valid():
            d = form.cleaned_data
            try:
                services.add_escalation_note(e, request.user, version=d["version"], text=d["text"], close=d["close"])
            except DomainError as exc:
                error = form_error(form, exc)
            else:
                messages.success(request, "进展已记录")
                return redirect("warnings:escalation", pk=e.pk)
    return render(request, "warnings/escalation.html", {"e": e, "form": form, "notes": e.notes.all(), "error": error,
                                                        "today": timezone.localdate()})


@login_required
def case_prevention(request, pk):
    """Record the prevention figures (预防成效) of a case once it is closed."""
    user = request.user
    permissions.require(user, "case.prevention")
    case = access.case_for(user, pk, acting=True)
    if not case.outcome:
        messages.error(request, "案件办结（调解成功、不成或终止）后才能填写预防成效")
        return redirect("cases:detail", pk=case.pk)
    transitions.check(case, user, "prevention")
    existing = PreventionOutcome.objects.filter(case=case).first()
    initial = {"version": case.version}
    if existing:
        for k in services.PREVENTION_KEYS:
            initial[k], initial[f"{k}_persons"] = getattr(existing, k), getattr(existing, f"{k}_persons")
    form = PreventionForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.record_prevention(case, user, version=form.cleaned_data["version"], values=form.prevention())
        except DomainError as exc:
            error = form_error(form, exc)
        else:
            messages.success(request, "预防成效已保存")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "warnings/prevention.html", {"case": case, "form": form, "error": error})
