"""Aggregate-only committees (汇总上报) in the demo, and the statistics rollups.

The seed reports an informatization entry rate (信息化录入率) of 90%: about one dispute in ten of
2016–2020 was reported only as a monthly count by committees not yet working online. The demo
builder records every dispute one by one, so this step turns the first months of some village
committees into aggregate reports: the cases of those committee-months become one
``AggregateReport`` each (same counts, successes and amounts, so the city's totals do not move)
and the individual records are removed. Then the statistics rollups are built.
"""
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

TARGET_SHARE = 0.10
HISTORY = (dt.date(2016, 1, 1), dt.date(2020, 12, 31))


def build(seed: int = 410400, small: bool = False, stderr=None) -> dict:
    """Convert ~10% of 2016–2020 into aggregate reports (full demo only: the small demo keeps
    every case, as its tests expect), then build the rollups."""
    from tiaojie.cases.models import Case
    from tiaojie.orgs.models import Organization, OrgKind
    from tiaojie.stats import rollups
    from tiaojie.stats.models import AggregateReport

    rng = random.Random(seed)
    say = (lambda m: stderr.write(m + "\n")) if stderr else (lambda m: None)
    if small:
        rows = rollups.rebuild_due(full=True)
        return {"committees": 0, "reports": 0, "cases": 0, "rollup_rows": rows}
    hist = Case.objects.filter(accepted_on__gte=HISTORY[0], accepted_on__lte=HISTORY[1])
    total = hist.count()
    target = int(total * TARGET_SHARE)
    villages = list(Organization.objects.filter(kind=OrgKind.VILLAGE).values_list("id", flat=True))
    rng.shuffle(villages)
    per_org = defaultdict(list)
    for cid, org, acc in hist.filter(organization_id__in=villages).values_list("id", "organization_id", "accepted_on"):
        per_org[org].append((acc, cid))
    chosen: dict = {}  # org -> last offline month
    taken = 0
    for org in villages:
        if taken >= target:
            break
        rows = sorted(per_org.get(org, []))
        if not rows:
            continue
        months = 6 + rng.randrange(43)  # offline from 2016-01 for 6..48 months
        y, m = divmod(months, 12)
        last = dt.date(2016 + y, m + 1, 1) if m < 12 else dt.date(2017 + y, 1, 1)
        n = sum(1 for acc, _ in rows if acc < last)
        if n == 0:
            continue
        chosen[org] = last
        taken += n
    reports = []
    delete_ids = []
    qs = (Case.objects.filter(organization_id__in=list(chosen))
          .select_related("agreement", "dispute_type", "dispute_type__parent"))
    cells: dict = defaultdict(lambda: {"accepted": 0, "successful": 0, "amount": Decimal(0), "by_type": defaultdict(int)})
    for c in qs.iterator(chunk_size=2000):
        day = c.accepted_on or c.registered_at.date()
        if day >= chosen[c.organization_id]:
            continue
        cell = cells[(c.organization_id, day.replace(day=1))]
        delete_ids.append(c.pk)
        if c.accepted_on is None:
            continue
        cell["accepted"] += 1
        cell["by_type"][c.dispute_type.top.code] += 1
        if c.outcome == "success":
            cell["successful"] += 1
            agreement = getattr(c, "agreement", None)
            cell["amount"] += agreement.amount if agreement else 0
    for (org, month), cell in cells.items():
        reports.append(AggregateReport(organization_id=org, month=month, accepted=cell["accepted"],
                                       successful=cell["successful"], amount=cell["amount"],
                                       by_type=dict(cell["by_type"])))
    with transaction.atomic():
        AggregateReport.objects.bulk_create(reports, batch_size=2000)
        for i in range(0, len(delete_ids), 1000):
            Case.objects.filter(pk__in=delete_ids[i:i + 1000]).delete()
        _renumber(list(chosen))
    say(f"汇总上报：{len(chosen)} 个村（社区）调委会的 {len(reports)} 个月改为按月汇总上报，"
        f"涉及 {taken} 件（占 2016–2020 年受理的 {taken / max(1, total):.1%}）")
    say("生成统计汇总表…")
    rows = rollups.rebuild_due(full=True)
    say(f"统计汇总表：{rows} 行")
    return {"committees": len(chosen), "reports": len(reports), "cases": taken, "rollup_rows": rows}


def _renumber(org_ids) -> None:
    """Keep each committee's case numbers gapless (1..n a year) after removing cases."""
    from tiaojie.cases.intake import format_number
    from tiaojie.cases.models import Case, CaseNumberCounter

    for i in range(0, len(org_ids), 200):
        chunk = org_ids[i:i + 200]
        changed, last = [], {}
        qs = Case.objects.filter(numbered_by_id__in=chunk).select_related("numbered_by").order_by(
            "numbered_by_id", "year", "seq")
        for c in qs.iterator(chunk_size=2000):
            key = (c.numbered_by_id, c.year)
            n = last[key] = last.get(key, 0) + 1
            if c.seq != n:
                c.seq, c.number = n, format_number(c.numbered_by, c.year, n)
                changed.append(c)
        Case.objects.bulk_update(changed, ["seq", "number"], batch_size=1000)
        for counter in CaseNumberCounter.objects.filter(organization_id__in=chunk):
            n = last.get((counter.organization_id, counter.year))
            if n is None:
                counter.delete()
            elif counter.last != n:
                counter.last = n
                counter.save(update_fields=["last"])
