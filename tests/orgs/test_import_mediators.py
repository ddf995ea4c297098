"""Importing mediators: success, all-or-nothing, and each validation rule."""
import datetime as dt

import pytest

from tests.orgs.helpers import mediator_file, mediator_row, problems
from tiaojie.orgs.importer import import_mediators
from tiaojie.orgs.models import Mediator
from tiaojie.testing import make_id


def test_success_saves_mediators_and_committees(world):
    data = mediator_file(
        mediator_row(兼任调委会="光华社区人民调解委员会、卫东区道路交通事故纠纷人民调解委员会"),
        mediator_row(姓名="吴丽", 身份证号=make_id(birth="19880808", seq="022"), 联系电话="0375-2345678",
                     **{"专职/兼职": "兼职"}, 聘用方式="聘任", 所属调委会="光华社区人民调解委员会",
                     兼任调委会="东安社区人民调解委员会;东安路街道人民调解委员会", 入职日期=dt.datetime(2019, 1, 2)),
    )
    report = import_mediators(world.users["county"], data)
    assert report.ok, report.as_text()
    assert report.created == 2 and report.summary == [("专职", 1), ("兼职", 1)]
    zhou = Mediator.objects.get(name="周建华")
    assert zhou.organization == world.orgs["v1"] and zhou.full_time
    assert zhou.gender == "男"  # taken from the ID number (sequence 011 is odd)
    assert zhou.employment == Mediator.Employment.PURCHASED and zhou.joined_on == dt.date(2020, 3, 1)
    assert set(zhou.committees.values_list("name", flat=True)) == {
        "光华社区人民调解委员会", "卫东区道路交通事故纠纷人民调解委员会"}
    wu = Mediator.objects.get(name="吴丽")
    assert wu.gender == "女" and not wu.full_time and wu.employment == Mediator.Employment.APPOINTED
    assert wu.joined_on == dt.date(2019, 1, 2) and wu.phone == "0375-2345678"
    assert wu.committees.count() == 2


def test_one_bad_row_saves_nothing(world):
    before = Mediator.objects.count()
    bad_id = make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1")
    data = mediator_file(
        mediator_row(),
        mediator_row(姓名="钱多", 身份证号=make_id(seq="013")),
        mediator_row(姓名="孙少", 身份证号=bad_id),
        mediator_row(姓名="李四", 身份证号=make_id(seq="015")),
    )
    report = import_mediators(world.users["county"], data)
    assert not report.saved
    assert Mediator.objects.count() == before
    assert problems(report) == [(4, "身份证号", "身份证号校验位错误，请核对号码")]


@pytest.mark.parametrize("over, column, fragment", [
    ({"姓名": ""}, "姓名", "必填项为空"),
    ({"身份证号": "41040319800101001"}, "身份证号", "18位"),
    ({"身份证号": make_id(birth="19800231")}, "身份证号", "出生日期不存在"),
    ({"联系电话": "1391234567"}, "联系电话", "电话号码格式不正确"),
    ({"联系电话": "23912345678"}, "联系电话", "电话号码格式不正确"),
    ({"专职/兼职": "全职"}, "专职/兼职", "应为“专职”或“兼职”"),
    ({"专职/兼职": None}, "专职/兼职", "必填项为空"),
    ({"聘用方式": "合同工"}, "聘用方式", "政府购买服务"),
    ({"状态": "退休"}, "状态", "在岗、离岗"),
    ({"性别": "男女"}, "性别", "应为“男”或“女”"),
    ({"性别": "女"}, "性别", "与身份证号不符"),
    ({"所属调委会": "没有这个调委会"}, "所属调委会", "不存在"),
    ({"所属调委会": "周庄村人民调解委员会"}, "所属调委会", "不在您的管辖范围内"),
    ({"兼任调委会": "光华社区人民调解委员会；周庄村人民调解委员会"}, "兼任调委会", "不在您的管辖范围内"),
    ({"入职日期": "2020年13月1日"}, "入职日期", "日期不存在"),
    ({"入职日期": "去年"}, "入职日期", "日期格式不正确"),
    ({"入职日期": "2999-01-01"}, "入职日期", "不能晚于今天"),
])
def test_validation_cases(world, over, column, fragment):
    report = import_mediators(world.users["county"], mediator_file(mediator_row(**over)))
    assert not report.ok
    assert any(p.row == 2 and p.column == column and fragment in p.message for p in report.errors), report.as_text()


def test_id_number_typed_as_number_gets_a_hint(world):
    data = mediator_file(mediator_row(身份证号=float(make_id(seq="013"))))
    report = import_mediators(world.users["county"], data)
    assert not report.ok
    assert "文本格式" in report.errors[0].message


def test_duplicates_within_file_and_with_roster(world):
    Mediator.objects.create(name="老调解员", organization=world.orgs["v2"], id_number=make_id(seq="099"))
    report = import_mediators(world.users["county"], mediator_file(
        mediator_row(),
        mediator_row(姓名="周建华二"),
        mediator_row(姓名="老调解员", 身份证号=make_id(seq="099")),
        mediator_row(姓名="无证甲", 身份证号=None),
        mediator_row(姓名="无证甲", 身份证号=None),
    ))
    assert problems(report) == [
        (3, "身份证号", "与第2行身份证号重复"),
        (4, "身份证号", "该身份证号的调解员已在名册中"),
        (6, "姓名", "与第5行重复（同一调委会同名且均未填身份证号）"),
    ]


def test_unknown_area_code_is_a_warning_only(world):
    report = import_mediators(world.users["county"], mediator_file(
        mediator_row(身份证号=make_id(area="990101", seq="011"))))
    assert report.ok and report.saved
    assert report.warnings and report.warnings[0].column == "身份证号"


def test_county_staff_cannot_import_into_other_county(world):
    report = import_mediators(world.users["county2"], mediator_file(mediator_row()))
    assert problems(report) == [(2, "所属调委会", "所属调委会“东安社区人民调解委员会”不在您的管辖范围内")]
    assert not Mediator.objects.filter(name="周建华").exists()
