"""Time the case search (tiaojie.cases.search) on PostgreSQL at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_searchbench \
        .venv/bin/python bench/search_bench.py --cases 200000 [--queries 40] [--keep]

Creates (or, without --keep, empties) the dedicated database named in DATABASE_URL (its name must
contain "bench"), migrates it, builds a city of 10 counties × 10 townships × 20 villages with
their regions, and writes N cases (default 100,000; the target is 1,000,000) with two parties each
and their search rows through COPY (facts composed from phrase pools of the common dispute kinds,
names drawn from a small pool so that namesakes are as common as in real registers; ~5 % open).
Each distinct piece of text (fixed wording, name, pool phrase, claim) is segmented once. The GIN
indexes are dropped during the load and rebuilt after it (timed), the case list's trigram indexes
are left out, then VACUUM ANALYZE. Then it times ``similar_cases`` (given the parties' names, as the
registration form does; --text-only: without them) and ``possible_duplicates`` for a city-wide
user, a county user and a village mediator over queries made by the same generator, and prints
median / p95 / max in ms. With --keep an existing generated database is reused (only the timings run).
"""
import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌志海小梅春生德福")

TOPICS = {
    "邻里": ["因院墙排水问题发生争执", "因宅基地边界界址不清产生矛盾", "因楼上漏水造成楼下墙面受损", "因饲养的狗夜间吠叫影响休息",
           "因通行道路被堆放杂物堵塞", "因树木遮挡采光引发争吵", "因装修噪音影响邻居生活"],
    "婚姻家庭": ["因赡养老人费用分担发生争执", "因夫妻感情不和要求离婚并分割财产", "因子女抚养费支付问题产生纠纷",
             "因兄弟之间分家析产意见不一", "因老人房屋继承问题产生矛盾"],
    "土地": ["因承包地流转费用未按时支付", "因土地征收补偿款分配不均", "因灌溉用水分配发生冲突", "因林地界线不清引发争执"],
    "劳动": ["因拖欠工资多月未付", "因工地务工人员工伤赔偿", "因用人单位未签订劳动合同", "因包工头拖欠农民工劳务费"],
    "交通": ["因电动车与行人相撞致人受伤", "因货车倒车刮蹭轿车", "因交通事故赔偿金额协商不成"],
    "医疗": ["因手术后出现并发症认为医院存在过错", "因用药不当导致病情加重", "因诊所误诊延误治疗"],
    "物业": ["因物业费收取标准产生争议", "因小区停车位管理发生矛盾", "因电梯长期故障业主拒交物业费"],
    "消费": ["因购买的家电存在质量问题要求退货", "因预付卡商家关门无法退款", "因装修公司工程质量不合格"],
    "合同": ["因借款到期未归还", "因房屋租赁合同提前解除押金未退", "因买卖合同货款拖欠"],
}
ESCALATION = ["双方发生推搡", "双方情绪激动互相辱骂", "一方扬言报复", "一方报警后民警出警", "多次调解未果",
              "涉及村民二十余户", "双方互不相让", "经村委会协调未能解决"]
CLAIMS = ["要求对方赔偿损失{}元", "要求对方支付欠款{}元", "要求恢复原状并赔礼道歉", "要求依法分割财产",
          "要求支付医疗费{}元", "要求退还押金{}元"]


