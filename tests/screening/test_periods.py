"""Period arithmetic: weeks across month and year ends, 旬, months."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaojie.screening.periods import (
    Cadence,
    next_period,
    period_containing,
    period_from_key,
    periods_between,
    previous_period,
)

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 1))
cadences = st.sampled_from([Cadence.WEEK, Cadence.XUN, Cadence.MONTH])


@given(cadences, dates)
def test_period_contains_day_and_tiles_time(cadence, day):
    p = period_containing(cadence, day)
    assert p.contains(day)
    n = next_period(p)
    assert n.start == p.end + dt.timedelta(days=1)
    assert previous_period(n) == p
    assert period_from_key(cadence, p.key) == p


@given(dates)
def test_week_is_monday_to_sunday(day):
    p = period_containing(Cadence.WEEK, day)
    assert p.start.weekday() == 0 and p.end.weekday() == 6 and (p.end - p.start).days == 6


@given(dates)
def test_xun_bounds(day):
    p = period_containing(Cadence.XUN, day)
    assert p.start.day in (1, 11, 21)
    assert p.end.day in (10, 20) or (p.end + dt.timedelta(days=1)).day == 1
    assert p.start.month == p.end.month


@given(dates)
def test_month_bounds(day):
    p = period_containing(Cadence.MONTH, day)
    assert p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1


@given(cadences, dates, st.integers(min_value=0, max_value=400))
def test_periods_between_cover_without_gaps(cadence, first, span):
    last = first + dt.timedelta(days=span)
    ps = periods_between(cadence, first, last)
    assert ps[0].contains(first) and ps[-1].contains(last)
    for a, b in zip(ps, ps[1:], strict=False):
        assert b.start == a.end + dt.timedelta(days=1)


def test_week_across_year_end():
    p = period_containing(Cadence.WEEK, dt.date(2026, 1, 1))
    assert p.start == dt.date(2025, 12, 29) and p.end == dt.date(2026, 1, 4)
    assert p.key == "2026-W01"
    assert p.label == "2026年第1周（12月29日—1月4日）"


def test_xun_february_leap_year():
    p = period_containing(Cadence.XUN, dt.date(2024, 2, 25))
    assert (p.start, p.end) == (dt.date(2024, 2, 21), dt.date(2024, 2, 29))
    assert p.label == "2024年2月下旬"
    assert period_containing(Cadence.XUN, dt.date(2026, 11, 11)).label == "2026年11月中旬"


@pytest.mark.django_db
def test_due_with_grace():
    p = period_containing(Cadence.MONTH, dt.date(2026, 11, 5))
    assert p.due(3) == dt.date(2026, 12, 3)


def test_bad_key():
    with pytest.raises(ValueError):
        period_from_key(Cadence.XUN, "2026-11-4")


@pytest.mark.django_db
def test_due_counts_working_days_of_the_holiday_table():
    """A report due in 春节 week is not late: the grace days are working days (法定节假日 and 调休)."""
    from tiaojie.core.models import Holiday

    # the 中旬 of February 2026 ends on Friday the 20th, inside the 春节 holiday (15th–23rd)
    p = period_containing(Cadence.XUN, dt.date(2026, 2, 15))
    assert p.end == dt.date(2026, 2, 20)
    assert Holiday.objects.filter(date=dt.date(2026, 2, 23), kind="off").exists()  # seeded by the migration
    # two working days of grace: Tuesday 24th and Wednesday 25th (Monday 23rd is still a holiday)
    assert p.due(2) == dt.date(2026, 2, 25)
