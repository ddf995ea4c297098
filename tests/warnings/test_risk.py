"""The risk engine: each seeded rule alone, in combination, and the explanation text."""
import importlib

import pytest

from tiaojie.warnings.risk import Combination, RiskFacts, Rule, assess, match

seed = importlib.import_module("tiaojie.warnings.migrations.0003_text_signals_and_combinations")
ALL_RULES = [Rule(code, name, kind, level, float(threshold), tuple(v for v in values.split("、") if v))
             for code, name, kind, level, threshold, values, _active in seed.RULES]
RULES = [r for r, row in zip(ALL_RULES, seed.RULES, strict=True) if row[-1]]   # the active ones
COMBOS = [Combination(name, n, at, result, tuple(v for v in requires.split("、") if v))
          for name, n, at, result, requires in seed.COMBOS]
BY_CODE = {r.code: r for r in ALL_RULES}

# For each seeded rule: facts that trigger it and nothing stronger, and words of the explanation.
ALONE = {
    "people-5": (RiskFacts(people_count=6), "yellow", "涉及6人，达到5人"),
    "people-10": (RiskFacts(people_count=12), "orange", "涉及12人，达到10人"),
    "amount-100k": (RiskFacts(amount=150000), "yellow", "涉及金额150,000元，达到100,000元"),
    "type-high-risk": (RiskFacts(dispute_type_codes=("1001", "10")), "yellow", "纠纷类型属于民转刑高风险"),
    "words-escalate": (RiskFacts(texts=("当事人扬言要堵村委会大门",)), "orange", "“扬言”"),
    "words-violence": (RiskFacts(texts=("他说要同归于尽",)), "red", "“同归于尽”"),
    "failed-2": (RiskFacts(failed_mediations=2), "yellow", "已调解未成2次"),
    "police-1": (RiskFacts(police_calls=1), "yellow", "报警1次"),
    "police-2": (RiskFacts(police_calls=3), "orange", "报警3次"),
    "vulnerable": (RiskFacts(flags=frozenset({"vulnerable"})), "yellow", "弱势群体"),
    "linked": (RiskFacts(flags=frozenset({"petition"})), "yellow", "与信访事项相关联"),
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


def test_people_thresholds_only_the_strongest_counts():
    result = assess(RiskFacts(people_count=15), RULES, COMBOS)
    assert [f.code for f in result.factors] == ["people-10"]
    assert result.level == "orange"


def _signal(category, level, evidence, label="", source="facts"):
    return {"category": category, "label": label or category, "level": level, "evidence": evidence, "source": source}


def test_two_orange_factors_with_a_severe_one_combine_to_red():
    facts = RiskFacts(people_count=12, signals=(_signal("police", "orange", "被行政拘留", "警情"),))
    result = assess(facts, RULES, COMBOS)
    assert result.level == "red"
    assert "两项及以上橙色因素" in result.explanation and result.explanation.count("定为红色") == 1


def test_two_orange_factors_without_a_severe_one_stay_orange():
    facts = RiskFacts(police_calls=2, signals=(_signal("police", "orange", "被行政拘留", "警情"),))
    assert assess(facts, RULES, COMBOS).level == "orange"


def test_three_yellow_factors_combine_to_orange():
    facts = RiskFacts(amount=200000, dispute_type_codes=("0401",), flags=frozenset({"vulnerable"}))
    result = assess(facts, RULES, COMBOS)
    assert result.level == "orange"
    assert result.combination.startswith("三项及以上")


def test_combination_never_lowers():
    facts = RiskFacts(signals=(_signal("threat", "red", "扬言同归于尽"),))
    result = assess(facts, RULES, COMBOS)
    assert result.level == "red" and result.combination == ""


def test_factors_sorted_by_level_in_explanation():
    facts = RiskFacts(people_count=6, signals=(_signal("weapon", "red", "持刀威胁"),))
    text = assess(facts, RULES, COMBOS).explanation
    assert text.index("红色") < text.index("黄色")


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        match(Rule("x", "x", "nonsense", "red"), RiskFacts())


def test_keyword_rules_are_retired_by_the_lexicon():
    assert not any(r.kind == "keywords" for r in RULES)


def test_litigation_alone_is_yellow_and_orange_with_another_sign():
    alone = assess(RiskFacts(flags=frozenset({"litigation"})), RULES, COMBOS)
    assert alone.level == "yellow"
    both = assess(RiskFacts(flags=frozenset({"litigation"}), police_calls=1), RULES, COMBOS)
    assert both.level == "orange" and both.combination == "涉诉涉访且另有风险因素"


def test_one_unpaid_property_fee_never_turns_red():
    # a court-delegated fee case with every checkbox ticked and a police call about it
    facts = RiskFacts(people_count=2, amount=4800, dispute_type_codes=("15",), police_calls=1,
                      flags=frozenset({"litigation", "petition"}),
                      signals=(_signal("emotion", "yellow", "情绪激动"), _signal("police", "yellow", "报警")))
    assert assess(facts, RULES, COMBOS).level in ("yellow", "orange")


def test_one_police_report_counts():
    result = assess(RiskFacts(signals=(_signal("police", "yellow", "李某报警", "警情"),)), RULES, COMBOS)
    assert result.level == "yellow"
    assert result.explanation == "纠纷简要情况中出现“李某报警”（警情），为黄色风险因素。"


@pytest.mark.parametrize("facts", [
    RiskFacts(people_count=12, signals=(_signal("violence", "orange", "将其打伤", "暴力伤害"),)),
    RiskFacts(people_count=30, amount=200000, dispute_type_codes=("1001",), police_calls=3, failed_mediations=2,
              flags=frozenset({"vulnerable", "litigation", "petition", "abnormal_death"}),
              signals=(_signal("group", "red", "上千名村民聚集", "群体聚集"),
                       _signal("threat", "red", "扬言同归于尽", "极端言行", "sessions"))),
])
def test_explanation_is_one_clean_sentence_per_factor(facts):
    result = assess(facts, RULES, COMBOS)
    sentences = [s for s in result.explanation.split("。") if s]
    assert len(sentences) == len(result.factors) + (1 if result.combination else 0)
    assert len(set(sentences)) == len(sentences)
    assert result.explanation.count("定为") <= 1
    assert "，，" not in result.explanation and "；" not in result.explanation
    for s in sentences[:len(result.factors)]:
        assert s.endswith("风险因素")


def test_two_signs_read_from_one_phrase_count_once():
    facts = RiskFacts(signals=(_signal("threat", "orange", "村民扬言要堵路"), _signal("group", "orange", "村民扬言要堵路")))
    assert assess(facts, RULES, COMBOS).level == "orange"
    facts = RiskFacts(signals=(_signal("threat", "orange", "村民扬言要堵路"), _signal("violence", "orange", "将其打伤")))
    assert assess(facts, RULES, COMBOS).level == "red"
