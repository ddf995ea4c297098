"""数据大屏 in a real browser: the county map draws from the npm boundaries, figures fill in."""
import re

import pytest

from tests.stats.helpers import make_case
from tiaojie.testing import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_presentation_screen_draws_the_county_map(world, live_server, page, artifacts):
    make_case(world, org="v1", amount="1000")
    make_case(world, org="v3", outcome="failed", user="county2", mediator="m3")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, live_server.url, "t_city")
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(live_server.url + "/stats/screen/?metric=success_rate")
    page.wait_for_selector("#screen[data-loaded]")
    assert page.evaluate("!!echarts.getMap('平顶山')")          # the boundaries came from npm, offline
    assert page.locator("#chart-map canvas").count() == 1
    assert page.locator("#screen-map-note").is_hidden()
    assert page.locator("[data-kpi=accepted_all] b").inner_text() == "2"
    assert re.search(r"去年同期 0", page.locator("[data-kpi=accepted_all] small").inner_text())
    page.screenshot(path=str(artifacts / "screen.png"))
    assert errors == []
