"""Long lists: a count that stops at a cap; a select drawn in one pass."""
import pytest
from django import forms

from tiaojie.core.forms import FastSelect, OrgChoiceField
from tiaojie.core.paging import CappedPaginator
from tiaojie.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_count_is_exact_below_the_cap_and_capped_above(world):
    qs = Organization.objects.order_by("pk")
    n = qs.count()
    exact = CappedPaginator(qs, 2, cap=n + 5)
    assert exact.count == n and not exact.capped and exact.count_label == str(n)
    capped = CappedPaginator(qs, 2, cap=3)
    assert capped.count == 3 and capped.capped and capped.count_label == "超过3"
    assert capped.num_pages == 2
    assert len(capped.get_page(99).object_list) == 1  # the last page within the cap


def test_fast_select_escapes_and_marks_the_choice(world):
    class F(forms.Form):
        org = OrgChoiceField(queryset=Organization.objects.all(), required=False)

    html = str(F({"org": world.orgs["v1"].pk})["org"])
    assert f'<option value="{world.orgs["v1"].pk}" selected>' in html
    assert html.count("<option") == Organization.objects.count() + 1
    w = FastSelect(choices=[("a", "<b>&"), ("b", "乙")])
    out = w.render("x", "b", attrs={"id": "id_x"})
    assert '&lt;b&gt;&amp;' in out and '<option value="b" selected>乙</option>' in out and 'id="id_x"' in out


def test_keyword_search_finds_a_party_once(world):
    from tiaojie.cases.models import Case
    from tiaojie.testing import register_case, sample_case_fields, sample_parties

    case = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                         **sample_case_fields(world))
    name = case.parties.first().name
    found = list(Case.objects.all().search(name))
    assert found == [case]
