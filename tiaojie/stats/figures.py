"""The one statistics module: every figure shown by the dashboard, the report tables, the
assessment and the exports is computed here, and nowhere else.

Scope and period
----------------
A *scope* is an organization's subtree (``Organization.path`` prefix); callers get the node
through the one scope rule (``tiaojie.core.scope``) and this module refuses nothing itself.
A *period* is ``start``..``end`` inclusive (dates). Which date counts a record into a period:

One date puts a case into a period: its acceptance date ``Case.accepted_on`` (the cohort of
disputes accepted in the period). Everything counted about a case follows it, so a case is in
exactly one month and every figure about it can be drilled down with the same date filter:

* 受理 accepted: cases with ``accepted_on`` in the period (逐案录入), split by source group
  (主动 / 申请 / 接受委托移送, ``cases.models.SOURCE_REPORT_GROUP``);
* 调解成功 succeeded: those with ``outcome = success``; 办结 closed: outcome success, failed or
  terminated;
* 协议金额 (``Agreement.amount``), 口头/书面协议 (``Agreement.kind``), 履行 (a follow-up recorded
  已履行), 回访 followed (any follow-up), 司法确认 (``JudicialConfirmation`` confirmed): of the
  successful ones; all read from the case's copies of them (``Case.agreement_amount``,
  ``agreement_kind``, written with the agreement by ``transitions.succeed``; ``followed_up``,
  ``fully_performed`` by ``transitions.follow_up``; ``judicially_confirmed`` by
  ``routing.services.record_court_result``), so the successes of a few days are counted from the
  case rows alone;
* 防止自杀/刑事/上访/械斗 (件 = outcomes with the flag, 人 = persons): ``PreventionOutcome`` of
  those cases, and of hidden dangers by the hazard's ``found_on``.

Screening: 排查次数 rounds and 排查发现 found (one per ``Finding``) by the round's
``period_start``; 预防纠纷 prevented = hidden dangers found (``found_on``) in the period and now
已化解/预防成功. Aggregate reports (汇总上报, ``agg_*``) by ``AggregateReport.month``.

Derived figures (``derive``): 受理合计 = 逐案受理 + 汇总受理; 调解成功合计 likewise;
成功率 = 调解成功合计 ÷ 受理合计; 协议金额（万元） = (逐案 + 汇总) ÷ 10,000;
信息化录入率 = 逐案受理 ÷ (逐案受理 + 汇总受理).

How figures are counted
-----------------------
``fine_rows`` runs one grouped query per kind of record (the cases' one counts 受理, 办结,
调解成功 and its agreement together: the successes are accepted cases of the same groups; a
period inside one month is not grouped by month) and yields rows
(organization, month, top dispute type, source, measure, value). ``fold`` adds them up for a
node by facet (total / type / source / kind / child). The same two functions feed live counts
(small scopes, odd periods, tests) and the ``Rollup`` table (large scopes: rebuilt by
``rollups.rebuild``), so a rollup can never disagree with a live count of the same data. The
largest scopes (``day_rollup_min_descendants``) also keep ``RollupDay`` rows, rebuilt with their
month, from which ``compute`` reads the partial months at the ends of a period.
"""
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import CharField, Count, F, Func, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse

from tiaojie.cases.models import SOURCE_REPORT_GROUP, Agreement, Case, DisputeType, Outcome, Source
from tiaojie.orgs.models import KIND_REPORT_GROUP, REPORT_GROUPS, Organization

# Measures stored per cell (integers; amounts in fen so that sums stay exact).
CASE_MEASURES = ["accepted", "acc_initiative", "acc_application", "acc_referred", "succeeded", "closed",
                 "amount_fen", "oral", "written", "performed", "confirmed", "followed"]
PREVENTION_MEASURES = ["prev_suicide", "prev_suicide_p", "prev_criminal", "prev_criminal_p", "prev_petition",
                       "prev_petition_p", "prev_fight", "prev_fight_p"]
SCREENING_MEASURES = ["rounds", "found", "prevented"]
AGGREGATE_MEASURES = ["agg_accepted", "agg_succeeded", "agg_amount_fen"]
MEASURES = CASE_MEASURES + PREVENTION_MEASURES + SCREENING_MEASURES + AGGREGATE_MEASURES

