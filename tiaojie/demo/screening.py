"""Screening (排查) and early warning (预警) for the demo city.

``ScreeningBuilder(city).build()`` runs after the cases are generated, inside the same transaction,
and writes with the city's ``RowWriter``:

* 2016–2020: every 旬 round of every township and every monthly round of the county centers and
  trade committees (many of them zero reports, some filed late); village rounds only for the weeks
  that had findings (a full weekly history would be ~610k rows). Findings total the plan's
  ``found`` (≈36,000): about 7,800 point at existing cases whose source is 排查发现 (``Finding.case``),
  the rest are hidden dangers, ≈28,000 of them resolved (预防纠纷), some converted into (existing)
  cases, a few escalated. Every hazard carries a risk assessment computed by the seeded rules.
* 2021 to last year: the same at the report's pace (findings, hidden dangers, conversions and
  escalations per accepted case as in 2016–2020, per year as many as the year's cases); these hidden
  dangers raise their warnings as the current year's do, all dealt with by now.
* The current year: every period of every screening organization up to today, with the latest
  periods partly unfiled (overdue), hidden dangers at the same pace and warnings in every state,
  risk assessments of the current-year cases, and fixed records for the demo logins.

``after_finish()`` adds what goes through the ORM (疑难重大 escalations, overdue reminders).
"""
import datetime as dt
import json
from collections import Counter
from types import SimpleNamespace

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from tiaojie.accounts.models import User
from tiaojie.cases.models import Case, CaseEvent, DisputeType
from tiaojie.demo import hazard_texts as HT
from tiaojie.demo.beside import BackgroundMap
from tiaojie.demo.people import Weighted
from tiaojie.demo.writer import IdPool
from tiaojie.orgs.models import OrgKind
from tiaojie.screening.models import Finding, HiddenDanger, ScreeningCadence, ScreeningRound
from tiaojie.screening.periods import period_containing, periods_between
from tiaojie.screening.services import DEFAULT_CADENCE, check_overdue_rounds
from tiaojie.warnings import risk
from tiaojie.warnings.models import (
    Escalation,
    EscalationNote,
    LevelPolicy,
    PreventionOutcome,
    RiskAssessment,
    Warning,
    WarningEvent,
)
from tiaojie.warnings.services import load_rules, short_title, text_signals

HISTORY_START, HISTORY_END = dt.date(2016, 1, 1), dt.date(2020, 12, 31)
YEAR_WEIGHTS = {2016: 0.17, 2017: 0.19, 2018: 0.20, 2019: 0.21, 2020: 0.23}
# Who finds the hidden dangers: villages screen weekly and find most.
HAZARD_KIND_SHARES = {OrgKind.VILLAGE: 0.70, OrgKind.TOWNSHIP: 0.22, OrgKind.COUNTY_CENTER: 0.05,
                      OrgKind.TRADE: 0.03}
LATE_SHARE = 0.04
# Stats keys per era: 2016–2020 keeps the plain names the summary and tests know.
ERA_PREFIX = {"history": "", "later": "later_", "current": "cur_"}
LL = risk.LEVEL_LABELS
WARN_LEVELS = ("yellow", "orange", "red")
CLOSED_CASE = {"succeeded", "followed_up", "archived", "failed", "terminated"}
COMPANY_KIND = {"1001": "builder", "15": "property", "13": "hospital", "09": "company", "10": "company",
                "1002": "company"}
ESCALATING = Weighted(HT.ESCALATING)
VIOLENT = Weighted(HT.VIOLENT)

# Fixed hidden dangers for the demo logins: (org key, period from the end of the org's periods —
# -1 the current one, -2 the last finished…, facts, group, code, people, amount, flags, warning state).
FIXED_HAZARDS = [
    ("village:410403:0:0", -2, "排查发现{vil}{n}户业主与{co}因电梯长期停运、物业费上涨问题矛盾突出，"
     "部分业主扬言要到物业公司门口拉横幅讨说法。", "{vil}业主{n}户（代表{a}）与{co}", "15", 8, 0, {}, "open"),
    ("village:410403:0:0", -2, "排查发现{a}与{b}解除婚约后，{a}家要求返还彩礼{stake}元，{b}家只同意退还一半，"
     "两家人多次上门理论，情绪对立。", "{a}、{b}两家", "0104", 4, 68_000, {}, "measures"),
    ("village:410403:0:0", -3, "排查发现{a}与{b}两家因宅前排水沟堵塞、污水漫流问题多次争吵。",
     "{a}、{b}两户", "02", 2, 0, {}, None),
    ("village:410403:0:1", -4, "排查发现{vil}老人{a}年逾八旬、行动不便，三个子女因赡养费分担和轮流照顾问题"
     "互相推诿，老人生活缺人照料。", "老人{a}及其子女{b}等3人", "0101", 4, 0, {"vulnerable": True},
     "acknowledged"),
    ("township:410403:0", -1, "排查发现{co}承建的{vil}老旧小区改造项目拖欠{a}等{n}名农民工工资共{stake}元，"
     "工人多次到项目部讨要未果，情绪激动。", "农民工{a}等{n}人与{co}", "1001", 12, 186_000, {}, "open"),
    ("township:410403:0", -2, "排查发现{vil}旧城改造项目中{n}户被征收户对安置补偿方案有异议，其中{a}情绪激动，"
     "扬言要与拆迁方同归于尽。", "{vil}被征收户{n}户（代表{a}）", "08", 15, 450_000, {"petition": True},
     "measures"),
]
FIXED_ORGS = {"village:410403:0:0", "village:410403:0:1", "township:410403:0"}


