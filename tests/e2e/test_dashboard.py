"""The city administrator reads the five-year figures on the dashboard, drills into the successful
cases, and downloads the yearly report as .xlsx."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.stats.helpers import make_case
from tiaojie.cases.models import Case
from tiaojie.stats import reports
from tiaojie.stats.models import AggregateReport
from tiaojie.testing import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _history(world):
    """Six cases accepted in 2016–2020 (four successful), one aggregate report, one case today."""
    spec = [("v1", "success", dt.date(2016, 3, 2)), ("v1", "success", dt.date(2018, 5, 9)),
            ("v2", "failed", dt.date(2019, 1, 7)), ("v3", "success", dt.date(2020, 6, 1)),
            ("v3", "success", dt.date(2020, 11, 20)), ("v2", "failed", dt.date(2020, 12, 30))]
    for org, outcome, day in spec:
        user = {"v3": "county2"}.get(org, "city")
        med = {"v1": "m1", "v2": "m2", "v3": "m3"}[org]
        c = make_case(world, org=org, outcome=outcome, amount="10000", user=user, mediator=med)
        Case.objects.filter(pk=c.pk).update(accepted_on=day, closed_on=day + dt.timedelta(days=3))
    make_case(world, org="v1")  # this year: outside 2016–2020
    AggregateReport.objects.create(organization=world.orgs["v3"], month=dt.date(2017, 4, 1), accepted=2,
                                   successful=2, amount=Decimal("5000"))


def test_dashboard_drilldown_and_yearly_report(world, live_server, page, artifacts, tmp_path):
    _history(world)
    base = live_server.url
    browser_login(page, base, "t_city")  # a city administrator: password and TOTP code
    page.wait_for_url(re.compile(r"/cases/todo/$"))

    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/stats/")
    page.fill("#id_start", "2016-01-01")
    page.fill("#id_end", "2020-12-31")
    page.locator("#scope-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"start=2016-01-01"))
    assert page.locator("#kpi-accepted-all").inner_text() == "8"  # 6 recorded + 2 aggregate
    assert page.locator("#kpi-succeeded-all").inner_text() == "6"
    assert page.locator("#kpi-amount").inner_text() == "4.50"  # 4 × 10,000 + 5,000 元
    assert page.locator("#kpi-entry").inner_text() == "75.0%"
    for chart in ("#chart-trend", "#chart-types", "#chart-sources", "#chart-kinds"):
        page.locator(f"{chart} canvas").first.wait_for()
    assert errors == []  # the charts' script ran through
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    page.locator("#kpi-succeeded").click()
    page.wait_for_url(re.compile(r"/cases/\?"))
    assert "共 4 件" in page.locator("body").inner_text()
    assert page.locator("#drill-conditions").is_visible()

    page.goto(base + "/stats/report/?start=2020-01-01&end=2020-12-31")
    with page.expect_download() as dl:
        page.locator("#download-xlsx").click()
    path = tmp_path / "report.xlsx"
    dl.value.save_as(path)
    ws = load_workbook(path).active
    total_row = next(r for r in range(6, 40) if ws.cell(r, 1).value == "合计")
    assert ws.cell(total_row, 2 + reports.KEYS.index("accepted_all")).value == 3
    assert ws.cell(total_row, 2 + reports.KEYS.index("succeeded_all")).value == 2
