"""Time the case list, keyword search, an odd-period dashboard and registration at province scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_scale .venv/bin/python bench/list_bench.py

Run on a data set of ``bench/make_cases.py``. Every page is a whole request through Django's
test client (middleware, view, template); p50/p95 over ``--runs`` runs after one warm-up.
Users: a city administrator of the busiest city and one of the province (created if needed).
Registration: ``--registrations`` cases through ``tiaojie.cases.intake.register`` at one
village committee, the queries of one registration counted with ``CaptureQueriesContext``;
``--processes N`` splits them over N processes registering at once (each its own connection, all
in the same committee's series, so they contend for its number; ``--spread``: each at its own), and
the numbers taken are checked to be gapless and unique afterwards. The CPU of the registering processes (client) and of the
PostgreSQL backends serving them (server, from /proc when the server is local) is given per
registration: it does not depend on the load of a shared machine as the rate does.
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
    ap.add_argument("--processes", type=int, default=1,
                    help="registering processes at once, each with its own connection (--registrations split)")
    ap.add_argument("--spread", action="store_true",
                    help="each process registers at its own committee (default: all at one, contending for its numbers)")
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
        register_bench(args.registrations, users["bench_city"], city, verbose=args.explain,
                       processes=args.processes, spread=args.spread)


def _server_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend serving this connection has run, read from
    /proc/<pid>/schedstat (nanoseconds) when the server runs on this machine; None otherwise
    (SQLite, a remote server)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        with open(f"/proc/{pid}/schedstat") as fh:
            return int(fh.read().split()[0]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


# Each run of the bench draws its parties' ID numbers afresh, so that a registration finds no
# open case with the same ID (as on a fresh database; repeated runs over one database otherwise
# found ever more "duplicates" and timed the growing warnings instead of a registration).
RUN = int(time.time()) % 100_000


def _id_number(k: int) -> str:
    from tiaojie.testing import make_id

    birth = dt.date(1940, 1, 1) + dt.timedelta(days=(k // 1000) % 25_000)
    return make_id(birth=birth.strftime("%Y%m%d"), seq=f"{k % 1000:03d}")


def _registration_app(village, dtype, i):
    from tiaojie.cases import intake

    k = (RUN * 1_000_000 + i) * 2
    return intake.Application(
        via="desk", source="application", channel="window", dispute_type=dtype, region=village.region,
        organization=village, routing_reason="基准测试", arose_on=dt.date.today() - dt.timedelta(days=3),
        facts=f"申请人与被申请人系邻居，因院墙排水问题发生争执（基准{i}）。", claims="请求改建排水沟。",
        people_count=2, amount_at_stake=0, parties=[
            {"role": "applicant", "kind": "person", "name": "刘大海", "ethnicity": "汉族",   # sex, birth: from the ID
             "id_type": "resident", "id_number": _id_number(k),
             "phone": "13912345678", "address": "东安社区3号院"},
            {"role": "respondent", "kind": "person", "name": "孙小梅", "ethnicity": "汉族",
             "id_type": "resident", "id_number": _id_number(k + 1),
             "phone": "13987654321", "address": "东安社区4号院"}])


def _register_run(user, village, dtype, first, count):
    """Register ``count`` cases (numbered from ``first``): (wall s, this process's CPU s, the
    database backend's CPU s or None)."""
    from tiaojie.cases import intake

    server = _server_cpu()
    t, cpu = time.perf_counter(), time.process_time()
    for i in range(first, first + count):
        intake.register(user, _registration_app(village, dtype, i))
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    server_after = _server_cpu()
    return wall, cpu, (server_after - server if server is not None and server_after is not None else None)


def _worker(user_pk, village_pk, first, count, ready, go, results):
    """One registering process with its own database connection (forked: the parent closed its
    connections first). Registers one case to warm up (model, lexicon, caches), then waits for the
    start signal so that all processes run at once."""
    from django.db import connections

    from tiaojie.accounts.models import User
    from tiaojie.cases import intake
    from tiaojie.cases.models import DisputeType
    from tiaojie.orgs.models import Organization

    try:
        user, village = User.objects.get(pk=user_pk), Organization.objects.get(pk=village_pk)
        dtype = DisputeType.objects.get(code="02")
        intake.register(user, _registration_app(village, dtype, first - 1))  # warm-up
        ready.put(True)
        go.wait()
        results.put(_register_run(user, village, dtype, first, count))
    except BaseException as e:  # report, never hang the parent
        results.put(repr(e))
        ready.put(False)
    finally:
        connections.close_all()


def register_bench(n, user, city, verbose=False, processes=1, spread=False):
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tiaojie.cases import intake
    from tiaojie.cases.models import Case, CaseNumberCounter, DisputeType
    from tiaojie.orgs.models import Organization, OrgKind

    villages = list(Organization.objects.filter(path__startswith=city.path, kind=OrgKind.VILLAGE)
                    .order_by("id")[:max(processes, 1) if spread else 1])
    village = villages[0]
    dtype = DisputeType.objects.get(code="02")

    def app(i):
        return _registration_app(village, dtype, i)

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
    year = timezone.localtime().year
    for v in villages[1:]:  # each committee's counter exists before the run
        intake.register(user, _registration_app(v, dtype, 1))

    def lasts():
        return dict(CaseNumberCounter.objects.filter(organization__in=villages, year=year)
                    .values_list("organization_id", "last"))

    last_before = lasts()
    load = os.getloadavg()
    # client CPU: the registering processes' own (validation, text analysis, ORM); server CPU: the
    # PostgreSQL backends serving them (parsing, planning, executing, committing) — both per
    # registration, so what two idle cores could do is (2 / (client + server)) registrations a second
    if processes <= 1:
        wall, cpu, server = _register_run(user, village, dtype, 2, n)
        done = n
    else:
        import multiprocessing as mp

        per = n // processes
        done = per * processes
        connections.close_all()  # each child opens its own connection
        ctx_ = mp.get_context("fork")
        ready, results, go = ctx_.Queue(), ctx_.Queue(), ctx_.Event()
        # each process its own numbers i (ID numbers and facts), after a gap for its warm-up case
        children = [ctx_.Process(target=_worker, args=(user.pk, villages[p % len(villages)].pk, 3 + p * (per + 1), per,
                                                       ready, go, results)) for p in range(processes)]
        for c in children:
            c.start()
        ok = all(ready.get() for _ in children)
        t = time.perf_counter()
        go.set()
        outs = [results.get() for _ in children]
        wall = time.perf_counter() - t
        for c in children:
            c.join()
        bad = [o for o in outs if not isinstance(o, tuple)]
        if bad or not ok:
            raise SystemExit(f"a registering process failed: {bad}")
        cpu = sum(o[1] for o in outs)
        server = None if any(o[2] is None for o in outs) else sum(o[2] for o in outs)
        print("   per process: " + "; ".join(f"{per} in {o[0]:.1f}s" for o in outs))
    # every number taken in the run, per committee: unique and without a gap, one per registration
    last_after, taken = lasts(), 0
    gapless = True
    for v in villages:
        seqs = sorted(Case.objects.filter(numbered_by=v, year=year, seq__gt=last_before[v.pk])
                      .values_list("seq", flat=True))
        gapless &= seqs == list(range(last_before[v.pk] + 1, last_after[v.pk] + 1))
        taken += len(seqs)
    gapless &= taken == done + (processes if processes > 1 else 0)   # + each process's warm-up
    span = "; ".join(f"{last_before[v.pk] + 1}–{last_after[v.pk]}" for v in villages)
    load = " / ".join(f"{a:.1f}–{b:.1f}" for a, b in zip(load, os.getloadavg(), strict=True))
    server_txt = f", server CPU {server / done * 1000:.1f} ms" if server is not None else ""
    total = cpu + (server or 0)
    print(f"registrations: {done} in {wall:.1f}s = {done / wall:.1f}/s with {processes} process(es); "
          f"client CPU {cpu / done * 1000:.1f} ms each{server_txt} "
          f"(≤ {done / total * 2:.0f}/s on 2 idle cores); {len(villages)} committee(s), numbers {span} "
          f"{'gapless and unique' if gapless else 'NOT GAPLESS: ' + str(taken) + ' numbers'}; "
          f"load average (1/5/15 min, before–after) {load}", flush=True)


if __name__ == "__main__":
    main()
