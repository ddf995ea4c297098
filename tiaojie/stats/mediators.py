"""Per-mediator figures (调解员办案情况): caseload, success rate, average days to close,
satisfaction and complaints, plus the honours candidate ranking built on them.

Definitions (the one place they are written down):
- a mediator's cases are those with an *active* assignment to them (a replaced or recused
  mediator's released assignment does not count); cases are counted once each;
- the period filters cases by registration date (``registered_at``), inclusive;
- ``caseload``  = cases; ``mediated`` = cases ending 调解成功 or 调解不成;
- ``success_rate`` = 调解成功 ÷ mediated (None when nothing was mediated);
- ``avg_days`` = mean of ``closed_on − accepted_on`` over cases with both dates;
- ``satisfaction`` = follow-ups (回访) rated 满意 or 基本满意 ÷ all follow-ups of the cases;
- ``complaints`` = follow-ups rated 不满意 (Tiaojie has no complaint register; an unsatisfied
  party at follow-up is the recorded complaint).
Cases are read through the scope rule when a user is given (``Assignment.objects.visible_to``,
its listing form: a city's own tree needs no condition at all).

The sums and the ranking are done by the database, in one statement (``_sums``): the active
assignments in the period (the ORM's query: scope, period, mediators) with their cases' outcome
and days, summed by mediator, beside the follow-ups of those cases summed by mediator; the
honours list is filtered (enough cases, no complaint), ranked and cut to ``limit`` in that same
statement. A mediator has at most one active assignment on a case (``transitions.assign``
refuses a second one, and the constraint ``one_active_assignment_per_mediator`` holds it in the
database), so counting the assignment rows counts each case once.
"""
import datetime as dt
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case as Case_
from django.db.models import F, Func, IntegerField, Q, When

from tiaojie.cases.models import Assignment, Case, FollowUp, Outcome
from tiaojie.core import dates

MEDIATED = (Outcome.SUCCESS, Outcome.FAILED)
SATISFIED = (FollowUp.Satisfaction.SATISFIED, FollowUp.Satisfaction.BASIC)


@dataclass
class MediatorFigures:
    caseload: int = 0
    mediated: int = 0
    success: int = 0
    closed_with_dates: int = 0
    total_days: int = 0
    follow_ups: int = 0
    satisfied: int = 0
    complaints: int = 0

    @property
    def success_rate(self) -> float | None:
        return self.success / self.mediated if self.mediated else None

    @property
    def avg_days(self) -> float | None:
        return self.total_days / self.closed_with_dates if self.closed_with_dates else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.follow_ups if self.follow_ups else None


FIELDS = tuple(MediatorFigures.__dataclass_fields__)


class _DaysBetween(Func):
    """Whole days from the date ``start`` to the date ``end``, never below zero (NULL if either is)."""

    output_field = IntegerField()

    def __init__(self, start, end):
        super().__init__(start, end)

    def _parts(self, compiler):
        (start, sp), (end, ep) = (compiler.compile(e) for e in self.get_source_expressions())
        return start, end, [*ep, *sp]

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date − date is an integer of days
        start, end, params = self._parts(compiler)
        return f"GREATEST(({end}) - ({start}), 0)", params

    def as_sqlite(self, compiler, connection, **extra):  # dates are ISO text: julianday() per row, no Python
        start, end, params = self._parts(compiler)
        return f"MAX(CAST(julianday({end}) - julianday({start}) AS INTEGER), 0)", params


def _period(qs, prefix: str, date_from: dt.date | None, date_to: dt.date | None):
    """Registered within the dates (local days), as a range of instants: the index serves it,
    and SQLite converts no date per row (``__date`` called a Python function on every case)."""
    if date_from:
        qs = qs.filter(**{f"{prefix}registered_at__gte": dates.start_of_day(date_from)})
    if date_to:
        qs = qs.filter(**{f"{prefix}registered_at__lt": dates.start_of_day(date_to + dt.timedelta(days=1))})
    return qs


MANY = 200  # more mediators than this (a city's honours list): their cases are found from the period


def _assignments(user, date_from, date_to, *, ids=None, mediators=None):
    """The mediators' active assignments in the period, on cases the user may see. A few
    mediators (``ids``): through the mediator index. Many (``mediators``, a queryset, and no ids
    or more than ``MANY``): from the period's cases the user sees (the registration-date index for
    the whole tree, the scope index for a county or township), keeping the mediators' rows; given
    both, SQLite started from the mediators and walked every assignment they ever had (2 s for a
    city's year on the demo)."""
    qs = Assignment.objects.filter(active=True).order_by()
    if mediators is not None and (ids is None or len(ids) > MANY) and (date_from or date_to):
        cases = Case.objects.order_by()
        if user is not None:
            # the user's cases of the period (a county's: its range of the scope index, not the whole
            # city's year); an assignment is seen as its case is (``ScopeRule(via="case")``), so
            # this is the assignments' scope too
            cases = cases.visible_to(user, listing=True, ranged=True)
        period = _period(cases, "", date_from, date_to).values("pk")
        # ``mediator_id + 0``: the same test, but no index on it for the planner to prefer
        return qs.filter(case_id__in=period).alias(_mediator=F("mediator_id") + 0).filter(
            _mediator__in=mediators.values("pk"))
    if user is not None:
        qs = qs.visible_to(user, listing=True)
    return _period(qs.filter(mediator_id__in=ids if ids is not None else mediators.values("pk")), "case__",
                   date_from, date_to)


