"""Queue messages and send what is due (the ``send_notifications`` job), and staff notices.

``queue(template_code, to, **context)`` renders the admin-edited template and stores the message
in the outbox, in the caller's transaction; ``urgent=True`` (one-time codes) also tries to send
it right after commit. ``send_pending()`` sends every message due, retrying a failure after
1, 2, 4, 8 … minutes up to ``TIAOJIE_NOTIFY_MAX_ATTEMPTS`` (default 6), then marks it failed.
"""
from __future__ import annotations

import datetime as dt
import logging
import string

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tiaojie.notify.backends import backend_for
from tiaojie.notify.models import Channel, Message, MessageTemplate, Notice

log = logging.getLogger("tiaojie.notify")


class _Missing(dict):
    def __missing__(self, key):
        return ""


def render(template_code: str, context: dict) -> tuple[str, str]:
    t = MessageTemplate.objects.filter(code=template_code, is_active=True).first()
    if t is None:
        raise LookupError(f"没有在用的消息模板“{template_code}”")
    fmt = string.Formatter()
    values = _Missing({k: "" if v is None else str(v) for k, v in context.items()})
    return fmt.vformat(t.subject, (), values), fmt.vformat(t.body, (), values)


def queue(template_code: str, to: str, *, channel: str = Channel.SMS, urgent: bool = False, **context) -> Message | None:
    """Put a message in the outbox (nothing when ``to`` is empty). Returns it."""
    to = (to or "").strip()
    if not to:
        return None
    subject, body = render(template_code, context)
    m = Message(channel=channel, template=template_code, subject=subject[:100])
    m.to, m.body = to, body
    m.save()
    if urgent:
        pk = m.pk
        transaction.on_commit(lambda: send_one(pk), robust=True)
    return m


def max_attempts() -> int:
    return int(getattr(settings, "TIAOJIE_NOTIFY_MAX_ATTEMPTS", 6))


def send_one(pk: int) -> bool:
    """Send one pending message now (locked, so two workers never send it twice)."""
    with transaction.atomic():
        m = Message.objects.select_for_update().filter(pk=pk, state=Message.State.PENDING).first()
        if m is None:
            return False
        now = timezone.now()
        m.attempts += 1
        try:
            backend_for(m.channel).send(m.to, m.subject, m.body)
        except Exception as exc:  # any failure of a gateway is retried later
            m.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if m.attempts >= max_attempts():
                m.state = Message.State.FAILED
                log.warning("message %s failed for good: %s", m.pk, m.last_error)
            else:
                m.next_attempt_at = now + dt.timedelta(minutes=2 ** (m.attempts - 1))
            m.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
            return False
        m.state, m.sent_at, m.last_error = Message.State.SENT, now, ""
        m.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return True


def send_pending(limit: int = 500) -> int:
    """Send the messages that are due; returns how many were sent."""
    due = list(Message.objects.filter(state=Message.State.PENDING, next_attempt_at__lte=timezone.now())
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if send_one(pk))


# --- staff notices ------------------------------------------------------------------------------

def notify_users(users, kind: str, text: str, url: str = "") -> int:
    rows = [Notice(user=u, kind=kind, text=text[:200], url=url[:200]) for u in users]
    Notice.objects.bulk_create(rows)
    return len(rows)


def unread(user):
    return Notice.objects.filter(user=user, read_at__isnull=True)


def mark_read(user, kind: str | None = None) -> int:
    qs = unread(user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=timezone.now())


def counts(user) -> dict:
    """Unread notices of ``user`` by kind, and the total (the bell)."""
    out: dict[str, int] = {}
    for kind in unread(user).values_list("kind", flat=True):
        out[kind] = out.get(kind, 0) + 1
    return out



