"""群众端 at phone width (390×844): apply with a photo and a one-time code read from the file
outbox; the committee accepts at its desk and sends the agreement for signing; the party follows
the case by its code, signs on the canvas, downloads the signed PDF and rates the mediation.
A second journey: an application the committee declines, the applicant told by SMS."""
import datetime as dt
import io
import json
import re

import pytest
from PIL import Image

from tiaojie.cases import transitions
from tiaojie.cases.models import Case, Status
from tiaojie.core import dates
from tiaojie.notify.services import send_pending
from tiaojie.public.models import Rating, Signature
from tiaojie.testing import PASSWORD, earlier_today, version_of

from .conftest import _context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = "13912345678"


@pytest.fixture
def mobile(browser):
    ctx = _context(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                   has_touch=True)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def outbox_file(settings, tmp_path):
    path = tmp_path / "outbox.jsonl"
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": "tiaojie.notify.backends.FileBackend",
                                        "email": "tiaojie.notify.backends.FileBackend"}
    settings.TIAOJIE_NOTIFY_FILE = path
    settings.TIAOJIE_PUBLIC_LIMITS = {"otp_phone_burst": (10, 1)}  # the journey asks twice within a minute
    return path


def code_from(path, phone=PHONE) -> str:
    send_pending()
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        m = json.loads(line)
        found = re.search(r"验证码(\d{6})", m["body"])
        if m["to"] == phone and found:
            return found.group(1)
    raise AssertionError("no code in the outbox file")


def messages_to(path, phone=PHONE) -> list[str]:
    send_pending()
    return [json.loads(x)["body"] for x in path.read_text(encoding="utf-8").splitlines() if json.loads(x)["to"] == phone]


def photo(tmp_path):
    p = tmp_path / "现场照片.jpg"
    Image.new("RGB", (80, 60), (90, 120, 150)).save(p, "JPEG")
    return p


def apply_online(page, base, outbox_file, tmp_path) -> str:
    page.goto(base + "/p/")
    page.locator("#go-apply").click()
    page.fill("#id_phone", PHONE)
    page.locator("#send-code").click()
    page.wait_for_url(re.compile(r"/p/apply/verify/$"))
    page.fill("#id_code", code_from(outbox_file))
    page.locator("#check-code").click()
    page.wait_for_url(re.compile(r"/p/apply/form/$"))
    page.fill("#id_name", "刘大海")
    page.fill("#id_other_name", "孙小梅")
    page.fill("#id_other_phone", "13987654321")
    page.fill("#id_claims", "请对方疏通排水沟。")
    page.locator("#id_facts").press_sequentially("邻居孙小梅家院墙排水沟堵塞，雨水流进我家院子，泡坏粮食损失2000元，多次协商没有结果。")
    # the facts suggest the type and the amount; one tap takes each
    neighbour = page.locator("#apply-help .help-type", has_text="邻里")
    neighbour.wait_for(timeout=30_000)
    neighbour.click()
    assert page.locator("#id_dispute_type option:checked").inner_text() == "邻里"
    page.locator("#help-amount").click()
    assert page.input_value("#id_amount_at_stake") == "2000"
    page.fill("#id_arose_on", "2026-11-01")
    page.select_option("#id_region", "410403001001")
    page.set_input_files("#id_files", str(photo(tmp_path)))
    assert page.locator("#pipl").is_visible()
    page.locator("#id_consent").check()
    page.locator("#submit-apply").click()
    page.locator("#apply-done").wait_for()
    assert "东安社区人民调解委员会" in page.locator("#apply-done").inner_text()
    assert page.locator("#done-reference").inner_text().startswith("网申")  # no case number before acceptance
    return page.locator("#done-code").inner_text().strip()


def staff_login(page, base, username="t_v1"):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/cases/todo/$"))