SOURCE_GROUP_KEYS = {"主动调解": "initiative", "申请调解": "application", "接受委托移送调解": "referred"}
SOURCE_GROUP_LABELS = {v: k for k, v in SOURCE_GROUP_KEYS.items()}
KIND_GROUPS = REPORT_GROUPS  # the order of the by-kind rows (orgs owns the kind → group table)
FACETS = ("total", "type", "source", "kind", "child")


def rollup_min_descendants() -> int:
    """Scopes with at least this many organizations below them are read from rollups."""
    return getattr(settings, "TIAOJIE_STATS_ROLLUP_MIN", 60)


def kind_group(kind: str) -> str:
    return KIND_REPORT_GROUP.get(kind, "其他")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def month_aligned(self) -> bool:
        return self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1

    def months(self) -> list[dt.date]:
        out, m = [], self.start.replace(day=1)
        while m <= self.end:
            out.append(m)
            m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return out

    @property
    def label(self) -> str:
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"

    @classmethod
    def year(cls, y: int) -> "Period":
        return cls(dt.date(y, 1, 1), dt.date(y, 12, 31))

    @classmethod
    def last_12_months(cls, today: dt.date) -> "Period":
        """The twelve whole months up to and including ``today``'s (whole months: rollups answer)."""
        first = today.replace(day=1)
        y, m = divmod(first.year * 12 + first.month - 1 - 11, 12)
        end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return cls(dt.date(y, m + 1, 1), end)

    def year_earlier(self) -> "Period":
        """The same dates one year before (29 February becomes the 28th)."""
        def back(d: dt.date) -> dt.date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:
                return d.replace(year=d.year - 1, day=28)
        end = back(self.end)
        if self.month_aligned:  # keep whole months whole (a February that ends on the 29th)
            end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return Period(back(self.start), end)


# --------------------------------------------------------------------------- fine rows

def _amount_fen(value) -> int:
    return int((Decimal(value or 0) * 100).quantize(Decimal(1)))


def _case_type():
    return Coalesce(F("dispute_type__parent__code"), F("dispute_type__code"))


def _periods(period) -> list:
    return list(period) if isinstance(period, (list, tuple)) else [period]


def within(field: str, period) -> Q:
    """``field`` (a date) inside ``period``: a Period, or a list of Periods (any of them)."""
    q = Q(pk__in=[])
    for p in _periods(period):
        q |= Q(**{f"{field}__gte": p.start, f"{field}__lte": p.end})
    return q


class _ChildKey(Func):
    """The first segment of ``scope_path`` after its first ``start - 1`` characters (a node's path):
    the id of the node's child whose subtree holds the case, "" for the node's own cases."""

    output_field = CharField()

    def __init__(self, expression, start: int):
        super().__init__(expression, Value(start))

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        (col, cp), (start, sp) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"split_part(substr({col}, {start}), '/', 1)", [*cp, *sp]

    def as_sqlite(self, compiler, connection, **extra):
        (col, cp), (start, sp) = (compiler.compile(e) for e in self.get_source_expressions())
        rest = f"substr({col}, {start})"
        return (f"CASE WHEN instr({rest}, '/') > 0 THEN substr({rest}, 1, instr({rest}, '/') - 1) ELSE {rest} END",
                [*cp, *sp, *cp, *sp, *cp, *sp, *cp, *sp])


