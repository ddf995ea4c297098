"""Funding pages: overlapping standards refused at the field (form and admin), compute/approve
through the pages, payment list .xlsx masked, and scope (another county's list is a 404)."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.funding.helpers import make_case
from tiaojie.funding.models import CalculationRun, SubsidyStandard
from tiaojie.orgs.models import OrgKind
from tiaojie.testing import make_id

TODAY = timezone.localdate()


def std_data(**over):
    data = {"org_kind": OrgKind.VILLAGE, "tier": "general", "amount": "80", "requires_success": "on",
            "valid_from": "2024-01-01", "valid_to": "", "note": ""}
    data.update(over)
    return data


@pytest.mark.parametrize("valid_from,valid_to,overlap", [
    ("2024-06-01", "", True), ("2023-01-01", "2024-01-01", True), ("2023-01-01", "2023-12-31", False),
])
def test_overlapping_standard_refused_in_form(world, login, valid_from, valid_to, overlap):
    SubsidyStandard.objects.create(org_kind=OrgKind.VILLAGE, tier="general", amount=80, valid_from=dt.date(2024, 1, 1))
    c = login(world.users["city"])
    r = c.post(reverse("funding:standards"), std_data(valid_from=valid_from, valid_to=valid_to))
    if overlap:
        assert r.status_code == 200
        assert "与已有标准重叠" in r.context["form"].errors["valid_from"][0]
        assert SubsidyStandard.objects.count() == 1
    else:
        assert r.status_code == 302 and SubsidyStandard.objects.count() == 2


def test_other_tier_kind_or_county_does_not_overlap(world):
    SubsidyStandard.objects.create(org_kind=OrgKind.VILLAGE, tier="general", amount=80, valid_from=dt.date(2024, 1, 1))
    for over in ({"tier": "major"}, {"org_kind": OrgKind.TOWNSHIP}, {"county": world.orgs["weidong"]}):
        s = SubsidyStandard(**{"org_kind": OrgKind.VILLAGE, "tier": "general", "amount": 1,
                               "valid_from": dt.date(2024, 1, 1), **over})
        s.full_clean()
    bad = SubsidyStandard(org_kind=OrgKind.VILLAGE, tier="general", amount=-1, valid_from=dt.date(2025, 1, 1),
                          valid_to=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "失效日期不能早于生效日期" in exc.value.message_dict["valid_to"][0]
    assert "不能为负数" in exc.value.message_dict["amount"][0]


def test_overlapping_standard_refused_in_admin(world, client):
    from tiaojie.accounts.models import User

    admin = User.objects.create_superuser("root", "r@example.com", "pw-12345678")
    client.force_login(admin)
    SubsidyStandard.objects.create(org_kind=OrgKind.VILLAGE, tier="general", amount=80, valid_from=dt.date(2024, 1, 1))
    r = client.post(reverse("admin:funding_subsidystandard_add"), std_data(valid_from="2025-01-01"))
    assert r.status_code == 200
    assert "与已有标准重叠" in r.content.decode()
    assert SubsidyStandard.objects.count() == 1


def test_only_city_admin_edits_standards(world, login):
    c = login(world.users["county"])
    assert c.get(reverse("funding:standards")).status_code == 200
    assert c.post(reverse("funding:standards"), std_data()).status_code == 403
    assert login(world.users["v1"]).get(reverse("funding:standards")).status_code == 403


def test_compute_approve_export_through_pages(world, login):
    SubsidyStandard.objects.create(org_kind=OrgKind.VILLAGE, tier="simple", amount=30, valid_from=dt.date(2020, 1, 1))
    m1 = world.mediators["m1"]
    m1.id_number = make_id(birth="19750101", seq="013")
    m1.save()
    case = make_case(world)
    c = login(world.users["county"])
    r = c.post(reverse("funding:index"), {"county": world.orgs["weidong"].pk, "year": TODAY.year, "month": TODAY.month})
    run = CalculationRun.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("funding:run", args=[run.pk])
    page = c.get(reverse("funding:run", args=[run.pk])).content.decode()
    assert case.number in page and make_id(birth="19750101", seq="013") not in page
    r = c.get(reverse("funding:run_export", args=[run.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    assert rows[1][2] == "王秀兰" and "*" in rows[1][3] and "*" in rows[1][4] and rows[1][6] == case.number
    assert rows[-1][0] == "合计" and rows[-1][8] == 30
    r = c.post(reverse("funding:run_approve", args=[run.pk]))
    run.refresh_from_db()
    assert run.is_frozen
    c.post(reverse("funding:run_recompute", args=[run.pk]))
    c.post(reverse("funding:run_discard", args=[run.pk]))
    assert CalculationRun.objects.filter(pk=run.pk, status="approved").exists()
    assert run.lines.count() == 1
    r = c.get(reverse("funding:budgets"), {"year": TODAY.year})
    assert r.status_code == 200
    r = c.get(reverse("funding:budget_export"), {"year": TODAY.year})
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(2, 1).value == "卫东区人民调解中心" and ws.cell(2, 3).value == 30


def test_compute_form_errors(world, login):
    c = login(world.users["county"])
    r = c.post(reverse("funding:index"), {"county": world.orgs["baofeng"].pk, "year": TODAY.year, "month": 1})
    assert "请选择您管辖范围内的县级调解中心" in r.context["form"].errors["county"][0]
    r = c.post(reverse("funding:index"), {"county": world.orgs["weidong"].pk, "year": TODAY.year + 1, "month": 1})
    assert "不能核算尚未开始的月份" in r.context["form"].errors["month"][0]
    r = c.post(reverse("funding:index"), {"county": world.orgs["weidong"].pk, "year": "abc", "month": 1})
    assert "请填写四位数年份" in r.context["form"].errors["year"][0]


def test_other_county_gets_404(world, login):
    SubsidyStandard.objects.create(org_kind=OrgKind.VILLAGE, tier="simple", amount=30, valid_from=dt.date(2020, 1, 1))
    make_case(world)
    login(world.users["county"]).post(reverse("funding:index"),
                                      {"county": world.orgs["weidong"].pk, "year": TODAY.year, "month": TODAY.month})
    run = CalculationRun.objects.get()
    c = login(world.users["county2"])
    for name in ("funding:run", "funding:run_export"):
        assert c.get(reverse(name, args=[run.pk])).status_code == 404
    for name in ("funding:run_approve", "funding:run_recompute", "funding:run_discard"):
        assert c.post(reverse(name, args=[run.pk])).status_code == 404
    assert run.pk not in [r.pk for r in c.get(reverse("funding:index")).context["runs"]]
    assert login(world.users["township"]).get(reverse("funding:index")).status_code == 403
    assert login(world.users["city"]).get(reverse("funding:run", args=[run.pk])).status_code == 200
    run.refresh_from_db()
    assert run.status == "draft" and run.total == Decimal("30")
