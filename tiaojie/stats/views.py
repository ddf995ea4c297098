"""Statistics pages: dashboard (数据看板), report tables (统计报表), aggregate reports (汇总上报),
assessment (考核) and the screening drill-down list. Thin: figures come from ``figures``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tiaojie.cases.models import Case
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import kinds_in_group
from tiaojie.orgs.selectors import visible_orgs
from tiaojie.security.redirects import safe_next
from tiaojie.stats import assessment, figures, reports, rollups, services
from tiaojie.stats.forms import AggregateReportForm, CorrectionForm, ScopePeriodForm
from tiaojie.stats.models import AggregateReport
from tiaojie.stats.satisfaction import satisfaction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


def _scope_form(request):
    """The scope/period form; a scope outside the user's subtree is refused (403)."""
    chosen = request.GET.get("organization")
    if chosen:
        if not chosen.isdigit() or not visible_orgs(request.user).filter(pk=chosen).exists():
            raise PermissionDenied("您无权查看该单位的统计数据（不在您的管辖范围内）")
    if Scope.of(request.user).home() is None and not chosen:
        raise PermissionDenied("您的账号未关联单位，请选择统计范围")
    form = ScopePeriodForm(request.GET or None, user=request.user)
    if not form.is_bound:
        form = ScopePeriodForm({}, user=request.user)
    valid = form.is_valid()
    return form, valid


def _change(now, before) -> str:
    """同比: the change against a year earlier as a signed percentage ("" when there is no base)."""
    now, before = float(now or 0), float(before or 0)
    if not before:
        return ""
    pct = (now - before) / before * 100
    return f"{pct:+.1f}%"


@login_required
def dashboard(request):
    form, valid = _scope_form(request)
    ctx = {"form": form, "here_stats": "dashboard"}
    if valid:
        node, period = form.scope(), form.period()
        fig = figures.compute(node, period)
        tot = fig.total
        links = {m: figures.drill_url(m, node, period) for m in
                 ("accepted", "succeeded", "found", "prevented", "rounds", "oral", "written", "performed", "confirmed",
                  "acc_initiative", "acc_application", "acc_referred")}
        tab = reports.table(fig)
        tnames = figures.type_names()
        # the types with accepted cases (screening rounds count under no type: no "未分类型"
        # row with 0 on the chart; aggregate reports not split by type keep their own row)
        types = sorted(((k, v) for k, v in fig.facet("type").items() if v["accepted_all"]),
                       key=lambda kv: -kv[1]["accepted_all"])
        # every month of the period on the trend line (a month with no case shows 0, not a gap)
        months = period.months() if len(period.months()) <= 120 else sorted(fig.by_month)
        # the same period a year earlier, beside this one (同比)
        earlier_period = period.year_earlier()
        earlier = figures.compute(node, earlier_period, totals=True)  # only its totals are shown
        before = earlier.total
        change = {k: _change(tot[k], before[k]) for k in ("found", "prevented", "accepted_all", "succeeded_all",
                                                           "amount_wan")}
        earlier_by_month = {(m.year + 1, m.month): figures.derive(v)["accepted_all"] for m, v in earlier.by_month.items()}
        chart = {
            "months": [figures.month_label(m) for m in months],
            "accepted": [figures.derive(fig.by_month.get(m, {}))["accepted_all"] for m in months],
            "succeeded": [figures.derive(fig.by_month.get(m, {}))["succeeded_all"] for m in months],
            "accepted_year_earlier": [earlier_by_month.get((m.year, m.month), 0) for m in months],
            "types": [tnames.get(k, "汇总上报（未分类型）") for k, _ in types],
            "type_counts": [v["accepted_all"] for _, v in types],
            "sources": [{"name": figures.FIGURE_LABELS[k], "value": tot[k]}
                        for k in ("acc_initiative", "acc_application", "acc_referred")],
            "kinds": [{"name": r["label"], "value": r["values"]["accepted_all"]} for r in tab["by_kind"]],
        }
        ranking = sorted(tab["rows"], key=lambda r: -r["values"]["accepted_all"])
        if request.GET.get("export") == "ranking":
            return _xlsx(reports.simple_xlsx("下级单位排名", ["名次", "单位", "受理", "调解成功", "成功率", "协议金额（万元）", "信息化录入率"], [
                [i, r["label"], r["values"]["accepted_all"], r["values"]["succeeded_all"],
                 reports.fmt("success_rate", r["values"]["success_rate"]), float(r["values"]["amount_wan"]),
                 reports.fmt("entry_rate", r["values"]["entry_rate"])] for i, r in enumerate(ranking, 1)]),
                "ranking.xlsx")
        ctx.update(node=node, period=period, fig=fig, tot=tot, links=links, tab=tab, ranking=ranking,
                   chart_data=chart, earlier_period=earlier_period, before=before, change=change,
                   satisfaction=satisfaction(node, period),
                   refresh=rollups.refresh_state() if fig.source == "rollup" else None,
                   query=request.GET.urlencode())
    return render(request, "stats/dashboard.html", ctx)


