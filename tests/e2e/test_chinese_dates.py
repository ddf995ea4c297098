"""Dates in Chinese whatever the browser's language, and a valid ID number filling 出生日期/性别."""
import re

import pytest

from tiaojie.testing import browser_login, make_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_page(browser):
    ctx = browser.new_context(locale="en-US", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    yield ctx.new_page()
    ctx.close()


def test_calendar_is_chinese_in_an_english_browser_and_id_fills_birth_and_sex(world, live_server, english_page, artifacts):
    page = english_page
    browser_login(page, live_server.url, "t_v1")
    page.goto(live_server.url + "/cases/register/")
    field = page.locator("#id_arose_on")
    assert field.get_attribute("type") == "text"   # not the browser's own (English) date input
    field.click()
    picker = page.locator(".tj-picker")
    picker.wait_for()
    head = picker.locator(".tj-picker-head span").inner_text()
    assert re.fullmatch(r"\d{4}年\d{1,2}月", head)
    page.screenshot(path=str(artifacts / "chinese-calendar.png"))
    assert picker.locator("th").all_inner_texts() == ["一", "二", "三", "四", "五", "六", "日"]
    picker.get_by_role("button", name="上个月").click()          # the month before
    picker.locator("button[data-day]").filter(has_text=re.compile(r"^15$")).click()
    assert re.fullmatch(r"\d{4}-\d{2}-15", field.input_value())
    assert page.locator(".tj-picker").count() == 0

    page.fill("#id_parties-0-id_number", make_id(birth="19850505", seq="002"))   # 17th digit even: 女
    birth = page.locator("#id_parties-0-birth_date").input_value()
    assert birth == "1985-05-05"
    assert page.locator("#id_parties-0-gender").input_value() == "女"

