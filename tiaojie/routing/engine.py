"""The routing engine (分流): which organization should handle a dispute, and why.

The rule table is plain data (``RoutingRule`` rows, admin-editable, seeded by migration
``0002_seed_rules``). ``evaluate(facts, rules, resolve)`` is a pure function: it walks the rules in
order; the first rule whose conditions all hold *and* whose target organization exists for the
dispute's place wins, and the explanation names that rule. A rule that matches but whose target
does not exist (say, no medical committee in the county or the city) is noted and passed over;
when it has a fallback kind (the township) the dispute no longer lands in a village: the
fallback takes it instead and the explanation says plainly that no such committee exists. A rule never sends a case back to the village whose
mediation failed. A specialist committee's rule keeps its cases at any risk level; from its
``supervise_level`` on, the explanation names the county center that supervises (督办).

Targets are found from the dispute's place (``resolve_target``):
  village        the village/community committee of the dispute's village
  township       the committee of the township the place belongs to
  county_center  the county-level center of the county
  trade          the trade/professional committee of the county whose 行业 contains the rule's
                 word (or a city-level one when the county has none)
  court_room     the court room that referred the case (or the county's court room)
  police_room    the police room that referred the case (a rule about police referrals: only it)
  police_room, lawyer_room, enterprise   one in the township, else in the county

``propose_for_case`` and ``propose_for_fields`` gather the facts from records and form data.
"""
import re
from dataclasses import dataclass, field, replace
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
    fallback_kind: str = ""      # when the target does not exist: this kind instead (never a village)
    supervise_level: str = ""    # a specialist committee keeps the case; from this level the county supervises


@dataclass
class Proposal:
    org: object | None  # an Organization
    rule: Rule | None
    explanation: str
    passed_over: list[str] = field(default_factory=list)
    facts: Facts | None = None
    fallback: bool = False            # the rule's own target does not exist; ``org`` is its fallback
    supervised_by: object | None = None  # the county center that supervises (督办) instead of a transfer
    kept_because: tuple[str, ...] = ()  # why a specialist committee keeps it under supervision ("风险等级为红色")

    @property
    def rule_code(self) -> str:
        return self.rule.code if self.rule else ""

    @property
    def rule_name(self) -> str:
        return self.rule.name if self.rule else ""


FLAG_TEXTS = (("spans_villages", "纠纷跨村（社区）"), ("spans_townships", "纠纷跨乡镇（街道）"),
              ("village_failed", "村（社区）调解未成"), ("major", "属疑难重大纠纷"), ("court_keeps", "法院自留诉前调解"))
VILLAGE = "village"


def yuan(value) -> str:
    """An amount as people write it: 3000, 1500.5 (no trailing zeros)."""
    text = f"{Decimal(value):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
        why.append(f"涉及金额{yuan(f.amount)}元（不低于{yuan(rule.min_amount)}元）")
    if rule.min_people is not None:
        if f.people < rule.min_people:
            return None
        why.append(f"涉及{f.people}人（不少于{rule.min_people}人）")
    if rule.sources:
        if f.source not in rule.sources:
            return None
        why.append(f"案件来源为{SOURCE_LABELS.get(f.source, f.source)}")
    for flag, text in FLAG_TEXTS:
        if getattr(rule, flag):
            if not getattr(f, flag):
                return None
            why.append(text)
    return why


def _sentence(text: str) -> str:
    """``text`` as one sentence ending in 。 (empty stays empty)."""
    text = (text or "").strip().rstrip("。；;，,.")
    return f"{text}。" if text else ""


def _join(*sentences: str) -> str:
    """Sentences in order, each once."""
    out: list[str] = []
    for s in sentences:
        s = _sentence(s)
        if s and s not in out:
            out.append(s)
    return "".join(out)