@login_required
def report(request):
    form, valid = _scope_form(request)
    ctx = {"form": form}
    if valid:
        node, period = form.scope(), form.period()
        sub = services.latest_submission(node, period)
        live = figures.compute(node, period)
        fig = services.figures_from_submission(sub) if sub else live
        tab = reports.table(fig)
        if request.GET.get("format") == "xlsx":
            state = f"已报送第{sub.version}版" if sub else "未报送"
            data = reports.to_xlsx(f"{node.name}人民调解工作统计表", f"统计期间：{period.label}（{state}）", tab)
            return _xlsx(data, f"report-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx")
        changed = bool(sub) and reports.table(live, links=False)["total"]["values"] != tab["total"]["values"]
        ctx.update(node=node, period=period, fig=fig, tab=tab, sub=sub, changed=changed,
                   refresh=rollups.refresh_state() if fig.source == "rollup" else None,
                   history=services.ReportSubmission.objects.filter(organization=node, start=period.start,
                                                                    end=period.end).order_by("-version"),
                   correction=CorrectionForm(), query=request.GET.urlencode())
    return render(request, "stats/report.html", ctx)


@login_required
@require_POST
def submit(request):
    form = ScopePeriodForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("stats:report")
    node, period = form.scope(), form.period()
    if not Scope.of(request.user).sees(node):
        raise PermissionDenied("该单位不在您的管辖范围内")
    try:
        sub = services.submit_report(request.user, node, period, reason=request.POST.get("reason", ""))
        messages.success(request, f"报表已报送（第{sub.version}版），数据已冻结")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    q = f"organization={node.pk}&start={period.start}&end={period.end}"
    return redirect(reverse("stats:report") + "?" + q)


@login_required
@require_POST
def refresh(request):
    """Rebuild the rollups of changed and recent months soon (on demand), in the background: at a
    province's volume a rebuild takes tens of seconds, too long for a request."""
    if not (request.user.is_superuser or request.user.role in ("city_admin", "county_staff")):
        raise PermissionDenied("只有市、县管理人员可以刷新统计汇总")
    if rollups.queue_rebuild():
        messages.success(request, "已安排刷新统计汇总：后台完成前本页显示进度并自动更新")
    else:
        messages.info(request, "统计汇总正在刷新中，请稍后刷新本页")
    nxt = request.POST.get("next") or request.GET.get("next")
    return redirect(safe_next(request, nxt, reverse("stats:dashboard")))


@login_required
def aggregates(request):
    form_p, valid = _scope_form(request)
    entry = AggregateReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and entry.is_valid():
        d = entry.cleaned_data
        try:
            services.save_aggregate(request.user, organization=d["organization"], month=d["month"],
                                    accepted=d["accepted"], successful=d["successful"], amount=d["amount"],
                                    by_type=d["by_type"])
            messages.success(request, f"已保存{d['organization'].name}{d['month']:%Y年%m月}的汇总上报")
            return redirect(request.get_full_path())
        except ValidationError as exc:
            for fname, errs in exc.message_dict.items():
                entry.add_error(fname if fname in entry.fields else None, errs)
    ctx = {"form": form_p, "entry": entry}
    if valid:
        node, period = form_p.scope(), form_p.period()
        qs = (AggregateReport.objects.filter(organization__path__startswith=node.path,
                                             month__gte=period.start.replace(day=1), month__lte=period.end)
              .select_related("organization").order_by("-month", "organization__path"))
        if request.GET.get("group"):
            qs = qs.filter(organization__kind__in=kinds_in_group(request.GET["group"]))
        only = services.aggregate_only_committees(node, period)
        if request.GET.get("export") == "only":
            return _xlsx(reports.simple_xlsx("仅汇总上报的调委会", ["单位", "类别"],
                                             [[o.name, o.get_kind_display()] for o in only]), "aggregate-only.xlsx")
        if request.GET.get("export") == "reports":
            return _xlsx(reports.simple_xlsx("汇总上报", ["单位", "月份", "受理", "调解成功", "协议金额（元）"], [
                [a.organization.name, f"{a.month:%Y-%m}", a.accepted, a.successful, float(a.amount)] for a in qs]),
                "aggregates.xlsx")
        ctx.update(node=node, period=period, page=Paginator(qs, 50).get_page(request.GET.get("page")),
                   only=only, query=request.GET.urlencode())
    return render(request, "stats/aggregates.html", ctx)


