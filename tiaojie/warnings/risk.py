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
Each match yields a factor with its level and an explanation; the record's level is the highest
factor's, raised by any combination rule ("two or more orange factors → red") that matches.
"""
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


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    level: str
    detail: str

    @property
    def text(self) -> str:
        return f"{self.name}（{LEVEL_LABELS[self.level]}）：{self.detail}"


@dataclass
class Assessment:
    level: str = "none"
    factors: list[Factor] = field(default_factory=list)
    combination: str = ""

    @property
    def explanation(self) -> str:
        if not self.factors:
            return "未发现风险因素"
        lines = [f.text for f in self.factors]
        if self.combination:
            lines.append(f"综合判定：{self.combination}，定为{LEVEL_LABELS[self.level]}")
        return "；".join(lines)


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
            return f"纠纷类型属于{rule.name}高发类型"
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


def assess(facts: RiskFacts, rules: list[Rule], combos: list[Combination] = ()) -> Assessment:
    factors = []
    for rule in rules:
        detail = match(rule, facts)
        if detail is not None:
            factors.append(Factor(rule.code, rule.name, rule.level, detail))
    factors.sort(key=lambda x: -LEVEL_RANK[x.level])
    level = max_level(*(x.level for x in factors)) if factors else "none"
    applied = ""
    for c in combos:
        n = sum(1 for x in factors if LEVEL_RANK[x.level] >= LEVEL_RANK[c.at_level])
        if n >= c.min_count and LEVEL_RANK[c.result_level] > LEVEL_RANK[level]:
            level, applied = c.result_level, c.name
    return Assessment(level, factors, applied)