def evaluate(facts: Facts, rules: list[Rule], resolve) -> Proposal:
    """First matching rule whose target exists; ``resolve(rule)`` returns the organization or None.

    A rule whose target does not exist is passed over and named. When it has a fallback kind
    (the trade rules: township), that is the floor for the rest of the walk: the later rules
    still apply (a red dispute still goes to the county center, a police referral stays in its
    room), but one that would send the dispute to a village committee gives way to the fallback,
    and the proposal begins by saying plainly that no such committee exists. A rule that would
    send a case back to the village whose mediation failed is passed over. A rule with
    ``supervise_level`` keeps the case with its specialist committee at any risk; from that level
    the county center supervises it (the red warning goes there)."""
    passed: list[str] = []
    floor: Rule | None = None  # the first passed-over rule with a fallback
    for rule in rules:
        why = match(rule, facts)
        if why is None:
            continue
        if rule.target_kind == VILLAGE and facts.village_failed:
            passed.append(f"规则「{rule.name}」不适用：村（社区）已调解未成，不再分回原村（社区）调委会")
            continue
        if rule.target_kind == VILLAGE and floor is not None:
            org = resolve(replace(floor, target_kind=floor.fallback_kind, target_trade=""))
            if org is not None:
                why = match(floor, facts) or []
                basis = f"依据分流规则「{floor.name}」" + (f"：{'，'.join(why)}" if why else "")
                text = _join(f"{_missing(floor)}，不宜由村（社区）调委会调解，建议由{org.name}承办", basis)
                others = [x for x in passed if f"「{floor.name}」" not in x]
                if others:
                    text += "另：" + "；".join(others) + "。"
                return Proposal(org=org, rule=floor, explanation=text, passed_over=passed, facts=facts, fallback=True)
        org = resolve(rule)
        if org is None:
            passed.append(f"规则「{rule.name}」条件符合，但{_missing(rule)}")
            if floor is None and rule.fallback_kind and rule.fallback_kind != VILLAGE:
                floor = rule
            continue
        basis = f"依据分流规则「{rule.name}」" + (f"：{'，'.join(why)}" if why else "")
        supervisor = None
        notes = rule.explanation
        why_kept: list[str] = []
        if rule.supervise_level:
            # a specialist committee keeps its case: high risk or 疑难重大 bring county supervision, not a transfer
            if LEVEL_RANK.get(facts.risk_level, 0) >= LEVEL_RANK.get(rule.supervise_level, 9):
                why_kept.append(f"风险等级为{LEVEL_LABELS.get(facts.risk_level, facts.risk_level)}")
            if facts.major:
                why_kept.append("属疑难重大纠纷")
            if why_kept:
                supervisor = resolve(replace(rule, target_kind="county_center", target_trade=""))
                notes = _join(notes, "虽" + "且".join(why_kept) + "，仍由专业调委会承办、不移交"
                                     + (f"，由{supervisor.name}督办" if supervisor is not None else ""))
        text = _join(f"建议由{org.name}承办", basis, notes)
        if passed:
            text += "另：" + "；".join(passed) + "。"
        return Proposal(org=org, rule=rule, explanation=text, passed_over=passed, facts=facts,
                        supervised_by=supervisor, kept_because=tuple(why_kept) if supervisor is not None else ())
    text = "没有适用的分流规则，或适用规则的承办单位不存在，请人工指定承办单位。"
    if passed:
        text += "另：" + "；".join(passed) + "。"
    return Proposal(org=None, rule=None, explanation=text, passed_over=passed, facts=facts)


def trade_words(target_trade: str) -> tuple[str, ...]:
    """The words of a rule's 行业/专业领域: a trade committee whose 行业 contains any of them
    matches ("互联网、电子商务" finds both kinds of committee)."""
    return tuple(w for w in (x.strip() for x in re.split(r"[、,，;；/\s]+", target_trade or "")) if w)


def _missing(rule: Rule) -> str:
    """Why ``rule``'s organization was not found, in plain words."""
    from tiaojie.orgs.models import OrgKind

    if rule.target_kind == OrgKind.TRADE:
        first, *others = trade_words(rule.target_trade) or ("行业",)
        named = f"{first}（{'、'.join(others)}）" if others else first
        return f"本县（市、区）和本市都没有{named}纠纷人民调解委员会"
    if rule.target_kind == OrgKind.POLICE_ROOM and "police" in rule.sources:
        return "本案不是由警民联调室移送的"
    return f"纠纷发生地没有{OrgKind(rule.target_kind).label}"


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
             major=r.major, court_keeps=r.court_keeps, explanation=r.explanation, fallback_kind=r.fallback_kind,
             supervise_level=r.supervise_level)
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
    from django.db.models import Q

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
        any_word = Q()
        for word in trade_words(rule.target_trade):
            any_word |= Q(trade__icontains=word)
        trades = active.filter(any_word, kind=kind)
        if county:
            hit = trades.filter(region__path__startswith=county.path).first()
            if hit:
                return hit
        return trades.filter(region=city).first() if city else None
    if kind in (OrgKind.COURT_ROOM, OrgKind.POLICE_ROOM) and referring_org is not None \
            and referring_org.kind == kind and referring_org.is_active:
        return referring_org  # the room that referred the case keeps it
    if kind == OrgKind.POLICE_ROOM and "police" in rule.sources:
        return None  # a rule about police referrals means the referring room, not any room nearby
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
