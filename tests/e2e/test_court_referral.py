"""A court liaison refers a case; the township clerk sees it routed to the right committee; after a
successful mediation the court liaison sees the outcome."""
import re

import pytest

from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.routing.models import Referral
from tiaojie.testing import PASSWORD, earlier_today, version_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COURT_REF = "（2026）豫0403民诉前调88号"


def log_in(page, base, username):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/cases/todo/$"))


def log_out(page, base):
    page.goto(base + "/routing/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login/"))


def mediate(case, user):
    """The committee's own steps (driven through the state machine; their pages are tested elsewhere)."""
    transitions.accept(case, user, version=version_of(case))
    transitions.assign(case, user, version=version_of(case), mediators=[user.mediator])
    transitions.record_session(case, user, version=version_of(case), held_at=earlier_today(hours=1), place="光华社区调解室",
                               participants="周某、吴某、李国强", content="双方就停车位使用达成一致。")
    transitions.succeed(case, user, version=version_of(case), kind="oral", terms="吴某让出3号车位并赔偿周某500元。", amount=500)


def test_court_referral_round_trip(world, live_server, page, artifacts):
    base = live_server.url

    # 1. the court liaison refers a neighbours' dispute for pre-litigation mediation
    log_in(page, base, "t_court")
    page.goto(base + "/routing/")
    page.locator("#new-referral-court").click()
    page.locator("#linkage-form").wait_for()
    page.fill("#id_external_ref", COURT_REF)
    page.select_option("#id_mode", "delegated")
    page.select_option("#id_dispute_type", label="邻里")
    page.select_option("#id_region", "410403001002")
    page.fill("#id_place_detail", "光华社区5号楼")
    page.fill("#id_facts", "原被告系同一小区业主，因停车位使用发生争执，原告诉至法院。")
    page.fill("#id_claims", "判令被告停止占用车位并赔偿损失。")
    page.fill("#id_applicant_name", "周某")
    page.fill("#id_respondent_name", "吴某")
    page.get_by_role("button", name="移送").click()
    page.locator("#case-number").wait_for()
    assert page.locator("#case-org").inner_text() == "光华社区人民调解委员会"
    assert "分流至光华社区人民调解委员会" in page.locator(".alert-success").inner_text()
    number = page.locator("#case-number").inner_text()
    case = Case.objects.get(number=number)
    assert Referral.objects.get(case=case).external_ref == COURT_REF
    page.screenshot(path=str(artifacts / "court-referral-sent.png"), full_page=True)
    log_out(page, base)

    # 2. the township clerk sees it routed to the village committee of the place, with the rule
    log_in(page, base, "t_township")
    page.goto(base + "/routing/referrals/")
    row = page.locator("#referral-table tbody tr", has_text=number)
    assert "光华社区人民调解委员会" in row.inner_text()
    row.get_by_role("link", name=number).click()
    panel = page.locator("#linkage-panel")
    assert "一般纠纷由发生地村（社区）调委会就地化解" in panel.inner_text()
    assert COURT_REF in page.locator("#referral-info").inner_text()
    log_out(page, base)

    # 3. the committee mediates successfully
    mediate(Case.objects.get(pk=case.pk), world.users["v2"])

    # 4. the court liaison sees the outcome
    log_in(page, base, "t_court")
    page.goto(base + "/routing/referrals/")
    row = page.locator("#referral-table tbody tr", has_text=number)
    assert "调解成功" in row.locator(".referral-outcome").inner_text()
    row.get_by_role("link", name=number).click()
    outcome = page.locator("#case-outcome").inner_text()
    assert "调解成功" in outcome and "吴某让出3号车位" in outcome and "500" in outcome
    assert page.locator("#btn-transfer").count() == 0  # read-only for the court
    page.screenshot(path=str(artifacts / "court-referral-outcome.png"), full_page=True)
