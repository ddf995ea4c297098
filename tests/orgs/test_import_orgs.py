"""Importing organizations: success, all-or-nothing, and each validation rule."""
import pytest
from django.core.exceptions import PermissionDenied

from tests.orgs.helpers import org_file, org_row, problems
from tiaojie.orgs.importer import import_organizations
from tiaojie.orgs.models import Organization, OrgKind


def test_success_saves_rows_with_right_tree(world):
    data = org_file(
        org_row(),
        org_row(名称="卫东区医疗纠纷人民调解委员会", 简称="卫东医调", 组织类型="行业性专业性人民调解委员会",
                **{"行业/专业领域": "医疗纠纷"}, 区划代码="410403", 上级单位="卫东区人民调解中心"),
    )
    report = import_organizations(world.users["county"], data)
    assert report.ok, report.as_text()
    assert report.saved and report.created == 2
    village = Organization.objects.get(name="光明社区人民调解委员会")
    assert village.parent == world.orgs["dongan"]
    assert village.kind == OrgKind.VILLAGE
    assert village.path == f"{world.orgs['dongan'].path}{village.pk}/"
    assert village.contact_phone == "13912345678"
    trade = Organization.objects.get(name="卫东区医疗纠纷人民调解委员会")
    assert trade.trade == "医疗纠纷" and trade.parent == world.orgs["weidong"]
    assert ("行业性专业性人民调解委员会", 1) in report.summary


def test_parent_defined_later_in_same_file(world):
    """A township and its village in one file, the village first: the township is created first."""
    data = org_file(
        org_row(名称="新村人民调解委员会", 简称="新村", 区划代码="410403001002", 上级单位="新街道人民调解委员会"),
        org_row(名称="新街道人民调解委员会", 简称="新街道", 组织类型="乡镇（街道）人民调解委员会",
                区划代码="410403001", 上级单位="卫东区人民调解中心"),
    )
    report = import_organizations(world.users["county"], data)
    assert report.ok, report.as_text()
    township = Organization.objects.get(name="新街道人民调解委员会")
    village = Organization.objects.get(name="新村人民调解委员会")
    assert village.parent == township
    assert village.path.startswith(township.path) and township.path.startswith(world.orgs["weidong"].path)


def test_one_bad_row_saves_nothing(world):
    before = Organization.objects.count()
    data = org_file(
        org_row(),
        org_row(名称="甲村人民调解委员会", 简称="甲村", 区划代码="999999999999"),
        org_row(名称="乙村人民调解委员会", 简称="乙村"),
    )
    report = import_organizations(world.users["county"], data)
    assert not report.ok and not report.saved
    assert Organization.objects.count() == before
    assert problems(report) == [(3, "区划代码", "区划代码“999999999999”不存在")]
    assert "第3行【区划代码】" in report.as_text()
    assert "未保存任何数据" in report.headline()


def test_dry_run_saves_nothing(world):
    before = Organization.objects.count()
    report = import_organizations(world.users["county"], org_file(org_row()), dry_run=True)
    assert report.ok and not report.saved
    assert Organization.objects.count() == before


@pytest.mark.parametrize("over, column, fragment", [
    ({"名称": ""}, "名称", "必填项为空"),
    ({"简称": None}, "简称", "必填项为空"),
    ({"组织类型": "居委会"}, "组织类型", "不是可导入的组织类型"),
    ({"组织类型": "市司法局"}, "组织类型", "不是可导入的组织类型"),
    ({"组织类型": "行业性专业性人民调解委员会"}, "行业/专业领域", "须填写行业/专业领域"),
    ({"区划代码": "410499"}, "区划代码", "不存在"),
    ({"上级单位": "不存在的单位"}, "上级单位", "不存在"),
    ({"上级单位": "周庄镇人民调解委员会"}, "上级单位", "不在您的管辖范围内"),
    ({"上级单位": "光明社区人民调解委员会"}, "上级单位", "不能是本单位"),
    ({"名称": "东安社区人民调解委员会", "区划代码": "410403001001"}, "名称", "已存在同名组织"),
    ({"联系电话": "12345"}, "联系电话", "电话号码格式不正确"),
    ({"简称": "很" * 21}, "简称", "20"),
])
def test_validation_cases(world, over, column, fragment):
    report = import_organizations(world.users["county"], org_file(org_row(**over)))
    assert not report.ok
    assert any(p.row == 2 and p.column == column and fragment in p.message for p in report.errors), report.as_text()


def test_kind_with_halfwidth_brackets_and_landline_accepted(world):
    report = import_organizations(world.users["county"], org_file(
        org_row(组织类型="村(社区)人民调解委员会", 联系电话="0375-2345678")))
    assert report.ok, report.as_text()


def test_duplicate_within_file(world):
    report = import_organizations(world.users["county"], org_file(org_row(), org_row()))
    assert problems(report) == [(3, "名称", "与第2行名称重复"), (3, "简称", "与第2行简称重复（简称用于案号，须唯一）")]


def test_abbreviation_must_be_unique(world):
    """The abbreviation makes the case number: two committees sharing one would collide."""
    report = import_organizations(world.users["county"], org_file(org_row(简称=world.orgs["v1"].abbr)))
    assert [(p.column, "已被其他单位使用" in p.message) for p in report.errors] == [("简称", True)]


def test_cycle_within_file(world):
    report = import_organizations(world.users["county"], org_file(
        org_row(名称="甲人民调解委员会", 简称="甲", 上级单位="乙人民调解委员会"),
        org_row(名称="乙人民调解委员会", 简称="乙", 上级单位="甲人民调解委员会"),
    ))
    assert not report.ok
    assert {p.row for p in report.errors} == {2, 3}
    assert all("循环" in p.message for p in report.errors)


def test_county_staff_cannot_import_into_other_county(world):
    before = Organization.objects.count()
    report = import_organizations(world.users["county2"], org_file(org_row()))
    assert problems(report) == [(2, "上级单位", "上级单位“东安路街道人民调解委员会”不在您的管辖范围内")]
    assert Organization.objects.count() == before


def test_city_admin_and_command_line_may_import_anywhere(world):
    assert import_organizations(world.users["city"], org_file(org_row())).ok
    assert import_organizations(None, org_file(org_row(名称="丙村人民调解委员会", 简称="丙村"))).ok


@pytest.mark.parametrize("role", ["township", "v1", "court", "police"])
def test_other_roles_refused(world, role):
    with pytest.raises(PermissionDenied):
        import_organizations(world.users[role], org_file(org_row()))