def person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def facts_for(rng, place, pieces=None):
    """(applicant, respondent, facts, claims). With a list ``pieces``, the pieces the text is made
    of (the fixed wording, each name, each phrase) are appended to it, so that the generator can
    segment each distinct piece once instead of every text."""
    topic = rng.choice(list(TOPICS))
    a, b = person(rng), person(rng)
    parts = [f"申请人{a}与被申请人{b}系{place}村民", rng.choice(TOPICS[topic])]
    if pieces is not None:
        pieces += ["申请人", a, "与被申请人", b, f"系{place}村民", parts[1]]
    if rng.random() < 0.5:
        parts.append(rng.choice(TOPICS[topic]))
        if pieces is not None:
            pieces.append(parts[-1])
    for _ in range(rng.randrange(0, 3)):
        parts.append(rng.choice(ESCALATION))
        if pieces is not None:
            pieces.append(parts[-1])
    claims = rng.choice(CLAIMS).format(rng.randrange(5, 500) * 100)
    if pieces is not None:
        pieces.append(claims)
    return a, b, "，".join(parts) + "。", claims


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="reuse the generated database, only time the queries")
    ap.add_argument("--text-only", action="store_true",
                    help="similar_cases without the parties' names (the registration form passes them)")
    args = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("DATABASE_URL must name a dedicated database whose name contains 'bench'")
    import psycopg

    dbname = url.rsplit("/", 1)[-1]
    if not args.keep:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            c.execute(f'CREATE DATABASE "{dbname}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0000000000000000000000000000")
    os.environ.setdefault("TIAOJIE_DATA_KEY", "bench-only-data-key-11111111111111111111111111111")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tiaojie.accounts.models import Role, User
    from tiaojie.cases import search
    from tiaojie.orgs.models import Organization, OrgKind, Region, RegionLevel

    rng = random.Random(args.seed)
    if not args.keep:
        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.monotonic() - t0:.1f}s", flush=True)
        generate(args, rng, connection, search)
    city = Organization.objects.get(name="检索测试市司法局")
    county = Organization.objects.filter(kind=OrgKind.COUNTY_CENTER).order_by("pk").first()
    village = Organization.objects.filter(kind=OrgKind.VILLAGE).order_by("pk").first()
    users = {}
    for key, role, org in (("city", Role.CITY_ADMIN, city), ("county", Role.COUNTY_STAFF, county),
                           ("village", Role.MEDIATOR, village)):
        users[key], _ = User.objects.get_or_create(username=f"bench_{key}", defaults={"role": role, "organization": org})
    regions = list(Region.objects.filter(level=RegionLevel.VILLAGE).order_by("pk"))
    qrng = random.Random(args.seed + 1)
    queries = []
    for _ in range(args.queries):
        region = qrng.choice(regions)
        a, b, facts, claims = facts_for(qrng, region.name)
        queries.append((a, b, facts + claims, region))
    search.similar_cases(users["city"], queries[0][2])  # load jieba's dictionaries once
    n_cases = _count(connection, "cases_case")
    print(f"\ncases: {n_cases:,}; search rows: {_count(connection, 'cases_casesearch'):,}; "
          f"queries: {len(queries)} per user; load average before timing: {os.getloadavg()}", flush=True)
    print("| user | similar_cases median | p95 | max | possible_duplicates median | p95 | max |")
    print("|---|---|---|---|---|---|---|")
    for key, user in users.items():
        sim, dup = [], []
        for a, b, text, region in queries:
            _, ms = search.timed(search.similar_cases, user, text, names=() if args.text_only else (a, b))
            sim.append(ms)
            hashes = [search.id_hash_of(f"4104{qrng.randrange(10**13):013d}")]
            _, ms = search.timed(search.possible_duplicates, user, names=[a, b], id_hashes=hashes, region=region,
                                 text=text)
            dup.append(ms)
        print(f"| {key} | {statistics.median(sim):.0f} | {pct(sim, 95):.0f} | {max(sim):.0f} | "
              f"{statistics.median(dup):.0f} | {pct(dup, 95):.0f} | {max(dup):.0f} |", flush=True)
    print(f"load average after: {os.getloadavg()}")


def _count(connection, table):
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")
        return cur.fetchone()[0]


