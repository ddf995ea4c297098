"""数据大屏: the page shell, its JSON (areas per county, 同比, warnings red first) and its scope."""
import pytest
from django.urls import reverse

from tests.stats.helpers import make_case

pytestmark = pytest.mark.django_db


def test_screen_data_per_county_with_a_year_earlier(world, login):
    make_case(world, org="v1", amount="1000")
    make_case(world, org="v3", outcome="failed", user="county2", mediator="m3")
    c = login(world.users["city"])
    page = c.get(reverse("stats:screen"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "citymaps/%E5%B9%B3%E9%A1%B6%E5%B1%B1%E5%B8%82.js" in html and 'data-metric="accepted_all"' in html
    d = c.get(reverse("stats:screen_data")).json()
    areas = {a["region"]: a for a in d["areas"]}
    assert set(areas) == {"卫东区", "宝丰县"}
    assert areas["卫东区"]["accepted_all"] == 1 and areas["卫东区"]["success_rate"] == 100.0
    assert areas["宝丰县"]["accepted_all"] == 1 and areas["宝丰县"]["success_rate"] == 0.0
    assert d["kpis"]["accepted_all"]["value"] == 2 and d["kpis"]["accepted_all"]["before"] == 0
    assert len(d["trend"]["months"]) == 12 == len(d["trend"]["year_earlier"])
    assert areas["卫东区"]["screening_rate"] == 0.0  # nothing filed in the test world


def test_screen_warnings_red_first(world, login):
    from tiaojie.testing import version_of
    from tiaojie.warnings import services as warnings

    low = make_case(world, org="v1", outcome="registered")
    high = make_case(world, org="v3", outcome="registered", user="county2")
    for case, level in ((low, "orange"), (high, "red")):
        warnings.set_case_level(case, world.users["city"], version=version_of(case), level=level, reason="测试预警等级")
    d = login(world.users["city"]).get(reverse("stats:screen_data")).json()
    assert [w["level"] for w in d["warnings"]][:2] == ["red", "orange"]
    assert d["kpis"]["warnings"] >= 2


def test_screen_keeps_to_the_scope(world, login):
    c = login(world.users["county"])
    assert c.get(reverse("stats:screen_data"), {"organization": world.orgs["city"].pk}).status_code == 403
    d = c.get(reverse("stats:screen_data")).json()
    assert d["node"] == world.orgs["weidong"].name
    assert c.get(reverse("stats:screen"), {"metric": "<script>"}).status_code == 200