def fine_rows(path: str, period, org_ids=None, detail: bool = True, under: Organization | None = None,
              by_day: bool = False):
    """Yield (org_id, month, type_code, source, measure, value) for the subtree ``path``.

    ``period``: a Period, or a list of Periods that share no month (the partial months at both
    ends of a period are counted in one set of queries). ``org_ids``: optionally restrict to
    these organizations (used by the live count of a leaf). ``detail=False``: the case measures
    (the bulk of the rows) by month and source only, with no organization (None) or type ("") —
    enough for the totals of the subtree ``path``, in a few rows instead of one per case.
    ``under``: the case measures of ``under``'s subtree (``path`` is then ignored for them) by its
    child and the organization's kind — what ``fold`` needs for that node — in place of the
    organization: their first element is the pair (child key, kind), the child key "" for
    ``under``'s own cases. A province's few edge days hold ~7,000 cases in ~7,000 villages: one
    row a village cost more to read and fold than to count. ``by_day``: the second element is the
    day (the record's date) instead of its month (the day rollups); a monthly aggregate report
    stays on the first day of its month, where a period counts it.
    """
    from tiaojie.screening.models import Finding, HiddenDanger, ScreeningRound
    from tiaojie.stats.models import AggregateReport
    from tiaojie.warnings.models import PreventionOutcome

    periods = _periods(period)

    def scoped(qs, prefix="organization__"):
        if path:
            qs = qs.filter(**{f"{prefix}path__startswith": path})
        if org_ids is not None:
            qs = qs.filter(**{f"{prefix}id__in": org_ids})
        return qs

    if under is not None:  # the case's own path column: no join for the subtree test
        cases = Case.objects.filter(scope_path__startswith=under.path)
        by = {"o": _ChildKey(F("scope_path"), len(under.path) + 1), "k": F("organization__kind"), "t": _case_type()}
    else:  # the subtree by the case's own path column (kept by the database): no join to organizations
        cases = Case.objects.filter(scope_path__startswith=path) if path else Case.objects.all()
        if org_ids is not None:
            cases = cases.filter(organization_id__in=org_ids)
        by = {"o": F("organization_id"), "t": _case_type()} if detail else {}

    def org_of(r):
        return (r["o"], r["k"]) if under is not None else r.get("o")

    # 受理, 办结, 调解成功 and everything about its agreement in one pass: the successes are the
    # accepted cases of the same rows with outcome success (``SUCCEEDED``), so their groups are a
    # subset of the accepted ones' and one grouped scan counts both
    def bucket(date_field: str):
        return F(date_field) if by_day else TruncMonth(date_field)

    # a period inside one month (a partial month, a rollup month): no per-row date_trunc
    one_month = None if by_day else _one_month(periods)
    month = {} if one_month else {"m": bucket("accepted_on")}

    for r in (cases.filter(within("accepted_on", periods))
              .values(**month, s=F("source"), **by)
              .annotate(n=Count("id"),
                        closed=Count("id", filter=Q(outcome__in=[Outcome.SUCCESS, Outcome.FAILED,
                                                                 Outcome.TERMINATED])),
                        succeeded=Count("id", filter=SUCCEEDED),
                        amount=Sum("agreement_amount", filter=SUCCEEDED),
                        oral=Count("id", filter=Q(SUCCEEDED, agreement_kind=Agreement.Kind.ORAL)),
                        written=Count("id", filter=Q(SUCCEEDED, agreement_kind=Agreement.Kind.WRITTEN)),
                        performed=Count("id", filter=SUCCEEDED & PERFORMED),
                        followed=Count("id", filter=SUCCEEDED & FOLLOWED),
                        confirmed=Count("id", filter=SUCCEEDED & CONFIRMED))
              .order_by()):
        key = org_of(r), one_month or r["m"], r.get("t", ""), r["s"]
        yield (*key, "accepted", r["n"])
        group = SOURCE_GROUP_KEYS[SOURCE_REPORT_GROUP[Source(r["s"])]]
        yield (*key, f"acc_{group}", r["n"])
        for name in ("closed", "succeeded", "oral", "written", "performed", "followed", "confirmed"):
            if r[name]:
                yield (*key, name, r[name])
        if r["amount"]:
            yield (*key, "amount_fen", _amount_fen(r["amount"]))
    # 预防成效 (of cases, then of hidden dangers)
    sums = {}
    for k in ("suicide", "criminal", "petition", "fight"):
        sums[f"prev_{k}"] = Count("id", filter=Q(**{k: True}))
        sums[f"prev_{k}_p"] = Sum(f"{k}_persons")
    po = PreventionOutcome.objects.all()
    for rel, date, tpath, spath in (("case", "accepted_on", "case__dispute_type", "case__source"),
                                    ("hazard", "found_on", "hazard__dispute_type", None)):
        qs = scoped(po.filter(within(f"{rel}__{date}", periods)), f"{rel}__organization__")
        qs = qs.annotate(org=F(f"{rel}__organization_id"), m=bucket(f"{rel}__{date}"),
                         t=Coalesce(F(f"{tpath}__parent__code"), F(f"{tpath}__code")),
                         **({"s": F(spath)} if spath else {}))
        group = ["org", "m", "t"] + (["s"] if spath else [])
        for r in qs.values(*group).annotate(**sums).order_by():
            for name in sums:
                if r[name]:
                    yield r["org"], r["m"], r["t"], r.get("s", ""), name, r[name]
    # 排查
    for r in (scoped(ScreeningRound.objects.filter(within("period_start", periods)))
              .values("organization_id", m=bucket("period_start")).annotate(n=Count("id")).order_by()):
        yield r["organization_id"], r["m"], "", "", "rounds", r["n"]
    for r in (scoped(Finding.objects.filter(within("round__period_start", periods)),
                     "round__organization__")
              .values(org=F("round__organization_id"), m=bucket("round__period_start"))
              .annotate(n=Count("id")).order_by()):
        yield r["org"], r["m"], "", "", "found", r["n"]
    for r in (scoped(prevented_hazards(HiddenDanger.objects.all(), periods))
              .values("organization_id", m=bucket("found_on"),
                      t=Coalesce(F("dispute_type__parent__code"), F("dispute_type__code")))
              .annotate(n=Count("id")).order_by()):
        yield r["organization_id"], r["m"], r["t"], "", "prevented", r["n"]
    # 汇总上报
    months = Q(pk__in=[])
    for p in periods:
        months |= Q(month__gte=p.start.replace(day=1), month__lte=p.end)
    for ag in scoped(AggregateReport.objects.filter(months)).values(
            "organization_id", "month", "accepted", "successful", "amount", "by_type", "success_by_type",
            "amount_by_type"):
        if not any(p.start <= ag["month"] <= p.end for p in periods):
            continue  # a monthly report counts only when its month starts in the period
        org, m = ag["organization_id"], ag["month"]
        for code, measure, value in aggregate_cells(ag):
            yield org, m, code, "", measure, value