def hazard_signals(text: str) -> tuple:
    """The text signals of a hidden danger, read as ``facts_for_hazard`` reads them."""
    return text_signals({"hazard": text})


def case_signals(texts: tuple) -> tuple:
    """The text signals of a case, read as ``facts_for_case`` reads them."""
    facts, claims, sessions = texts
    return text_signals({"facts": facts, "claims": claims, "sessions": sessions, "investigations": ""})


class Round:
    __slots__ = ("org", "period", "grace", "cases", "hazards", "filed_at", "late", "no_late", "current")

    def __init__(self, org, period, grace, current=False):
        self.org, self.period, self.grace, self.current = org, period, grace, current
        self.cases, self.hazards = [], []
        self.filed_at, self.late, self.no_late = None, False, False


class Hazard:
    __slots__ = ("org", "code", "status", "case", "fixed")

    def __init__(self, org, code, status, case=None, fixed=None):
        self.org, self.code, self.status, self.case, self.fixed = org, code, status, case, fixed


class ScreeningBuilder:
    def __init__(self, city):
        self.city = city
        self.rng = city.rng
        self.r = city.rng.random
        self.people = city.people
        self.plan = city.plan
        self.today, self.now = city.today, city.now
        self.using = city.using
        self.ts = city.clock.ts
        self.add = city.writer.add
        self.summary: dict = {}
        self.stats: Counter = Counter()
        self._pending: list = []  # hidden dangers composed, not yet sent to the text analysis
        self._analysed: list = []  # (hidden dangers, their text analysis job), in the order composed

    # ---------------------------------------------------------------- setup
    def _setup(self):
        c, u = self.city, self.using
        self.cadences = {kind: (DEFAULT_CADENCE[kind], 2) for kind in DEFAULT_CADENCE}
        for row in ScreeningCadence.objects.using(u).all():
            self.cadences[row.org_kind] = (row.cadence, row.grace_days)
        self.cadences = {k: v for k, v in self.cadences.items() if c.by_kind.get(k)}
        self.rules, self.combos = load_rules()
        self.policies = {p.level: p for p in LevelPolicy.objects.using(u).all()}
        types = {t.id: t for t in DisputeType.objects.using(u).select_related("parent")}
        self.type_codes = {i: tuple(x for x in (t.code, t.parent.code if t.parent_id else None) if x)
                           for i, t in types.items()}
        self.org_by_id = {o.obj.id: o for o in c.orgs.values()}
        self.fixed_ids = {c.orgs[k].obj.id for k in FIXED_ORGS if k in c.orgs}
        kinds = [(k, s) for k, s in HAZARD_KIND_SHARES.items() if k in self.cadences]
        self.hazard_kind = Weighted(kinds)
        self.org_pick = {k: Weighted([(o, o.weight) for o in c.by_kind[k]]) for k, _ in kinds}
        w = c.writer
        self.ids = {m: IdPool(m, u) for m in (ScreeningRound, Finding, HiddenDanger, RiskAssessment, Warning,
                                               WarningEvent, PreventionOutcome)}
        self.ids[CaseEvent] = c.ids[CaseEvent]
        w.register(ScreeningRound, ["id", "organization_id", "cadence", "period_key", "period_start", "period_end",
                                    "screened_from", "screened_to", "screeners", "places", "is_zero_report",
                                    "notes", "filed_by_id", "filed_at", "late", "version"])
        w.register(HiddenDanger, ["id", "organization_id", "facts", "dispute_type_id", "parties", "region_id",
                                  "place_detail", "people_count", "amount_at_stake", "measures", "emergency_plan",
                                  "responsible_person", "review_on", "status", "case_id", "close_note", "found_on",
                                  "closed_on", "created_by_id", "created_at", "version"])
        w.register(Finding, ["id", "round_id", "facts", "case_id", "hazard_id"])
        w.register(RiskAssessment, ["id", "case_id", "hazard_id", "organization_id", "computed_level", "factors",
                                    "explanation", "manual_level", "manual_reason", "manual_basis", "manual_by_id",
                                    "level", "police_calls", "vulnerable", "litigation", "petition",
                                    "abnormal_death", "assessed_at"])
        w.register(Warning, ["id", "assessment_id", "level", "origin_id", "responsible_id", "title", "explanation",
                             "status", "raised_at", "respond_by", "escalations", "measures", "police_notified",
                             "leader", "resolved_at"])
        w.register(WarningEvent, ["id", "warning_id", "at", "label", "actor_name", "note"])
        w.register(PreventionOutcome, ["id", "case_id", "hazard_id", "suicide", "suicide_persons", "criminal",
                                       "criminal_persons", "petition", "petition_persons", "fight", "fight_persons",
                                       "recorded_at"])
        w.defer_indexes([ScreeningRound, Finding, HiddenDanger, RiskAssessment, Warning, WarningEvent,
                         PreventionOutcome])

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    # ---------------------------------------------------------------- entry points
    def prepare(self) -> None:
        """Read the rule tables and register the screening tables with the writer (before any
        rows are drawn: while another process inserts, this one only reads)."""
        self._setup()

    def build(self) -> None:
        if not hasattr(self, "cadences"):
            self.prepare()
        if not self.cadences:
            return
        today = self.today
        self.current_first = min(dt.date(today.year, 1, 1), today - dt.timedelta(days=60))
        # The text analysis runs on two workers while this process composes: this year's cases'
        # texts first, then each era's hidden dangers as soon as they are composed; the hidden
        # dangers are assessed and written once all are composed, then the cases.
        text_signals({"warm": "预热"})  # the workers inherit a fresh copy of the lexicon
        self.lanes = BackgroundMap(self.using)
        try:
            records = self.city.current_records
            cases_job = self.lanes.submit(case_signals, [
                (c.facts, c.claims, "\n".join(x for x in c.sessions if x)) for c in records])
            self._history()
            self._later()
            self.era = "current"
            self._current()
            self._finish_hazards()
            self._case_risks(self.lanes.result(cases_job))
        finally:
            self.lanes.close()
        s = self.stats
        self.summary = {
            "found": s["found"], "prevented": s["prevented"], "found_cases": s["found_cases"],
            "converted": s["converted"], "escalated": s["escalated"], "hist_rounds": s["rounds"],
            "hist_zero": s["zero"], "cur_rounds": s["cur_rounds"], "cur_zero": s["cur_zero"],
            "cur_late": s["cur_late"], "cur_overdue": s["cur_overdue"], "cur_pending": s["cur_pending"], "cur_hazards": s["cur_hazards"],
            "open_hazards": s["open_hazards"], "warnings": s["cur_warnings"], "open_warnings": s["open_warnings"],
            "levels": {k: s["level:" + k] for k in risk.LEVELS if s["level:" + k]},
            "prevention": {k: s["prev:" + k] for k in ("suicide", "criminal", "petition", "fight")},
            "later": {k: s["later_" + k] for k in ("rounds", "zero", "found", "found_cases", "hazards", "prevented",
                                                  "converted", "escalated", "warnings")},
        }

    def after_finish(self) -> None:
        """ORM writes, after the writer has moved the sequences: escalations, overdue reminders."""
        if not self.cadences:
            return
        self._escalations()
        if self.using == DEFAULT_DB_ALIAS:
            self.summary["reminders"] = check_overdue_rounds(self.today)

    # ---------------------------------------------------------------- 2016–2020 and 2021 to last year
    def _history(self):
        """2016–2020 on the seed's figures (found, prevented, converted, escalated)."""
        p = self.plan
        # Too few initiative cases (never with the seed's mix): the rest are found as hazards.
        self._past("history", HISTORY_START, HISTORY_END, YEAR_WEIGHTS, p.converted, p.case_findings,
                   {"resolved": p.prevented, "escalated": p.escalated}, top_up=True)

    def _later(self):
        """2021 to last year at the report's pace: as many findings, hidden dangers, conversions and
        escalations per case accepted as in 2016–2020, each year as many cases as it had; the hidden
        dangers' warnings are raised (and, by now, resolved) as the current year's are."""
        p = self.plan
        last_year = self.today.year - 1
        if last_year <= HISTORY_END.year:
            return
        years = {y: p.later_cases(y, self.today) for y in range(HISTORY_END.year + 1, last_year + 1)}

        def share(x):
            return sum(p.per_case(x, y, self.today) for y in years)

        # The current year's first periods (it reaches back at least 60 days) are left to it.
        self.later_end = {cad: period_containing(cad, self.current_first).start - dt.timedelta(days=1)
                          for cad, _ in self.cadences.values()}
        self._past("later", dt.date(HISTORY_END.year + 1, 1, 1), dt.date(last_year, 12, 31), years,
                   share(p.converted), share(p.case_findings),
                   {"resolved": share(p.prevented), "escalated": share(p.escalated)})

    def _past(self, era, first, last, year_weights, n_converted, n_case_findings, hazard_statuses, top_up=False):
        """Screening of finished years: every period of the townships, county centers and trade
        committees; village rounds only for the weeks with findings. Findings registered at once
        point at existing 排查发现 cases of those years; ``n_converted`` hidden dangers later became
        such cases; the other hidden dangers get ``hazard_statuses`` ({status: count})."""
        r, city = self.r, self.city
        self.era = era
        ends = getattr(self, "later_end", {}) if era == "later" else {}
        rounds: dict = {}

        def get(o, period, grace):
            key = (o.obj.id, period.start)
            rd = rounds.get(key)
            if rd is None:
                rd = rounds[key] = Round(o, period, grace)
            return rd

        def inside(per):
            return per.start >= first and per.end <= min(last, ends.get(per.cadence, last))

        # Townships, county centers, trade committees: every period of those years.
        for kind, (cad, grace) in self.cadences.items():
            if kind == OrgKind.VILLAGE:
                continue
            periods = [per for per in periods_between(cad, first, last) if inside(per)]
            for o in city.by_kind[kind]:
                for per in periods:
                    get(o, per, grace)
        # Findings registered at once as cases, and hazards that later became cases.
        pool = [e for e in city.initiative if e.track == era and e.org.kind in self.cadences]
        self.rng.shuffle(pool)
        n_conv, n_cases = 0, 0
        for e in pool:
            cad, grace = self.cadences[e.org.kind]
            per = period_containing(cad, e.reg.date())
            if n_conv < n_converted:
                gap = (per.end - per.start).days + grace + 3 + int(r() * 20)
                hp = period_containing(cad, e.reg.date() - dt.timedelta(days=gap))
                if inside(hp):
                    rd = get(e.org, hp, grace)
                    rd.hazards.append(Hazard(e.org, e.code, "converted", case=e))
                    rd.no_late = True
                    n_conv += 1
            elif n_cases < n_case_findings:
                if inside(per):
                    get(e.org, per, grace).cases.append(e)
                    n_cases += 1
            else:
                break
        statuses = [s for s, k in hazard_statuses.items() for _ in range(k)]
        if top_up:
            statuses += ["resolved"] * max(0, n_case_findings - n_cases + n_converted - n_conv)
        years, weights = list(year_weights), list(year_weights.values())
        for status in statuses:
            kind = self.hazard_kind.pick(self.rng)
            o = self.org_pick[kind].pick(self.rng)
            cad, grace = self.cadences[kind]
            while True:
                y = self.rng.choices(years, weights)[0]
                start = dt.date(y, 1, 1).toordinal()
                per = period_containing(cad, dt.date.fromordinal(start + int(r() * (366 if y % 4 == 0 else 365))))
                if inside(per):
                    break
            get(o, per, grace).hazards.append(Hazard(o, city._pick_type(o), status))
        for rd in sorted(rounds.values(), key=lambda x: (x.org.obj.id, x.period.start)):
            self._file_history(rd)
            self._emit_round(rd, era=era)
        self._submit_hazards()

    def _file_history(self, rd: Round):
        r, per = self.r, rd.period
        if rd.cases:
            # Registered as cases when the round was filed.
            rd.filed_at = min(e.reg for e in rd.cases)
            return
        due = per.due(rd.grace)
        if not rd.no_late and r() < LATE_SHARE:
            day, rd.late = due + dt.timedelta(days=1 + int(r() * 8)), True
        else:
            day = per.end + dt.timedelta(days=min(rd.grace, int(r() * 3)))
        rd.filed_at = dt.datetime.combine(day, dt.time(8 + int(r() * 10), int(r() * 60)))

    # ---------------------------------------------------------------- the current year
    def _current(self):
        r, city, today = self.r, self.city, self.today
        first = self.current_first
        rounds: dict = {}
        by_org: dict = {}
        for kind, (cad, grace) in self.cadences.items():
            periods = periods_between(cad, first, today)
            due_prev = periods[-2].end + dt.timedelta(days=grace) if len(periods) > 1 else today
            n = len(periods)
            elapsed = ((today - periods[-1].start).days + 1) / ((periods[-1].end - periods[-1].start).days + 1)
            for key, o in city.orgs.items():
                if o.kind != kind:
                    continue
                mine = []
                for i, per in enumerate(periods):
                    rd = Round(o, per, grace, current=i == n - 1)
                    if key == "village:410403:0:0":
                        filed = i < n - 1
                    elif key == "village:410403:0:1":
                        filed = i < n - 3  # the last two finished periods are missing: overdue
                    elif key == "township:410403:0":
                        filed = True
                    elif i == n - 1:
                        filed = r() < 0.55 * elapsed
                    elif i == n - 2:
                        filed = r() >= (0.03 if today > due_prev else 0.35)
                    else:
                        filed = r() >= 0.002
                    if filed:
                        self._file_current(rd)
                    rounds[(o.obj.id, per.start)] = rd
                    mine.append(rd)
                by_org[key] = mine
        # Findings registered as cases (the current year's 排查发现 cases).
        for e in city.initiative:
            if e.track != "current" or e.org.kind not in self.cadences or r() >= 0.6:
                continue
            cad, _ = self.cadences[e.org.kind]
            rd = rounds.get((e.org.obj.id, period_containing(cad, e.reg.date()).start))
            if rd is not None and rd.filed_at is not None and not (rd.current and e.org.obj.id in self.fixed_ids):
                rd.cases.append(e)
                rd.filed_at, rd.late = min(rd.filed_at, e.reg), False
        # Hidden dangers: random ones, then the demo logins' own.
        start = dt.date(today.year, 1, 1).toordinal()
        span = today.toordinal() - start + 1
        for _ in range(max(self.plan.current_hazards, self.plan.per_case(self.plan.hazards, today.year, today))):
            for _try in range(30):
                kind = self.hazard_kind.pick(self.rng)
                o = self.org_pick[kind].pick(self.rng)
                cad, _ = self.cadences[kind]
                rd = rounds.get((o.obj.id, period_containing(cad, dt.date.fromordinal(start + int(r() * span))).start))
                if rd is not None and rd.filed_at is not None:
                    rd.hazards.append(Hazard(o, city._pick_type(o), None))
                    break
        for spec in FIXED_HAZARDS:
            mine = by_org.get(spec[0])
            if mine and len(mine) >= -spec[1]:
                rd = mine[spec[1]]
                if rd.filed_at is None:
                    self._file_current(rd)
                rd.hazards.append(Hazard(rd.org, spec[4], None, fixed=spec))
        for rd in sorted(rounds.values(), key=lambda x: (x.org.obj.id, x.period.start)):
            if rd.filed_at is None:
                overdue = rd.period.due(rd.grace) < self.today
                self.stats["cur_overdue" if overdue else "cur_pending"] += 1
                continue
            self._emit_round(rd, era="current")
        self._submit_hazards()

    def _file_current(self, rd: Round):
        r, per, now = self.r, rd.period, self.now
        if per.end >= self.today:  # the current period, filed early
            lo = dt.datetime.combine(per.start, dt.time(0))
            if rd.org.obj.id in self.fixed_ids:
                at = max(lo, now - dt.timedelta(hours=3))  # a fresh report, so its warning is still in time
            else:
                at = lo + (now - lo) * (0.3 + 0.7 * r())
            rd.filed_at = min(at, now - dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
            return
        due = per.due(rd.grace)
        if due < self.today and r() < 0.05 and rd.org.obj.id not in self.fixed_ids:
            day = due + dt.timedelta(days=1 + int(r() * min(8, (self.today - due).days)))
            rd.late = True
        else:
            day = per.end + dt.timedelta(days=min(rd.grace, int(r() * 3)))
        day = min(day, self.today)
        at = dt.datetime.combine(day, dt.time(8 + int(r() * 10), int(r() * 60)))
        rd.filed_at = min(at, now - dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
        rd.late = rd.filed_at.date() > due

    # ---------------------------------------------------------------- one round with its findings
    def _emit_round(self, rd: Round, *, era: str):
        r, o, per, add, ts = self.r, rd.org, rd.period, self.add, self.ts
        history = era != "current"
        rid = self.ids[ScreeningRound].take()
        n_found = len(rd.cases) + len(rd.hazards)
        filed = rd.filed_at
        screened_to = min(per.end, filed.date())
        screeners = "、".join(dict.fromkeys(self.pick(o.active_mediators)[1] for _ in range(1 + (r() < 0.5))))
        place = self.pick(o.places)[1] if o.places else o.obj.name
        places = self.pick(HT.ROUND_PLACES.get(o.kind, HT.ROUND_PLACES["trade"])).format(
            vil=place, n=3 + int(r() * 12), m=2 + int(r() * 6), k=max(1, len(o.places)))
        if n_found:
            notes = f"本期排查发现矛盾纠纷{n_found}起，其中登记为案件{len(rd.cases)}起、列为隐患{len(rd.hazards)}起。"
        else:
            notes = self.pick(HT.ZERO_NOTES)
        user_id = o.user[0] if o.user else None
        add(ScreeningRound, (rid, o.obj.id, per.cadence, per.key, per.start, per.end, per.start, screened_to,
                             screeners, places, not n_found, notes, user_id, ts(filed), rd.late, 1))
        s = self.stats
        prefix = ERA_PREFIX[era]
        s[prefix + "rounds"] += 1
        s[prefix + "zero"] += not n_found
        s[prefix + "late"] += rd.late
        if history:
            s[prefix + "found"] += n_found
            s[prefix + "found_cases"] += len(rd.cases)
        for e in rd.cases:
            add(Finding, (self.ids[Finding].take(), rid, e.facts, e.case_id, None))
            if history and e.outcome == "success" and e.code in ("0104", "0401", "1001") and r() < 0.06:
                closed = dt.datetime.combine(e.closed_on or e.reg.date(), dt.time(16))
                self._prevention(e.case_id, None, closed, criminal=1 + int(r() * 2))
        for h in rd.hazards:
            self._pending.append(self._compose_hazard(h, rd, era, rid))

    # ---------------------------------------------------------------- hidden dangers
    def _submit_hazards(self) -> None:
        """Send the hidden dangers composed since the last call to the text analysis."""
        pending, self._pending = self._pending, []
        texts = ["\n".join(t for t in (p.facts, p.parties) if t) for p in pending]  # as facts_for_hazard
        self._analysed.append((pending, self.lanes.submit(hazard_signals, texts)))

    def _finish_hazards(self) -> None:
        """Assess and write every hidden danger composed, in the order composed."""
        era = self.era
        for pending, job in self._analysed:
            for p, signals in zip(pending, self.lanes.result(job), strict=True):
                self.era = p.era  # the era its prevention outcomes are counted in
                self._finish_hazard(p, signals)
        self._analysed, self.era = [], era

    def _compose_hazard(self, h: Hazard, rd: Round, era: str, rid: int) -> SimpleNamespace:
        """Everything about a hidden danger that does not depend on its risk level."""
        r, city, o = self.r, self.city, h.org
        P = self.people
        code = h.code
        created = rd.filed_at
        found_on = created.date()
        if h.case is not None:
            region_id, place = h.case.region_id, h.case.place
        else:
            region_id, place = self.pick(o.places) if o.places else (o.obj.region_id, o.obj.name)
        a_name, b_name = P.name()[0], P.name()[0]
        co = city._org_party_name(COMPANY_KIND.get(code, "company"), o, place)
        flags = {}
        if h.fixed:
            _, _, facts_t, group_t, code, n, stake, flags, _w = h.fixed
            tpl = None
        else:
            tpl = self.pick(HT.HAZARDS.get(code) or HT.HAZARDS.get(code[:2]) or HT.HAZARDS["99"])
            facts_t, group_t = tpl["facts"], tpl["group"]
            lo, hi = tpl["people"]
            n = lo + int(r() * (hi - lo + 1))
            stake = city._raw_amount(code)
            if code in ("1001", "08", "09", "10") and n > 5:
                stake = int(stake * (0.5 + n / 10) / 100) * 100
        ctx = {"a": a_name, "b": b_name, "vil": place, "n": n, "stake": f"{stake:,}", "co": co}
        facts = facts_t.format_map(ctx)
        if tpl is not None:
            # Vary who found it and how things stand, so that no two hazard records read alike.
            lead = self.pick(HT.HAZARD_LEADS)
            if lead and facts.startswith("排查发现"):
                facts = lead + facts.removeprefix("排查发现")
            facts += self.pick(HT.HAZARD_TAILS).format_map(ctx)
            prone = HT.THREAT_PRONE.get(code, HT.THREAT_PRONE.get(code[:2], 1.0))
            x = r()
            if x < 0.02 * prone:
                facts += VIOLENT.pick(self.rng).format_map(ctx)
            elif x < 0.08 * prone:
                facts += ESCALATING.pick(self.rng).format_map(ctx)
        parties = group_t.format_map(ctx)[:300]
        measures = [self.pick(HT.MEASURES_GENERAL)]
        extra = HT.MEASURES_BY_TYPE.get(code) or HT.MEASURES_BY_TYPE.get(code[:2])
        if extra and r() < 0.8:
            measures.append(extra)
        if r() < 0.5:
            m2 = self.pick(HT.MEASURES_GENERAL)
            if m2 not in measures:
                measures.append(m2)
        measures = "；".join(measures) + "。"
        if not h.fixed:
            x = r()
            if x < 0.05:
                flags["police_calls"] = 1
            elif x < 0.075:
                flags["police_calls"] = 2 + int(r() * 2)
            if r() < (0.45 if code == "0101" else 0.04):
                flags["vulnerable"] = True
            if r() < 0.012:
                flags["litigation"] = True
            if r() < 0.012:
                flags["petition"] = True
            if code in ("13", "1002", "14") and r() < 0.03:
                flags["abnormal_death"] = True
        type_id = city.type_ids.get(code) or city.type_ids["99"]
        flagset = frozenset(k for k in ("vulnerable", "litigation", "petition", "abnormal_death") if flags.get(k))
        return SimpleNamespace(h=h, era=era, rid=rid, o=o, code=code, created=created, found_on=found_on,
                               region_id=region_id, place=place, facts=facts, parties=parties, measures=measures,
                               n=n, stake=stake, type_id=type_id, flagset=flagset,
                               police=flags.get("police_calls", 0))

    def _finish_hazard(self, p: SimpleNamespace, signals: tuple) -> None:
        r, o, add, ts = self.r, p.o, self.add, self.ts
        h, era, code, created, found_on = p.h, p.era, p.code, p.created, p.found_on
        facts, parties, measures, n, stake, type_id = p.facts, p.parties, p.measures, p.n, p.stake, p.type_id
        flagset, police, region_id, place = p.flagset, p.police, p.region_id, p.place
        history = era != "current"
        result = risk.assess(risk.RiskFacts(
            people_count=n, amount=float(stake), dispute_type_codes=self.type_codes[type_id],
            texts=tuple(t for t in (facts, parties, measures) if t), police_calls=police, flags=flagset,
            signals=signals), self.rules, self.combos)
        level = result.level
        resp = self.pick(o.active_mediators)[1]
        plan = ""
        if level in ("orange", "red"):
            up = "乡镇（街道）调委会" if o.kind == OrgKind.VILLAGE else "县级人民调解中心"
            plan = "".join(HT.PLAN_STEPS).format(resp=resp, up=up) + (HT.PLAN_RED if level == "red" else "")
        # Outcome
        status, closed_at, note, case_id = h.status, None, "", None
        if status is None:  # the current year: open while recent
            age = (self.today - found_on).days
            if h.fixed or (age <= 45 and r() < 0.75) or r() < 0.03:
                status = "open"
            else:
                status = "escalated" if r() < 0.05 else "resolved"
        if status != "open":
            if h.case is not None:
                closed_at = h.case.reg
            else:
                days = 2 + int(r() * 40)
                closed_at = dt.datetime.combine(found_on + dt.timedelta(days=days), dt.time(9 + int(r() * 8)))
                if not history and closed_at > self.now:
                    closed_at = created + (self.now - created) * (0.4 + 0.5 * r())
                closed_at = closed_at.replace(second=0, microsecond=0)
            if closed_at <= created:
                status, closed_at = "open", None
        if status == "resolved":
            note = HT.CLOSE_RESOLVED_BY_TYPE.get(code) if r() < 0.5 else None
            note = note or self.pick(HT.CLOSE_RESOLVED)
        elif status == "converted":
            note = f"矛盾需正式调处，已登记为人民调解案件（{h.case.number}）。"
            case_id = h.case.case_id
        elif status == "escalated":
            center = self._center(o)
            note = f"涉及人数多、诉求复杂，本级难以化解，已升级上报{center.obj.name}。"
        if status == "open":
            step = 7 if level in ("orange", "red") else 14
            review = found_on + dt.timedelta(days=step)
            while review < self.today:
                review += dt.timedelta(days=step)
            if not h.fixed and r() < 0.1:
                review -= dt.timedelta(days=step)  # a review that is due
        else:
            review = found_on + dt.timedelta(days=7 + int(r() * 24))
        hid = self.ids[HiddenDanger].take()
        detail = self.city._place_detail(code, place)
        add(HiddenDanger, (hid, o.obj.id, facts, type_id, parties, region_id, detail, n, stake, measures, plan, resp,
                           review, status, case_id, note, found_on, closed_at.date() if closed_at else None,
                           o.user[0] if o.user else None, ts(created), 1 if status == "open" else 2))
        aid = self.ids[RiskAssessment].take()
        factors = json.dumps([{"code": f.code, "name": f.name, "level": f.level, "detail": f.detail}
                              for f in result.factors], ensure_ascii=False)
        add(RiskAssessment, (aid, None, hid, o.obj.id, level, factors, result.explanation, "", "", "", None, level,
                             police, "vulnerable" in flagset, "litigation" in flagset, "petition" in flagset,
                             "abnormal_death" in flagset, ts(created)))
        s = self.stats
        s["level:" + level] += 1
        prefix = ERA_PREFIX[era]
        if history:
            s[prefix + "hazards"] += 1
            s[prefix + "prevented"] += status == "resolved"
            s[prefix + "converted"] += status == "converted"
            s[prefix + "escalated"] += status == "escalated"
        else:
            s["cur_hazards"] += 1
            s["open_hazards"] += status == "open"
        if era != "history" and level in WARN_LEVELS:  # 2016–2020 hazards raised no warnings
            self._warning(aid, level, o, "隐患：" + short_title(facts), result.explanation, created,
                          closed_at, h.fixed[8] if h.fixed else "random", stat=prefix + "warnings")
        if status == "resolved" and level in ("orange", "red") and r() < 0.3:
            self._hazard_prevention(hid, result, code, n, closed_at)
        add(Finding, (self.ids[Finding].take(), p.rid, facts, None, hid))

    def _hazard_prevention(self, hid, result, code, n, closed_at):
        r = self.r
        codes = {f.code: f.detail for f in result.factors}
        out = {}
        violent = codes.get("words-violence", "")
        if violent:
            if "轻生" in violent:
                out["suicide"] = 1
            else:
                out["criminal"] = 1 + int(r() * 3)
        elif code in ("0104", "0401", "1001", "01") and r() < 0.5:
            out["criminal"] = 1 + int(r() * 2)
        if n >= 5 and ("words-escalate" in codes or "linked" in codes):
            out["petition"] = n
        if n >= 5 and code in ("07", "03", "02", "08") and r() < 0.25:
            out["fight"] = n
        if out:
            self._prevention(None, hid, closed_at, **out)

    def _prevention(self, case_id, hazard_id, at, suicide=0, criminal=0, petition=0, fight=0):
        s = self.stats
        prefix = "" if self.era == "history" else ERA_PREFIX[self.era]
        for k, v in (("suicide", suicide), ("criminal", criminal), ("petition", petition), ("fight", fight)):
            s[prefix + "prev:" + k] += bool(v)
        self.add(PreventionOutcome, (self.ids[PreventionOutcome].take(), case_id, hazard_id, bool(suicide), suicide,
                                     bool(criminal), criminal, bool(petition), petition, bool(fight), fight,
                                     self.ts(at)))

    # ---------------------------------------------------------------- warnings
    def _center(self, o):
        x = o
        while x is not None:
            if x.kind == OrgKind.COUNTY_CENTER:
                return x
            x = self.org_by_id.get(x.obj.parent_id)
        return o

    def _responsible(self, level, o):
        if level == "red":
            return self._center(o)
        if level == "orange" and o.kind == OrgKind.VILLAGE and o.obj.parent_id:
            return self.org_by_id.get(o.obj.parent_id, o)
        return o

    def _warning(self, aid, level, origin, title, explanation, raised, closed_at, target, stat="cur_warnings"):
        """A warning as ``_maybe_raise_warning`` raises it, taken to ``target`` (open, acknowledged,
        measures, resolved; "random" picks by age) with its timeline."""
        policy = self.policies.get(level)
        if policy is None or not policy.raise_warning:
            return
        r, now, add, ts = self.r, self.now, self.add, self.ts
        hours = dt.timedelta(hours=policy.respond_within_hours)
        resp = self._responsible(level, origin)
        wid = self.ids[Warning].take()
        respond_by = raised + hours
        events = [(raised, f"生成{LL[level]}预警，责任单位：{resp.obj.name}", "系统", policy.response)]
        if closed_at is not None:
            target = "resolved"
        elif target == "random":
            x = r()
            if now < respond_by:
                target = "open" if x < 0.6 else "acknowledged"
            else:
                target = ("open" if x < 0.15 else "escalated" if x < 0.22 else "acknowledged" if x < 0.55
                          else "measures")
        status, measures, police, leader, resolved_at, escalations = "open", "", False, "", None, 0
        end = closed_at or now
        if target == "escalated":
            parent = self.org_by_id.get(resp.obj.parent_id)
            at = respond_by + dt.timedelta(minutes=1 + int(r() * 14))
            if parent is not None and at < now:
                events.append((at, f"超时未签收，已上报至{parent.obj.name}", "系统", f"原责任单位：{resp.obj.name}"))
                resp, escalations, respond_by = parent, 1, at + hours
        elif target in ("acknowledged", "measures", "resolved"):
            window = min(hours, (end - raised) * 0.3)
            ack = raised + window * (0.2 + 0.7 * r())
            events.append((ack, "签收", self.pick(resp.active_mediators)[1], self.pick(HT.WARNING_ACK_NOTES)))
            status = "acknowledged"
            if target in ("measures", "resolved"):
                at = ack + (end - ack) * (0.2 + 0.4 * r())
                measures = self.pick(HT.WARNING_MEASURES)
                if level == "red":
                    police = True
                    leader = f"{self.people.name()[0]}（{self.pick(HT.LEADER_TITLES)}）"
                events.append((at, "采取措施" + ("（已报告公安机关）" if police else ""),
                               self.pick(resp.active_mediators)[1], measures))
                status = "measures"
            if target == "resolved":
                resolved_at = closed_at
                events.append((closed_at, "化解办结", self.pick(resp.active_mediators)[1],
                               self.pick(HT.WARNING_RESOLVED)))
                status = "resolved"
        add(Warning, (wid, aid, level, origin.obj.id, resp.obj.id, title[:200], explanation, status, ts(raised),
                      ts(respond_by), escalations, measures, police, leader,
                      ts(resolved_at) if resolved_at else None))
        take = self.ids[WarningEvent].take
        for at, label, actor, note in events:
            add(WarningEvent, (take(), wid, ts(at.replace(microsecond=0)), label, actor, note))
        self.stats[stat] += 1
        self.stats["open_warnings"] += status != "resolved"

    # ---------------------------------------------------------------- current-year cases
    def _case_risks(self, signals_of_cases: list):
        """Assess this year's cases with the seeded rules (as ``reassess`` does) and raise their warnings.

        The facts are the ones ``facts_for_case`` would read (type, people, amount, facts, claims,
        session records, failed mediations), taken from the rows as they were written instead of
        read back through the ORM (tens of thousands of cases)."""
        r, add, ts = self.r, self.add, self.ts
        failed_outcomes = ("failed", "terminated")
        self.case_levels = {}
        for c, signals in zip(self.city.current_records, signals_of_cases, strict=True):
            a = RiskAssessment()
            x = r()
            a.police_calls = 2 if x < 0.04 else 1 if x < 0.12 else 0
            a.vulnerable = r() < 0.06
            a.petition = c.source == "petition" and r() < 0.7
            a.litigation = c.source == "court" and r() < 0.05
            flags = frozenset(k for k in ("vulnerable", "litigation", "petition") if getattr(a, k))
            facts = risk.RiskFacts(people_count=c.people_count, amount=float(c.stake or 0),
                                   dispute_type_codes=self.type_codes[c.type_id],
                                   texts=tuple(t for t in (c.facts, c.claims, *c.sessions) if t),
                                   failed_mediations=1 if c.outcome in failed_outcomes else 0,
                                   police_calls=a.police_calls, flags=flags,
                                   signals=signals)
            result = risk.assess(facts, self.rules, self.combos)
            level = result.level
            reg = c.reg
            aid = self.ids[RiskAssessment].take()
            factors = json.dumps([{"code": f.code, "name": f.name, "level": f.level, "detail": f.detail}
                                  for f in result.factors], ensure_ascii=False)
            at = reg + dt.timedelta(minutes=1)
            add(RiskAssessment, (aid, c.id, None, c.org_id, level, factors, result.explanation, "", "", "",
                                 None, level, a.police_calls, a.vulnerable, a.litigation, a.petition, False, ts(at)))
            self.stats["case_level:" + level] += 1
            self.case_levels[c.id] = level
            if level == "none":
                continue
            add(CaseEvent, (self.ids[CaseEvent].take(), c.id, "risk", f"风险等级：无 → {LL[level]}", "", "", None,
                            "系统", ts(at), result.explanation, json.dumps({"level": level})))
            if level in WARN_LEVELS:
                closed_at = None
                if c.status in CLOSED_CASE:
                    closed_at = max(c.last, at + dt.timedelta(hours=1))
                    if closed_at > self.now:
                        closed_at = None
                origin = self.org_by_id[c.org_id]
                self._warning(aid, level, origin, f"{c.number} {short_title(c.facts)}", result.explanation, at, closed_at,
                              "random")

    # ---------------------------------------------------------------- 疑难重大 (ORM, after the writer)
    def _escalations(self):
        city, u, now = self.city, self.using, timezone.now()
        today = self.today
        users = {x.username: x for x in User.objects.using(u).filter(username__in=["township_dongan",
                                                                                  "county_weidong", "county_baofeng"])}
        specs = [
            ("township:410403:0", ["mediating", "accepted"], "county_center", "township_dongan", 6, 10, False,
             "涉及群众人数多，双方对立情绪严重，本级多次调解未果，申请县级人民调解中心协调督办。",
             ["区调解中心已派员参与调解，约定下周组织双方及相关部门召开协调会。",
              "已召开协调会，双方分歧缩小，包案领导要求月底前化解。"]),
            ("county:410421", ["mediating", "accepted", "registered"], "party_gov", "county_baofeng", 9, 20, False,
             "涉及征地补偿，群众诉求涉及多个部门，须由党委政府统筹协调。",
             ["包案领导已听取情况汇报，责成相关部门一周内拿出方案。"]),
            ("county:410403", ["archived", "followed_up", "succeeded"], "county_center", "county_weidong", 40, -10,
             True, "当事人情绪激动、存在民转刑风险，县级人民调解中心挂牌督办。",
             ["包案领导带队上门做工作，当事人情绪稳定。", "双方达成调解协议并已履行，督办事项办结。"]),
        ]
        n = 0
        for key, statuses, target, username, days_ago, deadline_days, closed, reason, notes in specs:
            o = city.orgs.get(key)
            if o is None:
                continue
            case = (Case.objects.using(u).filter(organization_id=o.obj.id, year=self.now.year, status__in=statuses)
                    .order_by("registered_at").first())
            if case is None:
                continue
            created = max(now - dt.timedelta(days=days_ago), case.registered_at + dt.timedelta(hours=2))
            supervisor = self._center(o).obj
            if target == "party_gov" and supervisor.parent_id:
                supervisor = self.org_by_id[supervisor.parent_id].obj
            user = users.get(username)
            leader = f"{self.people.name()[0]}（{'县（区）司法局副局长' if target == 'county_center' else '县委常委、政法委书记'}）"
            e = Escalation.objects.using(u).create(
                case=case, target=target, supervisor=supervisor, reason=reason, leader=leader,
                deadline=today + dt.timedelta(days=deadline_days), created_by=user, created_at=created)
            CaseEvent.objects.using(u).create(
                case=case, kind="escalate", label=f"疑难重大上报：{e.get_target_display()}（包案领导：{leader}）"[:60],
                reason=reason, actor=user, actor_name=user.label if user else "系统", at=created,
                data={"deadline": e.deadline.isoformat()})
            for i, text in enumerate(notes, start=1):
                at = created + (now - created) * i / (len(notes) + 1)
                EscalationNote.objects.using(u).create(escalation=e, at=at, author=leader.split("（")[0], text=text)
            if closed:
                e.closed_at = created + (now - created) * len(notes) / (len(notes) + 1)
                e.close_note = notes[-1]
                e.save(update_fields=["closed_at", "close_note"])
            n += 1
        self.summary["escalations"] = n