def test_apply_accept_track_sign_rate(world, live_server, mobile, page, outbox_file, tmp_path, artifacts):
    base = live_server.url
    code = apply_online(mobile, base, outbox_file, tmp_path)
    mobile.screenshot(path=str(artifacts / "public-applied.png"), full_page=True)
    case = Case.objects.get(tracking__code=code)
    assert case.status == Status.REGISTERED and case.attachments.count() == 1

    # the committee sees the bell and accepts at its desk
    staff_login(page, base)
    # the new application (and the yellow warning its facts raise: 多次协商未果)
    assert int(page.locator("#bell-count").inner_text()) >= 1
    page.goto(f"{base}/cases/{case.pk}/act/accept/")
    page.locator("#transition-form button[type=submit]").click()
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "public-accepted.png"), full_page=True)
    accepted = Case.objects.get(pk=case.pk)
    assert accepted.status == Status.ACCEPTED and accepted.numbered and accepted.number != case.number, page.url
    assert accepted.number.endswith("调字第0001号")  # the first of the committee's series
    assert any("已由东安社区人民调解委员会受理" in b for b in messages_to(outbox_file))
    user = world.users["v1"]
    case = Case.objects.get(pk=case.pk)
    transitions.assign(case, user, version=version_of(case), mediators=[user.mediator])
    transitions.record_session(case, user, version=version_of(case), held_at=earlier_today(hours=1),
                               place="东安社区调解室", participants="刘大海、孙小梅、王秀兰", content="双方同意疏通排水沟。")
    transitions.succeed(case, user, version=version_of(case), kind="written", terms="一、孙小梅于一周内疏通排水沟。",
                        facts="排水沟堵塞致雨水流入刘大海院内", issues="排水沟疏通", responsibilities="孙小梅负责疏通",
                        performance_method="自行疏通", performance_deadline=dates.today() + dt.timedelta(days=7))
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("#sign-ready").click()
    page.locator("#signers").wait_for()
    assert "待在线签名" in page.locator("#signers").inner_text()

    # the party follows the case by its code and signs on the phone
    mobile.goto(f"{base}/p/track/?code={code}")
    mobile.fill("#id_phone", PHONE)
    mobile.locator("#send-code").click()
    mobile.wait_for_url(re.compile(r"/p/track/verify/$"))
    mobile.fill("#id_code", code_from(outbox_file))
    mobile.locator("#check-code").click()
    mobile.locator("#stage").wait_for()
    assert mobile.locator("#stage").inner_text() == "调解成功"
    assert mobile.locator("#case-number").inner_text() == accepted.number
    assert "13987654321" not in mobile.content()
    mobile.locator("#go-sign").click()
    assert "孙小梅于一周内疏通排水沟" in mobile.locator("#agreement-text").inner_text()
    box = mobile.locator("#sign-pad").bounding_box()
    mobile.mouse.move(box["x"] + 20, box["y"] + 40)
    mobile.mouse.down()
    for i in range(1, 12):
        mobile.mouse.move(box["x"] + 20 + i * 20, box["y"] + 40 + (i % 3) * 25)
    mobile.mouse.up()
    mobile.locator("#id_agree").check()
    mobile.screenshot(path=str(artifacts / "public-signing.png"), full_page=True)
    mobile.locator("#sign-submit").click()
    mobile.locator("#signed").wait_for()
    sig = Signature.objects.get(case=case)
    assert bytes(sig.image).startswith(b"\x89PNG") and len(sig.text_sha256) == 64
    pdf = mobile.request.get(f"{base}/p/c/{code}/doc/agreement/")
    assert pdf.ok and pdf.body().startswith(b"%PDF") and b"/Image" in pdf.body()
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.body()))
    assert sum(len(p.images) for p in reader.pages) >= 1

    # and rates the mediation
    mobile.locator("#go-rate").click()
    mobile.locator("label", has_text="5分 非常满意").click()
    mobile.fill("#id_comment", "调解员很耐心")
    mobile.locator("#rate-submit").click()
    mobile.locator("#rated").wait_for()
    assert Rating.objects.get(case=case).score == 5
    page.goto(f"{base}/cases/{case.pk}/")
    assert "刘大海：已在线签名" in page.locator("#signers").inner_text()
    assert "刘大海：5分" in page.locator("#ratings").inner_text()


def test_a_declined_application(world, live_server, mobile, outbox_file, tmp_path):
    base = live_server.url
    code = apply_online(mobile, base, outbox_file, tmp_path)
    case = Case.objects.get(tracking__code=code)
    transitions.reject(case, world.users["v1"], version=version_of(case),
                       reason="该纠纷已由人民法院立案受理，请向卫东区人民法院了解进展")
    assert any("不予受理" in b and "人民法院立案受理" in b for b in messages_to(outbox_file))
    mobile.goto(f"{base}/p/track/?code={code}")
    mobile.fill("#id_phone", PHONE)
    mobile.locator("#send-code").click()
    mobile.fill("#id_code", code_from(outbox_file))
    mobile.locator("#check-code").click()
    assert mobile.locator("#stage").inner_text() == "不予受理"
    declined = Case.objects.get(pk=case.pk)
    assert not declined.numbered and mobile.locator("#case-number").inner_text() == declined.number  # 申请编号
    assert "人民法院立案受理" in mobile.content()
    assert "不予受理告知书" in mobile.locator("#docs").inner_text()
