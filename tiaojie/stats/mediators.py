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

Queries: five per call (the mediators' cases, those in scope, counts, close dates, follow-ups),
whatever the number of mediators.
"""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from tiaojie.cases.models import Assignment, Case, FollowUp, Outcome

MEDIATED = (Outcome.SUCCESS, Outcome.FAILED)
CASE_LIST_LIMIT = 30_000  # below SQLite's 32,766 query parameters
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


def _cases(user=None, date_from: dt.date | None = None, date_to: dt.date | None = None):
    qs = Case.objects.visible_to(user) if user is not None else Case.objects.all()
    if date_from:
        qs = qs.filter(registered_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(registered_at__date__lte=date_to)
    return qs


def mediator_figures(mediator_ids, *, user=None, date_from: dt.date | None = None,
                     date_to: dt.date | None = None) -> dict[int, MediatorFigures]:
    """Figures for each mediator id (every id gets an entry, zeros when there are no cases)."""
    ids = list(mediator_ids)
    out = {pk: MediatorFigures() for pk in ids}
    if not ids:
        return out
    cases = _cases(user, date_from, date_to)
    # The mediators' own cases first (a roster page's worth is a few thousand), then the scope and
    # the period checked on just those: checking every case in a city's scope through the scope
    # rule took seconds on a city's data. Past the limit, the scope filters in the database.
    mine = Assignment.objects.filter(active=True, mediator_id__in=ids)
    if date_from:
        mine = mine.filter(case__registered_at__date__gte=date_from)
    if date_to:
        mine = mine.filter(case__registered_at__date__lte=date_to)
    assigned = list(mine.order_by().values_list("case_id", flat=True).distinct()[:CASE_LIST_LIMIT + 1])
    if len(assigned) <= CASE_LIST_LIMIT:
        visible = list(cases.filter(pk__in=assigned).order_by().values_list("pk", flat=True))
        cases = Case.objects.filter(pk__in=visible)
    assignments = Assignment.objects.filter(active=True, mediator_id__in=ids, case__in=cases)
    for row in assignments.values("mediator_id").annotate(
            caseload=Count("case_id", distinct=True),
            mediated=Count("case_id", distinct=True, filter=Q(case__outcome__in=MEDIATED)),
            success=Count("case_id", distinct=True, filter=Q(case__outcome=Outcome.SUCCESS))):
        f = out[row["mediator_id"]]
        f.caseload, f.mediated, f.success = row["caseload"], row["mediated"], row["success"]
    seen = set()
    for mid, case_id, accepted, closed in assignments.filter(
            case__accepted_on__isnull=False, case__closed_on__isnull=False).values_list(
            "mediator_id", "case_id", "case__accepted_on", "case__closed_on"):
        if (mid, case_id) in seen:
            continue
        seen.add((mid, case_id))
        out[mid].closed_with_dates += 1
        out[mid].total_days += max((closed - accepted).days, 0)
    for row in (FollowUp.objects.filter(case__in=cases, case__assignments__active=True,
                                        case__assignments__mediator_id__in=ids)
                .values("case__assignments__mediator_id")
                .annotate(n=Count("id", distinct=True),
                          ok=Count("id", distinct=True, filter=Q(satisfaction__in=SATISFIED)),
                          bad=Count("id", distinct=True, filter=Q(satisfaction=FollowUp.Satisfaction.UNSATISFIED)))):
        f = out[row["case__assignments__mediator_id"]]
        f.follow_ups, f.satisfied, f.complaints = row["n"], row["ok"], row["bad"]
    return out


@dataclass
class Candidate:
    mediator: object
    figures: MediatorFigures
    honours: list
    rank: int = 0


def honour_candidates(mediators, *, user=None, year: int, min_cases: int = 1) -> list[Candidate]:
    """Mediators ranked for the year's honours (金牌/先进人民调解员候选).

    Only mediators on the register (在岗) with at least ``min_cases`` cases in the year and no
    complaint (不满意回访) are candidates. Order: success rate, then caseload, then
    satisfaction, then fewer average days to close.
    """
    from tiaojie.orgs.models import Mediator

    meds = list(mediators.filter(status=Mediator.Status.ACTIVE).select_related("organization"))
    figs = mediator_figures([m.pk for m in meds], user=user, date_from=dt.date(year, 1, 1),
                            date_to=dt.date(year, 12, 31))
    from tiaojie.orgs.models import Honour

    held: dict[int, list] = {}
    for h in Honour.objects.filter(mediator__in=[m.pk for m in meds], year=year):
        held.setdefault(h.mediator_id, []).append(h)
    out = [Candidate(m, figs[m.pk], held.get(m.pk, [])) for m in meds
           if figs[m.pk].caseload >= max(min_cases, 1) and figs[m.pk].complaints == 0]
    out.sort(key=lambda c: (-(c.figures.success_rate or 0), -c.figures.caseload,
                            -(c.figures.satisfaction or 0), c.figures.avg_days or 10**6, c.mediator.name))
    for i, c in enumerate(out, start=1):
        c.rank = i
    return out