def aggregate_cells(ag: dict) -> list[tuple[str, str, int]]:
    """(type code, measure, value) of one aggregate report (汇总上报).

    Accepted, successful and amount of one row of the by-type table must come from the same
    cases: a report is split by type only when its types cover both its accepted and its
    successful cases and its amount; otherwise the whole report counts under the type ""
    (汇总上报未分类型), accepted, successful and amount alike.
    """
    def clean(d, conv):
        out = {}
        for k, v in (d or {}).items():
            try:
                v = conv(v)
            except (TypeError, ValueError, ArithmeticError):
                continue
            if v > 0:
                out[str(k)] = v
        return out

    acc = clean(ag.get("by_type"), int)
    ok = clean(ag.get("success_by_type"), int)
    fen = clean(ag.get("amount_by_type"), _amount_fen)
    total_fen = _amount_fen(ag["amount"])
    typed = (sum(acc.values()) == ag["accepted"] and sum(ok.values()) == ag["successful"]
             and sum(fen.values()) == total_fen and all(ok[k] <= acc.get(k, 0) for k in ok)
             and set(fen) <= set(ok))
    if typed:
        return ([(k, "agg_accepted", n) for k, n in acc.items()] + [(k, "agg_succeeded", n) for k, n in ok.items()]
                + [(k, "agg_amount_fen", v) for k, v in fen.items()])
    return [(code, measure, v) for code, measure, v in (("", "agg_accepted", ag["accepted"]),
                                                         ("", "agg_succeeded", ag["successful"]),
                                                         ("", "agg_amount_fen", total_fen)) if v]


def prevented_hazards(qs, period: Period):
    """The hidden dangers counted as 预防纠纷 in the period (also the drill-down set)."""
    from tiaojie.screening.models import HiddenDanger

    return qs.filter(within("found_on", period), status=HiddenDanger.Status.RESOLVED)


# 调解成功 and, of those, 履行 / 回访 / 司法确认: conditions on the case row alone (the copies
# ``Case.fully_performed``, ``followed_up``, ``judicially_confirmed``, written by the steps that
# record them); ``fine_rows`` counts with them, the drill-down lists (``cases.selectors``) filter
# by the same columns
SUCCEEDED = Q(outcome=Outcome.SUCCESS)
PERFORMED = Q(fully_performed=True)
FOLLOWED = Q(followed_up=True)
CONFIRMED = Q(judicially_confirmed=True)


def _one_month(periods) -> dt.date | None:
    """The first day of the one month every period lies in, or None."""
    firsts = {p.start.replace(day=1) for p in periods} | {p.end.replace(day=1) for p in periods}
    return firsts.pop() if len(firsts) == 1 else None


# --------------------------------------------------------------------------- folding

def _child_key(node_path: str, node_id: int, org_path: str) -> str:
    rest = org_path[len(node_path):].strip("/")
    return rest.split("/", 1)[0] if rest else str(node_id)


