"""Facts too long are refused at the field with the limit stated, the same limit in the form,
the service and the API."""
import pytest

from tiaojie.core.errors import DomainError
from tiaojie.core.validators import TEXT_LIMITS

LIMIT = TEXT_LIMITS["facts"]
TOO_LONG = "双" * 50_000


def test_service_refuses_at_the_field_with_the_limit():
    from tiaojie.cases.intake import clean_case_field

    with pytest.raises(DomainError) as e:
        clean_case_field("facts", TOO_LONG)
    assert e.value.field == "facts" and str(LIMIT) in e.value.message and "50000" in e.value.message


@pytest.mark.django_db
def test_form_refuses_at_the_field_with_the_limit(world):
    from tiaojie.cases.forms import CaseForm

    form = CaseForm(data={"facts": TOO_LONG}, user=world.users["v1"])
    assert not form.is_valid()
    assert form.fields["facts"].max_length == LIMIT
    assert any(str(LIMIT) in m for m in form.errors["facts"])


def test_api_schema_has_the_same_limit():
    from tiaojie.api.schemas import ReferralIn

    field = ReferralIn.model_fields["facts"]
    assert any(getattr(m, "max_length", None) == LIMIT for m in field.metadata)
