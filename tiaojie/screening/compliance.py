"""排查履职看板 (screening compliance): for one unit, each unit directly below it with the
screening reports its subtree owed for the latest finished period of each cadence, how many came
in (on time, late, 零报告) and how many are missing — worst first, for the meeting room.

"The period" is, per cadence, the last one that has ended (a village's last week, a township's
last 旬, a county centre's last month); a missing report counts as 逾期未报 once that period's
grace (working days, ``Period.due``) has passed, before that as 待报.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tiaojie.orgs.models import Organization
from tiaojie.screening.models import ScreeningCadence, ScreeningRound
from tiaojie.screening.periods import Period, period_containing, previous_period


@dataclass
class Owed:
    """One cadence's period for the board, with the kind of organization that owes it."""

    kind: str
    period: Period
    due: dt.date
    overdue: bool


@dataclass
class Row:
    unit: Organization
    owed: int = 0
    filed: int = 0
    late: int = 0
    zero: int = 0
    missing_orgs: list[int] = field(default_factory=list)
    drill: bool = False   # screening organizations below the unit: its own board opens them
    own_state: str = ""   # when the unit screens itself: 已上报 / 零报告 / 逾期上报 / 逾期未报 / 待报

    @property
    def missing(self) -> int:
        return len(self.missing_orgs)

    @property
    def on_time(self) -> int:
        return self.filed - self.late

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.owed if self.owed else None

    @property
    def badness(self) -> tuple:
        """Worst first: the share missing, then the share late, then the most missing."""
        if not self.owed:
            return (0, 0, 0)
        return (self.missing / self.owed, self.late / self.owed, self.missing)


@dataclass
class Board:
    node: Organization
    owed: list[Owed]
    rows: list[Row]
    total: Row


def cadences() -> dict[str, tuple[str, int]]:
    """Organization kind → (cadence, grace working days): the admin table, else the defaults."""
    from tiaojie.screening.services import DEFAULT_CADENCE

    out = {kind: (cadence, 2) for kind, cadence in DEFAULT_CADENCE.items()}
    out.update({row.org_kind: (row.cadence, row.grace_days) for row in ScreeningCadence.objects.all()})
    return out


def distinct_periods(owed: list[Owed]) -> list[Owed]:
    """The board's periods once each (county centres and trade committees share the month)."""
    seen, out = set(), []
    for o in owed:
        if (o.period.key, o.due) not in seen:
            seen.add((o.period.key, o.due))
            out.append(o)
    return out


def owed_periods(today: dt.date | None = None) -> list[Owed]:
    today = today or timezone.localdate()
    out = []
    for kind, (cadence, grace) in sorted(cadences().items()):
        p = previous_period(period_containing(cadence, today))
        due = p.due(grace)
        out.append(Owed(kind, p, due, today > due))
    return out


def board(node: Organization, today: dt.date | None = None) -> Board:
    """The board of ``node``: one row per unit directly below it (or, when nothing sits below
    the units, per screening organization), each over its whole subtree. Three queries."""
    owed = owed_periods(today)
    by_kind = {o.kind: o for o in owed}
    orgs = list(Organization.objects.filter(path__startswith=node.path, is_active=True, kind__in=list(by_kind))
                .values_list("pk", "path", "kind"))
    filed = {}
    # one query for every kind's current period, unordered: the model's order made SQLite walk
    # all rounds by date (0.4 s a kind on the demo city) instead of one pass over the table
    owed_now = Q(pk__in=[])
    for o in owed:
        owed_now |= Q(period_key=o.period.key, organization__kind=o.kind)
    for org_id, late, zero in (ScreeningRound.objects.filter(owed_now, organization__path__startswith=node.path)
                               .order_by().values_list("organization_id", "late", "is_zero_report")):
        filed[org_id] = (late, zero)
    children = {c.pk: c for c in Organization.objects.filter(parent=node, is_active=True)}
    rows: dict[int, Row] = {}
    total = Row(node)
    for pk, path, kind in orgs:
        if pk == node.pk:
            unit_pk = pk
        else:
            unit_pk = int(path[len(node.path):].split("/", 1)[0])
        if unit_pk not in rows:
            unit = children.get(unit_pk) or (node if unit_pk == node.pk else None)
            if unit is None:
                continue
            rows[unit_pk] = Row(unit)
        if pk != unit_pk:
            rows[unit_pk].drill = True
        else:
            late, zero = filed.get(pk, (None, None))
            rows[unit_pk].own_state = ("待报" if late is None and not by_kind[kind].overdue else "逾期未报"
                                       if late is None else "逾期上报" if late else "零报告" if zero else "已上报")
        for row in (rows[unit_pk], total):
            row.owed += 1
            if pk in filed:
                late, zero = filed[pk]
                row.filed += 1
                row.late += int(late)
                row.zero += int(zero)
            else:
                row.missing_orgs.append(pk)
    ordered = sorted(rows.values(), key=lambda r: (tuple(-x for x in r.badness), r.unit.name))
    return Board(node, owed, ordered, total)
