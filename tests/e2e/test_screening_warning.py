"""A village mediator files a weekly report with one finding recorded as a hidden danger whose facts
say a party "扬言要堵村委会大门"; the township user sees a warning of orange or higher in the warning
center and acknowledges it."""
import re

import pytest

from tiaojie.screening.models import HiddenDanger
from tiaojie.testing import PASSWORD
from tiaojie.warnings.models import Warning

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/cases/todo/$"))


def test_weekly_report_hazard_raises_warning_township_acknowledges(world, live_server, browser, artifacts):
    base = live_server.url
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    log_in(page, base, "t_v1")
    page.goto(base + "/screening/")
    page.get_by_role("link", name="填报排查报告").click()
    page.fill("#id_places", "东安社区各楼院、农贸市场")
    row = page.locator(".finding-row").first
    row.locator("textarea[name$='-facts']").fill("村民张某因宅基地边界与邻居争执，扬言要堵村委会大门")
    row.locator("select[name$='-dispute_type']").select_option(label="03 房屋宅基地")
    row.locator("input[name$='-parties_desc']").fill("张某、李某两户")
    row.locator("textarea[name$='-measures']").fill("调委会上门劝解，约定周五现场勘界")
    row.locator("textarea[name$='-emergency_plan']").fill("安排专人盯守，情绪激化时报告派出所")
    row.locator("input[name$='-responsible_person']").fill("王秀兰")
    page.get_by_role("button", name="上报").click()
    page.get_by_text("排查报告已上报").wait_for()
    h = HiddenDanger.objects.get()
    assert h.risk.level in ("orange", "red") and "扬言" in h.risk.explanation
    page.screenshot(path=str(artifacts / "screening-round.png"), full_page=True)
    ctx.close()

    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    log_in(page, base, "t_township")
    page.goto(base + "/warnings/")
    item = page.locator("#warning-list a", has_text="扬言要堵村委会大门")
    item.wait_for()
    assert re.search("橙色|红色", item.inner_text())
    page.screenshot(path=str(artifacts / "warning-center.png"), full_page=True)
    item.click()
    page.get_by_role("button", name="签收").click()
    page.get_by_text("已保存").wait_for()
    w = Warning.objects.get(assessment__hazard=h)
    assert w.status == Warning.Status.ACKNOWLEDGED
    assert "签收" in page.locator(".timeline").inner_text()
    ctx.close()
