"""One-time codes go through the outbox and the worker: the page only queues them, so a slow SMS
gateway (the local test gateway, sleeping) never holds a page up."""
import re
import time

from django.urls import reverse

from tests.notify.gateway import running_gateway
from tests.notify.test_notify import queued_tasks, run_as_worker
from tiaojie.notify.models import Message
from tiaojie.testing import effects

PHONE = "13912345678"
DELAY = 2.0


def warm_up(client, url, data):
    """The first request of a process imports and compiles what the pages need (seconds on a
    loaded machine): send one before the page that is timed."""
    with effects():
        client.post(url, data)


def test_a_sleeping_gateway_does_not_slow_the_page(client, world, settings):
    warm_up(client, reverse("public:apply"), {"phone": "13900000000"})
    with running_gateway(settings, delay=DELAY) as gw:
        settings.TIAOJIE_SMS_TIMEOUT = 10
        started = time.monotonic()
        with effects():  # after-commit work runs as it would at the end of the request
            r = client.post(reverse("public:apply"), {"phone": PHONE})
        took = time.monotonic() - started
        assert r.status_code == 302 and r.url == reverse("public:apply_verify")
        # the page answered without calling the gateway, well within the gateway's delay
        assert gw.received == [] and took < DELAY
        m = Message.objects.get(template="otp", to_masked="139****5678")
        assert m.state == Message.State.PENDING
        task = next(t for t in queued_tasks() if t["args"] == (m.pk,))
        # the worker delivers it (the gateway sleeps there, not in the page)
        assert run_as_worker(task) is True
        assert len(gw.received) == 1 and gw.received[0]["body"]["phone"] == PHONE
        code = re.search(r"验证码(\d{6})", gw.received[0]["body"]["text"]).group(1)
    r = client.post(reverse("public:apply_verify"), {"code": code})
    assert r.status_code == 302 and r.url == reverse("public:apply_form")
    assert Message.objects.get(pk=m.pk).state == Message.State.SENT


def test_tracking_codes_are_queued_too(client, world, settings):
    from tiaojie.testing import register_case, sample_case_fields, sample_parties

    with effects():
        case = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                             **sample_case_fields(world))
    phone = case.parties.get(role="applicant").phone
    warm_up(client, reverse("public:track"), {"code": case.tracking.code, "phone": "13900000000"})
    with running_gateway(settings, delay=DELAY) as gw:
        settings.TIAOJIE_SMS_TIMEOUT = 10
        started = time.monotonic()
        with effects():
            r = client.post(reverse("public:track"), {"code": case.tracking.code, "phone": phone})
        assert r.status_code == 302 and gw.received == [] and time.monotonic() - started < DELAY
    m = Message.objects.get(template="otp", to_masked="139****5678")
    assert any(t["args"] == (m.pk,) for t in queued_tasks())
