"""Issue 9, routing keeps its reasons: stored inputs shown with the decision, village_failed
respected, police referrals stay in the 警民联调室 unless a rule moves them, specialist committees
keep their cases at any risk (county supervision instead), trade fallbacks said plainly, and
explanations that read as clean Chinese."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tiaojie.cases.models import Case, DisputeType
from tiaojie.orgs.models import Organization, OrgKind
from tiaojie.routing import engine, services
from tiaojie.routing.models import RoutingDecision, RoutingRule
from tiaojie.testing import effects, sample_parties, version_of
from tiaojie.warnings import services as warnings
from tiaojie.warnings.models import Warning

from .helpers import court_referral, referral_fields, register


def facts(code="02", **over):
    dt_ = DisputeType.objects.get(code=code)
    data = dict(dispute_type_codes=engine.type_codes(dt_), dispute_type_name=str(dt_), risk_level="none",
                amount=Decimal("3000"), people=2, source="application")
    data.update(over)
    return engine.Facts(**data)


def police(world, n=1, **over):
    kw = dict(kind="police", referrer_name="东安路派出所", external_ref=f"110-20261128-{n:04d}",
              parties=sample_parties(), call_time=timezone.now() - dt.timedelta(hours=2), caller="刘大海",
              caller_phone="13912345678", place="东安社区3号院门口")
    flags = {k: over.pop(k) for k in list(over) if k in services.ROUTING_FLAGS}
    fields = referral_fields(world, **{k: over.pop(k) for k in list(over) if k in (
        "dispute_type", "region", "facts", "claims", "people_count", "amount_at_stake")})
    kw.update(over)
    return services.refer_case(world.users["police"], routing_flags=flags, **kw, **fields)


def clauses(text: str) -> list[str]:
    """The clauses of ``text``, a quoted rule name counting as a word."""
    return [c for c in re.split(r"[。；，：]", re.sub(r"「[^」]*」", "「」", text)) if c.strip()]


# --- 1. the routing inputs are stored and shown; village_failed is respected ---------------------

def test_village_failed_never_goes_back_to_the_village(world):
    """Without a township committee the old rules fell through to 'village'."""
    world.orgs["dongan"].is_active = False
    world.orgs["dongan"].save(update_fields=["is_active"])
    p = engine.propose(facts(village_failed=True), world.regions["v1"])
    assert p.org != world.orgs["v1"]
    assert p.org == world.orgs["weidong"] and p.rule.code == "county-place"
    assert "村（社区）已调解未成，不再分回原村（社区）调委会" in p.explanation


def test_case_page_proposal_respects_the_stored_village_failed(world):
    c = register(world, org="dongan", user="township", village_failed=True)
    c = Case.objects.get(pk=c.pk)
    assert c.village_failed
    world.orgs["dongan"].is_active = False
    world.orgs["dongan"].save(update_fields=["is_active"])
    p = services.propose_for_case(c)
    assert p.org != world.orgs["v1"]


def test_referral_stores_village_failed_and_the_form_offers_it(world, login):
    r = court_referral(world, routing_flags={"village_failed": True})
    assert r.case.village_failed and r.case.organization == world.orgs["dongan"]
    client = login(world.users["police"])
    html = client.get(reverse("routing:referral_new", args=["police"])).content.decode()
    assert 'name="village_failed"' in html


def test_case_page_shows_routing_inputs_and_the_decision_reasons(world, login):
    r = court_referral(world, court_keeps=True, routing_flags={"spans_villages": True})
    c = r.case
    assert c.organization == world.orgs["court"]
    d = RoutingDecision.objects.get(case=c)
    assert d.facts["court_keeps"] is True and d.facts["source"] == "court" and d.facts["spans_villages"] is True
    html = login(world.users["county"]).get(reverse("cases:detail", args=[c.pk])).content.decode()
    panel = html[html.index('id="routing-panel"'):]
    panel = panel[:panel.index("</section>")]
    for text in ("案件来源", "法院委派委托", "跨村（社区）", "跨乡镇（街道）", "村（社区）调解未成", "疑难重大", "法院自留",
                 "法院自留的委派调解由诉前调解工作室承办", "建议由卫东区人民法院诉前人民调解工作室承办"):
        assert text in panel, text


def test_case_page_offers_a_proposal_that_differs(world, login):
    c = register(world, org="v1", user="township", spans_townships=True, routing_reason="先由社区受理")
    html = login(world.users["county"]).get(reverse("cases:detail", args=[c.pk])).content.decode()
    assert 'id="routing-current-proposal"' in html and "卫东区人民调解中心" in html


# --- 2. police referrals stay in the 警民联调室 unless a rule moves them -------------------------

def test_police_referral_stays_in_the_police_room(world):
    r = police(world)
    assert r.case.organization == world.orgs["police"]
    d = RoutingDecision.objects.get(case=r.case)
    assert d.rule_code == "police-room" and "警民联调室" in d.explanation


@pytest.mark.parametrize(("over", "rule", "org"), [
    (dict(spans_townships=True), "cross-township", "weidong"),
    (dict(major=True), "major", "weidong"),
    (dict(people_count=30), "group-10", "weidong"),
    (dict(dispute_type="14"), "trade-traffic", "traffic"),
])
def test_rules_move_a_police_referral(world, over, rule, org):
    over = dict(over)
    if "dispute_type" in over:
        over["dispute_type"] = DisputeType.objects.get(code=over["dispute_type"])
    r = police(world, **over)
    assert RoutingDecision.objects.get(case=r.case).rule_code == rule
    assert r.case.organization == world.orgs[org]


def test_police_room_rule_means_the_referring_room(world):
    """A desk registration with source 公安移交 is not kept by some police room nearby."""
    p = engine.propose(facts(source="police"), world.regions["v1"])
    assert p.org == world.orgs["v1"]
    assert "本案不是由警民联调室移送的" in p.explanation


# --- 3. specialist committees keep their cases at any risk level -------------------------------

def test_red_medical_case_stays_with_the_medical_committee_supervised_by_the_county(world, trades):
    p = engine.propose(facts("13", risk_level="red"), world.regions["v1"])
    assert p.rule.code == "trade-medical" and p.org == trades["medical"]
    assert p.supervised_by == world.orgs["weidong"]
    assert "不移交" in p.explanation and "由卫东区人民调解中心督办" in p.explanation


def test_red_traffic_death_is_not_proposed_for_transfer_and_its_warning_goes_to_the_county(world, login):
    with effects():  # assessed at registration (the text alone reads as orange: 死亡, 情绪激动)
        c = register(world, org="traffic", user="county", dispute_type=DisputeType.objects.get(code="14"),
                     facts="两车相撞，一人死亡，家属情绪激动。")
    with effects():
        warnings.set_case_level(c, world.users["county"], version=version_of(c), level="red", reason="死亡事故")
    c = Case.objects.get(pk=c.pk)
    p = services.propose_for_case(c)
    assert p.org == world.orgs["traffic"] == c.organization  # no transfer proposed
    assert p.supervised_by == world.orgs["weidong"]
    w = Warning.objects.get(assessment__case=c, level="red")
    assert w.responsible == world.orgs["weidong"]  # 督办 through the warning, not a transfer
    html = login(world.users["county"]).get(reverse("cases:detail", args=[c.pk])).content.decode()
    assert 'id="routing-supervision"' in html and 'id="routing-current-proposal"' not in html
    assert "本案风险等级为红色，仍由" in html


def test_red_neighbour_dispute_still_goes_to_the_county(world):
    p = engine.propose(facts(risk_level="red"), world.regions["v1"])
    assert p.rule.code == "red-level" and p.org == world.orgs["weidong"] and p.supervised_by is None


# --- 4. no trade committee: the city's, or said plainly and the township -----------------------

def test_labour_without_any_committee_goes_to_the_township_and_says_so(world):
    p = engine.propose(facts("1001"), world.regions["v1"])
    assert p.org == world.orgs["dongan"] and p.org.kind == OrgKind.TOWNSHIP and p.fallback
    assert p.explanation.startswith("本县（市、区）和本市都没有劳动纠纷人民调解委员会，不宜由村（社区）调委会调解，"
                                    "建议由东安路街道人民调解委员会承办。依据分流规则「劳动争议由劳动争议调委会承办」")


def test_without_a_trade_committee_the_later_rules_still_apply(world):
    """The fallback is a floor against the village, not a shortcut past red risk or the police room."""
    p = engine.propose(facts("1001", risk_level="red"), world.regions["v1"])
    assert p.rule.code == "red-level" and p.org == world.orgs["weidong"]
    assert "本县（市、区）和本市都没有劳动纠纷人民调解委员会" in p.explanation
    p = engine.propose(facts("1001", source="police"), world.regions["v1"], world.orgs["police"])
    assert p.rule.code == "police-room" and p.org == world.orgs["police"]
    p = engine.propose(facts("1001", spans_villages=True), world.regions["v1"])
    assert p.rule.code == "cross-village" and p.org == world.orgs["dongan"]


@pytest.mark.parametrize(("code", "trade"), [("12", "消费者权益保护"), ("16", "知识产权")])
def test_city_level_committee_serves_a_county_without_one(world, code, trade):
    city = Organization.objects.create(name=f"平顶山市{trade}纠纷人民调解委员会", abbr=f"市{code}", kind=OrgKind.TRADE,
                                       trade=trade, region=world.regions["city"], parent=world.orgs["city"])
    assert engine.propose(facts(code), world.regions["v3"]).org == city
    city.is_active = False
    city.save(update_fields=["is_active"])
    p = engine.propose(facts(code), world.regions["v3"])
    assert p.org == world.orgs["zhoucun"] and "都没有" in p.explanation


@pytest.mark.parametrize(("trade", "words"), [("旅游", "旅游"), ("互联网", "互联网"), ("电子商务", "互联网"),
                                           ("网络交易", "互联网")])
def test_tourism_and_internet_committees_are_found_by_any_of_their_words(world, trade, words):
    code = "11" if trade == "旅游" else "17"
    city = Organization.objects.create(name=f"平顶山市{trade}纠纷人民调解委员会", abbr=f"市{trade}", kind=OrgKind.TRADE,
                                       trade=trade, region=world.regions["city"], parent=world.orgs["city"])
    p = engine.propose(facts(code), world.regions["v3"])
    assert p.org == city and words in p.rule.name


def test_tourism_without_a_committee_goes_to_the_township_internet_to_the_county_and_both_say_so(world):
    p = engine.propose(facts("11"), world.regions["v1"])
    assert p.org == world.orgs["dongan"] and p.fallback
    assert p.explanation.startswith("本县（市、区）和本市都没有旅游纠纷人民调解委员会，不宜由村（社区）调委会调解")
    p = engine.propose(facts("17"), world.regions["v1"])
    assert p.org == world.orgs["weidong"] and p.fallback
    assert p.explanation.startswith("本县（市、区）和本市都没有互联网（网络、电商、电子商务）纠纷人民调解委员会，"
                                    "不宜由村（社区）调委会调解，建议由卫东区人民调解中心承办")


def test_labour_referral_never_lands_in_a_village(world):
    c = court_referral(world, dispute_type=DisputeType.objects.get(code="1001")).case
    assert c.organization.kind != OrgKind.VILLAGE


def test_a_fallback_is_never_a_village_and_is_checked(world):
    rule = RoutingRule(code="t", name="t", target_kind=OrgKind.TRADE, target_trade="x", fallback_kind=OrgKind.VILLAGE)
    with pytest.raises(ValidationError) as e:
        rule.full_clean()
    assert "fallback_kind" in e.value.message_dict
    rule = RoutingRule(code="t2", name="t", target_kind=OrgKind.VILLAGE, supervise_level="red")
    with pytest.raises(ValidationError) as e:
        rule.full_clean()
    assert "supervise_level" in e.value.message_dict


# --- 6. explanations read as clean Chinese ------------------------------------------------------

@pytest.mark.parametrize("over", [
    dict(), dict(code="13"), dict(code="13", risk_level="red"), dict(amount=Decimal("150000")), dict(people=12),
    dict(village_failed=True), dict(source="police"), dict(code="1001"), dict(spans_townships=True, major=True),
    dict(code="1001", risk_level="red"), dict(code="16", village_failed=True), dict(code="13", major=True),
    dict(code="17"), dict(code="11", major=True),
])
def test_explanations_are_clean(world, over):
    over = dict(over)
    p = engine.propose(facts(over.pop("code", "02"), **over), world.regions["v1"])
    text = p.explanation
    assert text.endswith("。")
    for bad in ("。。", "，。", "；。", "，，", ".00元", "（）", "继续匹配下一条"):
        assert bad not in text, (bad, text)
    cs = clauses(text)
    assert len(cs) == len(set(cs)), text


def test_amounts_read_as_people_write_them(world):
    p = engine.propose(facts(amount=Decimal("150000.00")), world.regions["v1"])
    assert "涉及金额150000元（不低于100000元）" in p.explanation


def test_no_proposal_back_to_the_committee_that_handed_the_case_on(world, login):
    r = police(world)
    c = r.case
    t = services.transfer_out(c, world.users["township"], to_org=world.orgs["v1"], reason="当事人同村，就地调解",
                              version=version_of(c))
    c = Case.objects.get(pk=c.pk)
    assert services.propose_for_case(c).org == world.orgs["police"]  # the rule alone would send it back
    services.accept_transfer(t, world.users["v1"], version=version_of(c))
    c = Case.objects.get(pk=c.pk)
    assert services.proposal_to_offer(c) is None
    client = login(world.users["v1"])
    assert 'id="routing-current-proposal"' not in client.get(reverse("cases:detail", args=[c.pk])).content.decode()
    html = client.get(reverse("routing:case", args=[c.pk])).content.decode()
    assert 'id="current-proposal"' not in html
    assert 'id="linkage-routing-inputs"' in html and "公安移交" in html
