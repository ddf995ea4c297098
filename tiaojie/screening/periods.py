"""Screening periods (排查周期): weeks, 旬 and months.

Villages screen every week (ISO weeks, Monday to Sunday — a week may span two months or two
years), townships every 旬 (days 1–10, 11–20, 21 to month end), counties every month.
Pure functions of dates; no database.
"""
import calendar
import datetime as dt
from dataclasses import dataclass


class Cadence:
    WEEK = "week"
    XUN = "xun"
    MONTH = "month"
    CHOICES = [(WEEK, "每周"), (XUN, "每旬"), (MONTH, "每月")]


XUN_NAMES = ("上旬", "中旬", "下旬")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    cadence: str

    @property
    def key(self) -> str:
        """A stable identifier, e.g. "2026-W48", "2026-11-3", "2026-11"."""
        if self.cadence == Cadence.WEEK:
            y, w, _ = self.start.isocalendar()
            return f"{y}-W{w:02d}"
        if self.cadence == Cadence.XUN:
            return f"{self.start.year}-{self.start.month:02d}-{xun_index(self.start) + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.cadence == Cadence.WEEK:
            y, w, _ = self.start.isocalendar()
            return f"{y}年第{w}周（{self.start.month}月{self.start.day}日—{self.end.month}月{self.end.day}日）"
        if self.cadence == Cadence.XUN:
            return f"{self.start.year}年{self.start.month}月{XUN_NAMES[xun_index(self.start)]}"
        return f"{self.start.year}年{self.start.month}月"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def due(self, grace_days: int = 0) -> dt.date:
        """Last day on which the report is on time: ``grace_days`` working days after the period
        (法定节假日 and 调休 from the holiday table, ``tiaojie.core.dates``)."""
        from tiaojie.core import dates

        return dates.add_working_days(self.end, grace_days)


def xun_index(day: dt.date) -> int:
    return 0 if day.day <= 10 else 1 if day.day <= 20 else 2


def period_containing(cadence: str, day: dt.date) -> Period:
    if cadence == Cadence.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return Period(start, start + dt.timedelta(days=6), cadence)
    if cadence == Cadence.XUN:
        i = xun_index(day)
        last = calendar.monthrange(day.year, day.month)[1]
        start = day.replace(day=(1, 11, 21)[i])
        end = day.replace(day=(10, 20, last)[i])
        return Period(start, end, cadence)
    if cadence == Cadence.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(day.replace(day=1), day.replace(day=last), cadence)
    raise ValueError(f"unknown cadence {cadence!r}")


def next_period(p: Period) -> Period:
    return period_containing(p.cadence, p.end + dt.timedelta(days=1))


def previous_period(p: Period) -> Period:
    return period_containing(p.cadence, p.start - dt.timedelta(days=1))


def periods_between(cadence: str, first: dt.date, last: dt.date) -> list[Period]:
    """All periods that overlap [first, last], in order."""
    if last < first:
        return []
    out, p = [], period_containing(cadence, first)
    while p.start <= last:
        out.append(p)
        p = next_period(p)
    return out


def period_from_key(cadence: str, key: str) -> Period:
    """Inverse of ``Period.key``; raises ValueError on a malformed key."""
    if cadence == Cadence.WEEK:
        y, w = key.split("-W")
        return period_containing(cadence, dt.date.fromisocalendar(int(y), int(w), 1))
    parts = [int(x) for x in key.split("-")]
    if cadence == Cadence.XUN:
        y, m, i = parts
        if i not in (1, 2, 3):
            raise ValueError("旬序号应为1、2或3")
        return period_containing(cadence, dt.date(y, m, (1, 11, 21)[i - 1]))
    y, m = parts
    return period_containing(cadence, dt.date(y, m, 1))
