"""Queue messages and send what is due (the ``send_notifications`` job), and staff notices.

``queue(template_code, to, **context)`` renders the admin-edited template and stores the message
in the outbox, in the caller's transaction; a page never talks to a gateway. ``urgent=True``
(one-time codes) also hands the message to the worker right after commit (``dispatch``: a
django-q2 task on the safety queue, which the worker picks up within a second); the periodic
job is the fallback when the task is lost. ``send_pending()`` sends every message due, retrying a
failure after 1, 2, 4, 8 … minutes up to ``TIAOJIE_NOTIFY_MAX_ATTEMPTS`` (default 6), then marks
it failed. A sender first claims the message in a short transaction and talks to the gateway
outside it, so a slow gateway holds no lock (on SQLite: no write lock over the whole database).
"""
from __future__ import annotations

import datetime as dt
import logging
import string

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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
        transaction.on_commit(lambda: dispatch(pk), robust=True)
    return m


SEND_TASK = "tiaojie.notify.services.send_one"


def dispatch(pk: int) -> None:
    """Ask the worker to send message ``pk`` now (queuing a task is one insert, never a gateway
    call); if the task cannot be queued, the periodic job sends the message within a minute."""
    from django_q.tasks import async_task

    try:
        async_task(SEND_TASK, pk, task_name=f"发送消息{pk}", cluster=settings.TIAOJIE_QUEUE_SAFETY)
    except Exception:  # the broker is down: the message waits in the outbox for the job
        log.exception("message %s: could not queue the sending task", pk)


def max_attempts() -> int:
    return int(getattr(settings, "TIAOJIE_NOTIFY_MAX_ATTEMPTS", 6))


def lease() -> dt.timedelta:
    """How long a claimed message is left to its sender before another may try it again (longer
    than any gateway's time limit)."""
    return dt.timedelta(seconds=max(60.0, 4 * float(getattr(settings, "TIAOJIE_SMS_TIMEOUT", 5))))


def claim(pk: int) -> Message | None:
    """Take message ``pk`` for sending, if it is pending and either never tried or due: the attempt
    is counted and the message set aside for ``lease()`` in one short transaction (row-locked), so
    two senders never send it twice and a sender that dies leaves it to the next run."""
    now = timezone.now()
    with transaction.atomic():
        m = (Message.objects.select_for_update()
             .filter(Q(attempts=0) | Q(next_attempt_at__lte=now), pk=pk, state=Message.State.PENDING).first())
        if m is None:
            return None
        m.attempts += 1
        m.next_attempt_at = now + lease()
        m.save(update_fields=["attempts", "next_attempt_at"])
    return m


def send_one(pk: int) -> bool:
    """Send one pending message now (the worker's task, and each message of ``send_pending``)."""
    m = claim(pk)
    if m is None:
        return False
    try:
        backend_for(m.channel).send(m.to, m.subject, m.body)
    except Exception as exc:  # any failure of a gateway is retried later
        error = f"{type(exc).__name__}: {exc}"[:300]
        if m.attempts >= max_attempts():
            Message.objects.filter(pk=pk).update(state=Message.State.FAILED, last_error=error)
            log.warning("message %s failed for good: %s", pk, error)
        else:
            Message.objects.filter(pk=pk).update(
                last_error=error, next_attempt_at=timezone.now() + dt.timedelta(minutes=2 ** (m.attempts - 1)))
        return False
    Message.objects.filter(pk=pk).update(state=Message.State.SENT, sent_at=timezone.now(), last_error="")
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


BELL_MAX = 99  # the bell shows "99+" above this


def bell_count(user) -> int:
    """The unread notices of ``user`` for the bell on every page, counted up to ``BELL_MAX`` + 1:
    read from the notices themselves (so never stale: a notice read or arriving shows on the next
    page), and bounded, whatever a user has let pile up (the index on user and read time gives
    the rows in order; no sort, at most ``BELL_MAX`` + 1 of them counted)."""
    return unread(user).order_by()[:BELL_MAX + 1].count()


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



