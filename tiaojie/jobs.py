"""Scheduled jobs, run by django-q2's scheduler (``manage.py qcluster``).

Each job is also a management command (idempotent, safe to run twice):
  check_screening     remind committees and supervisors of overdue screening reports
  escalate_warnings   move warnings not acknowledged in time one level up the tree
  send_notifications  send the outbox's due SMS and e-mail, retrying failures
  public_reminders    司法确认 window closing: SMS to the parties once (not at night)
``manage.py install_schedules`` registers them with django-q2 (also idempotent).

Safety jobs run on the default cluster (queue ``tiaojie``); heavy ones on ``tiaojie-heavy``, so
that a long rollup or backup never delays a warning's escalation. Each cluster writes a
heartbeat every minute, which ``/readyz`` checks.
"""
import logging

from django.conf import settings

log = logging.getLogger("tiaojie.jobs")

SAFETY, HEAVY = "safety", "heavy"
SCHEDULES = [
    # name, function path, minutes between runs, queue
    ("排查报告逾期提醒", "tiaojie.jobs.check_screening", 60, SAFETY),
    ("预警超时上报", "tiaojie.jobs.escalate_warnings", 10, SAFETY),
    ("统计汇总表更新", "tiaojie.jobs.rebuild_rollups", 30, HEAVY),
    ("发送短信和邮件", "tiaojie.jobs.send_notifications", 1, SAFETY),
    ("群众端提醒（司法确认期限）", "tiaojie.jobs.public_reminders", 60, SAFETY),
    ("心跳（安全队列）", "tiaojie.jobs.heartbeat", 1, SAFETY),
    ("心跳（批量队列）", "tiaojie.jobs.heartbeat", 1, HEAVY),
    ("每日备份", "tiaojie.jobs.daily_backup", 24 * 60, HEAVY),
]


def cluster_of(queue: str) -> str:
    return settings.TIAOJIE_QUEUE_HEAVY if queue == HEAVY else settings.TIAOJIE_QUEUE_SAFETY


def heartbeat() -> str:
    """Record that this cluster is alive (its name from django-q2's configuration)."""
    from django.utils import timezone
    from django_q.conf import Conf

    from tiaojie.security.models import Heartbeat

    Heartbeat.objects.update_or_create(name=Conf.CLUSTER_NAME, defaults={"at": timezone.now()})
    return Conf.CLUSTER_NAME


def daily_backup() -> str:
    """The scheduled backup (``manage.py backup --keep N``) into TIAOJIE_BACKUP_DIR."""
    from tiaojie.security.backup import backup, prune

    out = backup()
    removed = prune(settings.TIAOJIE_BACKUP_KEEP)
    log.info("daily_backup: %s (%s old backups removed)", out, len(removed))
    return str(out)


def rebuild_rollups() -> int:
    from tiaojie.stats.rollups import rebuild_due

    n = rebuild_due()
    log.info("rebuild_rollups: %s rows", n)
    return n


def send_notifications() -> int:
    from tiaojie.notify.services import send_pending

    n = send_pending()
    log.info("send_notifications: %s sent", n)
    return n


def public_reminders() -> int:
    from tiaojie.public.reminders import run

    n = run()
    log.info("public_reminders: %s reminders", n)
    return n


def check_screening() -> int:
    from tiaojie.screening.services import check_overdue_rounds

    n = check_overdue_rounds()
    log.info("check_screening: %s new reminders", n)
    return n


def escalate_warnings() -> int:
    from tiaojie.warnings.services import escalate_late_warnings

    n = escalate_late_warnings()
    log.info("escalate_warnings: %s warnings escalated", n)
    return n


def install_schedules() -> int:
    import datetime as dt

    from django.utils import timezone
    from django_q.models import Schedule

    for name, func, minutes, queue in SCHEDULES:
        cluster = cluster_of(queue)
        defaults = {"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1,
                    "cluster": None if cluster == settings.TIAOJIE_QUEUE_SAFETY else cluster}
        if minutes == 24 * 60:  # daily jobs run at night (02:30 local time)
            now = timezone.localtime()
            at = now.replace(hour=2, minute=30, second=0, microsecond=0)
            defaults.update(schedule_type=Schedule.DAILY, next_run=at if at > now else at + dt.timedelta(days=1))
        Schedule.objects.update_or_create(name=name, defaults=defaults)
    return len(SCHEDULES)
