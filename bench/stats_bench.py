"""Time the province/city dashboard and a yearly report through the real views.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench .venv/bin/python bench/stats_bench.py
    TIAOJIE_VAR_DIR=/tmp/statsdemo .venv/bin/python bench/stats_bench.py       # SQLite demo city

Uses the root organization's scope (a throw-away city-admin account is created if needed).
With ``--dashboards`` it times instead the dashboard of three scopes (the root, its first city,
that city's first county) for three periods: the default (the last 12 months), this year, and an
odd period not aligned to months (the 17th of March last year to the 11th of February this year):
p50 / p95 / max over ``--runs`` after a warm-up, the query count, this process's CPU, the load.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--year", type=int, default=2020)
    ap.add_argument("--dashboards", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    if args.dashboards:
        return dashboards(args.runs)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tiaojie.accounts.models import Role, User
    from tiaojie.cases.models import Case
    from tiaojie.orgs.models import Organization

    settings.ALLOWED_HOSTS = ["*"]
    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    user, _ = User.objects.get_or_create(username="bench_stats", defaults={"role": Role.CITY_ADMIN, "organization": root})
    c = Client()
    c.force_login(user)
    y = args.year
    pages = {
        f"dashboard {y - 4}–{y}": f"/stats/?start={y - 4}-01-01&end={y}-12-31",
        f"dashboard {y}": f"/stats/?start={y}-01-01&end={y}-12-31",
        f"yearly report {y}": f"/stats/report/?start={y}-01-01&end={y}-12-31",
        f"yearly report {y} .xlsx": f"/stats/report/?start={y}-01-01&end={y}-12-31&format=xlsx",
    }
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}; cases {Case.objects.count():,}; "
          f"organizations {Organization.objects.count():,}; scope {root.name}")
    for name, url in pages.items():
        times = []
        for _ in range(args.runs + 1):
            t = time.perf_counter()
            r = c.get(url)
            times.append(time.perf_counter() - t)
            assert r.status_code == 200, (url, r.status_code)
        times = times[1:]  # first run warms caches
        print(f"{name:28s} median {statistics.median(times):.3f}s  max {max(times):.3f}s")


def dashboards(runs: int):
    import datetime as dt

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import tiaojie.wsgi  # noqa: F401  as a gunicorn worker starts (gc.freeze())
    from tiaojie.accounts.models import Role, User
    from tiaojie.orgs.models import Organization, OrgKind
    from tiaojie.stats.models import Rollup

    settings.ALLOWED_HOSTS = ["*"]
    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    city = Organization.objects.filter(parent=root, kind=OrgKind.CITY_BUREAU).order_by("id").first()
    county = Organization.objects.filter(parent=city, kind=OrgKind.COUNTY_CENTER).order_by("id").first()
    today = dt.date.today()
    periods = {"last 12 months (default)": "",
               f"this year {today.year}": f"?start={today.year}-01-01&end={today.year}-12-31",
               f"odd {today.year - 1}-03-17 – {today.year}-02-11": f"?start={today.year - 1}-03-17&end={today.year}-02-11"}
    print(f"database {settings.DATABASES['default']['NAME']}; rollup rows {Rollup.objects.count():,}; "
          f"load average {os.getloadavg()[0]:.2f}")
    for label, org, role in (("province", root, Role.CITY_ADMIN), (f"city {city.name}", city, Role.CITY_ADMIN),
                             (f"county {county.name}", county, Role.COUNTY_STAFF)):
        user, _ = User.objects.get_or_create(username=f"bench_dash_{org.pk}", defaults={"role": role, "organization": org})
        c = Client()
        c.force_login(user)
        for pname, q in periods.items():
            times, cpus = [], []
            for _ in range(runs + 1):
                with CaptureQueriesContext(connection) as ctx:
                    t, cpu = time.perf_counter(), time.process_time()
                    r = c.get("/stats/" + q, secure=True)
                    times.append(time.perf_counter() - t)
                    cpus.append(time.process_time() - cpu)
                assert r.status_code == 200, (q, r.status_code)
            times, cpus = sorted(times[1:]), sorted(cpus[1:])
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(f"{label:28s} {pname:32s} p50 {statistics.median(times) * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms  "
                  f"max {times[-1] * 1000:6.0f} ms  {len(ctx.captured_queries)} queries  client CPU p50 "
                  f"{statistics.median(cpus) * 1000:.0f} ms", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
