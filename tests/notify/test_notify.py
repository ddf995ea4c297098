"""The outbox: templates as data, encrypted storage, backends (file, memory, HTTP SMS gateway
against a local server), retries, the job and the staff bell."""
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tiaojie.notify import services
from tiaojie.notify.backends import MemoryBackend
from tiaojie.notify.models import Message, MessageTemplate, Notice

from .gateway import running_gateway

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


@pytest.fixture
def gateway(settings):
    with running_gateway(settings) as g:
        yield g


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


# --- urgent messages: handed to the worker, never sent in the request ------------------------------

def queued_tasks() -> list[dict]:
    """The django-q2 tasks waiting in the ORM broker (what the worker will run)."""
    from django_q.models import OrmQ

    return [q.task for q in OrmQ.objects.order_by("id")]


def run_as_worker(task: dict):
    """What the worker does with a task: import the function and call it."""
    from django.utils.module_loading import import_string

    return import_string(task["func"])(*task["args"], **task["kwargs"])


def test_an_urgent_message_is_handed_to_the_worker_after_commit(memory):
    from tiaojie.testing import effects

    with effects():
        m = services.queue("otp", "13912345678", urgent=True, code="123456")
        assert queued_tasks() == []  # nothing before the commit
    tasks = queued_tasks()
    assert [(t["func"], t["args"]) for t in tasks] == [("tiaojie.notify.services.send_one", (m.pk,))]
    assert memory == []  # queued, not sent
    assert run_as_worker(tasks[0]) is True
    assert memory[0]["to"] == "13912345678" and "123456" in memory[0]["body"]
    assert services.send_pending() == 0  # the periodic job finds nothing left


def test_an_ordinary_message_waits_for_the_job(memory):
    from tiaojie.testing import effects

    with effects():
        services.queue("application_received", "13912345678", org_name="东安", code="X")
    assert queued_tasks() == [] and memory == []
    assert services.send_pending() == 1


def test_a_lost_task_is_covered_by_the_job(memory, monkeypatch):
    from tiaojie.testing import effects

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("django_q.tasks.async_task", broker_down)
    with effects():
        services.queue("otp", "13912345678", urgent=True, code="654321")
    assert memory == []
    assert services.send_pending() == 1 and "654321" in memory[0]["body"]


def test_a_claimed_message_is_not_sent_twice(memory):
    m = services.queue("otp", "13912345678", code="1")
    claimed = services.claim(m.pk)
    assert claimed is not None and claimed.attempts == 1
    # another worker (or the periodic job) meanwhile: the message is set aside for the lease
    assert services.claim(m.pk) is None
    assert services.send_pending() == 0 and services.send_one(m.pk) is False and memory == []
    # the first sender died: once the lease ends the job sends it
    Message.objects.filter(pk=m.pk).update(next_attempt_at=m.created_at)
    assert services.send_pending() == 1 and len(memory) == 1


@pytest.mark.django_db(transaction=True)
def test_no_lock_is_held_while_a_slow_gateway_answers(settings):
    """The message row is written before and after the gateway call, not during it: the page
    (another connection) queues and writes while the gateway sleeps (on SQLite a transaction
    around the call would hold the database's write lock for as long)."""
    import threading
    import time

    from django.db import connections

    from tiaojie.testing import reseed

    reseed()
    with running_gateway(settings, delay=1.5) as gw:
        settings.TIAOJIE_SMS_TIMEOUT = 10
        m = services.queue("otp", "13912345678", code="777888")
        result = {}

        def worker():
            try:
                result["sent"] = services.send_one(m.pk)
            finally:
                connections.close_all()

        thread = threading.Thread(target=worker)
        thread.start()
        while not gw.received and thread.is_alive():
            time.sleep(0.02)
        # mid-call: the claim committed (the attempt counted), and the outbox takes writes
        mid = Message.objects.get(pk=m.pk)
        assert (mid.attempts, mid.state) == (1, Message.State.PENDING)
        services.queue("otp", "13900000000", code="1")
        assert thread.is_alive(), "a write waited for the gateway"
        thread.join(timeout=20)
    assert result == {"sent": True} and Message.objects.get(pk=m.pk).state == Message.State.SENT


def test_the_bell_count_is_bounded_and_never_stale(client, world):
    """The bell counts at most BELL_MAX + 1 unread notices (one bounded query on the user's index),
    read from the notices themselves: a new notice or a read one shows on the very next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world.users["v1"]
    client.force_login(user)
    services.notify_users([user] * 120, "warning", "预警提醒")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("cases:list")).content.decode()
    assert 'id="bell-count">99+<' in page and "99+ 条未读" in page
    bell = [q["sql"] for q in ctx.captured_queries if "notify_notice" in q["sql"]]
    assert len(bell) == 1 and "LIMIT" in bell[0].upper() and "ORDER BY" not in bell[0].upper()
    assert services.bell_count(user) == services.BELL_MAX + 1
    services.mark_read(user)
    assert 'id="bell-count"' not in client.get(reverse("cases:list")).content.decode()
    services.notify_users([user], "transfer", "案件移交待接收")
    assert 'id="bell-count">1<' in client.get(reverse("cases:list")).content.decode()
    services.notify_users([user, world.users["v2"]], "referral", "新的委派案件")
    assert 'id="bell-count">2<' in client.get(reverse("cases:list")).content.decode()
    services.mark_read(user, kind="transfer")
    assert 'id="bell-count">1<' in client.get(reverse("cases:list")).content.decode()
    assert services.bell_count(world.users["v2"]) == 1
