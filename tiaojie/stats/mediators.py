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
Cases are read through the scope rule when a user is given (``Case.objects.visible_to``).

Queries: two per call (the mediators' active assignments in the period with their cases'
outcome, dates and organization; the follow-ups of those cases), plus one per 5,000 cases
seen only through a link (a transfer or referral from the user's subtree), whatever the
number of mediators; the figures are added up in Python.
"""
import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, F
from django.db.models.functions import Cast

from tiaojie.cases.models import Assignment, Case, FollowUp, Outcome
from tiaojie.core import dates
from tiaojie.core.scope import Scope

MEDIATED = (Outcome.SUCCESS, Outcome.FAILED)
ID_CHUNK = 5_000  # ids per IN list (SQLite allows 32,766 parameters a query)
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


def _period(qs, prefix: str, date_from: dt.date | None, date_to: dt.date | None):
    """Registered within the dates (local days), as a range of instants: the index serves it,
    and SQLite converts no date per row (``__date`` called a Python function on every case)."""
    if date_from:
        qs = qs.filter(**{f"{prefix}registered_at__gte": dates.start_of_day(date_from)})
    if date_to:
        qs = qs.filter(**{f"{prefix}registered_at__lt": dates.start_of_day(date_to + dt.timedelta(days=1))})
    return qs


def _visible(user, rows) -> set:
    """The case ids of ``rows`` (case id, organization path) the user may see: a case of an
    organization in the user's subtree is seen; the others (moved or referred cases seen through
    a link) are checked through the scope rule, a few at a time."""
    scope = Scope.of(user) if user is not None else None
    if scope is None or scope.everything:
        return {c for c, _ in rows}
    if scope.nothing:
        return set()
    seen = {c for c, path in rows if path.startswith(scope.path)}
    others = sorted({c for c, path in rows if not path.startswith(scope.path)})
    for i in range(0, len(others), ID_CHUNK):
        seen.update(Case.objects.visible_to(user).filter(pk__in=others[i:i + ID_CHUNK]).values_list("pk", flat=True))
    return seen


MANY = 200  # more mediators than this (a city's honours list): their cases are found from the period


def _assignments(ids, mediators, date_from, date_to):
    """The mediators' active assignments in the period. A few mediators: through the mediator
    index. Many (a queryset given): from the period's cases (the registration-date index),
    keeping the mediators' rows; given both, SQLite started from the mediators and walked every
    assignment they ever had (2 s for a city's year on the demo)."""
    qs = Assignment.objects.filter(active=True).order_by()
    if mediators is not None and len(ids) > MANY and (date_from or date_to):
        period = _period(Case.objects.order_by(), "", date_from, date_to).values("pk")
        # ``mediator_id + 0``: the same test, but no index on it for the planner to prefer
        return qs.filter(case_id__in=period).alias(_mediator=F("mediator_id") + 0).filter(
            _mediator__in=mediators.values("pk"))
    return _period(qs.filter(mediator_id__in=ids), "case__", date_from, date_to)


def mediator_figures(mediator_ids, *, user=None, date_from: dt.date | None = None,
                     date_to: dt.date | None = None, mediators=None) -> dict[int, MediatorFigures]:
    """Figures for each mediator id (every id gets an entry, zeros when there are no cases).

    ``mediators``: optionally the queryset the ids came from (a city's honours list has
    thousands): the database then reads it as a subquery instead of a list of ids."""
    ids = list(mediator_ids)
    out = {pk: MediatorFigures() for pk in ids}
    if not ids:
        return out
    assigned = _assignments(ids, mediators, date_from, date_to)
    # one row per assignment with what the figures need (a city's year is a few ten thousand),
    # then the scope checked on just those cases
    # the dates as ISO text (read with ``date.fromisoformat`` only for closed cases): SQLite's
    # converter parsed two dates a row, 1.5 s for a city's year on a loaded machine
    rows = list(assigned.annotate(_accepted=Cast("case__accepted_on", CharField()),
                                  _closed=Cast("case__closed_on", CharField()))
                .values_list("mediator_id", "case_id", "case__outcome", "_accepted", "_closed",
                             "case__organization__path"))
    visible = _visible(user, {(r[1], r[5]) for r in rows})
    of_case: dict[int, set] = {}
    for mid, case_id, outcome, accepted, closed, _path in rows:
        if case_id not in visible or mid not in out or mid in of_case.get(case_id, ()):
            continue
        of_case.setdefault(case_id, set()).add(mid)
        f = out[mid]
        f.caseload += 1
        if outcome in MEDIATED:
            f.mediated += 1
            f.success += outcome == Outcome.SUCCESS
        if accepted is not None and closed is not None:
            f.closed_with_dates += 1
            f.total_days += max((dt.date.fromisoformat(closed[:10]) - dt.date.fromisoformat(accepted[:10])).days, 0)
    # the follow-ups of those cases, each counted for every mediator of its case
    for case_id, satisfaction in FollowUp.objects.filter(case_id__in=assigned.values("case_id")).values_list(
            "case_id", "satisfaction"):
        for mid in of_case.get(case_id, ()):
            f = out[mid]
            f.follow_ups += 1
            f.satisfied += satisfaction in SATISFIED
            f.complaints += satisfaction == FollowUp.Satisfaction.UNSATISFIED
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
    satisfaction, then fewer average days to close. ``limit``: only the first so many (a city
    ranks thousands; only those shown are read as whole records).
    """
    from tiaojie.orgs.models import Honour, Mediator

    active = mediators.filter(status=Mediator.Status.ACTIVE)
    names = dict(active.values_list("pk", "name"))
    figs = mediator_figures(list(names), user=user, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31),
                            mediators=active)
    ranked = sorted((pk for pk, f in figs.items() if f.caseload >= max(min_cases, 1) and f.complaints == 0),
                    key=lambda pk: (-(figs[pk].success_rate or 0), -figs[pk].caseload, -(figs[pk].satisfaction or 0),
                                    figs[pk].avg_days or 10**6, names[pk]))[:limit]
    records = Mediator.objects.select_related("organization").in_bulk(ranked)
    held: dict[int, list] = {}
    for h in Honour.objects.filter(mediator__in=ranked, year=year):
        held.setdefault(h.mediator_id, []).append(h)
    return [Candidate(records[pk], figs[pk], held.get(pk, []), rank=i) for i, pk in enumerate(ranked, start=1)]