@login_required
def assessment_view(request):
    form, valid = _scope_form(request)
    ctx = {"form": form}
    if valid:
        node, period = form.scope(), form.period()
        level = request.GET.get("level") if request.GET.get("level") in assessment.LEVELS else "county"
        indicators, scores = assessment.assess(node, period, level)
        if request.GET.get("export") == "xlsx":
            head = ["名次", "单位", "总分"] + [f"{i.get_code_display()}（值）" for i in indicators] + [
                f"{i.get_code_display()}（得分/{i.weight}）" for i in indicators]
            rows = [[s.rank, s.org.name, s.total] + [reports.fmt("success_rate", s.values.get(i.code)) for i in indicators]
                    + [s.parts.get(i.code) for i in indicators] for s in scores]
            return _xlsx(reports.simple_xlsx("考核", head, rows), "assessment.xlsx")
        ctx.update(node=node, period=period, indicators=indicators, scores=scores, level=level,
                   levels=[(k, v[1]) for k, v in assessment.LEVELS.items()], query=request.GET.urlencode())
    return render(request, "stats/assessment.html", ctx)


@login_required
def records(request):
    """Drill-down of screening figures: rounds, findings or prevented hidden dangers (live)."""
    from tiaojie.screening.models import Finding, HiddenDanger, ScreeningRound

    form, valid = _scope_form(request)
    what = request.GET.get("what", "rounds")
    prevention = {m for m in figures.PREVENTION_MEASURES if not m.endswith("_p")}
    if not valid or what not in ("rounds", "found", "prevented", *prevention):
        return render(request, "stats/records.html", {"form": form, "what": what, "page": None})
    node, period = form.scope(), form.period()
    group, type_code = request.GET.get("group", ""), request.GET.get("type", "")
    org_kinds = kinds_in_group(group) if group else None
    if what in prevention:
        qs = _prevention_records(request.user, node, period, what.removeprefix("prev_"), org_kinds, type_code)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(request, "stats/records.html", {"form": form, "what": "prevention", "page": page, "node": node,
                                                      "period": period, "label": figures.FIGURE_LABELS[what],
                                                      "persons": f"{what.removeprefix('prev_')}_persons"})
    if what == "rounds":
        qs = ScreeningRound.objects.visible_to(request.user).filter(
            organization__path__startswith=node.path, period_start__gte=period.start,
            period_start__lte=period.end).select_related("organization").order_by("-period_start", "id")
    elif what == "found":
        qs = Finding.objects.filter(round__in=ScreeningRound.objects.visible_to(request.user)).filter(
            round__organization__path__startswith=node.path, round__period_start__gte=period.start,
            round__period_start__lte=period.end).select_related("round__organization", "case", "hazard").order_by("-id")
    else:
        qs = figures.prevented_hazards(HiddenDanger.objects.visible_to(request.user).filter(
            organization__path__startswith=node.path), period).select_related("organization").order_by("-found_on")
    if org_kinds is not None:
        prefix = {"rounds": "organization__", "found": "round__organization__"}.get(what, "organization__")
        qs = qs.filter(**{f"{prefix}kind__in": org_kinds})
    if type_code and what == "prevented":
        qs = qs.filter(Q(dispute_type__code=type_code) | Q(dispute_type__parent__code=type_code))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "stats/records.html", {"form": form, "what": what, "page": page, "node": node,
                                                  "period": period, "label": figures.FIGURE_LABELS[what]})


def _prevention_records(user, node, period, key, org_kinds, type_code):
    """预防成效 rows behind a prevention figure: closed cases (by accepted date) and hidden dangers
    (by found date) in the scope, as ``figures`` counts them."""
    from tiaojie.screening.models import HiddenDanger
    from tiaojie.warnings.models import PreventionOutcome

    cases = Case.objects.visible_to(user).filter(organization__path__startswith=node.path,
                                                 accepted_on__gte=period.start, accepted_on__lte=period.end)
    hazards = HiddenDanger.objects.visible_to(user).filter(organization__path__startswith=node.path,
                                                           found_on__gte=period.start, found_on__lte=period.end)
    if org_kinds is not None:
        cases, hazards = cases.filter(organization__kind__in=org_kinds), hazards.filter(organization__kind__in=org_kinds)
    if type_code:
        t = Q(dispute_type__code=type_code) | Q(dispute_type__parent__code=type_code)
        cases, hazards = cases.filter(t), hazards.filter(t)
    return (PreventionOutcome.objects.filter(**{key: True})
            .filter(Q(case__in=cases) | Q(hazard__in=hazards))
            .select_related("case__organization", "hazard__organization").order_by("-id"))


# --- 数据大屏: the presentation mode for the meeting room -------------------------------------------

SCREEN_METRICS = {
    "accepted_all": "受理纠纷（件）",
    "success_rate": "调解成功率",
    "amount_wan": "协议金额（万元）",
    "found": "排查发现（件）",
    "warnings": "在办预警（条）",
    "screening_rate": "排查按时上报率",
}


