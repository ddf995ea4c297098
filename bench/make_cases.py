"""A province-sized data set for the case list, keyword search and registration benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_scale \\
        .venv/bin/python bench/make_cases.py --cases 1000000

Creates (or empties) the dedicated database in DATABASE_URL (its name must contain "bench";
``gen_5m.fresh_database``), builds a province of named cities, counties, townships and
villages (``gen_5m.bulk_orgs``), then writes by COPY ``--cases`` cases of 2016–today with
facts composed per dispute type, ≈ 2.3 parties a case with names from surname and given-name
tables (identifiers masked only: no encryption, the lists never decrypt), agreements for
the successful ones, 回访 of most of them and 司法确认 of a few, the case-number counters, and finally the statistics rollups (needed
by the dashboard; ``--skip-rollups`` to leave them out). Progress is printed as it goes.
Each case's ``scope_path`` is written by the database trigger of migration cases 0008 during
the COPY; the table is vacuumed at the end so that index-only scans see a settled table.
"""
import argparse
import datetime as dt
import importlib
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gen_5m import bulk_orgs, fresh_database  # noqa: E402

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞宇浩凯俊帆志鑫波斌宁婷雪琳"
         "晨阳欣怡佳豪子涵梓轩思雨博雅诗淑贤德福林海山春生荣忠兴旺富贵金凤云翠花梅菊莲")
PLACE = ("东西南北前后上下大小新老高低金银石李王张刘白黄青红长安永宁太平和兴隆丰盛福寿康乐平安清河"
         "柳杨桃杏梨枣槐松柏竹梅兰荷花沟湾河坡岭庄营寨集店铺桥堡洼岗")
CITIES = ("郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳", "许昌", "漯河", "三门峡",
          "南阳", "商丘", "信阳", "周口", "驻马店", "济源")
COMPANIES = ("建筑工程有限公司", "物业服务有限公司", "商贸有限公司", "农业专业合作社", "运输有限公司", "餐饮管理有限公司",
             "房地产开发有限公司", "劳务派遣有限公司", "医院", "旅行社有限公司")

