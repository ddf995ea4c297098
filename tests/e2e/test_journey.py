"""A village mediator's whole case, then another village's mediator who must not see it."""
import re

import pytest
from django.utils import timezone

from tiaojie.cases.models import Case, Status
from tiaojie.testing import PASSWORD, make_id

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/cases/todo/$"))


def open_menu_if_collapsed(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#mainnav.show").wait_for()


def log_out(page):
    open_menu_if_collapsed(page)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))


def tiny_png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buf, "PNG")
    return buf.getvalue()


def do_action(page, label, fill=None):
    page.locator("#case-actions").get_by_role("link", name=label, exact=True).click()
    page.locator("#transition-form").wait_for()
    if fill:
        fill(page)
    page.get_by_role("button", name=f"确认{label}").click()
    page.locator("#case-header").wait_for()
    assert page.locator("#transition-error").count() == 0


def test_village_mediator_journey(world, live_server, page, artifacts):
    base = live_server.url
    log_in(page, base, "t_v1")
    assert page.locator("#count-registered").inner_text() == "0"

    # 登记: two parties, an extra row added and left empty
    page.get_by_role("link", name="登记纠纷").first.click()
    page.select_option("#id_source", "application")
    page.select_option("#id_channel", "window")
    page.select_option("#id_dispute_type", label="邻里")
    page.fill("#id_place_detail", "东安社区3号院")
    page.fill("#id_amount_at_stake", "3000")
    page.fill("#id_facts", "申请人与被申请人系邻居，因院墙排水问题发生争执。")
    page.fill("#id_claims", "请求被申请人改建排水沟。")
    page.fill("#id_parties-0-name", "刘大海")
    page.fill("#id_parties-0-id_number", make_id())
    page.fill("#id_parties-0-phone", "13912345678")
    page.fill("#id_parties-1-name", "孙小梅")
    page.fill("#id_parties-1-id_number", make_id(birth="19850505", seq="002"))
    page.get_by_role("button", name="＋ 添加当事人").click()
    assert page.locator("#party-rows .party-row").count() == 3
    page.get_by_role("button", name="登记", exact=True).click()
    page.locator("#case-header").wait_for()
    number = page.locator("#case-header h1").inner_text()
    assert re.fullmatch(r"（\d{4}）东安社区调字第\d{4}号", number)
    case = Case.objects.get(number=number)
    assert case.parties.count() == 2
    assert make_id() not in page.content()

    do_action(page, "受理")
    do_action(page, "指派调解员", lambda p: p.get_by_label(re.compile("^王秀兰")).check())
    do_action(page, "调解记录", lambda p: (
        p.fill("#id_place", "东安社区调解室"),
        p.fill("#id_participants", "刘大海、孙小梅、王秀兰"),
        p.fill("#id_content", "告知双方权利义务；双方陈述；经调解双方同意改建排水沟。"),
    ))
    deadline = (timezone.localdate() + timezone.timedelta(days=10)).isoformat()
    do_action(page, "调解成功", lambda p: (
        p.check("input[name=kind][value=written]"),
        p.fill("#id_issues", "排水沟位置及改建费用"),
        p.fill("#id_responsibilities", "被申请人负主要责任"),
        p.fill("#id_terms", "被申请人于十日内改建排水沟，并赔偿申请人损失2000元。"),
        p.fill("#id_performance_method", "现金一次性支付"),
        p.fill("#id_performance_deadline", deadline),
        p.fill("#id_amount", "2000"),
    ))
    do_action(page, "回访", lambda p: (
        p.check("input[name=performance][value=full]"),
        p.check("input[name=satisfaction][value=satisfied]"),
        p.fill("#id_notes", "已按协议履行"),
    ))
    # The case file needs the parties' identity proofs (身份证明) before it can be archived.
    page.locator("#documents-panel").get_by_role("link", name="文书、材料与卷宗").click()
    for party in ("申请人 刘大海", "被申请人 孙小梅"):
        page.select_option("select[name=kind]", "identity")
        page.select_option("select[name=party]", label=party)
        page.set_input_files("input[name=file]", files=[{"name": "id.png", "mimeType": "image/png",
                                                         "buffer": tiny_png()}])
        page.get_by_role("button", name="上传").click()
        page.get_by_text(party.split()[1]).first.wait_for()
    page.goto(f"{base}/cases/{case.pk}/")
    do_action(page, "归档")
    assert page.locator("#read-only-notice").inner_text().startswith("已归档，只读")
    assert page.locator("#case-actions").count() == 0
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED and case.agreement.amount == 2000
    assert page.locator("#timeline li").count() >= 7
    page.screenshot(path=str(artifacts / "case-detail.png"), full_page=True)

    # Revealing a full ID number is possible for the mediator and logged.
    page.locator("#parties").get_by_role("button", name="显示完整证件号").first.click()
    page.get_by_text(make_id()).wait_for()

    page.goto(base + "/cases/")
    page.get_by_role("link", name=number).wait_for()
    page.screenshot(path=str(artifacts / "case-list.png"), full_page=True)
    page.goto(base + "/cases/register/")
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_text("请至少填写一名当事人").wait_for()
    page.screenshot(path=str(artifacts / "register-errors.png"), full_page=True)

    # Another village's mediator sees nothing of it.
    log_out(page)
    log_in(page, base, "t_v2")
    page.goto(base + "/cases/")
    assert number not in page.content()
    page.fill("#id_q", number)
    page.get_by_role("button", name="查询").click()
    page.get_by_text("没有符合条件的案件").wait_for()
    page.fill("#id_q", "刘大海")
    page.get_by_role("button", name="查询").click()
    page.get_by_text("没有符合条件的案件").wait_for()
    resp = page.goto(f"{base}/cases/{case.pk}/")
    assert resp.status == 404
    assert "找不到该页面或案件" in page.content()
    resp = page.goto(f"{base}/cases/{case.pk}/act/follow_up/")
    assert resp.status == 404


def no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide at phone width"


def test_phone_width(world, live_server, phone_page, artifacts):
    from tiaojie.cases import transitions
    from tiaojie.testing import register_case, sample_case_fields, sample_parties

    u = world.users["v1"]
    for _ in range(2):
        c = register_case(u, organization=world.orgs["v1"], parties=sample_parties(),
                                   **sample_case_fields(world, arose_on=timezone.localdate()))
    c = transitions.accept(c, u, version=c.version)
    Case.objects.filter(pk=c.pk).update(due_on=timezone.localdate() - timezone.timedelta(days=3))

    page, base = phone_page, live_server.url
    log_in(page, base, "t_v1")
    assert page.locator("#count-registered").inner_text() == "1"
    assert page.locator("#count-overdue").inner_text() == "1"
    no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "phone-todo.png"), full_page=True)

    open_menu_if_collapsed(page)
    page.get_by_role("link", name="案件列表").click()
    page.wait_for_url(re.compile(r"/cases/$"))
    assert page.locator(".badge-overdue").first.is_visible()
    no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "phone-list.png"), full_page=True)

    # Buttons are big enough to tap.
    box = page.get_by_role("button", name="查询").bounding_box()
    assert box["height"] >= 40

    page.goto(f"{base}/cases/{c.pk}/")
    no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "phone-detail.png"), full_page=True)
    page.goto(f"{base}/cases/register/")
    no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "phone-register.png"), full_page=True)
