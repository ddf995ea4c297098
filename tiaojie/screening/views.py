"""Pages for screening: the period board, filing a report, rounds and hidden dangers."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tiaojie.core import access, permissions
from tiaojie.core.errors import DomainError
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Organization
from tiaojie.screening import compliance, services
from tiaojie.screening.forms import (
    FindingForm,
    FindingFormSet,
    HazardCloseForm,
    HazardUpdateForm,
    LevelForm,
    RoundAmendForm,
    RoundForm,
)
from tiaojie.screening.models import HiddenDanger, Reminder, ScreeningRound


def _org(request):
    org = Scope.of(request.user).home()
    if org is None:
        raise Http404("您的账号未关联单位")
    return org


@login_required
def home(request):
    org = _org(request)
    periods = services.recent_periods(org)
    rounds = (ScreeningRound.objects.visible_to(request.user).select_related("organization")
              .order_by("-filed_at"))
    if request.GET.get("export") == "xlsx":
        from tiaojie.core.xlsx import sheet_bytes, xlsx_response

        rows = [(r.organization.name, r.period.label, r.screened_from.isoformat(), r.screened_to.isoformat(),
                 r.screeners, r.places, "是" if r.is_zero_report else "否", "是" if r.late else "否",
                 timezone.localtime(r.filed_at).strftime("%Y-%m-%d %H:%M")) for r in rounds[:50_000]]
        data = sheet_bytes("排查报告", ("单位", "期次", "排查开始", "排查结束", "排查人员", "排查地点和走访群体",
                                      "零报告", "逾期上报", "上报时间"), rows, widths=(30, 30, 12, 12, 16, 40, 8, 8, 16))
        return xlsx_response(data, "排查报告.xlsx")
    page = Paginator(rounds, 20).get_page(request.GET.get("page"))
    return render(request, "screening/home.html", {
        "org": org, "periods": periods, "page": page,
        "late_children": services.overdue_children(org),
        "reminders": Reminder.objects.filter(organization=org, read_at__isnull=True).select_related("about")[:20],
        "open_hazards": HiddenDanger.objects.visible_to(request.user).open().count(),
    })


def _apply_error(exc, form, formset):
    field = exc.field or ""
    if field.startswith("findings-"):
        _, idx, name = field.split("-", 2)
        i = int(idx) - 1
        if 0 <= i < len(formset.forms) and name in formset.forms[i].fields:
            formset.forms[i].add_error(name, exc.message)
            return
    if field in form.fields:
        form.add_error(field, exc.message)
    else:
        form.add_error(None, exc.message)


@login_required
def file_round(request):
    org = _org(request)
    permissions.require(request.user, "screening.file")
    periods = [p for p in services.recent_periods(org) if p.period.start <= timezone.localdate()]
    if not periods:
        messages.info(request, f"{org.get_kind_display()}无需按周期上报排查报告")
        return redirect("screening:home")
    existing = None
    if request.method == "POST":
        form = RoundForm(request.POST, periods=periods)
        formset = FindingFormSet(request.POST, prefix="findings", form_kwargs={"org": org})
        zero = request.POST.get("zero_report") == "on"
        if form.is_valid() and (zero or formset.is_valid()):
            findings = [] if zero else [f.finding() for f in formset.forms if f.has_changed() and f.cleaned_data]
            try:
                r = services.file_round(request.user, org, findings=findings, **form.cleaned_data)
            except services.ScreeningError as exc:
                existing = exc.existing
                _apply_error(exc, form, formset)
            else:
                messages.success(request, f"{r.period.label}排查报告已上报" + ("（零报告）" if r.is_zero_report else
                                                                            f"，排查发现{r.findings.count()}条"))
                return redirect("screening:round", pk=r.pk)
    else:
        first_open = next((p for p in periods if p.round is None), periods[0])
        key = request.GET.get("period") or first_open.period.key
        p = next((x for x in periods if x.period.key == key), first_open)
        form = RoundForm(periods=periods, initial={"period_key": p.period.key, "screened_from": p.period.start,
                                                   "screened_to": min(p.period.end, timezone.localdate()),
                                                   "screeners": request.user.label})
        formset = FindingFormSet(prefix="findings", form_kwargs={"org": org})
    return render(request, "screening/file.html", {
        "org": org, "form": form, "formset": formset, "existing": existing,
        "empty_finding": FindingForm(prefix="findings-__prefix__", org=org),
    })


@login_required
def round_detail(request, pk):
    r = access.round_for(request.user, pk)
    amend = RoundAmendForm(initial={"version": r.version, "screeners": r.screeners, "places": r.places,
                                    "notes": r.notes})
    if request.method == "POST":
        permissions.require(request.user, "screening.amend")
        r = access.round_for(request.user, pk, acting=True)
        amend = RoundAmendForm(request.POST)
        if amend.is_valid():
            try:
                services.amend_round(request.user, r, **amend.cleaned_data)
            except DomainError as exc:
                amend.add_error(exc.field if exc.field in amend.fields else None, exc.message)
            else:
                messages.success(request, "排查报告已修改")
                return redirect("screening:round", pk=r.pk)
    findings = r.findings.select_related("case", "hazard")
    return render(request, "screening/round.html", {"r": r, "findings": findings, "amend": amend,
                                                    "add_url": reverse("screening:add_finding", args=[r.pk])})


@login_required
def add_finding(request, pk):
    permissions.require(request.user, "screening.amend")
    r = access.round_for(request.user, pk, acting=True)
    form = FindingForm(request.POST or None, org=r.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_later_finding(request.user, r, version=request.POST.get("version", r.version),
                                       finding=form.finding())
        except services.ScreeningError as exc:
            name = (exc.field or "").split("-", 2)[-1]
            form.add_error(name if name in form.fields else None, exc.message)
        else:
            messages.success(request, "已补充排查发现")
            return redirect("screening:round", pk=r.pk)
    return render(request, "screening/add_finding.html", {"r": r, "form": form})


@login_required
def hazard_list(request):
    qs = HiddenDanger.objects.visible_to(request.user).select_related("organization", "risk", "dispute_type")
    status = request.GET.get("status", "open")
    if status in HiddenDanger.Status.values:
        qs = qs.filter(status=status)
    level = request.GET.get("level")
    if level:
        qs = qs.filter(risk__level=level)
    if request.GET.get("export") == "xlsx":
        from tiaojie.core.xlsx import sheet_bytes, xlsx_response
        from tiaojie.warnings.risk import LEVEL_LABELS

        rows = [(h.organization.name, h.found_on.isoformat(), str(h.dispute_type), h.facts, h.parties, h.people_count,
                 LEVEL_LABELS.get(getattr(getattr(h, "risk", None), "level", "none"), ""), h.responsible_person,
                 h.review_on.isoformat(), h.get_status_display()) for h in qs.order_by("review_on", "-id")[:50_000]]
        data = sheet_bytes("纠纷隐患", ("责任调委会", "发现日期", "纠纷类型", "隐患情况", "涉及当事人或群体", "涉及人数",
                                      "风险等级", "责任人", "复查日期", "状态"), rows,
                           widths=(30, 12, 14, 50, 24, 8, 8, 10, 12, 14))
        return xlsx_response(data, "纠纷隐患.xlsx")
    page = Paginator(qs.order_by("review_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "screening/hazards.html", {"page": page, "status": status, "level": level,
                                                      "statuses": HiddenDanger.Status.choices})


@login_required
def hazard_detail(request, pk):
    h = access.hazard_for(request.user, pk)
    from tiaojie.warnings.services import assessment_of

    a = assessment_of(hazard=h)
    update = HazardUpdateForm(initial={
        "version": h.version, "facts": h.facts, "people_count": h.people_count, "amount_at_stake": h.amount_at_stake,
        "measures": h.measures, "emergency_plan": h.emergency_plan, "responsible_person": h.responsible_person,
        "review_on": h.review_on})
    close = HazardCloseForm(initial={"version": h.version})
    level_form = LevelForm(initial={"level": a.level})
    action = request.POST.get("action")
    if request.method == "POST":
        h = access.hazard_for(request.user, pk, acting=True)
        try:
            if action == "update":
                update = HazardUpdateForm(request.POST)
                if update.is_valid():
                    services.update_hazard(request.user, h, **update.cleaned_data)
                    messages.success(request, "隐患信息已更新，风险等级已重新评估")
                    return redirect("screening:hazard", pk=h.pk)
            elif action == "close":
                close = HazardCloseForm(request.POST)
                if close.is_valid():
                    number = close.cleaned_data["case_number"].strip()
                    with transaction.atomic():
                        case = None
                        if close.cleaned_data["outcome"] == "converted" and number:
                            case = services.find_case_for_conversion(request.user, number)
                        services.close_hazard(request.user, h, outcome=close.cleaned_data["outcome"],
                                              note=close.cleaned_data["note"], version=close.cleaned_data["version"],
                                              case=case, prevention=close.prevention())
                    messages.success(request, "隐患已办结")
                    return redirect("screening:hazard", pk=h.pk)
            elif action == "level":
                level_form = LevelForm(request.POST)
                if level_form.is_valid():
                    try:
                        services.set_hazard_level(request.user, h, level=level_form.cleaned_data["level"],
                                                  reason=level_form.cleaned_data["reason"])
                    except DomainError as exc:
                        level_form.add_error(exc.field if exc.field in level_form.fields else None, exc.message)
                    else:
                        messages.success(request, "风险等级已调整")
                        return redirect("screening:hazard", pk=h.pk)
        except services.ScreeningError as exc:
            target = {"update": update, "close": close}.get(action, update)
            target.add_error(exc.field if exc.field in target.fields else None, exc.message)
    return render(request, "screening/hazard.html", {
        "h": h, "a": a, "update": update, "close": close, "level_form": level_form,
        "warnings": a.warnings.all() if a.pk else [],
        "editable": (h.status == HiddenDanger.Status.OPEN and permissions.allowed(request.user, "hazard.update")
                     and Scope.of(request.user).owns(h)),
    })


@login_required
def reminders(request):
    qs = Reminder.objects.visible_to(request.user).select_related("organization", "about")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "screening/reminders.html", {"page": page})


@login_required
def board(request):
    """排查履职看板: the units below the chosen one, worst first; a unit opens its own board."""
    scope = Scope.of(request.user)
    home = _org(request)
    unit = home
    chosen = request.GET.get("unit", "")
    if chosen:
        unit = Organization.objects.filter(pk=chosen).first() if chosen.isdigit() else None
        if unit is None or not scope.sees(unit):
            raise Http404("没有这个单位，或不在您的管辖范围内")
    if request.method == "POST":
        try:
            n = services.remind_missing(request.user, unit)
        except DomainError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已向未报单位及其上级发出催报提醒 {n} 条" if n else "未报单位均已提醒过，没有新的提醒")
        return redirect(reverse("screening:board") + f"?unit={unit.pk}")
    b = compliance.board(unit)
    trail = [o for o in unit.ancestors() if scope.sees(o)]
    return render(request, "screening/board.html", {
        "b": b, "unit": unit, "trail": trail, "home": home, "periods": compliance.distinct_periods(b.owed),
        "can_remind": permissions.allowed(request.user, "screening.remind") and b.total.missing > 0,
    })
