"""The routing engine: every seeded rule, its explanation, order and the passed-over targets."""
from decimal import Decimal

import pytest

from tiaojie.cases.models import DisputeType
from tiaojie.orgs.models import OrgKind
from tiaojie.routing import engine
from tiaojie.routing.models import RoutingRule


def facts(code="02", **over):
    dt_ = DisputeType.objects.get(code=code)
    data = dict(dispute_type_codes=engine.type_codes(dt_), dispute_type_name=str(dt_), risk_level="none",
                amount=Decimal("3000"), people=2, source="application")
    data.update(over)
    return engine.Facts(**data)


# rule code, facts, place (region key), referring org key, expected organization key
CASES = [
    ("court-keeps", dict(source="court", court_keeps=True), "v1", "court", "court"),
    ("major", dict(major=True), "v1", None, "weidong"),
    ("red-level", dict(risk_level="red"), "v1", None, "weidong"),
    ("cross-township", dict(spans_townships=True), "v1", None, "weidong"),
    ("trade-medical", dict(code="13"), "v1", None, "t:medical"),
    ("trade-traffic", dict(code="14"), "v1", None, "t:traffic"),
    ("trade-labour", dict(code="1001"), "v1", None, "t:labour"),
    ("trade-family", dict(code="0101"), "v1", None, "t:family"),
    ("trade-property", dict(code="15"), "v1", None, "t:property"),
    ("trade-environment", dict(code="09"), "v1", None, "t:environment"),
    ("trade-land", dict(code="07"), "v1", None, "t:land"),
    ("trade-consumer", dict(code="12"), "v1", None, "t:consumer"),
    ("trade-ip", dict(code="16"), "v1", None, "t:ip"),
    ("trade-tourism", dict(code="11"), "v1", None, "t:tourism"),
    ("trade-internet", dict(code="17"), "v1", None, "t:internet"),
    ("police-room", dict(source="police"), "v1", "police", "police"),
    ("group-10", dict(people=10), "v1", None, "weidong"),
    ("amount-100k", dict(amount=Decimal("100000")), "v1", None, "weidong"),
    ("cross-village", dict(spans_villages=True), "v1", None, "dongan"),
    ("village-failed", dict(village_failed=True), "v1", None, "dongan"),
    ("village", dict(), "v1", None, "v1"),
    ("township-place", dict(), "dongan", None, "dongan"),
    ("county-place", dict(), "weidong", None, "weidong"),
]


def test_every_seeded_rule_is_tested(db):
    assert {c[0] for c in CASES} == set(RoutingRule.objects.values_list("code", flat=True))


@pytest.mark.parametrize(("code", "over", "place", "referrer", "expected"), CASES, ids=[c[0] for c in CASES])
def test_seeded_rule(world, trades, code, over, place, referrer, expected):
    over = dict(over)
    f = facts(over.pop("code", "02"), **over)
    p = engine.propose(f, world.regions[place], world.orgs[referrer] if referrer else None)
    want = trades[expected[2:]] if expected.startswith("t:") else world.orgs[expected]
    assert p.rule.code == code
    assert p.org == want
    rule = RoutingRule.objects.get(code=code)
    assert f"「{rule.name}」" in p.explanation
    assert want.name in p.explanation


def test_a_specialist_committee_keeps_a_major_case_supervised_by_the_county(world, trades):
    p = engine.propose(facts("13", major=True), world.regions["v1"])
    assert p.rule.code == "trade-medical" and p.org == trades["medical"]
    assert p.supervised_by == world.orgs["weidong"]
    assert "虽属疑难重大纠纷，仍由专业调委会承办、不移交，由卫东区人民调解中心督办" in p.explanation
    assert p.kept_because == ("属疑难重大纠纷",)
    p = engine.propose(facts("14", major=True, risk_level="red"), world.regions["v1"])
    assert p.org == trades["traffic"] and "虽风险等级为红色且属疑难重大纠纷" in p.explanation