# Facts by top-level dispute type: relationship, cause; joined with a common escalation and request.
FACTS = {
    "01": (["{a}与{b}系夫妻，", "{a}与{b}系母子关系，", "{a}与{b}系兄弟，", "{a}与{b}原系夫妻，已于三年前离婚，"],
           ["因赡养老人费用分担问题多次争吵", "因子女抚养费给付问题发生纠纷", "因父亲遗留房屋的继承份额产生分歧",
            "因彩礼返还问题发生争执", "因家庭财产分割意见不一"]),
    "02": (["{a}与{b}系前后院邻居，", "{a}与{b}系同村村民，", "{a}与{b}为同一单元上下楼住户，"],
           ["因{b}家新建围墙占用通道发生争执", "因排水沟堵塞导致雨水倒灌发生纠纷", "因楼上漏水浸泡{a}家天花板",
            "因饲养的狗夜间吠叫影响休息", "因门前堆放柴草杂物引发口角"]),
    "03": (["{a}与{b}宅基地相邻，", "{a}从{b}处购买房屋一套，"],
           ["因宅基地界址不清发生纠纷", "因{b}翻建房屋越界约半米", "因房屋过户手续迟迟未办理发生争议"]),
    "04": (["{a}与{b}签订买卖合同，", "{b}向{a}借款，", "{a}承包{b}的装修工程，"],
           ["约定的货款至今未付清", "借款到期后{b}以资金困难为由拒不归还", "因工程质量和尾款结算发生争议"]),
    "05": (["{a}与{b}合伙经营养殖场，", "{a}租用{b}的门面房经营超市，"],
           ["因利润分配和账目不清发生纠纷", "因提前解除租赁合同押金退还问题发生争议"]),
    "06": (["{a}与{b}系同村村民，", "{a}在{b}经营的店内消费时，"],
           ["{b}家的牛啃食{a}种植的小麦", "因地面湿滑摔倒受伤，双方就医疗费赔偿发生争议",
            "双方因琐事发生肢体冲突致{a}受轻微伤"]),
    "07": (["{a}与{b}承包的责任田相邻，", "{a}与{b}均为本组村民，"],
           ["因地界埋石被移动发生争执", "因山林承包范围划分不清发生纠纷", "因灌溉用水先后顺序发生争执"]),
    "08": (["{a}系被征收户，", "{a}的房屋位于拆迁范围内，"],
           ["对{b}提出的补偿标准有异议", "因附属物评估价格偏低与{b}发生争议"]),
    "09": (["{a}居住的小区紧邻{b}经营的加工厂，", "{a}的鱼塘位于{b}养殖场下游，"],
           ["因噪声和粉尘污染影响生活发生纠纷", "因养殖废水排放导致鱼苗死亡发生争议"]),
    "10": (["{a}在{b}处务工，", "{a}受雇于{b}从事建筑施工，"],
           ["{b}拖欠工资两个月未发放", "在施工中受伤，双方就工伤待遇发生争议", "因解除劳动关系经济补偿发生纠纷"]),
    "11": (["{a}报名参加{b}组织的旅游团，"], ["因行程缩减和强制购物要求退费"]),
    "12": (["{a}在{b}处购买家电，", "{a}在{b}处办理健身卡，"], ["因产品质量问题要求退换遭拒", "因门店停业要求退还余额"]),
    "13": (["{a}的父亲在{b}住院治疗期间，", "{a}在{b}处做手术后，"], ["因治疗效果与医方发生争议", "出现并发症，要求赔偿"]),
    "14": (["{a}驾驶电动车与{b}驾驶的小型轿车相撞，", "{b}驾驶货车倒车时将{a}刮伤，"],
           ["双方就医疗费、误工费赔偿数额发生争议", "交警认定{b}负主要责任，双方就赔偿发生分歧"]),
    "15": (["{a}系小区业主，", "{a}所在小区由{b}提供物业服务，"], ["因物业费收取标准发生争议", "因停车位管理和车辆被刮发生纠纷"]),
    "16": (["{a}发现{b}使用其设计的图案，"], ["认为侵犯其著作权，要求停止使用并赔偿"]),
    "17": (["{a}在网络平台向{b}购买商品，", "{b}在网络群内发布涉及{a}的言论，"], ["因商品与描述不符发生纠纷", "{a}认为损害其名誉"]),
    "99": (["{a}与{b}系同村村民，", "{a}与{b}系朋友关系，"], ["因琐事发生纠纷", "因一笔往来款项说法不一发生争执"]),
}
ESCALATE = ["，双方多次协商未果", "，经村干部劝解无效", "，矛盾有激化趋势", "，双方情绪激动", "，已持续半年之久", ""]
ASK = ["{a}申请调解。", "{a}请求{b}赔偿损失。", "双方均同意由调委会调解。", "{a}要求{b}停止侵害、恢复原状。", "现申请人民调解。"]


def person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))


