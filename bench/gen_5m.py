"""Generate a province-sized statistics data set on PostgreSQL (default 5 million cases).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench \
        .venv/bin/python bench/gen_5m.py --cases 5000000

Creates (or empties) the dedicated database named in DATABASE_URL (never the dev database:
the name must contain "bench"), migrates it, builds a province of 18 cities × 9 counties ×
14 townships × 20 villages (≈ 48,000 organizations), writes cases of 2016–2020 with agreements
through COPY, then builds the statistics rollups (``rebuild_rollups --full``) and times it.
"""
import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fresh_database():
    """Drop and create the database named in DATABASE_URL (its name must contain "bench"),
    set Django up on it and migrate. Shared by the bench generators."""
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("DATABASE_URL must name a dedicated database whose name contains 'bench', e.g. tiaojie_bench")
    import psycopg

    dbname = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        c.execute(f'CREATE DATABASE "{dbname}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    from django.core.management import call_command

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.monotonic() - t0:.1f}s", flush=True)


def bulk_orgs(parent, names, kind, region, abbrs=None):
    """Organizations ``names`` under ``parent`` in two bulk queries (paths set once ids are known)."""
    from tiaojie.orgs.models import Organization

    abbrs = abbrs or [n[-20:] for n in names]
    objs = [Organization(name=n, abbr=a, kind=kind, region=region, parent=parent) for n, a in zip(names, abbrs, strict=True)]
    objs = Organization.objects.bulk_create(objs, batch_size=2000)
    for o in objs:
        o.path = f"{parent.path}{o.pk}/"
    Organization.objects.bulk_update(objs, ["path"], batch_size=2000)
    return objs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=5_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-rollups", action="store_true")
    args = ap.parse_args()
    fresh_database()
    from django.core.management import call_command
    from django.db import connection
    rng = random.Random(args.seed)
    from tiaojie.cases.models import DisputeType
    from tiaojie.orgs.models import Organization, OrgKind, Region, RegionLevel

    t = time.monotonic()
    region = Region.objects.create(code="410000", name="河南省", level=RegionLevel.CITY)
    province = Organization.objects.create(name="省司法厅", abbr="省", kind=OrgKind.CITY_BUREAU, region=region)
    # organizations by COPY-like bulk inserts level by level (paths set after ids are known)
    villages = []

    def bulk(parent, n, kind, prefix):
        return bulk_orgs(parent, [f"{prefix}{i:03d}" for i in range(n)], kind, region)

    for ci, city in enumerate(bulk(province, 18, OrgKind.CITY_BUREAU, "市")):
        for ki, county in enumerate(bulk(city, 9, OrgKind.COUNTY_CENTER, f"市{ci}县")):
            for ti, town in enumerate(bulk(county, 14, OrgKind.TOWNSHIP, f"市{ci}县{ki}镇")):
                villages += bulk(town, 20, OrgKind.VILLAGE, f"市{ci}县{ki}镇{ti}村")
    print(f"organizations: {Organization.objects.count():,} in {time.monotonic() - t:.1f}s", flush=True)
    types = list(DisputeType.objects.filter(parent__isnull=True).values_list("id", flat=True))
    sources = ["application"] * 5 + ["initiative"] * 3 + ["court", "police"]
    vids = [v.pk for v in villages]
    t = time.monotonic()
    start = dt.date(2016, 1, 1).toordinal()
    span = dt.date(2020, 12, 31).toordinal() - start + 1
    with connection.cursor() as cur:
        raw = cur.connection
        cols = ("id, number, year, seq, organization_id, numbered_by_id, registered_at, source, channel, "
                "dispute_type_id, facts, claims, region_id, place_detail, arose_on, people_count, amount_at_stake, "
                "status, outcome, accepted_on, time_limit_days, extended_days, due_on, closed_on, close_reason, "
                "routes_informed, version, updated_at, agreement_kind, agreement_amount")
        has_numbered = "numbered_by_id" in [c.name for c in connection.introspection.get_table_description(
            cur, "cases_case")]
        if not has_numbered:
            cols = cols.replace("numbered_by_id, ", "")
        ag_rows = []
        with raw.cursor().copy(f"COPY cases_case ({cols}) FROM STDIN") as cp:
            for i in range(1, args.cases + 1):
                org = vids[rng.randrange(len(vids))]
                day = dt.date.fromordinal(start + rng.randrange(span))
                ok = rng.random() < 0.99
                closed = day + dt.timedelta(days=rng.randrange(1, 20))
                ts = f"{day.isoformat()} 09:00:00+08"
                agreed = rng.randrange(1, 200) * 100 if ok else None
                row = [i, f"B{i}", day.year, i, org] + ([org] if has_numbered else []) + [
                    ts, sources[rng.randrange(10)], "window", types[rng.randrange(len(types))], "纠纷", "",
                    region.pk, "", day, 2, 0, "archived", "success" if ok else "failed", day, 30, 0,
                    day + dt.timedelta(days=30), closed, "", True, 1, ts,
                    ("written" if i % 5 else "oral") if ok else None, agreed]  # the case's copy of its agreement
                cp.write_row(row)
                if ok:
                    ag_rows.append((i, agreed, closed))
                if i % 500_000 == 0:
                    print(f"  cases {i:,} ({time.monotonic() - t:.0f}s)", flush=True)
        with raw.cursor().copy("COPY cases_agreement (case_id, kind, facts, issues, responsibilities, terms, "
                               "performance_method, amount, effective_on, created_at) FROM STDIN") as cp:
            for cid, amount, eff in ag_rows:
                cp.write_row([cid, "written" if cid % 5 else "oral", "", "", "", "协议", "", amount, eff,
                              f"{eff.isoformat()} 10:00:00+08"])
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case','id'), %s)", [args.cases])
        cur.execute("ANALYZE")
    print(f"cases: {args.cases:,} (+{len(ag_rows):,} agreements) in {time.monotonic() - t:.1f}s", flush=True)
    if not args.skip_rollups:
        t = time.monotonic()
        call_command("rebuild_rollups", "--full")
        print(f"rebuild_rollups --full: {time.monotonic() - t:.1f}s", flush=True)


if __name__ == "__main__":
    main()