def generate(args, rng, connection, search):
    from tiaojie.cases.models import DisputeType
    from tiaojie.orgs.models import Organization, OrgKind, Region, RegionLevel

    t = time.monotonic()
    city_r = Region.objects.create(code="419900", name="检索测试市", level=RegionLevel.CITY)
    city = Organization.objects.create(name="检索测试市司法局", abbr="检", kind=OrgKind.CITY_BUREAU, region=city_r)
    villages = []  # (org id, region id, region name)

    def regions(parent, codes_names, level):
        objs = Region.objects.bulk_create([Region(code=c, name=n, level=level, parent=parent) for c, n in codes_names])
        for r in objs:
            r.path = f"{parent.path}{r.pk}/"
        Region.objects.bulk_update(objs, ["path"])
        return objs

    def orgs(parent, regs, kind, suffix):
        objs = Organization.objects.bulk_create([
            Organization(name=f"{r.name}{suffix}", abbr=r.name[-8:], kind=kind, region=r, parent=parent,
                         contact_phone=f"0375-{rng.randrange(10**7):07d}") for r in regs])
        for o in objs:
            o.path = f"{parent.path}{o.pk}/"
        Organization.objects.bulk_update(objs, ["path"])
        return objs

    for cr in regions(city_r, [(f"4199{k + 1:02d}", f"第{k + 1}县") for k in range(10)], RegionLevel.COUNTY):
        county_org = orgs(city, [cr], OrgKind.COUNTY_CENTER, "人民调解中心")[0]
        towns = regions(cr, [(f"{cr.code}{i:03d}", f"{cr.name}第{i}镇") for i in range(1, 11)], RegionLevel.TOWNSHIP)
        for town_r, town_o in zip(towns, orgs(county_org, towns, OrgKind.TOWNSHIP, "人民调解委员会"), strict=True):
            vs = regions(town_r, [(f"{town_r.code}{i:03d}", f"{town_r.name[-3:]}{i}村") for i in range(1, 21)],
                         RegionLevel.VILLAGE)
            for vr, vo in zip(vs, orgs(town_o, vs, OrgKind.VILLAGE, "人民调解委员会"), strict=True):
                villages.append((vo.pk, vr.pk, vr.name))
    print(f"organizations: {Organization.objects.count():,} in {time.monotonic() - t:.1f}s", flush=True)
    types = list(DisputeType.objects.filter(parent__isnull=True).values_list("id", flat=True))
    start = dt.date(2016, 1, 1).toordinal()
    span = dt.date(2026, 11, 30).toordinal() - start + 1
    t = time.monotonic()
    jieba_s = 0.0
    cache: dict[str, list[str]] = {}
    key_cache: dict[str, str] = {}

    def words(pieces):
        """``search.document_words`` of the text, a piece at a time (the fixed wording, each name,
        each phrase of the pools), each distinct piece segmented once: jieba per text made the load
        of 1,000,000 cases take 44 minutes. (jieba might join a name to the next character inside
        the whole sentence; for timing the search the difference does not matter.)"""
        out = []
        for piece in pieces:
            w = cache.get(piece)
            if w is None:
                w = cache[piece] = search.document_words(piece)
            out += w
        return out

    def name_key(name):
        k = key_cache.get(name)
        if k is None:
            k = key_cache[name] = search.name_key(name)
        return k

    with connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS cases_search_doc_gin")
        cur.execute("DROP INDEX IF EXISTS cases_search_keydoc_gin")
        # the case list's trigram indexes (migration 0005) are not used by this search and slow the
        # load most: left out of the bench database
        for name in ("cases_case_facts_trgm", "cases_case_number_trgm", "cases_party_name_trgm",
                     "cases_party_name_prefix"):
            cur.execute(f"DROP INDEX IF EXISTS {name}")
        raw = cur.connection
        case_cols = ("id, number, year, seq, organization_id, numbered_by_id, registered_at, source, channel, "
                     "dispute_type_id, facts, claims, region_id, place_detail, arose_on, people_count, "
                     "amount_at_stake, status, outcome, accepted_on, time_limit_days, extended_days, due_on, "
                     "closed_on, close_reason, routes_informed, archive_forced, spans_villages, spans_townships, "
                     "village_failed, major, version, updated_at")
        party_cols = ("case_id, role, kind, name, gender, ethnicity, occupation, id_type, id_number_enc, id_hash, "
                      "id_masked, phone_enc, phone_masked, address, credit_code, legal_rep")
        pending_parties, pending_search = [], []

        def flush():
            with raw.cursor().copy(f"COPY cases_party ({party_cols}) FROM STDIN") as cp:
                for row in pending_parties:
                    cp.write_row(row)
            with raw.cursor().copy("COPY cases_casesearch (case_id, body, keys) FROM STDIN") as cp:
                for row in pending_search:
                    cp.write_row(row)
            pending_parties.clear()
            pending_search.clear()

        batch = 20_000
        for lo in range(1, args.cases + 1, batch):
            hi = min(args.cases, lo + batch - 1)
            with raw.cursor().copy(f"COPY cases_case ({case_cols}) FROM STDIN") as cp:
                for i in range(lo, hi + 1):
                    org, region, place = villages[rng.randrange(len(villages))]
                    day = dt.date.fromordinal(start + rng.randrange(span))
                    pieces = []
                    a, b, facts, claims = facts_for(rng, place, pieces)
                    r = rng.random()
                    status, outcome = (("mediating", "") if r < 0.05 else ("archived", "success") if r < 0.9
                                       else ("followed_up", "success") if r < 0.96 else ("failed", "failed"))
                    closed = None if status == "mediating" else day + dt.timedelta(days=rng.randrange(1, 20))
                    ts = f"{day.isoformat()} 09:00:00+08"
                    cp.write_row([i, f"B{i}", day.year, i, org, org, ts, "application", "window",
                                  types[rng.randrange(len(types))], facts, claims, region, "", day, 2,
                                  rng.randrange(0, 500) * 100, status, outcome, day, 30, 0,
                                  day + dt.timedelta(days=30), closed, "", True, False, False, False, False, False,
                                  1, ts])
                    keys = []
                    for role, name in (("applicant", a), ("respondent", b)):
                        h = search.id_hash_of(f"4104{rng.randrange(10**13):013d}") if rng.random() < 0.7 else ""
                        pending_parties.append([i, role, "person", name, "", "", "", "resident" if h else "", "", h,
                                                "", "", "", "", "", ""])
                        for k in (name_key(name), search.id_key(h)):
                            if k and k not in keys:
                                keys.append(k)
                    tj = time.perf_counter()
                    body = " ".join(words(pieces))
                    jieba_s += time.perf_counter() - tj
                    keys = " ".join(keys)
                    pending_search.append([i, body, keys])
            flush()
            print(f"  cases {hi:,} ({time.monotonic() - t:.0f}s, of which words and keys {jieba_s:.0f}s)", flush=True)
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case','id'), %s)", [args.cases])
        print(f"cases, parties and search rows: {time.monotonic() - t:.1f}s", flush=True)
        t = time.monotonic()
        cur.execute("CREATE INDEX cases_search_doc_gin ON cases_casesearch USING gin (doc)")
        cur.execute("CREATE INDEX cases_search_keydoc_gin ON cases_casesearch USING gin (keydoc)")
        print(f"GIN indexes: {time.monotonic() - t:.1f}s", flush=True)
        t = time.monotonic()
        cur.execute("VACUUM (ANALYZE)")   # what autovacuum does to a loaded table (statistics, visibility map)
        print(f"VACUUM ANALYZE: {time.monotonic() - t:.1f}s", flush=True)


if __name__ == "__main__":
    main()
