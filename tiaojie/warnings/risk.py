"""Explainable risk assessment (风险评估) of a case or a hidden danger.

The engine is a pure function of plain data: ``assess(facts, rules, combos)``. Rules and
combinations are rows of admin-editable tables (``RiskRule``, ``RiskCombination``) seeded from
DOMAIN.md §6; ``tiaojie.warnings.services`` loads them and gathers the facts from the records.

A rule matches one kind of fact:
  people_gte       涉及人数 ≥ threshold
  amount_gte       涉及金额（元）≥ threshold
  dispute_type     纠纷类型 code (or its parent's) in codes
  keywords         any keyword appears in the facts or records
  failed_gte       失败调解次数 ≥ threshold
  police_calls_gte 报警次数 ≥ threshold
  flag             a yes/no fact: vulnerable / litigation / petition / abnormal_death
Each match yields a factor with its level and an explanation. Beside the rules, every risk
signal the text analysis found (``tiaojie.intake``: category, level, the phrase quoted from the
facts or records) is a factor of its own (code ``text-<category>``), explained by its quotation.
Of the rules of one threshold kind (people, amount, failed mediations, police calls) only the
strongest match counts. The record's level is the highest factor's, raised by any combination
rule that matches ("two or more orange factors, one of them a severe sign → red"; a combination may
require one of its factors to be among ``requires``). The explanation is one sentence per factor.
"""
import re
from dataclasses import dataclass, field

