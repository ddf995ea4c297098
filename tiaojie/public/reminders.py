"""Scheduled reminders of the public side (``manage.py public_reminders``, hourly, quiet at night):

* 回访: once a case is closed (succeeded, failed or terminated) its parties are asked, once, to
  rate the mediation with the tracking code;
* 司法确认: each party of a written agreement that may be confirmed and has no application yet is
  told when the 30-day window closes within ``jc_warn`` days (default 10), once per case;
* old rate-limit counters and one-time codes are deleted after a day.
"""
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from tiaojie.cases.models import Agreement, Case, Party, Status
from tiaojie.cases.rules import confirmation_window
from tiaojie.core import dates
from tiaojie.notify import services as notify
from tiaojie.public.models import Hit, OneTimeCode, Reminder
from tiaojie.public.services import ensure_tracking_code

QUIET = (21, 8)  # no SMS from 21:00 to 08:59


def once(case, kind: str) -> bool:
    """Claim the reminder ``kind`` of ``case``; False when it was sent before."""
    try:
        with transaction.atomic():
            Reminder.objects.create(case=case, kind=kind)
        return True
    except IntegrityError:
        return False


def tell_parties(case: Case, template: str, **values) -> int:
    n = 0
    tc = ensure_tracking_code(case)
    for p in case.parties.exclude(role=Party.Role.AGENT):
        if notify.queue(template, p.phone, case_number=case.number, code=tc.code, org_name=case.organization.name,
                        **values):
            n += 1
    return n


def confirmation_reminders(today: dt.date | None = None) -> int:
    today = today or dates.today()
    warn = dates.limit("jc_warn")
    n = 0
    qs = (Case.objects.filter(status__in=(Status.SUCCEEDED, Status.FOLLOWED_UP), agreement__kind=Agreement.Kind.WRITTEN,
                              agreement__effective_on__gte=today - dt.timedelta(days=2 * confirmation_window.window_days()))
          .exclude(public_reminders__kind="jc_reminder").exclude(judicial_confirmation__isnull=False)
          .select_related("agreement", "dispute_type__parent", "organization"))
    for case in qs:
        if confirmation_window.refusal(case):
            continue
        left = confirmation_window.days_left(case.agreement.effective_on, today)
        if 0 <= left <= warn and once(case, "jc_reminder"):
            n += tell_parties(case, "jc_reminder", days=left)
    return n


def follow_up_requests(today: dt.date | None = None) -> int:
    today = today or dates.today()
    n = 0
    qs = (Case.objects.filter(status__in=(Status.SUCCEEDED, Status.FAILED, Status.TERMINATED, Status.FOLLOWED_UP),
                              closed_on__gte=today - dt.timedelta(days=30))
          .exclude(public_reminders__kind="follow_up_request").select_related("organization"))
    for case in qs:
        if once(case, "follow_up_request"):
            n += tell_parties(case, "follow_up_request")
    return n


def purge(now=None) -> None:
    now = now or timezone.now()
    Hit.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
    OneTimeCode.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()


def run(now=None) -> int:
    now = timezone.localtime(now or timezone.now())
    purge(now)
    if now.hour >= QUIET[0] or now.hour <= QUIET[1] - 1:
        return 0
    return follow_up_requests(now.date()) + confirmation_reminders(now.date())
