"""Every figure on hand-built data; report = dashboard = drill-down; rollups = live."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.stats.helpers import make_case, this_year
from tiaojie.cases.models import Source
from tiaojie.routing import services as routing_services
from tiaojie.stats import figures, reports, rollups
from tiaojie.stats.models import AggregateReport
from tiaojie.testing import effects, version_of
from tiaojie.warnings.models import PreventionOutcome


@pytest.fixture
def data(world):
    c1 = make_case(world, org="v1", amount="1000", performance="full")
    c2 = make_case(world, org="v1", agreement="oral", amount="500", source=Source.INITIATIVE, type_code="01")
    c3 = make_case(world, org="v2", outcome="failed", source=Source.COURT, user="township", mediator="m2")
    c4 = make_case(world, org="v3", amount="2500", performance="partial", user="county2", mediator="m3")
    make_case(world, org="v1", outcome="registered")  # not accepted: counted nowhere
    # 司法确认 through the steps that record it (the case keeps a copy of the court's result)
    jc = routing_services.apply_confirmation(c1, world.users["v1"], version=version_of(c1), applied_on=c1.closed_on,
                                             applicants="甲、乙", court_name="卫东区人民法院",
                                             court_org=world.orgs["court"])
    routing_services.record_court_result(jc, world.users["court"], version=version_of(c1), accepted=True,
                                         answered_on=c1.closed_on, decision="confirmed", decided_on=c1.closed_on,
                                         number="（2026）豫0403民特调确字第1号")
    PreventionOutcome.objects.create(case=c2, suicide=True, suicide_persons=1, criminal=True, criminal_persons=3)
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4}


def test_every_figure(world, data):
    t = figures.compute(world.orgs["city"], this_year()).total
    assert t["accepted"] == 4 and t["accepted_all"] == 4
    assert t["succeeded"] == 3 and t["closed"] == 4
    assert t["success_rate"] == pytest.approx(0.75)
    assert t["amount_wan"] == Decimal("0.4")
    assert (t["oral"], t["written"], t["performed"], t["followed"], t["confirmed"]) == (1, 2, 1, 2, 1)
    assert (t["acc_initiative"], t["acc_application"], t["acc_referred"]) == (1, 2, 1)
    assert (t["prev_suicide"], t["prev_suicide_p"], t["prev_criminal"], t["prev_criminal_p"]) == (1, 1, 1, 3)
    assert t["entry_rate"] == 1.0
    weidong = figures.compute(world.orgs["weidong"], this_year()).total
    assert weidong["accepted"] == 3 and weidong["succeeded"] == 2
    fig = figures.compute(world.orgs["city"], this_year())
    assert fig.facet("type")["01"]["accepted"] == 1 and fig.facet("type")["02"]["accepted"] == 3
    assert fig.facet("kind")["村/社区"]["accepted"] == 4
    kids = fig.facet("child")
    assert kids[str(world.orgs["weidong"].pk)]["accepted"] == 3
    assert kids[str(world.orgs["baofeng"].pk)]["accepted"] == 1
    month = timezone.localdate().replace(day=1)
    assert figures.derive(fig.by_month[month])["accepted"] == 4


def test_period_excludes_other_years(world, data):
    last = timezone.localdate().year - 1
    assert figures.compute(world.orgs["city"], figures.Period.year(last)).total["accepted"] == 0


def test_entry_rate_formula(world, data):
    AggregateReport.objects.create(organization=world.orgs["v2"], month=dt.date(timezone.localdate().year, 1, 1),
                                   accepted=6, successful=5, amount=Decimal("20000"), by_type={"01": 4})
    fig = figures.compute(world.orgs["city"], this_year())
    t = fig.total
    assert t["agg_accepted"] == 6 and t["accepted_all"] == 10
    assert t["entry_rate"] == pytest.approx(0.4)  # 4 ÷ (4 + 6)
    assert t["succeeded_all"] == 8 and t["amount_wan"] == Decimal("2.4")
    # Only the accepted cases are split by type: the whole report is its own row (汇总上报未分类型), so
    # that one row's accepted and successful come from the same cases.
    types = fig.facet("type")
    assert types[""]["agg_accepted"] == 6 and types[""]["agg_succeeded"] == 5
    assert types.get("01", {}).get("agg_accepted", 0) == 0


def test_aggregate_report_split_by_type_keeps_each_row_whole(world, data):
    AggregateReport.objects.create(organization=world.orgs["v2"], month=dt.date(timezone.localdate().year, 1, 1),
                                   accepted=6, successful=5, amount=Decimal("20000"), by_type={"01": 4, "02": 2},
                                   success_by_type={"01": 3, "02": 2},
                                   amount_by_type={"01": "15000", "02": "5000.00"})
    types = figures.compute(world.orgs["city"], this_year()).facet("type")
    assert (types["01"]["agg_accepted"], types["01"]["agg_succeeded"]) == (4, 3)
    assert (types["02"]["agg_accepted"], types["02"]["agg_succeeded"]) == (2, 2)
    assert types["01"]["amount_wan"] - types["01"]["amount_wan_individual"] == Decimal("1.5")
    assert "" not in types or types[""]["agg_accepted"] == 0
    for row in types.values():
        assert row["succeeded_all"] <= row["accepted_all"]


def test_rollup_equals_live(world, data, settings):
    settings.TIAOJIE_STATS_ROLLUP_MIN = 1
    rollups.rebuild_due(full=True)
    for key in ("city", "weidong", "dongan"):
        rolled = figures.compute(world.orgs[key], this_year())
        live = figures.compute(world.orgs[key], this_year(), live=True)
        assert rolled.source == "rollup" and live.source == "live"
        assert rolled.cells == {k: dict(v) for k, v in live.cells.items()}


def test_rollup_marks_changes_dirty(world, data, settings):
    settings.TIAOJIE_STATS_ROLLUP_MIN = 1
    rollups.rebuild_due(full=True)
    assert not figures.compute(world.orgs["city"], this_year()).stale
    with effects():  # the change is noted after the write commits
        make_case(world)
    fig = figures.compute(world.orgs["city"], this_year())
    assert fig.stale and fig.total["accepted"] == 4  # shown with "数据更新于"
    rollups.rebuild_due()
    assert figures.compute(world.orgs["city"], this_year()).total["accepted"] == 5


@pytest.mark.parametrize("rolled", [False, True])
def test_report_dashboard_and_drilldown_agree(world, data, login, settings, rolled):
    if rolled:
        settings.TIAOJIE_STATS_ROLLUP_MIN = 1
        rollups.rebuild_due(full=True)
    p = this_year()
    client = login(world.users["city"])
    q = {"start": p.start.isoformat(), "end": p.end.isoformat()}
    dash = client.get(reverse("stats:dashboard"), q)
    assert dash.status_code == 200
    fig = dash.context["fig"]
    rep = client.get(reverse("stats:report"), q).context["tab"]
    assert rep["total"]["values"]["succeeded"] == fig.total["succeeded"] == 3
    for measure, expected in (("accepted", 4), ("succeeded", 3), ("oral", 1), ("written", 2), ("performed", 1),
                              ("confirmed", 1), ("acc_referred", 1)):
        url = figures.drill_url(measure, world.orgs["city"], p)
        listed = client.get(url).context["page"].paginator.count
        assert listed == fig.total[measure] == expected, measure
    # per child row of the report
    for row in rep["rows"]:
        cell = next(c for c in row["cells"] if c["key"] == "succeeded_all")
        assert client.get(cell["url"]).context["page"].paginator.count == row["values"]["succeeded"]
    assert sum(r["values"]["accepted_all"] for r in rep["rows"]) == rep["total"]["values"]["accepted_all"]


def test_township_scope_sees_only_its_subtree(world, data, login):
    client = login(world.users["township"])
    r = client.get(reverse("stats:dashboard"))
    assert r.context["fig"].total["accepted"] == 3  # v1 (2) and v2 (1); not v3
    assert r.context["node"] == world.orgs["dongan"]


def test_scope_refused(world, data, login):
    client = login(world.users["county"])
    for name in ("stats:dashboard", "stats:report", "stats:assessment"):
        r = client.get(reverse(name), {"organization": world.orgs["baofeng"].pk})
        assert r.status_code == 403
        assert "管辖范围" in r.content.decode()


def test_period_start_after_end(world, login):
    client = login(world.users["city"])
    r = client.get(reverse("stats:dashboard"), {"start": "2020-12-31", "end": "2016-01-01"})
    assert r.status_code == 200
    assert "开始日期不能晚于结束日期" in r.content.decode()
    assert "fig" not in r.context or r.context.get("fig") is None
    r = client.get(reverse("stats:report"), {"start": "2020-13-01"})
    assert "请输入有效的日期" in r.content.decode()


def test_screening_drilldown(world, login):
    from tiaojie.screening.models import ScreeningRound

    today = timezone.localdate()
    ScreeningRound.objects.create(organization=world.orgs["v1"], cadence="week", period_key="x1",
                                  period_start=today, period_end=today, screened_from=today, screened_to=today,
                                  screeners="甲", places="村里", is_zero_report=True)
    fig = figures.compute(world.orgs["city"], this_year())
    assert fig.total["rounds"] == 1
    client = login(world.users["city"])
    r = client.get(figures.drill_url("rounds", world.orgs["city"], this_year()))
    assert r.context["page"].paginator.count == 1


def test_dashboard_type_chart_leaves_out_types_without_accepted_cases(world, data, login):
    """A screening round counts under no type: the chart gets no "未分类型" row with 0 for it."""
    from tiaojie.screening.models import ScreeningRound

    today = timezone.localdate()
    ScreeningRound.objects.create(organization=world.orgs["v1"], cadence="week", period_key="x1",
                                  period_start=today, period_end=today, screened_from=today, screened_to=today,
                                  screeners="甲", places="村里", is_zero_report=True)
    p = this_year()
    assert "" in figures.compute(world.orgs["city"], p).facet("type")  # the round's cell, 0 accepted
    dash = login(world.users["city"]).get(reverse("stats:dashboard"), {"start": p.start, "end": p.end})
    chart = dash.context["chart_data"]
    assert "汇总上报（未分类型）" not in chart["types"] and 0 not in chart["type_counts"]
    assert sum(chart["type_counts"]) == dash.context["tot"]["accepted_all"] == 4
    AggregateReport.objects.create(organization=world.orgs["v2"], month=p.start, accepted=6, successful=5,
                                   amount=Decimal("20000"), by_type={"01": 4})  # types don't cover it: own row
    chart = login(world.users["city"]).get(reverse("stats:dashboard"),
                                           {"start": p.start, "end": p.end}).context["chart_data"]
    assert chart["types"][0] == "汇总上报（未分类型）" and chart["type_counts"][0] == 6


def test_report_xlsx_total_row(world, data, login):
    from io import BytesIO

    from openpyxl import load_workbook

    p = this_year()
    client = login(world.users["city"])
    r = client.get(reverse("stats:report"), {"start": p.start.isoformat(), "end": p.end.isoformat(), "format": "xlsx"})
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    assert any(isinstance(m, object) and m.min_row == 4 and m.max_row == 5 for m in ws.merged_cells.ranges)
    col = 2 + reports.KEYS.index("accepted_all")
    total_row = next(row for row in range(6, 40) if ws.cell(row, 1).value == "合计")
    body = [ws.cell(row, col).value for row in range(6, total_row)]
    assert ws.cell(total_row, col).value == 4 == sum(body)
    assert ws.cell(total_row, 2 + reports.KEYS.index("succeeded_all")).value == 3


def test_dashboard_defaults_to_the_last_12_months_beside_a_year_earlier(world, data, login):
    from tiaojie.cases.models import Case

    today = timezone.localdate()
    period = figures.Period.last_12_months(today)
    assert period.month_aligned and len(period.months()) == 12 and period.start <= today <= period.end
    earlier = period.year_earlier()
    assert earlier.month_aligned and len(earlier.months()) == 12 and earlier.end < period.start
    Case.objects.filter(pk=data["c4"].pk).update(accepted_on=earlier.start + dt.timedelta(days=3))
    dash = login(world.users["city"]).get(reverse("stats:dashboard"))
    assert dash.status_code == 200
    assert (dash.context["period"].start, dash.context["period"].end) == (period.start, period.end)
    assert dash.context["tot"]["accepted_all"] == 3 and dash.context["before"]["accepted_all"] == 1
    assert dash.context["change"]["accepted_all"] == "+200.0%"
    assert "去年同期 1" in dash.content.decode()
    assert sum(dash.context["chart_data"]["accepted_year_earlier"]) == 1


def test_superuser_without_an_organization_sees_the_whole_city(world, data, client):
    from django.contrib.auth import get_user_model

    from tiaojie.testing import PASSWORD

    get_user_model().objects.create_superuser("root2", password=PASSWORD)
    client.login(username="root2", password=PASSWORD)
    dash = client.get(reverse("stats:dashboard"))
    assert dash.status_code == 200 and dash.context["node"] == world.orgs["city"]
    assert dash.context["tot"]["accepted"] == 4


def test_year_earlier_of_a_leap_day():
    p = figures.Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29)).year_earlier()
    assert (p.start, p.end) == (dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    p = figures.Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)).year_earlier()
    assert (p.start, p.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))


def test_odd_period_reads_whole_months_from_rollups_and_counts_the_edges(world, data, settings):
    settings.TIAOJIE_STATS_ROLLUP_MIN = 1
    rollups.rebuild_due(full=True)
    today = timezone.localdate()
    odd = figures.Period(today.replace(day=1) - dt.timedelta(days=45), today)
    inner, edges = figures.split_months(odd)
    assert inner is not None and inner.month_aligned and edges and all(e.end < inner.start or e.start > inner.end for e in edges)
    for key in ("city", "weidong"):
        mixed = figures.compute(world.orgs[key], odd)
        live = figures.compute(world.orgs[key], odd, live=True)
        assert mixed.source == "rollup" and live.source == "live"
        assert mixed.cells == {k: dict(v) for k, v in live.cells.items()}
    assert figures.compute(world.orgs["city"], odd).total["accepted"] == 4


def test_totals_only_agree_with_the_whole_figures(world, data, settings):
    """The dashboard's year earlier is counted for its totals only (no row per organization and
    type): the same total and months as the whole count, from rollups with live edges or live."""
    settings.TIAOJIE_STATS_ROLLUP_MIN = 1
    rollups.rebuild_due(full=True)
    today = timezone.localdate()
    for period in (figures.Period(today.replace(day=1) - dt.timedelta(days=45), today),
                   figures.Period.last_12_months(today), figures.Period(today - dt.timedelta(days=3), today)):
        for key in ("city", "weidong", "dongan", "v1"):
            for live in (False, True):
                whole = figures.compute(world.orgs[key], period, live=live)
                totals = figures.compute(world.orgs[key], period, live=live, totals=True)
                assert totals.total == whole.total and totals.total["accepted"] == whole.total["accepted"]
                assert {m: dict(v) for m, v in totals.by_month.items()} == {m: dict(v) for m, v in whole.by_month.items()}
    assert figures.compute(world.orgs["city"], figures.Period.last_12_months(today), totals=True).total["accepted"]


def test_split_months():
    P = figures.Period
    assert figures.split_months(P(dt.date(2026, 1, 1), dt.date(2026, 3, 31))) == (P(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), [])
    inner, edges = figures.split_months(P(dt.date(2026, 1, 15), dt.date(2026, 3, 10)))
    assert inner == P(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert edges == [P(dt.date(2026, 1, 15), dt.date(2026, 1, 31)), P(dt.date(2026, 3, 1), dt.date(2026, 3, 10))]
    assert figures.split_months(P(dt.date(2026, 1, 5), dt.date(2026, 1, 20))) == (None, [P(dt.date(2026, 1, 5), dt.date(2026, 1, 20))])


def test_refresh_now_is_queued_once_and_runs_in_the_background(world, data, login, settings, monkeypatch):
    from django_q.conf import Conf
    from django_q.models import OrmQ

    from tiaojie.stats.models import RollupChange

    settings.TIAOJIE_STATS_ROLLUP_MIN = 1
    c = login(world.users["city"])
    r = c.post(reverse("stats:refresh"), follow=True)
    assert "已安排刷新统计汇总" in r.content.decode()
    assert [q.name() for q in OrmQ.objects.all()] == [rollups.REFRESH_TASK]
    r = c.post(reverse("stats:refresh"), follow=True)
    assert "正在刷新中" in r.content.decode() and OrmQ.objects.count() == 1
    # the dashboard follows it instead of offering the button again: waiting, then running
    rollups.rebuild_due(full=True)  # (what the worker will do; the pages read rollups now)
    html = c.get(reverse("stats:dashboard")).content.decode()
    assert 'id="refresh-state"' in html and "等待后台任务" in html and "立即刷新</button>" not in html
    OrmQ.objects.update(lock=timezone.now() + dt.timedelta(minutes=30))  # a worker has taken it
    html = c.get(reverse("stats:dashboard")).content.decode()
    assert "正在后台刷新" in html and 'http-equiv="refresh"' in html
    assert rollups.refresh_state() == {"running": True, "queued_at": None}
    # run by a worker (django-q2's sync mode runs the task in place): the change rows are consumed
    OrmQ.objects.all().delete()
    monkeypatch.setattr(Conf, "SYNC", True)
    with effects():
        rollups.mark_dirty(timezone.localdate())
    assert RollupChange.objects.exists()
    c.post(reverse("stats:refresh"))
    assert not RollupChange.objects.exists()


def test_report_xlsx_writes_an_organization_name_as_text(world, data, login):
    """The report goes through the one formula-safe writer (tiaojie.core.xlsx): a name that starts
    with "=" is text with a quote prefix, keeps the table's borders, and no cell is a formula."""
    from io import BytesIO

    from openpyxl import load_workbook

    weidong = world.orgs["weidong"]
    weidong.name = '=HYPERLINK("http://evil.example","卫东")'
    weidong.save()
    p = this_year()
    r = login(world.users["city"]).get(reverse("stats:report"), {"start": p.start.isoformat(),
                                                                  "end": p.end.isoformat(), "format": "xlsx"})
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)
    name = next(c for c in cells if c.value == weidong.name)
    assert name.data_type == "s" and name.quotePrefix and name.border.left.style == "thin"
    # the layout survives the move to the shared writer: title, merged headers, number formats
    assert ws["A1"].value.endswith("人民调解工作统计表") and ws["A1"].font.sz == 16
    from openpyxl.utils import get_column_letter

    assert {str(m) for m in ws.merged_cells.ranges} >= {f"A1:{get_column_letter(1 + len(reports.KEYS))}1", "A4:A5"}
    col = 2 + reports.KEYS.index("success_rate")
    assert ws.cell(name.row, col).number_format == "0.00%"
    assert ws.freeze_panes == "B6"