LEVELS = ("none", "blue", "yellow", "orange", "red")
LEVEL_LABELS = {"none": "无", "blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}

FLAG_LABELS = {
    "vulnerable": "涉及老弱病残孕等弱势群体",
    "litigation": "与诉讼案件相关联",
    "petition": "与信访事项相关联",
    "abnormal_death": "涉及非正常死亡",
}


def max_level(*levels: str) -> str:
    return max(levels, key=lambda lv: LEVEL_RANK[lv]) if levels else "none"


@dataclass
class RiskFacts:
    """What the engine looks at, gathered from a case or a hidden danger."""

    people_count: int = 0
    amount: float = 0
    dispute_type_codes: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    failed_mediations: int = 0
    police_calls: int = 0
    flags: frozenset = frozenset()
    signals: tuple = ()   # tiaojie.intake Signal objects (or dicts with the same keys)


SOURCE_LABELS = {"facts": "纠纷简要情况", "claims": "申请事项", "sessions": "调解记录", "investigations": "调查记录",
                 "hazard": "隐患情况"}
THRESHOLD_KINDS = ("people_gte", "amount_gte", "failed_gte", "police_calls_gte")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    kind: str
    level: str
    threshold: float = 0
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Combination:
    name: str
    min_count: int
    at_level: str
    result_level: str
    requires: tuple[str, ...] = ()   # factor codes: one of the counted factors must be among them

    @property
    def label(self) -> str:
        """The name without a trailing "定为…" (the explanation says the level once)."""
        return re.sub(r"[，,]?\s*(综合)?定为\S{1,3}色\s*$", "", self.name).strip() or self.name


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    level: str
    detail: str
    evidence: str = ""   # the quoted phrase of a text signal

    @property
    def text(self) -> str:
        """One sentence: what was found, the rule or category (unless the finding already names
        it) and the level."""
        what = self.detail.rstrip("。；;，, ")
        if self.name and self.name not in what:
            what += f"（{self.name}）"
        return f"{what}，为{LEVEL_LABELS[self.level]}风险因素。"


@dataclass
class Assessment:
    level: str = "none"
    factors: list[Factor] = field(default_factory=list)
    combination: str = ""

    @property
    def explanation(self) -> str:
        if not self.factors:
            return "未发现风险因素"
        lines = []
        for f in self.factors:
            if f.text not in lines:
                lines.append(f.text)
        if self.combination:
            lines.append(f"综合判定：{self.combination}，定为{LEVEL_LABELS[self.level]}。")
        return "".join(lines)


def _fmt_num(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"


def match(rule: Rule, f: RiskFacts) -> str | None:
    """The explanation when ``rule`` matches ``f``, else None."""
    if rule.kind == "people_gte":
        if f.people_count >= rule.threshold:
            return f"涉及{f.people_count}人，达到{_fmt_num(rule.threshold)}人"
    elif rule.kind == "amount_gte":
        if f.amount >= rule.threshold:
            return f"涉及金额{_fmt_num(f.amount)}元，达到{_fmt_num(rule.threshold)}元"
    elif rule.kind == "dispute_type":
        hit = [c for c in f.dispute_type_codes if c in rule.values]
        if hit:
            return f"纠纷类型属于{rule.name}"
    elif rule.kind == "keywords":
        found = [w for w in rule.values if w and any(w in t for t in f.texts)]
        if found:
            return "记录中出现“" + "”“".join(found) + "”"
    elif rule.kind == "failed_gte":
        if f.failed_mediations >= rule.threshold:
            return f"已调解未成{f.failed_mediations}次"
    elif rule.kind == "police_calls_gte":
        if f.police_calls >= rule.threshold:
            return f"报警{f.police_calls}次"
    elif rule.kind == "flag":
        hit = [v for v in rule.values if v in f.flags]
        if hit:
            return "、".join(FLAG_LABELS.get(v, v) for v in hit)
    else:
        raise ValueError(f"unknown rule kind {rule.kind!r}")
    return None


def _get(signal, key):
    return signal.get(key) if isinstance(signal, dict) else getattr(signal, key, None)


def signal_factors(signals) -> list[Factor]:
    """One factor per category of the text signals (the strongest), explained by its quotation."""
    best: dict[str, Factor] = {}
    for s in signals or ():
        category, level = _get(s, "category"), _get(s, "level")
        if not category or level not in LEVEL_RANK or level == "none":
            continue
        where = SOURCE_LABELS.get(_get(s, "source") or "", "文本")
        evidence = (_get(s, "evidence") or "").strip()
        detail = f"{where}中出现“{evidence}”" if evidence else f"{where}中有{_get(s, 'label') or category}情形"
        f = Factor(f"text-{category}", _get(s, "label") or category, level, detail, evidence)
        old = best.get(category)
        if old is None or LEVEL_RANK[level] > LEVEL_RANK[old.level]:
            best[category] = f
    return list(best.values())


def _independent(factors: list[Factor]) -> list[Factor]:
    """Factors that are separate signs: two text signals read from one phrase ("扬言要堵路": a
    threat and a group sign) count once in a combination."""
    out: list[Factor] = []
    for f in factors:
        if f.evidence and any(g.evidence and (f.evidence in g.evidence or g.evidence in f.evidence) for g in out):
            continue
        out.append(f)
    return out


def assess(facts: RiskFacts, rules: list[Rule], combos: list[Combination] = ()) -> Assessment:
    factors = []
    strongest: dict[str, Factor] = {}   # of the threshold kinds, the strongest matching rule
    for rule in rules:
        detail = match(rule, facts)
        if detail is None:
            continue
        f = Factor(rule.code, rule.name, rule.level, detail)
        if rule.kind in THRESHOLD_KINDS:
            old = strongest.get(rule.kind)
            if old is None or LEVEL_RANK[f.level] > LEVEL_RANK[old.level]:
                strongest[rule.kind] = f
            continue
        factors.append(f)
    factors += strongest.values()
    factors += signal_factors(facts.signals)
    factors.sort(key=lambda x: -LEVEL_RANK[x.level])
    level = max_level(*(x.level for x in factors)) if factors else "none"
    applied = ""
    for c in combos:
        counted = _independent([x for x in factors if LEVEL_RANK[x.level] >= LEVEL_RANK[c.at_level]])
        if c.requires and not any(x.code in c.requires for x in counted):
            continue
        if len(counted) >= c.min_count and LEVEL_RANK[c.result_level] > LEVEL_RANK[level]:
            level, applied = c.result_level, c.label
    return Assessment(level, factors, applied)
