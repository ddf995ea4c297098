"""Keyword search of the case list: one id set from parties and cases (tiaojie.cases.models.search)."""
import pytest

from tiaojie.cases.models import Case, DisputeType
from tiaojie.cases.selectors import filter_cases
from tiaojie.testing import register_case, sample_case_fields, sample_parties

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(world):
    user, org = world.users["v1"], world.orgs["v1"]
    first = register_case(user, organization=org, parties=sample_parties(), **sample_case_fields(world))
    parties = sample_parties()
    parties[0]["name"], parties[1]["name"] = "王伟", "欧阳建国"
    parties[0]["id_number"], parties[1]["id_number"] = "", ""
    parties[0]["id_type"] = parties[1]["id_type"] = ""
    second = register_case(user, organization=org, parties=parties, **sample_case_fields(
        world, dispute_type=DisputeType.objects.get(code="0101"), facts="双方因宅基地界址不清发生纠纷。"))
    return first, second


def found(text):
    return list(Case.objects.all().search(text).order_by("pk"))


def test_names_numbers_and_facts_are_found_once(two_cases):
    first, second = two_cases
    assert found("刘大海") == [first]
    assert found("欧阳建国") == [second]
    assert found("宅基地") == [second]
    assert found(first.number) == [first]
    assert found("界址不清") == [second]
    assert found("没有这个人") == []


def test_short_keywords_match_a_name_from_its_start(two_cases):
    first, second = two_cases
    assert found("王伟") == [second]        # a two-character full name
    assert found("刘大") == [first]         # a surname and the first given-name character
    assert found("刘") == [first]
    assert found("大海") == []              # not inside a name: trigram indexes need three characters


def test_type_filter_takes_the_sub_types(two_cases):
    first, second = two_cases
    family = DisputeType.objects.get(code="01")
    assert list(filter_cases(Case.objects.all(), {"dispute_type": family})) == [second]
    assert list(filter_cases(Case.objects.all(), {"dispute_type": DisputeType.objects.get(code="02")})) == [first]


@pytest.mark.parametrize("inline, names", [(0, 0), (0, 5), (5, 0), (5, 5)])
def test_common_names_and_words_find_the_same_cases(world, monkeypatch, inline, names):
    """Past the inline caps a keyword becomes a condition on each case (facts, ``EXISTS`` for names):
    every combination of the two caps finds exactly the cases that match."""
    from tiaojie.cases import models as case_models

    user, org = world.users["v1"], world.orgs["v1"]
    made = []
    for i in range(4):
        parties = sample_parties()
        parties[0]["name"] = "欧阳小梅" if i < 3 else "宅基明"
        made.append(register_case(user, organization=org, parties=parties, **sample_case_fields(
            world, facts="双方因宅基地界址不清发生纠纷。" if i % 2 else "邻里之间因噪音发生口角。")))
    monkeypatch.setattr(case_models, "SEARCH_INLINE_IDS", inline)
    monkeypatch.setattr(case_models, "SEARCH_INLINE_NAME_IDS", names)
    assert found("欧阳小梅") == made[:3]
    assert found("宅基地") == [made[1], made[3]]     # a word of the facts
    assert found("宅基") == [made[3]]                # two characters: names from their start only
    assert found("小梅") == []


def test_words_apart_by_spaces_must_all_be_found(two_cases):
    """"王伟 宅基地": the cases holding every word (a name and a word of the facts, a number and a
    name), each word anywhere the search looks; a word no case holds leaves nothing; spaces of
    either width, repeated words and more than ``SEARCH_MAX_WORDS`` words are taken calmly."""
    from tiaojie.cases.models import SEARCH_MAX_WORDS

    first, second = two_cases
    assert found("王伟 宅基地") == [second]
    assert found("欧阳建国　界址不清") == [second]     # a full-width space
    assert found(f"{second.number} 王伟") == [second]
    assert found("刘大海 宅基地") == []                 # each word is in a different case
    assert found("宅基地 没有这个词") == []
    assert found("  宅基地   宅基地 ") == [second]
    assert found("排水问题 刘大海") == [first]
    words = ["宅基地", "界址不清", "王伟", "欧阳", "发生纠纷"][:SEARCH_MAX_WORDS]
    assert found(" ".join(words)) == [second]
    assert found(" ".join([*words, "没有这个词"])) == [second]  # words past the limit are not asked