def test_edge_months_equal_the_straightforward_count(world, data, settings):
    """An odd period (whole months from rollups, the partial months at its ends counted live from
    the case rows) gives, for every scope, what counting its cases one by one gives — the
    agreement's amount and form read from the agreement itself, not from the case's copy."""
    from tiaojie.cases.models import Agreement, Case, Outcome

    settings.TIAOJIE_STATS_ROLLUP_MIN = 1
    today = timezone.localdate()
    first = today.replace(day=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)  # the whole month before this one
    odd = figures.Period(prev - dt.timedelta(days=20), first + dt.timedelta(days=4))
    # spread the cases over the edges, the whole month and outside: both edge months, one day
    # before the period, the first and last day of the period
    extra = [make_case(world, org="v2", amount="70.5", user="township", mediator="m2"),
             make_case(world, org="v3", agreement="oral", amount="0", user="county2", mediator="m3"),
             make_case(world, org="v1", outcome="failed"), make_case(world, org="v1", amount="12.34", type_code="01")]
    days = [odd.start, odd.start - dt.timedelta(days=1), prev + dt.timedelta(days=3), odd.end,
            odd.start + dt.timedelta(days=5), prev, first, odd.end + dt.timedelta(days=1)]
    for c, day in zip([*data.values(), *extra], days, strict=True):
        Case.objects.filter(pk=c.pk).update(accepted_on=day)
    rollups.rebuild_due(full=True)
    inner, edges = figures.split_months(odd)
    assert inner is not None and len(edges) == 2

    def straightforward(node) -> dict:
        out = {k: 0 for k in ("accepted", "succeeded", "closed", "amount_fen", "oral", "written")}
        for c in Case.objects.filter(organization__path__startswith=node.path, accepted_on__gte=odd.start,
                                     accepted_on__lte=odd.end):
            out["accepted"] += 1
            out["closed"] += c.outcome in (Outcome.SUCCESS, Outcome.FAILED, Outcome.TERMINATED)
            if c.outcome == Outcome.SUCCESS:
                out["succeeded"] += 1
                ag = Agreement.objects.filter(case=c).first()
                if ag is not None:
                    out["amount_fen"] += int(ag.amount * 100)
                    out["oral"] += ag.kind == "oral"
                    out["written"] += ag.kind == "written"
        return out

    for key in ("city", "weidong", "dongan", "v1"):
        node = world.orgs[key]
        expected = straightforward(node)
        for fig in (figures.compute(node, odd), figures.compute(node, odd, totals=True)):
            got = {k: fig.total[k] for k in expected}
            assert got == expected, (key, fig.source)
    city = figures.compute(world.orgs["city"], odd)
    assert city.source == "rollup" and city.total["accepted"] == 6 and city.total["amount_fen"] == 357_050  # 1000 + 2500 + 70.50 + 0
    assert city.total == figures.compute(world.orgs["city"], odd, live=True).total