def _sums(assigned) -> tuple[str, list, object]:
    """The statement (SQL, params, connection) of one row a mediator: ``mediator_id`` and the
    sums of ``MediatorFigures``, by name.

    ``a``: the assignment rows (the ORM's statement: scope, period, mediators), each with its
    case's outcome flags and days; ``c``: their sums by mediator; ``u``: the follow-ups of each
    row's case (each follow-up counts for every mediator of its case, by the follow-ups' case
    index) summed by mediator; ``c`` and ``u`` joined by mediator."""
    both_dates = Q(case__accepted_on__isnull=False, case__closed_on__isnull=False)
    rows = assigned.values(
        _m=F("mediator_id"), _c=F("case_id"),
        _mediated=Case_(When(case__outcome__in=MEDIATED, then=1), default=0),
        _success=Case_(When(case__outcome=Outcome.SUCCESS, then=1), default=0),
        _dated=Case_(When(both_dates, then=1), default=0),
        _days=Case_(When(both_dates, then=_DaysBetween("case__accepted_on", "case__closed_on")), default=0))
    connection = connections[rows.db]
    a_sql, a_params = rows.query.get_compiler(connection=connection).as_sql()
    q = connection.ops.quote_name
    followup, case_id, satisfaction = q(FollowUp._meta.db_table), q("case_id"), q("satisfaction")
    sql = (f"WITH a AS ({a_sql}), "
           "c AS (SELECT _m, COUNT(*) AS caseload, SUM(_mediated) AS mediated, SUM(_success) AS success, "
           "SUM(_dated) AS closed_with_dates, SUM(_days) AS total_days FROM a GROUP BY _m), "
           f"u AS (SELECT a._m, COUNT(*) AS _n, SUM(CASE WHEN fu.{satisfaction} IN (%s, %s) THEN 1 ELSE 0 END) AS _s, "
           f"SUM(CASE WHEN fu.{satisfaction} = %s THEN 1 ELSE 0 END) AS _u "
           f"FROM a JOIN {followup} fu ON fu.{case_id} = a._c GROUP BY a._m) "
           "SELECT c._m AS mediator_id, c.caseload, c.mediated, c.success, c.closed_with_dates, c.total_days, "
           "COALESCE(u._n, 0) AS follow_ups, COALESCE(u._s, 0) AS satisfied, COALESCE(u._u, 0) AS complaints "
           "FROM c LEFT JOIN u ON u._m = c._m")
    return sql, [*a_params, *SATISFIED, FollowUp.Satisfaction.UNSATISFIED], connection


def _fetch(sql: str, params: list, connection) -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _figures(row: dict) -> MediatorFigures:
    return MediatorFigures(**{f: int(row[f] or 0) for f in FIELDS})


def mediator_figures(mediator_ids, *, user=None, date_from: dt.date | None = None,
                     date_to: dt.date | None = None, mediators=None) -> dict[int, MediatorFigures]:
    """Figures for each mediator id (every id gets an entry, zeros when there are no cases).

    ``mediators``: optionally the queryset the ids came from (a city's honours list has
    thousands): the database then reads it as a subquery instead of a list of ids."""
    ids = list(mediator_ids)
    out = {pk: MediatorFigures() for pk in ids}
    if not ids:
        return out
    for row in _fetch(*_sums(_assignments(user, date_from, date_to, ids=ids, mediators=mediators))):
        if row["mediator_id"] in out:
            out[row["mediator_id"]] = _figures(row)
    return out


@dataclass
class Candidate:
    mediator: object
    figures: MediatorFigures
    honours: list
    rank: int = 0


def honour_candidates(mediators, *, user=None, year: int, min_cases: int = 1, limit: int | None = None) -> list[Candidate]:
    """Mediators ranked for the year's honours (金牌/先进人民调解员候选).

    Only mediators on the register (在岗) with at least ``min_cases`` cases in the year and no
    complaint (不满意回访) are candidates. Order: success rate, then caseload, then
    satisfaction, then fewer average days to close (none: last), then the name (by code point)
    and the id. ``limit``: only the first so many (a city ranks thousands; only those shown are
    read as whole records).
    """
    from tiaojie.orgs.models import Honour, Mediator

    active = mediators.filter(status=Mediator.Status.ACTIVE).order_by()
    assigned = _assignments(user, dt.date(year, 1, 1), dt.date(year, 12, 31), mediators=active)
    sums, params, connection = _sums(assigned)
    real = "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"  # both: an 8-byte float, as Python's
    # names compared by code point, as Python compares str (PostgreSQL's "C"; SQLite's default already is)
    name = 'm.name COLLATE "C"' if connection.vendor == "postgresql" else "m.name"
    sql = (f"SELECT s.* FROM ({sums}) s JOIN {connection.ops.quote_name(Mediator._meta.db_table)} m "
           "ON m.id = s.mediator_id WHERE s.caseload >= %s AND s.complaints = 0 ORDER BY "
           f"CASE WHEN s.mediated > 0 THEN CAST(s.success AS {real}) / s.mediated ELSE 0 END DESC, "
           "s.caseload DESC, "
           f"CASE WHEN s.follow_ups > 0 THEN CAST(s.satisfied AS {real}) / s.follow_ups ELSE 0 END DESC, "
           f"CASE WHEN s.closed_with_dates > 0 THEN CAST(s.total_days AS {real}) / s.closed_with_dates "
           f"ELSE 1000000 END, {name}, s.mediator_id")
    params = [*params, max(min_cases, 1)]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    rows = _fetch(sql, params, connection)
    order = [r["mediator_id"] for r in rows]
    records = Mediator.objects.select_related("organization").in_bulk(order)
    held: dict[int, list] = {}
    for h in Honour.objects.filter(mediator__in=order, year=year):
        held.setdefault(h.mediator_id, []).append(h)
    return [Candidate(records[r["mediator_id"]], _figures(r), held.get(r["mediator_id"], []), rank=i)
            for i, r in enumerate(rows, start=1)]
