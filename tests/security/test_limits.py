"""One length limit per text field, shared by the form, the service and the API (issue 11:
"the form has no limit on facts; a 2.2 MB text made one PDF download take 201 s")."""
import pytest

from tests.api.conftest import api, tokens  # noqa: F401
from tests.api.test_api import court_body
from tiaojie.cases.forms import CaseForm
from tiaojie.cases.models import Case
from tiaojie.core.errors import DomainError
from tiaojie.core.validators import TEXT_LIMITS
from tiaojie.testing import register_case, sample_case_fields, sample_parties

N = TEXT_LIMITS["facts"]


def test_the_desk_form_refuses_long_facts_in_chinese(world):
    form = CaseForm(user=world.users["v1"], data={"facts": "字" * (N + 1)})
    assert not form.is_valid()
    assert f"不能超过{N}字" in form.errors["facts"][0]
    assert form.fields["facts"].max_length == N


def test_the_intake_service_refuses_long_facts_and_saves_nothing(world):
    with pytest.raises(DomainError) as exc:
        register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                      **sample_case_fields(world, facts="字" * (N + 1)))
    assert exc.value.field == "facts" and f"不能超过{N}字" in exc.value.message
    assert not Case.objects.exists()


def test_the_api_refuses_long_facts_in_chinese(api, tokens):  # noqa: F811
    _, token = tokens["court"]
    r = api("post", "/api/referrals", token, court_body(facts="字" * (N + 1)))
    assert r.status_code == 400 and r.json()["field"] == "facts" and "过长" in r.json()["detail"]
    assert not Case.objects.exists()
