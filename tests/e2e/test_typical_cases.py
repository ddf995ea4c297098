"""Typical cases (典型案例库): the village nominates its closed case from the case page, checks the
anonymised draft and submits it; once the city has published it, anyone finds it on a phone at
/gk/ by words and reads it — with no name or phone of the original."""
import re

import pytest

from tests.e2e.test_court_referral import log_in
from tests.routing.helpers import mediate_to_success, register
from tiaojie.cases.models import Case
from tiaojie.portal import services
from tiaojie.portal.models import TypicalCase

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_nominate_publish_and_read_on_a_phone(world, live_server, page, phone_page, artifacts):
    base = live_server.url
    case = register(world, "v1", "v1", facts="刘大海（电话13912345678）与孙小梅因院墙排水沟堵塞发生争执。")
    mediate_to_success(case, world.users["v1"], terms="孙小梅赔偿刘大海1500元并疏通排水沟。", amount=1500)
    case = Case.objects.get(pk=case.pk)

    # 1. the village nominates from the case page and submits the checked draft
    log_in(page, base, "t_v1")
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("#typical-nominate").click()
    page.wait_for_url(re.compile(r"/typical/\d+/edit/$"))
    assert "刘大海" not in page.input_value("#id_facts") and "刘某某" in page.input_value("#id_facts")
    page.fill("#id_title", "院墙排水沟引发的邻里纠纷")
    page.fill("#id_comment", "小事不出村，邻里纠纷就地化解。")
    page.locator("#typical-submit").click()
    page.wait_for_url(re.compile(r"/typical/\d+/$"))
    assert page.locator("#typical-status").inner_text() == "待审核"

    # 2. the city publishes (its pages need a second factor; the service is what they call)
    t = TypicalCase.objects.get()
    services.approve(world.users["city"], t, version=t.version)

    # 3. anyone, on a phone, without logging in
    p = phone_page
    p.goto(base + "/gk/")
    p.fill("#gk-q", "排水沟")
    p.locator("#gk-search").click()
    p.wait_for_url(re.compile(r"/gk/\?q="))
    assert "找到 1 个案例" in p.locator("#gk-count").inner_text()
    p.get_by_text("院墙排水沟引发的邻里纠纷").click()
    p.wait_for_url(re.compile(r"/gk/\d+/$"))
    body = p.locator("#gk-case").inner_text()
    assert "刘某某" in body and "1500元" in body
    for gone in ("刘大海", "孙小梅", "13912345678"):
        assert gone not in p.content()
    assert p.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    p.screenshot(path=str(artifacts / "typical-case-phone.png"), full_page=True)
