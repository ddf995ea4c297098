"""Dates and deadlines, always on Beijing time (Asia/Shanghai), never the server's UTC date.

``today()`` / ``now()``       the local date and an aware now
``is_working_day(d)``         Monday–Friday unless the holiday table (``core.Holiday``) says the
                              day is a 法定节假日 (off) or an adjusted working day (调休 workday)
``add_working_days(d, n)``    the n-th working day after ``d``
``deadline(code, start)``     the end of a configured time limit (``core.TimeLimit``: days,
                              working days or hours) counted from ``start``
``limit(code)``               the configured number itself

The holiday table is seeded from the ``chinese-calendar`` package for the years it covers and
edited in admin for later years; the time-limit table is edited in admin (no redeploy).
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tiaojie.core.cache import cached as _cached
from tiaojie.core.cache import clear as _clear

BEIJING = "Asia/Shanghai"


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """The Beijing date (settings.TIME_ZONE is Asia/Shanghai)."""
    return timezone.localdate()


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def start_of_day(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time.min))


# --- the holiday calendar ------------------------------------------------------------------

def _year_exceptions(year: int) -> tuple[frozenset, frozenset]:
    """(days off that fall on weekdays, worked weekend days) of one year, from the table."""
    def load():
        from tiaojie.core.models import Holiday

        off, work = set(), set()
        for day, kind in Holiday.objects.filter(date__year=year).values_list("date", "kind"):
            (off if kind == Holiday.Kind.OFF else work).add(day)
        return frozenset(off), frozenset(work)

    return _cached(("calendar", year), load)


def clear_calendar_cache() -> None:
    """Forget every cached rule table of this process (tests use it between cases)."""
    _clear()


def is_working_day(d: dt.date) -> bool:
    off, work = _year_exceptions(d.year)
    if d in work:
        return True
    if d in off:
        return False
    return d.weekday() < 5


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The n-th working day after ``d`` (n ≥ 0; n = 0 gives the first working day from ``d`` on)."""
    if n <= 0:
        while not is_working_day(d):
            d += dt.timedelta(days=1)
        return d
    while n > 0:
        d += dt.timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    n, d = 0, start
    while d < end:
        d += dt.timedelta(days=1)
        if is_working_day(d):
            n += 1
    return n


# --- the time-limit table -------------------------------------------------------------------

def _limits() -> dict[str, tuple[int, str]]:
    def load():
        from tiaojie.core.models import TimeLimit

        table = {code: (value, unit) for code, (_name, value, unit) in TimeLimit.DEFAULTS.items()}
        table.update({t.code: (t.value, t.unit) for t in TimeLimit.objects.all()})
        return table

    return _cached("time_limits", load)


def limit(code: str) -> int:
    return _limits()[code][0]


def unit(code: str) -> str:
    return _limits()[code][1]


def deadline(code: str, start: dt.date | dt.datetime):
    """When the time limit ``code`` counted from ``start`` ends: a date for days and working
    days (from a date or a datetime), an aware datetime for hours (from a datetime)."""
    value, u = _limits()[code]
    if u == "hours":
        if not isinstance(start, dt.datetime):
            start = start_of_day(start)
        return start + dt.timedelta(hours=value)
    if isinstance(start, dt.datetime):
        start = local(start).date()
    if u == "working_days":
        return add_working_days(start, value)
    return start + dt.timedelta(days=value)


def deadline_at(code: str, start: dt.datetime) -> dt.datetime:
    """The deadline as an aware moment: the end of the due day for day limits."""
    end = deadline(code, start)
    if isinstance(end, dt.datetime):
        return end
    return start_of_day(end) + dt.timedelta(hours=23, minutes=59, seconds=59)
