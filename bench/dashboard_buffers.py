"""The database work of one dashboard figure set, query by query (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db> .venv/bin/python bench/dashboard_buffers.py \\
        [--start 2025-03-17 --end 2026-02-11] [--scope province|city|county]

Runs ``figures.compute`` for the period and, like the dashboard, its year earlier counted for the
totals only; then each statement it sent again under ``EXPLAIN (ANALYZE, BUFFERS)``: execution
time and shared buffers (hit + read) per statement, the total, and the load average.
"""
import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    ap = argparse.ArgumentParser()
    today = dt.date.today()
    ap.add_argument("--start", default=f"{today.year - 1}-03-17")
    ap.add_argument("--end", default=f"{today.year}-02-11")
    ap.add_argument("--scope", choices=("province", "city", "county"), default="province")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tiaojie.orgs.models import Organization, OrgKind
    from tiaojie.stats import figures

    node = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    if args.scope != "province":
        node = Organization.objects.filter(parent=node, kind=OrgKind.CITY_BUREAU).order_by("id").first()
    if args.scope == "county":
        node = Organization.objects.filter(parent=node, kind=OrgKind.COUNTY_CENTER).order_by("id").first()
    period = figures.Period(dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end))
    figures.compute(node, period)  # warm the caches (organization map) as a worker would be
    with CaptureQueriesContext(connection) as ctx:
        fig = figures.compute(node, period)
        figures.compute(node, period.year_earlier(), totals=True)
    total_ms = total_buf = 0
    print(f"{node.name} {period.label}: accepted {fig.total['accepted']:,}, succeeded {fig.total['succeeded']:,}")
    with connection.cursor() as cur:
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cur.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            top = plan["Plan"]
            buf = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            ms = plan["Execution Time"]
            total_ms, total_buf = total_ms + ms, total_buf + buf
            print(f"{ms:8.1f} ms {buf:8,} buffers  {sql[:110]}")
    print(f"total {total_ms:.0f} ms, {total_buf:,} buffers in {len(ctx.captured_queries)} statements; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
