"""Warning center (预警中心), the risk panel of a case, and 疑难重大 supervision (挂牌督办)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tiaojie.accounts.scope import scope_path
from tiaojie.cases.models import Case
from tiaojie.warnings import services
from tiaojie.warnings.forms import (
    AckForm,
    EscalateForm,
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
    if request.GET.get("export") == "xlsx":
        from tiaojie.orgs.xlsx import sheet_bytes, xlsx_response

        rows = [(w.get_level_display(), w.title, w.responsible.name, w.origin.name, w.get_status_display(),
                 timezone.localtime(w.raised_at).strftime("%Y-%m-%d %H:%M"),
                 timezone.localtime(w.respond_by).strftime("%Y-%m-%d %H:%M"), w.escalations, w.explanation)
                for w in qs.order_by("respond_by")[:50_000]]
        data = sheet_bytes("预警", ("等级", "预警事项", "责任单位", "发生单位", "状态", "预警时间", "响应时限",
                                   "上报次数", "风险因素"), rows, widths=(6, 50, 30, 30, 10, 16, 16, 8, 60))
        return xlsx_response(data, "预警.xlsx")
    page = Paginator(qs.order_by("respond_by"), 30).get_page(request.GET.get("page"))
    return render(request, "warnings/center.html", {"page": page, "status": status, "level": level,
                                                    "counts": counts, "now": timezone.now(),
                                                    "statuses": Warning.Status.choices})


def _warning_for(request, pk):
    return get_object_or_404(services.visible_warnings(request.user), pk=pk)


@login_required
def detail(request, pk):
    w = _warning_for(request, pk)
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
                except services.WarningError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    messages.success(request, "已保存")
                    return redirect("warnings:detail", pk=w.pk)
    a = w.assessment
    return render(request, "warnings/detail.html", {"warning": w, "a": a, "subject": a.subject, "forms": forms,
                                                    "events": w.events.all(), "now": timezone.now()})


def _case_for(request, pk):
    return get_object_or_404(Case.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def case_risk(request, pk):
    """Manual level or risk inputs of a case, posted from the case page's risk panel."""
    from tiaojie.screening.forms import LevelForm

    case = _case_for(request, pk)
    a = services.assessment_for(case=case)
    if request.POST.get("action") == "inputs":
        form = RiskInputsForm(request.POST)
        if form.is_valid() and request.user.can_mediate and not case.is_read_only:
            for k, v in form.cleaned_data.items():
                setattr(a, k, v)
            a.save()
            services.reassess(case=case, actor=request.user)
            messages.success(request, "风险情形已更新，等级已重新评估")
        else:
            messages.error(request, "风险情形未保存：" + "；".join(e for errs in form.errors.values() for e in errs))
    else:
        form = LevelForm(request.POST)
        if form.is_valid():
            try:
                services.set_manual_level(a, request.user, form.cleaned_data["level"], form.cleaned_data["reason"])
            except services.WarningError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "风险等级已调整")
    return redirect("cases:detail", pk=case.pk)


@login_required
def escalate(request, pk):
    case = _case_for(request, pk)
    form = EscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            e = services.escalate_case(case, request.user, **form.cleaned_data)
        except services.WarningError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已上报{e.get_target_display()}，挂牌督办")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "warnings/escalate.html", {"case": case, "form": form})


def visible_escalations(user):
    path = scope_path(user)
    qs = Escalation.objects.select_related("case", "supervisor", "case__organization")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(Q(case__organization__path__startswith=path) | Q(supervisor__path__startswith=path))


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
    e = get_object_or_404(visible_escalations(request.user), pk=pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_escalation_note(e, request.user, form.cleaned_data["text"], form.cleaned_data["close"])
        except services.WarningError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "进展已记录")
            return redirect("warnings:escalation", pk=e.pk)
    return render(request, "warnings/escalation.html", {"e": e, "form": form, "notes": e.notes.all(),
                                                        "today": timezone.localdate()})


PREVENTION_KEYS = ("suicide", "criminal", "petition", "fight")


@login_required
def case_prevention(request, pk):
    """Record the prevention figures (预防成效) of a case once it is closed."""
    case = _case_for(request, pk)
    existing = PreventionOutcome.objects.filter(case=case).first()
    if not case.outcome:
        messages.error(request, "案件办结（调解成功、不成或终止）后才能填写预防成效")
        return redirect("cases:detail", pk=case.pk)
    initial = {}
    if existing:
        for k in PREVENTION_KEYS:
            initial[k], initial[f"{k}_persons"] = getattr(existing, k), getattr(existing, f"{k}_persons")
    form = PreventionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not request.user.can_mediate:
            messages.error(request, "您的角色不能填写预防成效")
        elif form.is_valid():
            values = form.prevention() or {k: False for k in PREVENTION_KEYS} | {f"{k}_persons": 0 for k in PREVENTION_KEYS}
            PreventionOutcome.objects.update_or_create(case=case, defaults=values)
            from tiaojie.cases.models import CaseEvent

            CaseEvent.objects.create(case=case, kind="prevention", label="记录预防成效", actor=request.user,
                                     actor_name=request.user.label, data=values)
            messages.success(request, "预防成效已保存")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "warnings/prevention.html", {"case": case, "form": form})
