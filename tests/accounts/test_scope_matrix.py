"""The role × record scope matrix over every page and export that shows a case.

One case is registered in 东安社区 (v1). Every user of the test world asks for every case-bound
page: those whose organization subtree holds v1 get it (or a role refusal, 403), everyone else
gets 404 — the case's existence is not revealed. Lists, search, counts and exports show the case
exactly to the same users.
"""
import io

import openpyxl
import pytest
from django.urls import reverse

from tiaojie.cases import transitions
from tiaojie.core.scope import Scope
from tiaojie.testing import effects, register_case, sample_case_fields, sample_parties


def org_in_scope(user, org):
    return Scope.of(user).sees(org)


LIST_PAGES = ["cases:list", "cases:todo", "screening:hazards", "warnings:center"]


@pytest.fixture
def case(world):
    u = world.users["v1"]
    with effects():
        c = register_case(u, organization=world.orgs["v1"], parties=sample_parties(),
                          **sample_case_fields(world, facts="院墙排水纠纷，一方扬言要堵路"))
    c = transitions.accept(c, u, version=c.version)
    return transitions.assign(c, u, version=c.version, mediators=[world.mediators["m1"]])


def _users(world):
    return sorted(world.users.items())


# Every page that takes a record's id is in the URLconf-generated matrix
# (tests/core/test_url_scope_matrix.py); this module keeps lists, search, counts and exports.


def test_lists_search_counts_and_exports_matrix(client, world, case):
    for key, user in _users(world):
        client.force_login(user)
        sees = org_in_scope(user, case.organization)
        listing = client.get(reverse("cases:list"), {"q": "刘大海"}).content.decode()
        assert (case.number in listing) == sees, key
        by_number = client.get(reverse("cases:list"), {"q": case.number}).content.decode()
        link = f'href="{reverse("cases:detail", args=[case.pk])}"'
        assert (link in by_number) == sees, key
        export = client.get(reverse("cases:export"), {"q": "刘大海"})
        if export.status_code == 200:
            wb = openpyxl.load_workbook(io.BytesIO(export.content))
            cells = {str(c.value) for row in wb.active.iter_rows() for c in row}
            assert (case.number in cells) == sees, key
        warnings_page = client.get(reverse("warnings:center")).content.decode()
        assert (case.number in warnings_page) == sees, key


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_render_for_every_role(client, world, case, name):
    for key, user in _users(world):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200, (key, name)


@pytest.mark.parametrize("name,needle", [("orgs:list", "东安社区人民调解委员会"),
                                         ("screening:hazards", "扬言要堵村委会大门"),
                                         ("warnings:center", "扬言要堵村委会大门")])
def test_list_exports_follow_the_scope(client, world, name, needle):
    """Every list a user sees exports as .xlsx, and the export shows only what the list shows."""
    import datetime as dt

    from django.utils import timezone

    from tiaojie.cases.models import DisputeType
    from tiaojie.screening.services import create_hazard

    create_hazard(world.users["v1"], world.orgs["v1"], facts="村民扬言要堵村委会大门",
                  dispute_type=DisputeType.objects.get(code="03"), parties_desc="张某", region=world.regions["v1"],
                  responsible_person="王秀兰", review_on=timezone.localdate() + dt.timedelta(days=3),
                  emergency_plan="专人盯守")
    for key, user in _users(world):
        client.force_login(user)
        r = client.get(reverse(name), {"export": "xlsx", "status": "all"})
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats"), (key, name)
        wb = openpyxl.load_workbook(io.BytesIO(r.content))
        text = " ".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value is not None)
        assert (needle in text) == org_in_scope(user, world.orgs["v1"]), (key, name)