def fold(rows, node: Organization, orgs: dict) -> dict:
    """Add fine rows up for ``node``: {month: {(facet, key): {measure: value}}}.

    ``orgs`` maps organization id → (path, kind); rows of organizations it lacks are outside ``node``.
    """
    out: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    seen: dict = {}  # organization id → (kind group, child key), or None outside ``node``
    for org_id, month, t, s, measure, value in rows:
        where = seen.get(org_id, False)
        if where is False:
            if isinstance(org_id, tuple):  # (child key, kind): a case row of ``fine_rows(under=node)``
                where = seen[org_id] = (kind_group(org_id[1]), org_id[0] or str(node.pk))
            else:
                path, kind = orgs.get(org_id, ("", ""))
                where = seen[org_id] = ((kind_group(kind), _child_key(node.path, node.pk, path))
                                        if path.startswith(node.path) else None)
        if where is None:
            continue
        cells = out[month]
        cells[("total", "")][measure] += value
        cells[("type", t or "")][measure] += value
        if s:
            cells[("source", s)][measure] += value
        cells[("kind", where[0])][measure] += value
        cells[("child", where[1])][measure] += value
    return out


def org_map(path: str = "", ids=None) -> dict:
    """Organization id → (path, kind) of the subtree ``path``, or of just the organizations
    ``ids`` (a live count needs only those its rows name, not a province's 50,000)."""
    qs = Organization.objects.all()
    if path:
        qs = qs.filter(path__startswith=path)
    if ids is None:
        return {pk: (p, k) for pk, p, k in qs.values_list("id", "path", "kind")}
    ids, out = sorted(set(ids)), {}
    for i in range(0, len(ids), ID_CHUNK):
        out.update({pk: (p, k) for pk, p, k in qs.filter(id__in=ids[i:i + ID_CHUNK]).values_list("id", "path", "kind")})
    return out


ID_CHUNK = 5000  # ids per IN list (SQLite allows 32,766 parameters a query)


def subtree_map(path: str, ids) -> dict:
    """``org_map`` of the organizations ``ids`` of the subtree ``path``, from this process's copy
    of the subtree (``core.cache``: cleared when an organization is saved or deleted here, at most
    ``cache.SECONDS`` old in other processes, like the list's drop-downs); an organization missing
    from the copy (created since) is read afresh. A province's live edge months name ~10,000
    organizations: their look-up by id took ~200 ms a dashboard at 1M cases."""
    from tiaojie.core.cache import cached

    every = cached(("org_map", path), lambda: org_map(path))
    missing = [i for i in ids if i not in every]
    out = {i: every[i] for i in ids if i in every}
    if missing:
        out.update(org_map(path, ids=missing))
    return out


# --------------------------------------------------------------------------- figures