@login_required
def screen(request):
    """Full screen, dark, refreshing itself: a map of the city's counties coloured by a chosen
    figure, the key figures beside a year earlier, the monthly trend against last year, the
    open warnings (red first) and the types. The page is a shell; ``screen_data`` fills it."""
    form, valid = _scope_form(request)
    node = form.scope() if valid else None
    metric = request.GET.get("metric", "accepted_all")
    if metric not in SCREEN_METRICS:
        metric = "accepted_all"
    city_region = None
    if node is not None:
        city_region = node.region
        while city_region.parent_id and city_region.level not in ("city",):
            city_region = city_region.parent
    query = request.GET.copy()
    query.pop("metric", None)
    return render(request, "stats/screen.html", {
        "form": form, "node": node, "metric": metric, "metrics": SCREEN_METRICS,
        "map_file": f"citymaps/{city_region.name}.js" if city_region is not None else "",
        "map_name": city_region.name if city_region is not None else "",
        "data_url": reverse("stats:screen_data") + ("?" + query.urlencode() if query else ""),
        "refresh_seconds": 60,
    })


@login_required
def screen_data(request):
    """The figures of the presentation screen as JSON (refreshed by the page every minute)."""
    from tiaojie.screening import compliance
    from tiaojie.warnings.models import Warning
    from tiaojie.warnings.services import visible_warnings

    form, valid = _scope_form(request)
    if not valid:
        return JsonResponse({"errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400)
    node, period = form.scope(), form.period()
    earlier_period = period.year_earlier()
    fig, earlier = figures.compute(node, period), figures.compute(node, earlier_period)
    tot, before = fig.total, earlier.total

    children = list(visible_orgs(request.user).filter(parent=node, is_active=True).select_related("region"))
    facet = fig.facet("child")
    board = {r.unit.pk: r for r in compliance.board(node).rows}
    open_warnings = visible_warnings(request.user).filter(responsible__path__startswith=node.path).exclude(
        status=Warning.Status.RESOLVED)
    per_child: dict[int, int] = {}
    for path in open_warnings.values_list("responsible__path", flat=True):
        rest = path[len(node.path):].split("/", 1)[0]
        if rest.isdigit():
            per_child[int(rest)] = per_child.get(int(rest), 0) + 1
    areas = []
    for o in children:
        d = figures.derive(facet.get(str(o.pk), {}))
        row = board.get(o.pk)
        areas.append({
            "id": o.pk, "name": o.name, "region": o.region.name, "code": o.region.code,
            "accepted_all": d["accepted_all"], "success_rate": round(d["success_rate"] * 100, 1) if d["accepted_all"] else None,
            "amount_wan": float(d["amount_wan"]), "found": d["found"], "warnings": per_child.get(o.pk, 0),
            "screening_rate": round(row.on_time / row.owed * 100, 1) if row and row.owed else None,
        })
    months = period.months()
    earlier_by_month = {(m.year + 1, m.month): figures.derive(v)["accepted_all"] for m, v in earlier.by_month.items()}
    tnames = figures.type_names()
    types = sorted(fig.facet("type").items(), key=lambda kv: -kv[1].get("accepted", 0))[:10]
    level_rank = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
    latest = sorted(open_warnings.order_by("respond_by")[:200], key=lambda w: (level_rank.get(w.level, 9), w.respond_by))
    now = timezone.now()

    def kpi(key, fmt=lambda x: x):
        return {"value": fmt(tot[key]), "before": fmt(before[key]), "change": _change(tot[key], before[key])}

    return JsonResponse({
        "node": node.name, "period": period.label, "earlier": earlier_period.label,
        "updated": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S"),
        "kpis": {
            "accepted_all": kpi("accepted_all"), "succeeded_all": kpi("succeeded_all"),
            "success_rate": {"value": round(tot["success_rate"] * 100, 2) if tot["accepted_all"] else None,
                             "before": round(before["success_rate"] * 100, 2) if before["accepted_all"] else None},
            "amount_wan": kpi("amount_wan", float), "found": kpi("found"), "prevented": kpi("prevented"),
            "warnings": open_warnings.count(),
        },
        "areas": areas,
        "trend": {"months": [figures.month_label(m) for m in months],
                  "accepted": [figures.derive(fig.by_month.get(m, {}))["accepted_all"] for m in months],
                  "year_earlier": [earlier_by_month.get((m.year, m.month), 0) for m in months]},
        "types": [{"name": tnames.get(k, "未分类"), "value": v.get("accepted", 0)} for k, v in types],
        "warnings": [{"level": w.level, "level_label": w.get_level_display(), "title": w.title,
                      "org": w.responsible.name, "overdue": w.respond_by < now,
                      "respond_by": timezone.localtime(w.respond_by).strftime("%m-%d %H:%M")} for w in latest[:12]],
    })
