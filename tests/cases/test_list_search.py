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
