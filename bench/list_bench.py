"""Time the case list, keyword search, an odd-period dashboard and registration at province scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_scale .venv/bin/python bench/list_bench.py

Run on a data set of ``bench/make_cases.py``. Every page is a whole request through Django's
test client (middleware, view, template); p50/p95 over ``--runs`` runs after one warm-up.
Users: a city administrator of the busiest city and one of the province (created if needed).
Registration: ``--registrations`` cases through ``tiaojie.cases.intake.register`` at one
village committee, the queries of one registration counted with ``CaptureQueriesContext``.
With ``--explain`` the SQL of the slowest query of each page is printed with its plan.
"""
import argparse
import datetime as dt
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pct(times, p):
    s = sorted(times)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--registrations", type=int, default=200)
    ap.add_argument("--only", default="", help="run only pages whose name contains one of these (comma-separated)")
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--no-freeze", action="store_true",
                    help="leave out the WSGI entry point's gc.freeze() (tiaojie/wsgi.py) to compare")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    import django

    django.setup()
    if not args.no_freeze:
        import tiaojie.wsgi  # noqa: F401  as a gunicorn worker starts: the app loaded, then gc.freeze()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tiaojie.accounts.models import User
    from tiaojie.cases.models import Case, Party
    from tiaojie.core.permissions import Role
    from tiaojie.orgs.models import Organization, OrgKind

    settings.ALLOWED_HOSTS = ["*"]
    root = Organization.objects.filter(parent__isnull=True).order_by("id").first()
    city = (Organization.objects.filter(parent=root, kind=OrgKind.CITY_BUREAU).order_by("id").first())
    users = {}
    for name, org in (("bench_city", city), ("bench_province", root)):
        u, _ = User.objects.get_or_create(username=name, defaults={"role": Role.CITY_ADMIN, "organization": org})
        users[name] = u
    n_cases = Case.objects.count()
    # search terms taken from the data: a frequent two-character name, a full name, a word of the facts
    two = (Party.objects.filter(kind="person").values("name").annotate(n=Count("id")).order_by("-n")[:50])
    two_char = next((r["name"] for r in two if len(r["name"]) == 2), "王伟")
    full = Party.objects.filter(kind="person", case__organization__path__startswith=city.path,
                                name__regex=r"^.{3}$").order_by("-id").values_list("name", flat=True).first() or "刘大海"
    # 下一页 from page 199: the cursor of its last row (keyset paging, tiaojie.core.paging)
    from tiaojie.cases.selectors import visible_cases
    from tiaojie.core.paging import CappedPaginator

    cursors, deep = {}, {}
    for who in users:
        pag = CappedPaginator(visible_cases(users[who]), 30)
        deep[who] = min(200, pag.num_pages)  # a scope with fewer pages: its last page
        last = visible_cases(users[who]).values_list("registered_at", "id")[(deep[who] - 1) * 30 - 1]
        cursors[who] = pag.cursor_token(last)
    today = dt.date.today()
    odd_start, odd_end = dt.date(today.year - 1, 3, 17), dt.date(today.year, 2, 11)
    pages = [
        ("city: list", "bench_city", "/cases/"),
        ("city: list by type 02", "bench_city", "/cases/?dispute_type=02"),
        ("city: list page 200", "bench_city", "/cases/?page=200"),
        ("city: list page 200 by 下一页 (cursor)", "bench_city", f"/cases/?page={deep['bench_city']}&after={cursors['bench_city']}"),
        ("city: list status mediating", "bench_city", "/cases/?status=mediating"),
        (f"city: search 2-char name {two_char}", "bench_city", f"/cases/?q={two_char}"),
        (f"city: search full name {full}", "bench_city", f"/cases/?q={full}"),
        ("city: search facts 宅基地", "bench_city", "/cases/?q=宅基地"),
        ("province: list", "bench_province", "/cases/"),
        ("province: list by type 02", "bench_province", "/cases/?dispute_type=02"),
        ("province: list page 200", "bench_province", "/cases/?page=200"),
        ("province: list page 200 by 下一页 (cursor)", "bench_province",
         f"/cases/?page={deep['bench_province']}&after={cursors['bench_province']}"),
        (f"province: search 2-char name {two_char}", "bench_province", f"/cases/?q={two_char}"),
        (f"province: search full name {full}", "bench_province", f"/cases/?q={full}"),
        ("province: search facts 宅基地", "bench_province", "/cases/?q=宅基地"),
        (f"province: dashboard {odd_start}–{odd_end}", "bench_province", f"/stats/?start={odd_start}&end={odd_end}"),
        (f"city: dashboard {odd_start}–{odd_end}", "bench_city", f"/stats/?start={odd_start}&end={odd_end}"),
    ]
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}; cases {n_cases:,}; "
          f"parties {Party.objects.count():,}; organizations {Organization.objects.count():,}; "
          f"city {city.name} ({Case.objects.filter(organization__path__startswith=city.path).count():,} cases)")
    print(f"load average {os.getloadavg()[0]:.2f}; gc.freeze() {'no' if args.no_freeze else 'yes'}")
    print(f"{'page':52s} {'p50':>8s} {'p95':>8s} {'max':>8s} queries")
    clients = {}
    for name, who, url in pages:
        if args.only and not any(w in name for w in args.only.split(",")):
            continue
        c = clients.get(who)
        if c is None:
            c = clients[who] = Client()
            c.force_login(users[who])
        times, cpus = [], []
        for _ in range(args.runs + 1):
            with CaptureQueriesContext(connection) as ctx:
                t, cpu = time.perf_counter(), time.process_time()
                r = c.get(url, secure=True)
                times.append(time.perf_counter() - t)
                cpus.append(time.process_time() - cpu)
            assert r.status_code == 200, (url, r.status_code)
        times, cpus = times[1:], cpus[1:]
        # client CPU: this process's own (view, ORM, template), not the database server's
        print(f"{name:52s} {pct(times, 50) * 1000:7.0f}ms {pct(times, 95) * 1000:7.0f}ms "
              f"{max(times) * 1000:7.0f}ms {len(ctx.captured_queries)}  (client CPU p50 {pct(cpus, 50) * 1000:.0f} ms,"
              f" max {max(cpus) * 1000:.0f} ms)", flush=True)
        if args.explain:
            slow = max(ctx.captured_queries, key=lambda q: float(q["time"]))
            print(f"   slowest query {slow['time']}s: {slow['sql'][:1500]}")
            if connection.vendor == "postgresql" and slow["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slow["sql"])
                    print("   " + "\n   ".join(r[0] for r in cur.fetchall()))
    if args.registrations and (not args.only or "regist" in args.only):
        register_bench(args.registrations, users["bench_city"], city, verbose=args.explain)


def register_bench(n, user, city, verbose=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tiaojie.cases import intake
    from tiaojie.cases.models import DisputeType
    from tiaojie.orgs.models import Organization, OrgKind
    from tiaojie.testing import make_id

    village = Organization.objects.filter(path__startswith=city.path, kind=OrgKind.VILLAGE).order_by("id").first()
    dtype = DisputeType.objects.get(code="02")

    def app(i):
        return intake.Application(
            via="desk", source="application", channel="window", dispute_type=dtype, region=village.region,
            organization=village, routing_reason="基准测试", arose_on=dt.date.today() - dt.timedelta(days=3),
            facts=f"申请人与被申请人系邻居，因院墙排水问题发生争执（基准{i}）。", claims="请求改建排水沟。",
            people_count=2, amount_at_stake=0, parties=[
                {"role": "applicant", "kind": "person", "name": "刘大海", "gender": "男", "ethnicity": "汉族",
                 "birth_date": dt.date(1980, 1, 1), "id_type": "resident", "id_number": make_id(seq=f"{i % 1000:03d}"),
                 "phone": "13912345678", "address": "东安社区3号院"},
                {"role": "respondent", "kind": "person", "name": "孙小梅", "gender": "女", "ethnicity": "汉族",
                 "birth_date": dt.date(1985, 5, 5), "id_type": "resident",
                 "id_number": make_id(birth="19850505", seq=f"{(i + 500) % 1000:03d}"), "phone": "13987654321",
                 "address": "东安社区4号院"}])

    intake.register(user, app(0))  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        intake.register(user, app(1))
    kinds = Counter()
    for q in ctx.captured_queries:
        sql = q["sql"]
        verb = sql.split(None, 1)[0].upper()
        table = next((w.strip('"') for w in sql.replace(",", " ").split() if w.startswith('"') and "_" in w), "?")
        kinds[f"{verb} {table.split('.')[0]}"] += 1
    print(f"registration: {len(ctx.captured_queries)} queries; by statement and first table: "
          + ", ".join(f"{k} ×{v}" for k, v in kinds.most_common()))
    for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]:
        print(f"   slow in one registration: {q['time']}s {q['sql'][:300]}")
    if verbose:  # every statement of one registration, in order
        for q in ctx.captured_queries:
            print(f"   {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")
    t, cpu = time.perf_counter(), time.process_time()
    for i in range(2, n + 2):
        intake.register(user, app(i))
    dt_, cpu = time.perf_counter() - t, time.process_time() - cpu
    # this process's CPU per registration (Python: validation, text analysis, ORM; not the
    # database server's): what one core could do if the database answered at once
    print(f"registrations: {n} in {dt_:.1f}s = {n / dt_:.1f}/s; client CPU {cpu / n * 1000:.1f} ms each "
          f"(≤ {n / cpu:.0f}/s on one core)", flush=True)


if __name__ == "__main__":
    main()
