"""Whole-file problems: not an .xlsx, empty, wrong headers, too big, too many rows."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.orgs.helpers import MEDIATOR_HEADERS, ORG_HEADERS, org_file, org_row, xlsx
from tiaojie.orgs import importer
from tiaojie.orgs.importer import import_mediators, import_organizations, template_workbook


def only_file_error(report) -> str:
    assert not report.ok and not report.saved
    assert len(report.errors) == 1
    return report.errors[0].message


@pytest.mark.parametrize("data", [
    b"name,kind\n\xe7\x94\xb2,village\n",  # a CSV
    b"PK\x03\x04 definitely not a zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # an old .xls header
])
def test_not_xlsx(world, data):
    assert "不是有效的 .xlsx 文件" in only_file_error(import_organizations(world.users["county"], data))


def test_empty_file(world):
    assert only_file_error(import_organizations(world.users["county"], b"")) == "文件为空"


def test_empty_workbook(world):
    buf = io.BytesIO()
    Workbook().save(buf)
    assert "没有内容" in only_file_error(import_organizations(world.users["county"], buf.getvalue()))


def test_header_only(world):
    assert "没有数据行" in only_file_error(import_organizations(world.users["county"], org_file()))


def test_wrong_headers(world):
    # a mediator file uploaded as organizations
    report = import_organizations(world.users["county"], xlsx([["张三"]], MEDIATOR_HEADERS))
    assert not report.ok
    messages = " ".join(p.message for p in report.errors)
    assert "表头缺少必填列：名称、简称、组织类型、区划代码、上级单位" in messages
    assert "无法识别的列" in messages


def test_headers_any_order_and_starred(world):
    headers = list(reversed(ORG_HEADERS))
    headers[headers.index("名称")] = "名称*"
    row = org_row()
    row["名称*"] = row.pop("名称")
    report = import_organizations(world.users["county"], xlsx([row], headers))
    assert report.ok, report.as_text()


def test_blank_rows_skipped_and_row_numbers_kept(world):
    data = xlsx([[], org_row(上级单位="不存在的单位")], ORG_HEADERS)
    report = import_organizations(world.users["county"], data)
    assert report.rows == 1
    assert report.errors[0].row == 3


def test_too_big(world, monkeypatch):
    monkeypatch.setattr(importer, "MAX_UPLOAD_BYTES", 1000)
    assert "上限" in only_file_error(import_organizations(world.users["county"], b"x" * 2000))


def test_too_many_rows(world, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    data = org_file(org_row(), org_row(), org_row())
    assert "超过上限" in only_file_error(import_organizations(world.users["county"], data))


@pytest.mark.parametrize("what, headers", [("orgs", ORG_HEADERS), ("mediators", MEDIATOR_HEADERS)])
def test_template_has_chinese_headers_and_imports_as_empty(world, what, headers):
    data = template_workbook(what)
    wb = load_workbook(io.BytesIO(data))
    assert [c.value for c in wb.worksheets[0][1]] == headers
    assert "填写说明" in wb.sheetnames
    report = importer.IMPORTERS[what](world.users["county"], data)
    assert [p.message for p in report.errors] == ["文件中只有表头，没有数据行"]


def test_mediator_template_round_trip(world):
    """Filling the downloaded template (with its text-formatted cells) imports cleanly."""
    from tests.orgs.helpers import mediator_row

    wb = load_workbook(io.BytesIO(template_workbook("mediators")))
    ws = wb.worksheets[0]
    row = mediator_row()
    for col, header in enumerate(MEDIATOR_HEADERS, start=1):
        ws.cell(row=2, column=col, value=row.get(header))
    buf = io.BytesIO()
    wb.save(buf)
    report = import_mediators(world.users["county"], buf.getvalue())
    assert report.ok and report.created == 1, report.as_text()
