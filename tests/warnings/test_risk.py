"""The risk engine: each seeded rule alone, in combination, and the explanation text."""
import importlib

import pytest

from tiaojie.warnings.risk import Combination, RiskFacts, Rule, assess, match

seed = importlib.import_module("tiaojie.warnings.migrations.0002_seed_rules")
RULES = [Rule(code, name, kind, level, float(threshold), tuple(v for v in values.split("、") if v))
         for code, name, kind, level, threshold, values in seed.RULES]
COMBOS = [Combination(*c) for c in seed.COMBOS]
BY_CODE = {r.code: r for r in RULES}

# For each seeded rule: facts that trigger it and nothing stronger, and words of the explanation.
ALONE = {
    "people-5": (RiskFacts(people_count=6), "yellow", "涉及6人，达到5人"),
    "people-10": (RiskFacts(people_count=12), "orange", "涉及12人，达到10人"),
    "amount-100k": (RiskFacts(amount=150000), "yellow", "涉及金额150,000元，达到100,000元"),
    "type-high-risk": (RiskFacts(dispute_type_codes=("1001", "10")), "yellow", "高发类型"),
    "words-escalate": (RiskFacts(texts=("当事人扬言要堵村委会大门",)), "orange", "“扬言”"),
    "words-violence": (RiskFacts(texts=("他说要同归于尽",)), "red", "“同归于尽”"),
    "failed-2": (RiskFacts(failed_mediations=2), "yellow", "已调解未成2次"),
    "police-2": (RiskFacts(police_calls=3), "orange", "报警3次"),
    "vulnerable": (RiskFacts(flags=frozenset({"vulnerable"})), "yellow", "弱势群体"),
    "linked": (RiskFacts(flags=frozenset({"petition"})), "orange", "与信访事项相关联"),
    "abnormal-death": (RiskFacts(flags=frozenset({"abnormal_death"})), "red", "非正常死亡"),
}


def test_every_seeded_rule_has_a_case_here():
    assert set(ALONE) == set(BY_CODE)


@pytest.mark.parametrize("code", sorted(ALONE))
def test_rule_alone(code):
    facts, level, words = ALONE[code]
    result = assess(facts, [BY_CODE[code]], [])
    assert result.level == level
    assert [f.code for f in result.factors] == [code]
    assert words in result.explanation
    assert BY_CODE[code].name in result.explanation


@pytest.mark.parametrize("code", sorted(ALONE))
def test_rule_does_not_fire_on_quiet_facts(code):
    quiet = RiskFacts(people_count=2, amount=3000, dispute_type_codes=("02",), texts=("邻里因排水沟发生争执",))
    assert match(BY_CODE[code], quiet) is None


def test_all_rules_quiet_case_is_none():
    result = assess(RiskFacts(people_count=2, amount=500, texts=("因院墙发生口角",)), RULES, COMBOS)
    assert result.level == "none" and result.explanation == "未发现风险因素"


def test_people_thresholds_both_fire_and_highest_wins():
    result = assess(RiskFacts(people_count=15), RULES, COMBOS)
    assert {f.code for f in result.factors} == {"people-5", "people-10"}
    assert result.level == "orange"


def test_two_orange_factors_combine_to_red():
    facts = RiskFacts(people_count=12, texts=("村民扬言要去上访",))
    result = assess(facts, RULES, COMBOS)
    assert result.level == "red"
    assert "两项及以上橙色因素" in result.explanation and "定为红色" in result.explanation


def test_three_yellow_factors_combine_to_orange():
    facts = RiskFacts(amount=200000, dispute_type_codes=("0401",), flags=frozenset({"vulnerable"}))
    result = assess(facts, RULES, COMBOS)
    assert result.level == "orange"
    assert result.combination.startswith("三项及以上")


def test_combination_never_lowers():
    facts = RiskFacts(texts=("扬言同归于尽",))
    result = assess(facts, RULES, COMBOS)
    assert result.level == "red" and result.combination == ""


def test_factors_sorted_by_level_in_explanation():
    facts = RiskFacts(people_count=6, texts=("持刀威胁",))
    text = assess(facts, RULES, COMBOS).explanation
    assert text.index("红色") < text.index("黄色")


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        match(Rule("x", "x", "nonsense", "red"), RiskFacts())