def test_a_major_case_without_its_trade_committee_goes_to_the_county(world):
    p = engine.propose(facts("13", major=True), world.regions["v1"])   # no medical committee in this world
    assert p.rule.code == "major" and p.org == world.orgs["weidong"] and p.supervised_by is None
    assert "本县（市、区）和本市都没有医疗纠纷人民调解委员会" in p.explanation


def test_major_still_moves_a_case_that_is_not_a_specialist_one(world, trades):
    p = engine.propose(facts("02", major=True), world.regions["v1"])
    assert p.rule.code == "major" and p.org == world.orgs["weidong"]


def test_below_thresholds_stays_in_village(world):
    p = engine.propose(facts(people=9, amount=Decimal("99999.99"), risk_level="orange"), world.regions["v1"])
    assert p.rule.code == "village" and p.org == world.orgs["v1"]


def test_missing_trade_committee_falls_back_to_the_township_and_says_so(world):
    p = engine.propose(facts("13"), world.regions["v1"])  # no medical committee in this world
    assert p.rule.code == "trade-medical" and p.org == world.orgs["dongan"] and p.fallback
    assert "本县（市、区）和本市都没有医疗纠纷人民调解委员会" in p.explanation


def test_missing_trade_committee_without_fallback_is_passed_over_and_said(world):
    RoutingRule.objects.filter(code="trade-medical").update(fallback_kind="")
    p = engine.propose(facts("13"), world.regions["v1"])
    assert p.rule.code == "village"
    assert "规则「医疗纠纷由医疗纠纷调委会承办」条件符合，但本县（市、区）和本市都没有医疗纠纷人民调解委员会" in p.explanation


def test_city_level_trade_committee_serves_counties_without_one(world):
    from tiaojie.orgs.models import Organization

    city_med = Organization.objects.create(name="平顶山市医疗纠纷人民调解委员会", abbr="市医调", kind=OrgKind.TRADE,
                                           trade="医疗纠纷", region=world.regions["city"], parent=world.orgs["city"])
    assert engine.propose(facts("13"), world.regions["v3"]).org == city_med


def test_court_keeps_without_referring_room_uses_county_room(world):
    p = engine.propose(facts(source="court", court_keeps=True), world.regions["v1"])
    assert p.org == world.orgs["court"]


def test_other_county_resolves_in_that_county(world):
    p = engine.propose(facts(major=True), world.regions["v3"])
    assert p.org == world.orgs["baofeng"]


def test_rules_are_data_admin_edits_take_effect(world):
    RoutingRule.objects.filter(code="village").update(is_active=False)
    p = engine.propose(facts(), world.regions["v1"])
    assert p.rule.code == "township-place" and p.org == world.orgs["dongan"]
    RoutingRule.objects.create(code="neighbours-township", name="邻里纠纷一律由乡镇承办", sort_order=1,
                               dispute_types="02", target_kind=OrgKind.TOWNSHIP)
    p = engine.propose(facts(), world.regions["v1"])
    assert p.rule.code == "neighbours-township" and "纠纷类型为邻里" in p.explanation


def test_no_rule_no_org():
    rules = [engine.Rule(code="x", name="仅医疗", target_kind="trade", target_trade="医疗", dispute_types=("13",))]
    p = engine.evaluate(engine.Facts(dispute_type_codes=("02",)), rules, lambda r: None)
    assert p.org is None and "人工指定" in p.explanation


def test_pure_evaluate_with_plain_rules():
    class Org:
        name = "甲调委会"

    rules = [engine.Rule(code="a", name="规则甲", target_kind="village", sources=("police",)),
             engine.Rule(code="b", name="规则乙", target_kind="township", min_people=3)]
    p = engine.evaluate(engine.Facts(people=5, source="application"), rules, lambda r: Org())
    assert p.rule.code == "b" and "规则乙" in p.explanation and "涉及5人" in p.explanation


def test_rule_validation(db):
    from django.core.exceptions import ValidationError

    r = RoutingRule(code="t", name="t", target_kind=OrgKind.TRADE)
    with pytest.raises(ValidationError):
        r.clean()
    r = RoutingRule(code="t", name="t", target_kind=OrgKind.VILLAGE, sources="court,foo")
    with pytest.raises(ValidationError):
        r.clean()
