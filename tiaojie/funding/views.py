"""Funding pages: calculations and payment lists, standards, budgets. Thin: the rules live in
``services``; every read goes through ``services.visible_runs``/``counties_in_scope``."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tiaojie.core import permissions
from tiaojie.core.xlsx import sheet_bytes
from tiaojie.core.xlsx import xlsx_response as _xlsx_response
from tiaojie.funding import services
from tiaojie.funding.forms import ComputeForm, SubsidyStandardForm
from tiaojie.funding.models import PaymentLine, SubsidyStandard, TierRule


def _supervisor(request):
    services.require_supervisor(request.user)


def _year(request) -> int:
    try:
        y = int(request.GET.get("year", ""))
        return y if 2011 <= y <= 2100 else timezone.localdate().year
    except ValueError:
        return timezone.localdate().year


@login_required
def index(request):
    _supervisor(request)
    form = ComputeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            run = services.compute(request.user, d["county"], d["year"], d["month"])
        except services.FundingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已核算{run}：{run.lines.count()}条，合计{run.total}元")
            return redirect("funding:run", run.pk)
    runs = services.visible_runs(request.user).select_related("county", "approved_by").annotate(
        n=Count("lines"))[:120]
    return render(request, "funding/index.html", {"form": form, "runs": runs})


def _run(request, pk):
    _supervisor(request)
    return get_object_or_404(services.visible_runs(request.user).select_related("county"), pk=pk)


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    lines = list(run.lines.select_related("mediator", "organization", "case").order_by("kind", "organization__path",
                                                                                          "mediator__name", "id"))
    for ln in lines:
        ln.id_shown = ln.mediator.id_masked if ln.mediator_id else ""
    by_kind = {r["kind"]: r for r in run.lines.values("kind").annotate(n=Count("id"), s=Sum("amount"))}
    summary = [(label, by_kind.get(k, {}).get("n", 0), by_kind.get(k, {}).get("s") or 0)
               for k, label in PaymentLine.Kind.choices]
    return render(request, "funding/run_detail.html", {"run": run, "lines": lines, "summary": summary})


@login_required
@require_POST
def run_approve(request, pk):
    run = _run(request, pk)
    try:
        services.approve(request.user, run)
        messages.success(request, "发放名单已审核，名单已锁定")
    except services.FundingError as exc:
        messages.error(request, exc.message)
    return redirect("funding:run", run.pk)


@login_required
@require_POST
def run_recompute(request, pk):
    run = _run(request, pk)
    try:
        run = services.compute(request.user, run.county, run.year, run.month)
        messages.success(request, f"已重新核算，合计{run.total}元")
    except services.FundingError as exc:
        messages.error(request, exc.message)
    return redirect("funding:run", run.pk)


@login_required
@require_POST
def run_discard(request, pk):
    run = _run(request, pk)
    try:
        services.discard(request.user, run)
    except services.FundingError as exc:
        messages.error(request, exc.message)
        return redirect("funding:run", run.pk)
    messages.success(request, "已删除该待审核名单")
    return redirect("funding:index")


PAYMENT_HEADERS = ("序号", "类别", "调解员", "身份证号", "联系电话", "调解组织", "案号", "案件等级", "金额（元）", "说明")


@login_required
@require_GET
def run_export(request, pk):
    """The payment list (发放名单) as .xlsx; ID numbers and phones always masked."""
    run = _run(request, pk)
    rows, total = [], 0.0
    lines = run.lines.select_related("mediator", "organization", "case").order_by("kind", "organization__path", "id")
    for i, ln in enumerate(lines, start=1):
        m = ln.mediator
        rows.append((i, ln.get_kind_display(), m.name if m else "", m.id_masked if m else "",
                     m.phone_masked if m else "", ln.organization.name, ln.case.number if ln.case_id else "",
                     ln.get_tier_display() if ln.tier else "", float(ln.amount), ln.note))
        total += float(ln.amount)
    data = sheet_bytes("发放名单", PAYMENT_HEADERS, rows, widths=(6, 10, 10, 22, 16, 34, 28, 8, 12, 30),
                       total_row=("合计", "", "", "", "", "", "", "", total, run.get_status_display()))
    return _xlsx_response(data, f"经费发放名单-{run.county.name}-{run.year}年{run.month}月.xlsx")


@login_required
def standards(request):
    _supervisor(request)
    can_edit = permissions.allowed(request.user, "funding.standards")
    form = None
    if can_edit:
        form = SubsidyStandardForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            services.save_standard(request.user, form)
            messages.success(request, "已新增补贴标准")
            return redirect("funding:standards")
    elif request.method == "POST":
        permissions.require(request.user, "funding.standards")
    counties = services.counties_in_scope(request.user)
    items = (SubsidyStandard.objects.filter(county__isnull=True) | SubsidyStandard.objects.filter(county__in=counties)
             ).select_related("county")
    return render(request, "funding/standards.html", {
        "form": form, "items": items, "rules": TierRule.objects.filter(is_active=True)})


@login_required
def budgets(request):
    _supervisor(request)
    year = _year(request)
    rows = services.budget_rows(request.user, year)
    return render(request, "funding/budgets.html", {"rows": rows, "year": year,
                                                    "years": range(timezone.localdate().year, 2015, -1)})


@login_required
@require_GET
def budget_export(request):
    _supervisor(request)
    year = _year(request)
    rows = [(r["county"].name, float(r["allocated"]) if r["allocated"] is not None else None, float(r["spent"]),
             float(r["left"]) if r["left"] is not None else None,
             f"{r['share']:.1%}" if r["share"] is not None else "") for r in services.budget_rows(request.user, year)]
    data = sheet_bytes(f"{year}年经费预算执行", ("县（市、区）", "预算（元）", "已发放（元）", "结余（元）", "执行率"), rows,
                       widths=(24, 14, 14, 14, 10))
    return _xlsx_response(data, f"经费预算执行-{year}年.xlsx")
