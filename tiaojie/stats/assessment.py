"""考核: score and rank counties and townships on the indicators of ``Indicator`` (admin-editable).

Indicator values (0–1) for a unit's subtree and a period:

* 调解成功率, 信息化录入率, 回访率 — ``figures`` (success_rate, entry_rate, follow_up_rate);
* 排查报告按时率 — screening reports filed on time ÷ reports due: every screening organization owes
  one report per period of its cadence that ended (grace included) inside the period, so a report
  never filed counts against the unit as much as a late one;
* 案件未超期率 — 1 − open cases past their time limit today ÷ open cases under a time limit;
* 预警按时处置率 — warnings raised in the period (by origin) resolved before their deadline ÷ raised;
* 群众满意率 — the parties' own ratings given in the period on cases the unit handles, rated 4 or 5
  ÷ all (``stats.satisfaction``; seeded inactive: the city turns it on in admin).

Score of one indicator = weight × min(1, value ÷ target). A unit with no data for an indicator
is not scored on it; the total is rescaled to 100 over the indicators it was scored on.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from tiaojie.cases.models import Case
from tiaojie.orgs.models import Organization, OrgKind
from tiaojie.stats import figures
from tiaojie.stats.models import Indicator

LEVELS = {"county": (OrgKind.COUNTY_CENTER, "县（市、区）"), "township": (OrgKind.TOWNSHIP, "乡镇（街道）")}


@dataclass
class Score:
    org: Organization
    values: dict = field(default_factory=dict)  # code -> value or None
    parts: dict = field(default_factory=dict)  # code -> points or None
    total: float = 0.0
    rank: int = 0


def _unit_of(path: str, units: dict) -> int | None:
    for part in path.strip("/").split("/"):
        if int(part) in units:
            return int(part)
    return None


def _grouped(qs, org_field: str, units: dict, **counts) -> dict:
    """Sum counts per unit: {unit_id: {name: n}} from a query grouped by organization path."""
    out: dict = defaultdict(lambda: defaultdict(int))
    for r in qs.values(p=F(f"{org_field}__path")).annotate(**counts).order_by():
        u = _unit_of(r["p"], units)
        if u is not None:
            for k in counts:
                out[u][k] += r[k]
    return out


def _reports_due(path: str, units: dict, period: figures.Period, today) -> dict:
    """Screening reports each unit's organizations owed for the periods that ended in ``period``."""
    from tiaojie.screening.models import ScreeningCadence
    from tiaojie.screening.periods import periods_between
    from tiaojie.screening.services import DEFAULT_CADENCE

    cadences = {k: (c, 2) for k, c in DEFAULT_CADENCE.items()}
    cadences.update({r.org_kind: (r.cadence, r.grace_days) for r in ScreeningCadence.objects.all()})
    due: dict = defaultdict(int)
    for kind, (cadence, grace) in cadences.items():
        owed = sum(1 for p in periods_between(cadence, period.start, min(period.end, today))
                   if p.start >= period.start and p.end <= period.end and p.due(grace) < today)
        if not owed:
            continue
        counts: dict = defaultdict(int)
        for org_path in Organization.objects.filter(path__startswith=path, kind=kind, is_active=True) \
                .values_list("path", flat=True):
            u = _unit_of(org_path, units)
            if u is not None:
                counts[u] += 1
        for u, n in counts.items():
            due[u] += n * owed
    return due


def _ratings(path: str, units: dict, period: figures.Period) -> dict:
    """Ratings given within ``period`` on the cases each unit handles: {unit: {n, ok}}."""
    from tiaojie.public.models import Rating
    from tiaojie.stats.satisfaction import SATISFIED

    return _grouped(Rating.objects.filter(case__organization__path__startswith=path, rated_at__date__gte=period.start,
                                          rated_at__date__lte=period.end),
                    "case__organization", units, n=Count("id"), ok=Count("id", filter=SATISFIED))


def assess(node: Organization, period: figures.Period, level: str) -> tuple[list, list[Score]]:
    """Scores of the units of ``level`` inside ``node``'s subtree, best first."""
    from tiaojie.screening.models import ScreeningRound
    from tiaojie.warnings.models import Warning

    kind = LEVELS[level][0]
    indicators = list(Indicator.objects.filter(is_active=True))
    units = {o.pk: o for o in Organization.objects.subtree_of(node).filter(kind=kind).order_by("path")}
    if not units:
        return indicators, []
    # Figures: read each parent's child facet (rollups where they exist).
    figs: dict = {}
    for parent_id in {u.parent_id for u in units.values()}:
        parent = Organization.objects.get(pk=parent_id)
        children = figures.compute(parent, period).facet("child")
        for uid in units:
            if str(uid) in children:
                figs[uid] = children[str(uid)]
    path = node.path
    rounds = _grouped(ScreeningRound.objects.filter(organization__path__startswith=path,
                                                    period_start__gte=period.start, period_start__lte=period.end),
                      "organization", units, n=Count("id"), late=Count("id", filter=Q(late=True)))
    today = timezone.localdate()
    due = _reports_due(path, units, period, today)
    open_cases = _grouped(Case.objects.filter(organization__path__startswith=path, status__in=["accepted", "mediating"]),
                          "organization", units, n=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    warns = _grouped(Warning.objects.filter(origin__path__startswith=path, raised_at__date__gte=period.start,
                                            raised_at__date__lte=period.end),
                     "origin", units, n=Count("id"),
                     ok=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("respond_by"))))
    rated = _ratings(path, units, period) if any(i.code == Indicator.Code.SATISFACTION for i in indicators) else {}
    scores = []
    for uid, org in units.items():
        f = figs.get(uid) or figures.derive({})
        values = {
            "success_rate": f["success_rate"], "entry_rate": f["entry_rate"], "follow_up_rate": f["follow_up_rate"],
            "screening_on_time": figures.ratio(rounds[uid]["n"] - rounds[uid]["late"], max(due[uid], rounds[uid]["n"])),
            "not_overdue": (1 - open_cases[uid]["overdue"] / open_cases[uid]["n"]) if open_cases[uid]["n"] else None,
            "warnings_on_time": figures.ratio(warns[uid]["ok"], warns[uid]["n"]),
            "satisfaction": figures.ratio(rated[uid]["ok"], rated[uid]["n"]) if uid in rated else None,
        }
        s = Score(org=org, values=values)
        got = possible = Decimal(0)
        for ind in indicators:
            v = values.get(ind.code)
            if v is None:
                s.parts[ind.code] = None
                continue
            target = ind.target or Decimal(1)
            pts = ind.weight * min(Decimal(1), Decimal(str(v)) / target)
            s.parts[ind.code] = float(round(pts, 2))
            got += pts
            possible += ind.weight
        s.total = float(round(got * 100 / possible, 2)) if possible else 0.0
        scores.append(s)
    scores.sort(key=lambda s: (-s.total, s.org.path))
    for i, s in enumerate(scores, start=1):
        s.rank = i
    return indicators, scores