@dataclass
class Figures:
    """Figures of one scope and period, by facet and by month (values are measure dicts)."""

    node: Organization
    period: Period
    cells: dict = field(default_factory=dict)  # (facet, key) -> measures (whole period)
    by_month: dict = field(default_factory=dict)  # month -> measures (total facet)
    source: str = "live"  # "live" or "rollup"
    as_of: dt.datetime | None = None
    stale: bool = False

    def get(self, facet="total", key="") -> dict:
        return derive(self.cells.get((facet, key), {}))

    @property
    def total(self) -> dict:
        return self.get()

    def facet(self, facet: str) -> dict:
        return {k: derive(v) for (f, k), v in self.cells.items() if f == facet}

    def as_json(self) -> dict:
        return {"node": self.node.pk, "start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                "cells": [[f, k, dict(v)] for (f, k), v in sorted(self.cells.items())]}


def derive(m: dict) -> dict:
    """Measures plus the derived figures (the formulas of the module docstring)."""
    d = {name: int(m.get(name, 0)) for name in MEASURES}
    d["accepted_all"] = d["accepted"] + d["agg_accepted"]
    d["succeeded_all"] = d["succeeded"] + d["agg_succeeded"]
    d["amount_wan"] = Decimal(d["amount_fen"] + d["agg_amount_fen"]) / Decimal(1_000_000)
    d["amount_wan_individual"] = Decimal(d["amount_fen"]) / Decimal(1_000_000)
    d["success_rate"] = ratio(d["succeeded_all"], d["accepted_all"])
    d["entry_rate"] = ratio(d["accepted"], d["accepted_all"])
    d["follow_up_rate"] = ratio(d["followed"], d["succeeded"])
    return d


def ratio(a, b) -> float | None:
    return a / b if b else None


def compute(node: Organization, period: Period, *, live: bool = False, totals: bool = False) -> Figures:
    """Figures of ``node``'s subtree for ``period``. For a large scope (one with rollups) the
    whole months come from the monthly rollups and the partial months at either end from the day
    rollups of the largest scopes (a province: its few edge days hold thousands of cases) or
    counted live, so any period costs about the same; small scopes, or ``live``, are counted
    live. ``totals``: only the total facet (``Figures.total`` and ``by_month``; the dashboard's
    year earlier), counted without a row per organization and type."""
    from tiaojie.stats.models import Rollup, RollupChange, RollupState

    fig = Figures(node=node, period=period)
    if live or not Rollup.objects.filter(node=node).exists():
        _count_live(fig, node, period, totals)
        return fig
    inner, edges = split_months(period)
    whole = inner.months() if inner is not None else []
    edge_months = [p.start.replace(day=1) for p in edges]
    states = {s.month: s for s in RollupState.objects.filter(month__in=whole + edge_months)}
    if inner is not None:
        _read_rollups(fig, node, Rollup.objects.filter(month__gte=inner.start, month__lte=inner.end), totals)
    # the edges from day rollups only when every edge month was rebuilt with this node's days
    by_days = bool(edges) and all(m in states and node.pk in states[m].day_nodes for m in edge_months)
    if by_days:
        _read_day_rollups(fig, node, edges, totals)
    elif edges:
        _count_live(fig, node, edges, totals)  # both partial months in one set of queries
    read = whole + edge_months if by_days else whole
    if read:
        fig.source = "rollup"
        fig.as_of = min((states[m].rebuilt_at for m in read if m in states and states[m].rebuilt_at), default=None)
        fig.stale = RollupChange.objects.filter(month__in=read).exists()
    return fig


def split_months(period: Period) -> tuple[Period | None, list[Period]]:
    """``period`` as its whole months (None when it holds none) and the partial months at its ends."""
    first = period.start if period.start.day == 1 else (period.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    after = period.end + dt.timedelta(days=1)
    last = period.end if after.day == 1 else period.end.replace(day=1) - dt.timedelta(days=1)
    if first > last:
        return None, [period]
    edges = []
    if period.start < first:
        edges.append(Period(period.start, first - dt.timedelta(days=1)))
    if last < period.end:
        edges.append(Period(last + dt.timedelta(days=1), period.end))
    return Period(first, last), edges


def _read_rollups(fig: Figures, node: Organization, rows, totals: bool = False, day: bool = False) -> None:
    """Add the rollup rows ``rows`` of ``node`` (monthly, or by ``day``) into ``fig``."""
    rows = rows.filter(node=node)
    if totals:
        rows = rows.filter(facet="total")
    for when, facet, key, data in rows.values_list("day" if day else "month", "facet", "key", "data"):
        _add(fig.cells.setdefault((facet, key), {}), data)
        if facet == "total":
            _add(fig.by_month.setdefault(when.replace(day=1), {}), data)


def _read_day_rollups(fig: Figures, node: Organization, edges: list, totals: bool = False) -> None:
    from tiaojie.stats.models import RollupDay

    days = Q(pk__in=[])
    for p in edges:
        days |= Q(day__gte=p.start, day__lte=p.end)
    _read_rollups(fig, node, RollupDay.objects.filter(days), totals, day=True)


def day_rollup_min_descendants() -> int:
    """Scopes with at least this many organizations below them also keep rollups by day."""
    return max(getattr(settings, "TIAOJIE_STATS_DAY_ROLLUP_MIN", 5000), rollup_min_descendants())


def live_cells(node: Organization, period, by_day: bool = False) -> dict:
    """{month (or day): {(facet, key): measures}} of ``node``'s subtree counted from the records."""
    # a root's subtree is (nearly) everything: counted without the join from every case to its
    # organization for the path test, the rows of other trees (if any) are left out by ``fold``;
    # the cases by child and kind of organization (``under``), a few hundred rows whatever the size
    path = "" if node.parent_id is None else node.path
    rows = [r for p in _periods(period) for r in fine_rows(path, p, under=node, by_day=by_day)]
    orgs = subtree_map(node.path, {r[0] for r in rows if not isinstance(r[0], tuple)})
    return fold(rows, node, orgs)


def _count_live(fig: Figures, node: Organization, period, totals: bool = False) -> None:
    # One set of queries per period (the two partial months of an odd period apart): a case query
    # of one date range reads the accepted-date index alone on PostgreSQL (migration cases 0012
    # includes the columns counted), where two ranges OR-ed together read every case's row.
    periods = _periods(period)
    if totals:  # every row is inside the subtree (the path test in SQL): added up as they come
        total, by_month = fig.cells.setdefault(("total", ""), {}), fig.by_month
        for p in periods:
            for _org, month, _t, _s, measure, value in fine_rows(node.path, p, detail=False):
                total[measure] = total.get(measure, 0) + value
                m = by_month.setdefault(month, {})
                m[measure] = m.get(measure, 0) + value
        return
    for month, cells in live_cells(node, periods).items():
        for ck, data in cells.items():
            _add(fig.cells.setdefault(ck, {}), data)
            if ck == ("total", ""):
                _add(fig.by_month.setdefault(month, {}), data)


def _add(into: dict, data: dict) -> None:
    for k, v in data.items():
        into[k] = into.get(k, 0) + v


# --------------------------------------------------------------------------- labels, drill-down

FIGURE_LABELS = {
    "rounds": "排查次数", "found": "排查发现纠纷", "prevented": "预防纠纷",
    "accepted_all": "受理（调解纠纷）", "accepted": "逐案录入受理", "agg_accepted": "汇总上报受理",
    "succeeded_all": "调解成功", "succeeded": "逐案录入调解成功", "success_rate": "成功率",
    "amount_wan": "协议涉及金额（万元）", "oral": "口头协议", "written": "书面协议", "performed": "履行",
    "confirmed": "司法确认", "entry_rate": "信息化录入率",
    "acc_initiative": "主动调解", "acc_application": "申请调解", "acc_referred": "接受委托移送调解",
    "prev_suicide": "防止民间纠纷引起自杀", "prev_criminal": "防止民间纠纷转化为刑事案件",
    "prev_petition": "防止群体性上访", "prev_fight": "防止群体性械斗",
}


def type_names() -> dict:
    return dict(DisputeType.objects.filter(parent__isnull=True).values_list("code", "name"))


def drill_url(measure: str, node: Organization, period: Period, facet: str = "total", key: str = "") -> str | None:
    """The list of records behind a figure (live data, same scope rule), or None."""
    a, b = period.start.isoformat(), period.end.isoformat()
    if measure == "agg_accepted":
        # 汇总上报: the monthly reports behind the figure (their cases were never entered one by one).
        if facet not in ("total", "child", "kind"):
            return None
        q = {"organization": key if facet == "child" else node.pk, "start": a, "end": b}
        if facet == "kind":
            q["group"] = key
        return _path("stats:aggregates") + "?" + urlencode(q)
    if measure in ("rounds", "found", "prevented") or measure in PREVENTION_MEASURES:
        if measure in ("rounds", "found") and facet == "type":
            return None  # screening rounds and findings are not counted by dispute type
        q = {"what": measure.removesuffix("_p"), "organization": node.pk, "start": a, "end": b}
        if facet == "child":
            q["organization"] = key
        elif facet == "kind":
            q["group"] = key
        elif facet == "type" and key:
            q["type"] = key
        elif facet != "total":
            return None
        return _path("stats:records") + "?" + urlencode(q)
    q: dict = {"organization": node.pk, "accepted_from": a, "accepted_to": b}
    if measure in ("accepted", "acc_initiative", "acc_application", "acc_referred"):
        if measure != "accepted":
            q["source_group"] = measure[4:]
    elif measure in ("succeeded", "oral", "written", "performed", "confirmed", "amount"):
        q["outcome"] = Outcome.SUCCESS
        if measure == "amount":
            q["with_amount"] = "1"
        elif measure in ("oral", "written"):
            q["agreement_kind"] = measure
        elif measure in ("performed", "confirmed"):
            q[measure] = "1"
    else:
        return None
    if facet == "child":
        q["organization"] = key
    elif facet == "type" and key:
        q["dispute_type"] = key  # the list filters types by code: no look-up per cell
    elif facet == "source":
        q["source"] = key
    elif facet == "kind":
        q["org_group"] = key
    return _path("cases:list") + "?" + urlencode(q)


@functools.lru_cache(maxsize=8)
def _path(name: str) -> str:
    """A list page's path, reversed once (a report table links ~900 figures)."""
    return reverse(name)


def month_label(m: dt.date) -> str:
    return f"{m:%Y-%m}"