def test_largest_scopes_read_the_edges_of_an_odd_period_from_day_rollups(world, data, settings):
    """The largest scopes keep rollups by day: an odd period's partial months are read from them
    and give what a live count gives, per cell and per month; a change in an edge month shows
    the figures as stale until the rebuild; a month rebuilt without a node's days (before the day
    rollups existed) has its edges counted live, not read as zero."""
    from tiaojie.cases.models import Case
    from tiaojie.orgs.models import Organization
    from tiaojie.stats.models import RollupDay, RollupState

    city = world.orgs["city"]
    settings.TIAOJIE_STATS_ROLLUP_MIN = 1
    # the city, and no county, keeps days
    settings.TIAOJIE_STATS_DAY_ROLLUP_MIN = Organization.objects.filter(path__startswith=city.path).count() - 1
    today = timezone.localdate()
    first = today.replace(day=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    odd = figures.Period(prev - dt.timedelta(days=20), first + dt.timedelta(days=4))
    for c, day in zip(data.values(), [odd.start, odd.start - dt.timedelta(days=1), odd.end, first], strict=True):
        Case.objects.filter(pk=c.pk).update(accepted_on=day)
    rollups.rebuild_due(full=True)
    assert set(RollupDay.objects.values_list("node_id", flat=True)) == {city.pk}
    assert RollupDay.objects.filter(node=city, day=odd.start, facet="total").exists()
    for key in ("city", "weidong"):
        fig = figures.compute(world.orgs[key], odd)
        live = figures.compute(world.orgs[key], odd, live=True)
        assert fig.source == "rollup" and not fig.stale and fig.as_of is not None
        assert fig.cells == {k: dict(v) for k, v in live.cells.items()}
        assert {m: dict(v) for m, v in fig.by_month.items()} == {m: dict(v) for m, v in live.by_month.items()}
        totals = figures.compute(world.orgs[key], odd, totals=True)
        assert totals.total == live.total
    assert figures.compute(city, odd).total["accepted"] == 3
    # a period inside one month: read from the days alone
    short = figures.Period(first, first + dt.timedelta(days=4))
    assert figures.split_months(short)[0] is None
    assert figures.compute(city, short).source == "rollup"
    assert figures.compute(city, short).total == figures.compute(city, short, live=True).total
    # a change in an edge month after the rebuild: stale until rebuilt, then counted
    with effects():
        c = make_case(world, org="v2", user="township", mediator="m2")
    Case.objects.filter(pk=c.pk).update(accepted_on=odd.end)
    rollups.mark_dirty(odd.end, committed=True)
    fig = figures.compute(city, odd)
    assert fig.stale and fig.total["accepted"] == 3
    rollups.rebuild_due()
    assert figures.compute(city, odd).total["accepted"] == 4
    # months rebuilt before their days were kept: the edges are counted live
    RollupDay.objects.all().delete()
    RollupState.objects.update(day_nodes=[])
    assert figures.compute(city, odd).total == figures.compute(city, odd, live=True).total
    assert figures.compute(city, odd).total["accepted"] == 4
