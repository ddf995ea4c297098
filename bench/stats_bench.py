"""Time the province/city dashboard and a yearly report through the real views.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench .venv/bin/python bench/stats_bench.py
    TIAOJIE_VAR_DIR=/tmp/statsdemo .venv/bin/python bench/stats_bench.py       # SQLite demo city

Uses the root organization's scope (a throw-away city-admin account is created if needed).
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
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
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


if __name__ == "__main__":
    main()
