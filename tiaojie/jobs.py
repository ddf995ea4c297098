"""Scheduled jobs, run by django-q2's scheduler (``manage.py qcluster``).

Each job is also a management command (idempotent, safe to run twice):
  check_screening     remind committees and supervisors of overdue screening reports
  escalate_warnings   move warnings not acknowledged in time one level up the tree
``manage.py install_schedules`` registers them with django-q2 (also idempotent).
"""
import logging

log = logging.getLogger("tiaojie.jobs")

SCHEDULES = [
    # name, function path, minutes between runs
    ("排查报告逾期提醒", "tiaojie.jobs.check_screening", 60),
    ("预警超时上报", "tiaojie.jobs.escalate_warnings", 10),
    ("统计汇总表更新", "tiaojie.jobs.rebuild_rollups", 30),
]


def rebuild_rollups() -> int:
    from tiaojie.stats.rollups import rebuild_due

    n = rebuild_due()
    log.info("rebuild_rollups: %s rows", n)
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
    from django_q.models import Schedule

    for name, func, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1})
    return len(SCHEDULES)
