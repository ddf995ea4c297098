"""The routing engine (分流): which organization should handle a dispute, and why.

The rule table is plain data (``RoutingRule`` rows, admin-editable, seeded by migration
``0002_seed_rules``). ``evaluate(facts, rules, resolve)`` is a pure function: it walks the rules in
order; the first rule whose conditions all hold *and* whose target organization exists for the
dispute's place wins, and the explanation names that rule. A rule that matches but whose target
does not exist (say, no medical committee in the county) is noted and passed over.

Targets are found from the dispute's place (``resolve_target``):
  village        the village/community committee of the dispute's village
  township       the committee of the township the place belongs to
  county_center  the county-level center of the county
  trade          the trade/professional committee of the county whose 行业 contains the rule's
                 word (or a city-level one when the county has none)
  court_room     the court room that referred the case (or the county's court room)
  police_room, lawyer_room, enterprise   one in the township, else in the county

``propose_for_case`` and ``propose_for_fields`` gather the facts from records and form data.
"""
from dataclasses import dataclass, field
from decimal import Decimal

LEVEL_RANK = {"none": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}
LEVEL_LABELS = {"none": "无", "blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
SOURCE_LABELS = {"application": "当事人申请", "initiative": "主动调解", "court": "法院委派委托", "police": "公安移交",
                 "petition": "信访转办", "department": "其他部门移交"}


@dataclass(frozen=True)
class Facts:
    """What the rules look at."""

    dispute_type_codes: tuple[str, ...] = ()  # the type's code and its parent's
    dispute_type_name: str = ""
    risk_level: str = "none"
    amount: Decimal = Decimal("0")
    people: int = 0
    source: str = ""
    spans_villages: bool = False
    spans_townships: bool = False
    village_failed: bool = False
    major: bool = False
    court_keeps: bool = False

    def as_dict(self) -> dict:
        return {"dispute_types": list(self.dispute_type_codes), "risk_level": self.risk_level,
                "amount": str(self.amount), "people": self.people, "source": self.source,
                "spans_villages": self.spans_villages, "spans_townships": self.spans_townships,
                "village_failed": self.village_failed, "major": self.major, "court_keeps": self.court_keeps}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    target_kind: str
    target_trade: str = ""
    dispute_types: tuple[str, ...] = ()
    min_risk_level: str = ""
    min_amount: Decimal | None = None
    min_people: int | None = None
    sources: tuple[str, ...] = ()
    spans_villages: bool = False
    spans_townships: bool = False
    village_failed: bool = False
    major: bool = False
    court_keeps: bool = False
    explanation: str = ""


@dataclass
class Proposal:
    org: object | None  # an Organization
    rule: Rule | None
    explanation: str
    passed_over: list[str] = field(default_factory=list)
    facts: Facts | None = None

    @property
    def rule_code(self) -> str:
        return self.rule.code if self.rule else ""

    @property
    def rule_name(self) -> str:
        return self.rule.name if self.rule else ""


def match(rule: Rule, f: Facts) -> list[str] | None:
    """The reasons ``rule`` holds for ``f`` (one per filled condition), or None if it does not."""
    why: list[str] = []
    if rule.dispute_types:
        if not set(rule.dispute_types) & set(f.dispute_type_codes):
            return None
        why.append(f"纠纷类型为{f.dispute_type_name or '、'.join(f.dispute_type_codes)}")
    if rule.min_risk_level:
        if LEVEL_RANK.get(f.risk_level, 0) < LEVEL_RANK[rule.min_risk_level]:
            return None
        why.append(f"风险等级为{LEVEL_LABELS.get(f.risk_level, f.risk_level)}")
    if rule.min_amount is not None:
        if f.amount < rule.min_amount:
            return None
        why.append(f"涉及金额{f.amount}元，不低于{rule.min_amount}元")
    if rule.min_people is not None:
        if f.people < rule.min_people:
            return None
        why.append(f"涉及{f.people}人，不少于{rule.min_people}人")
    if rule.sources:
        if f.source not in rule.sources:
            return None
        why.append(f"案件来源为{SOURCE_LABELS.get(f.source, f.source)}")
    for flag, text in (("spans_villages", "纠纷跨村（社区）"), ("spans_townships", "纠纷跨乡镇（街道）"),
                       ("village_failed", "村（社区）调解未成"), ("major", "属疑难重大纠纷"),
                       ("court_keeps", "法院自留诉前调解")):
        if getattr(rule, flag):
            if not getattr(f, flag):
                return None
            why.append(text)
    return why


def evaluate(facts: Facts, rules: list[Rule], resolve) -> Proposal:
    """First matching rule whose target exists; ``resolve(rule)`` returns the organization or None."""
    passed: list[str] = []
    for rule in rules:
        why = match(rule, facts)
        if why is None:
            continue
        org = resolve(rule)
        if org is None:
            passed.append(f"规则「{rule.name}」条件符合，但纠纷发生地没有对应的{_target_label(rule)}，继续匹配下一条")
            continue
        reason = "；".join(why) if why else "其他规则均不适用"
        text = f"按分流规则「{rule.name}」：{reason}，建议由{org.name}承办。"
        if rule.explanation:
            text += rule.explanation
        if passed:
            text += "（" + "；".join(passed) + "）"
        return Proposal(org=org, rule=rule, explanation=text, passed_over=passed, facts=facts)
    text = "没有适用的分流规则，或适用规则的承办单位不存在，请人工指定承办单位。"
    if passed:
        text += "（" + "；".join(passed) + "）"
    return Proposal(org=None, rule=None, explanation=text, passed_over=passed, facts=facts)


def _target_label(rule: Rule) -> str:
    from tiaojie.orgs.models import OrgKind

    label = OrgKind(rule.target_kind).label
    return f"{rule.target_trade}{label}" if rule.target_trade else label


# --- the database side: rules, places, targets, facts -----------------------------------------

def load_rules() -> list[Rule]:
    """The active routing rules in order (cached per process, cleared when edited in admin)."""
    from tiaojie.core.cache import cached

    return cached("routing_rules", _load_rules)


def _load_rules() -> list[Rule]:
    from tiaojie.routing.models import RoutingRule, split_values

    return [
        Rule(code=r.code, name=r.name, target_kind=r.target_kind, target_trade=r.target_trade.strip(),
             dispute_types=split_values(r.dispute_types), min_risk_level=r.min_risk_level,
             min_amount=r.min_amount, min_people=r.min_people, sources=split_values(r.sources),
             spans_villages=r.spans_villages, spans_townships=r.spans_townships, village_failed=r.village_failed,
             major=r.major, court_keeps=r.court_keeps, explanation=r.explanation)
        for r in RoutingRule.objects.filter(is_active=True).order_by("sort_order", "id")
    ]


def region_levels(region) -> dict:
    """{level: Region} for the region and its ancestors (cached per process; cleared on edits)."""
    from tiaojie.core.cache import cached
    from tiaojie.orgs.models import Region

    def load():
        ids = [int(p) for p in (region.path or "").strip("/").split("/") if p] or [region.pk]
        return {r.level: r for r in Region.objects.filter(pk__in=ids)}

    return cached(("region_levels", region.pk, region.path), load)


def resolve_target(rule: Rule, region, referring_org=None):
    """The active organization of kind ``rule.target_kind`` for a dispute at ``region``."""
    from tiaojie.orgs.models import Organization, OrgKind

    levels = region_levels(region)
    village, township, county, city = (levels.get(k) for k in ("village", "township", "county", "city"))
    active = Organization.objects.filter(is_active=True).order_by("path")
    kind = rule.target_kind
    if kind == OrgKind.VILLAGE:
        return active.filter(kind=kind, region=village).first() if village else None
    if kind == OrgKind.TOWNSHIP:
        return active.filter(kind=kind, region=township).first() if township else None
    if kind == OrgKind.COUNTY_CENTER:
        return active.filter(kind=kind, region=county).first() if county else None
    if kind == OrgKind.TRADE:
        trades = active.filter(kind=kind, trade__icontains=rule.target_trade)
        if county:
            hit = trades.filter(region__path__startswith=county.path).first()
            if hit:
                return hit
        return trades.filter(region=city).first() if city else None
    if kind == OrgKind.COURT_ROOM and referring_org is not None and referring_org.kind == OrgKind.COURT_ROOM:
        return referring_org
    for place in (township, county):
        if place is not None:
            hit = active.filter(kind=kind, region__path__startswith=place.path).first()
            if hit:
                return hit
    return None


def type_codes(dispute_type) -> tuple[str, ...]:
    return tuple(c for c in (dispute_type.code, dispute_type.parent.code if dispute_type.parent_id else None) if c)


def provisional_risk(dispute_type, people: int, amount, texts: tuple[str, ...], signals=()) -> str:
    """The risk level the warnings rules give data not yet saved (for a proposal before 登记)."""
    from tiaojie.warnings import risk
    from tiaojie.warnings.services import load_rules as load_risk_rules

    rules, combos = load_risk_rules()
    facts = risk.RiskFacts(people_count=people, amount=float(amount or 0), dispute_type_codes=type_codes(dispute_type),
                           texts=tuple(t for t in texts if t), signals=tuple(signals or ()))
    return risk.assess(facts, rules, combos).level


def facts_for(*, dispute_type, region, people=2, amount=0, source="", risk_level=None, texts=(), signals=(),
              spans_villages=False, spans_townships=False, village_failed=False, major=False,
              court_keeps=False, other_regions=()) -> Facts:
    """Facts from form or API data; ``other_regions`` (more places of the same dispute) set the
    spans flags when they lie in another village or township."""
    here = region_levels(region)
    for other in other_regions:
        there = region_levels(other)
        if there.get("township") and here.get("township") and there["township"].pk != here["township"].pk:
            spans_townships = True
        elif there.get("village") and here.get("village") and there["village"].pk != here["village"].pk:
            spans_villages = True
    if risk_level is None:
        risk_level = provisional_risk(dispute_type, people, amount, texts, signals)
    return Facts(dispute_type_codes=type_codes(dispute_type), dispute_type_name=str(dispute_type),
                 risk_level=risk_level, amount=Decimal(str(amount or 0)), people=int(people or 0), source=source,
                 spans_villages=bool(spans_villages), spans_townships=bool(spans_townships),
                 village_failed=bool(village_failed), major=bool(major), court_keeps=bool(court_keeps))


def propose(facts: Facts, region, referring_org=None) -> Proposal:
    return evaluate(facts, load_rules(), lambda rule: resolve_target(rule, region, referring_org))


def propose_for_case(case) -> Proposal:
    """A proposal for a registered case: its stored routing inputs, its assessed risk level."""
    risk = getattr(case, "risk", None) if _has_risk(case) else None
    referral = getattr(case, "referral", None) if _has_referral(case) else None
    facts = facts_for(dispute_type=case.dispute_type, region=case.region, people=case.people_count,
                      amount=case.amount_at_stake, source=case.source,
                      risk_level=risk.level if risk else None, texts=(case.facts, case.claims),
                      court_keeps=referral.court_keeps if referral else False,
                      spans_villages=case.spans_villages, spans_townships=case.spans_townships,
                      village_failed=case.village_failed, major=case.major)
    return propose(facts, case.region, referral.referring_org if referral else None)


def _has_risk(case) -> bool:
    from tiaojie.warnings.models import RiskAssessment

    try:
        case.risk  # noqa: B018
    except RiskAssessment.DoesNotExist:
        return False
    return True


def _has_referral(case) -> bool:
    from tiaojie.routing.models import Referral

    try:
        case.referral  # noqa: B018
    except Referral.DoesNotExist:
        return False
    return True
