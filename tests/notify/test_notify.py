"""The outbox: templates as data, encrypted storage, backends (file, memory, HTTP SMS gateway
against a local server), retries, the job and the staff bell."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse

from tiaojie.notify import services
from tiaojie.notify.backends import MemoryBackend
from tiaojie.notify.models import Message, MessageTemplate, Notice

pytestmark = pytest.mark.django_db

MEM = "tiaojie.notify.backends.MemoryBackend"


@pytest.fixture
def memory(settings):
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": MEM, "email": MEM}
    MemoryBackend.outbox = []
    return MemoryBackend.outbox


def test_templates_are_seeded_data():
    codes = set(MessageTemplate.objects.values_list("code", flat=True))
    assert {"otp", "application_received", "application_accepted", "application_declined", "session_scheduled",
            "agreement_ready", "jc_reminder", "follow_up_request"} <= codes


def test_queue_renders_the_template_and_stores_encrypted(memory):
    MessageTemplate.objects.filter(code="otp").update(body="码{code}，{missing}完")
    m = services.queue("otp", "13912345678", code="123456")
    raw = Message.objects.values("to_enc", "body_enc", "to_masked").get(pk=m.pk)
    assert "13912345678" not in raw["to_enc"] and "123456" not in raw["body_enc"]
    assert raw["to_masked"] == "139****5678"
    m.refresh_from_db()
    assert m.body == "码123456，完" and m.state == Message.State.PENDING
    assert services.send_pending() == 1
    assert memory == [{"to": "13912345678", "subject": "", "body": "码123456，完"}]
    m.refresh_from_db()
    assert m.state == Message.State.SENT and m.attempts == 1
    assert services.send_pending() == 0  # never twice


def test_empty_address_queues_nothing(memory):
    assert services.queue("otp", "", code="1") is None
    assert Message.objects.count() == 0


class Broken:
    def send(self, to, subject, body):
        raise OSError("gateway down")


def test_failures_are_retried_later_then_given_up(settings):
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": "tests.notify.test_notify.Broken"}
    settings.TIAOJIE_NOTIFY_MAX_ATTEMPTS = 3
    m = services.queue("otp", "13912345678", code="1")
    assert services.send_pending() == 0
    m.refresh_from_db()
    assert m.state == Message.State.PENDING and m.attempts == 1 and "gateway down" in m.last_error
    assert m.next_attempt_at > m.created_at
    assert services.send_pending() == 0  # not due yet
    Message.objects.filter(pk=m.pk).update(next_attempt_at=m.created_at)
    services.send_pending()
    Message.objects.filter(pk=m.pk).update(next_attempt_at=m.created_at)
    services.send_pending()
    m.refresh_from_db()
    assert m.state == Message.State.FAILED and m.attempts == 3


def test_file_backend_and_the_command(settings, tmp_path):
    out = tmp_path / "outbox.jsonl"
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": "tiaojie.notify.backends.FileBackend"}
    settings.TIAOJIE_NOTIFY_FILE = out
    services.queue("otp", "13912345678", code="654321", purpose="测试", minutes=5)
    call_command("send_notifications")
    line = json.loads(out.read_text().splitlines()[-1])
    assert line["to"] == "13912345678" and "654321" in line["body"] and "测试" in line["body"]


def test_the_job_is_scheduled():
    from tiaojie import jobs

    assert any(func == "tiaojie.jobs.send_notifications" for _n, func, _m, _q in jobs.SCHEDULES)


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    answer = (200, {"code": 0, "message": "ok"})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Gateway.received.append({"auth": self.headers.get("Authorization"), "body": json.loads(self.rfile.read(n))})
        status, body = Gateway.answer
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received = []
    Gateway.answer = (200, {"code": 0})
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": "tiaojie.notify.backends.HttpSmsBackend"}
    settings.TIAOJIE_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.TIAOJIE_SMS_USER, settings.TIAOJIE_SMS_PASSWORD, settings.TIAOJIE_SMS_TOKEN = "acct", "secret", ""
    settings.TIAOJIE_SMS_SIGN = "【调解】"
    yield Gateway
    server.shutdown()
    server.server_close()


def test_http_sms_gateway(gateway):
    services.queue("otp", "13912345678", code="111222", purpose="查询", minutes=5)
    assert services.send_pending() == 1
    got = gateway.received[0]
    assert got["auth"] == "Basic YWNjdDpzZWNyZXQ="  # acct:secret
    assert got["body"]["phone"] == "13912345678" and "111222" in got["body"]["text"] and got["body"]["sign"] == "【调解】"


def test_http_sms_gateway_refusals_are_retried(gateway, settings):
    gateway.answer = (200, {"code": 41, "message": "余额不足"})
    m = services.queue("otp", "13912345678", code="1")
    assert services.send_pending() == 0
    m.refresh_from_db()
    assert "余额不足" in m.last_error and m.state == Message.State.PENDING
    gateway.answer = (500, {"error": "boom"})
    Message.objects.filter(pk=m.pk).update(next_attempt_at=m.created_at)
    assert services.send_pending() == 0
    m.refresh_from_db()
    assert "HTTP 500" in m.last_error
    gateway.answer = (200, {"code": 0})
    Message.objects.filter(pk=m.pk).update(next_attempt_at=m.created_at)
    assert services.send_pending() == 1


def test_unreachable_gateway_does_not_raise(settings):
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": "tiaojie.notify.backends.HttpSmsBackend"}
    settings.TIAOJIE_SMS_URL = "http://127.0.0.1:9/none"
    settings.TIAOJIE_SMS_TIMEOUT = 1
    m = services.queue("otp", "13912345678", code="1")
    assert services.send_pending() == 0
    m.refresh_from_db()
    assert "无法连接短信网关" in m.last_error


def test_the_bell_counts_unread_notices(client, world):
    user = world.users["v1"]
    services.notify_users([user], "application", "新的网上调解申请：测试", "/cases/")
    client.force_login(user)
    page = client.get(reverse("notify:inbox")).content.decode()
    assert 'id="bell-count">1<' in page and "新的网上调解申请：测试" in page
    client.post(reverse("notify:read_all"))
    assert Notice.objects.filter(user=user, read_at__isnull=True).count() == 0
    assert 'id="bell-count"' not in client.get(reverse("notify:inbox")).content.decode()



def test_staff_are_told_of_referrals_transfers_and_new_applications(world):
    from tests.routing.helpers import court_referral, register
    from tiaojie.routing import services as routing
    from tiaojie.testing import effects, version_of

    with effects():
        ref = court_referral(world)
    org = ref.case.organization
    told = Notice.objects.filter(kind="referral", user__organization=org)
    assert told.exists() and ref.case.number in told.first().text
    with effects():
        case = register(world)
        routing.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["dongan"],
                             reason="村级调解未成，上交街道")
    n = Notice.objects.get(kind="transfer", user=world.users["township"])
    assert case.number in n.text and "待接收" in n.text
