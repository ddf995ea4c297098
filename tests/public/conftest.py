import re

import pytest

from tiaojie.notify.backends import MemoryBackend

MEM = "tiaojie.notify.backends.MemoryBackend"


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.TIAOJIE_CAPTCHA_AFTER = 1000  # tests that ask many codes from one address; the CAPTCHA has its own
    settings.TIAOJIE_NOTIFY_BACKENDS = {"sms": MEM, "email": MEM}
    MemoryBackend.outbox = []
    return MemoryBackend.outbox


def last_code(phone: str) -> str:
    """The one-time code last sent to ``phone`` (sent on commit: run send_pending first)."""
    from tiaojie.notify.services import send_pending

    send_pending()
    for m in reversed(MemoryBackend.outbox):
        if m["to"] == phone:
            found = re.search(r"验证码(\d{6})", m["body"])
            if found:
                return found.group(1)
    raise AssertionError(f"no code sent to {phone}")