def place(rng, n=2):
    return "".join(rng.choice(PLACE) for _ in range(n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--cities", type=int, default=18)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-rollups", action="store_true")
    args = ap.parse_args()
    fresh_database()
    from django.core.management import call_command
    from django.db import connection

    from tiaojie.cases.models import DisputeType
    from tiaojie.orgs.models import Organization, OrgKind, Region, RegionLevel

    rng = random.Random(args.seed)
    t = time.monotonic()
    prov_region = Region.objects.create(code="410000", name="河南省", level=RegionLevel.CITY)
    prov_region.path = f"{prov_region.pk}/"
    prov_region.save()
    province = Organization.objects.create(name="河南省司法厅", abbr="豫", kind=OrgKind.CITY_BUREAU, region=prov_region)
    province.path = f"{province.pk}/"
    province.save()
    counties, towns, villages, regions = [], [], [], {}
    used = set()

    def unique(suffix, n=2):
        while True:
            s = place(rng, n) + suffix
            if s not in used:
                used.add(s)
                return s

    for ci, city in enumerate(bulk_orgs(province, [f"{c}市司法局" for c in CITIES[: args.cities]], OrgKind.CITY_BUREAU,
                                        prov_region, abbrs=[c for c in CITIES[: args.cities]])):
        region = Region.objects.create(code=f"41{ci + 1:02d}00", name=CITIES[ci] + "市", level=RegionLevel.CITY,
                                       parent=prov_region, path=f"{prov_region.path}")
        region.path = f"{prov_region.path}{region.pk}/"
        region.save()
        cnames = [unique(rng.choice("县区")) for _ in range(rng.randint(6, 12))]
        for county in bulk_orgs(city, [f"{n}人民调解中心" for n in cnames], OrgKind.COUNTY_CENTER, region,
                                abbrs=[n[:2] for n in cnames]):
            counties.append(county.pk)
            regions[county.pk] = region.pk
            tnames = [unique(rng.choice(["镇", "乡", "街道"])) for _ in range(rng.randint(10, 18))]
            for town in bulk_orgs(county, [f"{n}人民调解委员会" for n in tnames], OrgKind.TOWNSHIP, region,
                                  abbrs=[f"{county.abbr}{n[:2]}" for n in tnames]):
                towns.append(town.pk)
                regions[town.pk] = region.pk
                vnames = [unique(rng.choice(["村", "村", "社区"]), 3) for _ in range(rng.randint(12, 28))]
                for v in bulk_orgs(town, [f"{n}人民调解委员会" for n in vnames], OrgKind.VILLAGE, region,
                                   abbrs=[f"{town.abbr}{n[:3]}" for n in vnames]):
                    villages.append(v.pk)
                    regions[v.pk] = region.pk
        print(f"  {city.name}: organizations so far {len(counties) + len(towns) + len(villages):,}", flush=True)
    abbr = dict(Organization.objects.values_list("id", "abbr"))
    seen = Counter(abbr.values())
    abbr = {pk: a if seen[a] == 1 else f"{a}{pk}" for pk, a in abbr.items()}  # case numbers stay unique
    print(f"organizations: {Organization.objects.count():,} ({len(counties)} counties, {len(towns):,} townships, "
          f"{len(villages):,} villages) in {time.monotonic() - t:.1f}s", flush=True)

    tops = {d.code: d.pk for d in DisputeType.objects.filter(parent__isnull=True)}
    subs = {}
    for d in DisputeType.objects.filter(parent__isnull=False).select_related("parent"):
        subs.setdefault(d.parent.code, []).append(d.pk)
    type_codes = list(FACTS)
    type_weights = [22, 25, 9, 8, 4, 8, 6, 2, 1, 6, 0.5, 2, 1, 4, 2, 0.2, 0.5, 3][: len(type_codes)]
    sources = ["application"] * 6 + ["initiative"] * 3 + ["court", "police", "petition", "department"]
    channels = ["window"] * 6 + ["phone", "online", "visit", "visit"]
    today = dt.date.today()
    start = dt.date(2016, 1, 1).toordinal()
    span = today.toordinal() - start + 1
    seqs = {}
    t = time.monotonic()
    ag_rows = []
    case_cols = ("id, number, year, seq, organization_id, numbered_by_id, registered_at, source, channel, "
                 "dispute_type_id, facts, claims, region_id, place_detail, arose_on, people_count, amount_at_stake, "
                 "status, outcome, accepted_on, time_limit_days, extended_days, due_on, closed_on, archived_at, "
                 "close_reason, routes_informed, archive_forced, spans_villages, spans_townships, village_failed, "
                 "major, version, updated_at, agreement_kind, agreement_amount, followed_up, fully_performed, "
                 "judicially_confirmed")
    party_cols = ("case_id, role, kind, name, gender, ethnicity, birth_date, occupation, id_type, id_number_enc, "
                  "id_hash, id_masked, phone_enc, phone_masked, address, credit_code, legal_rep")
    n_parties = 0
    search_indexes = importlib.import_module("tiaojie.cases.migrations.0005_list_indexes")
    with connection.cursor() as cur:
        # the search indexes are built once after loading (far faster than kept up row by row)
        for sql in search_indexes.POSTGRES_DROP:
            cur.execute(sql)
        raw = cur.connection
        party_buf = []
        with raw.cursor().copy(f"COPY cases_case ({case_cols}) FROM STDIN") as cp:
            for i in range(1, args.cases + 1):
                r = rng.random()
                org = (villages if r < 0.72 else towns if r < 0.92 else counties)
                org = org[rng.randrange(len(org))]
                # more cases in recent years
                day = dt.date.fromordinal(start + int(span * (rng.random() ** 0.85)))
                age = (today - day).days
                code = rng.choices(type_codes, type_weights)[0]
                dtype = rng.choice(subs[code]) if code in subs and rng.random() < 0.35 else tops[code]
                a, b = person(rng), person(rng)
                company = code in ("10", "12", "13", "15") and rng.random() < 0.6
                if company:
                    b_name = place(rng) + rng.choice(COMPANIES)
                else:
                    b_name = b
                rel, cause = FACTS[code]
                facts = (rng.choice(rel) + rng.choice(cause) + rng.choice(ESCALATE) + "。"
                         + rng.choice(ASK)).format(a=a, b=b_name)
                year = day.year
                key = (org, year)
                seq = seqs[key] = seqs.get(key, 0) + 1
                number = f"（{year}）{abbr[org]}调字第{seq:04d}号"
                registered = f"{day.isoformat()} {8 + rng.randrange(9):02d}:{rng.randrange(60):02d}:00+08"
                accepted = day + dt.timedelta(days=rng.randrange(0, 3))
                closed = accepted + dt.timedelta(days=rng.randrange(1, 40))
                outcome, archived = "", None
                if age > 60 or rng.random() < 0.3:
                    x = rng.random()
                    if x < 0.93:
                        status, outcome = rng.choice(["archived"] * 8 + ["followed_up", "succeeded"]), "success"
                    elif x < 0.97:
                        status = outcome = "failed"
                    elif x < 0.99:
                        status = outcome = "terminated"
                    else:
                        status = outcome = "rejected"
                    if status == "archived" or (status != "succeeded" and rng.random() < 0.8):
                        status = "archived"
                        archived = f"{(closed + dt.timedelta(days=20)).isoformat()} 10:00:00+08"
                    if closed > today:
                        closed = today
                else:
                    status = rng.choice(["registered", "accepted", "mediating", "mediating", "mediating"])
                    closed = None
                    if status == "registered":
                        accepted = None
                due = accepted + dt.timedelta(days=30) if accepted else None
                amount = rng.randrange(0, 500) * 100 if code in ("04", "06", "10", "14", "05") else 0
                # 回访 of four successes in five, 15 days after the agreement took effect (履行 in
                # most), 司法确认 of one written agreement in 25: the records are written below from
                # these copies (as transitions.follow_up and routing.services keep them)
                followed = outcome == "success" and i % 5 != 0 and closed + dt.timedelta(days=15) <= today
                confirmed = outcome == "success" and i % 25 == 1 and closed + dt.timedelta(days=20) <= today
                cp.write_row([
                    i, number, year, seq, org, org, registered, rng.choice(sources), rng.choice(channels), dtype,
                    facts, "", regions[org], "", day, rng.choice((2, 2, 2, 3, 4, 6)), amount, status, outcome,
                    accepted, 30, 0, due, closed, archived, "" if outcome in ("", "success") else "双方分歧较大",
                    outcome not in ("", "success"), False, False, False, False, False, 1, registered,
                    # the case's copy of its agreement (written below), as transitions.succeed keeps it
                    ("written" if i % 5 else "oral") if outcome == "success" else None,
                    amount if outcome == "success" else None,
                    followed or None, (followed and i % 9 != 0) or None, confirmed or None])
                party_buf.append((i, "applicant", "person", a))
                party_buf.append((i, "respondent", "org" if company else "person", b_name))
                if rng.random() < 0.28:
                    party_buf.append((i, "third", "person", person(rng)))
                if outcome == "success":
                    ag_rows.append((i, amount, closed))
                if i % 100_000 == 0:
                    print(f"  cases {i:,} ({time.monotonic() - t:.0f}s)", flush=True)
        print(f"cases: {args.cases:,} in {time.monotonic() - t:.1f}s", flush=True)
        t = time.monotonic()
        with raw.cursor().copy(f"COPY cases_party ({party_cols}) FROM STDIN") as cp:
            for cid, role, kind, name in party_buf:
                person_ = kind == "person"
                g = rng.choice("男女") if person_ else ""
                born = dt.date(1940 + rng.randrange(62), 1 + rng.randrange(12), 1 + rng.randrange(28)) if person_ else None
                masked = f"41{rng.randrange(10000):04d}********{rng.randrange(10000):04d}" if person_ else ""
                cp.write_row([cid, role, kind, name, g, "汉族" if person_ else "", born, "", "resident" if person_ else "",
                              "", "", masked, "", f"1{rng.randrange(30, 90)}****{rng.randrange(10000):04d}",
                              place(rng) + "村" if person_ else "", "", person(rng) if not person_ else ""])
                n_parties += 1
                if n_parties % 500_000 == 0:
                    print(f"  parties {n_parties:,} ({time.monotonic() - t:.0f}s)", flush=True)
        del party_buf
        print(f"parties: {n_parties:,} in {time.monotonic() - t:.1f}s", flush=True)
        t = time.monotonic()
        with raw.cursor().copy("COPY cases_agreement (case_id, kind, facts, issues, responsibilities, terms, "
                               "performance_method, amount, effective_on, created_at) FROM STDIN") as cp:
            for cid, amount, eff in ag_rows:
                cp.write_row([cid, "written" if cid % 5 else "oral", "", "", "", "双方自愿达成协议", "", amount, eff,
                              f"{eff.isoformat()} 10:00:00+08"])
        # the follow-ups and judicial confirmations behind the case's copies
        cur.execute("INSERT INTO cases_followup (case_id, visited_on, visitor, method, performance, satisfaction, "
                    "notes) SELECT c.id, a.effective_on + 15, '调解员', '电话', "
                    "CASE WHEN c.fully_performed THEN 'full' ELSE 'partial' END, 'satisfied', '' "
                    "FROM cases_case c JOIN cases_agreement a ON a.case_id = c.id WHERE c.followed_up")
        cur.execute("INSERT INTO routing_judicialconfirmation (case_id, effective_on, applied_on, applicants, "
                    "court_name, late_reason, status, answered_on, answer_note, decided_on, number, created_at, "
                    "updated_at) SELECT c.id, a.effective_on, a.effective_on + 5, '双方当事人', '人民法院', '', "
                    "'confirmed', a.effective_on + 8, '', a.effective_on + 20, "
                    "'（' || extract(year FROM a.effective_on) || '）民特' || c.id || '号', now(), now() "
                    "FROM cases_case c JOIN cases_agreement a ON a.case_id = c.id WHERE c.judicially_confirmed")
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case','id'), %s)", [args.cases])
        cur.execute("INSERT INTO cases_casenumbercounter (organization_id, year, last) "
                    "SELECT numbered_by_id, year, max(seq) FROM cases_case GROUP BY 1, 2")
        t1 = time.monotonic()
        for sql in search_indexes.POSTGRES:
            cur.execute(sql)
        print(f"search indexes built in {time.monotonic() - t1:.1f}s", flush=True)
        # VACUUM sets the visibility map (index-only scans of the list's ids), as in a table that
        # has been live for a while
        cur.execute("VACUUM ANALYZE")
    print(f"agreements {len(ag_rows):,}, counters, VACUUM ANALYZE in {time.monotonic() - t:.1f}s", flush=True)
    if not args.skip_rollups:
        t = time.monotonic()
        call_command("rebuild_rollups", "--full")
        print(f"rebuild_rollups --full: {time.monotonic() - t:.1f}s", flush=True)


if __name__ == "__main__":
    main()
