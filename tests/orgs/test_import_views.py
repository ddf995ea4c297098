"""The import page: who may reach it, upload handling, the error report, templates."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.orgs.helpers import mediator_file, mediator_row, org_file, org_row
from tiaojie.orgs.models import Mediator, Organization


def upload(data: bytes, name="导入.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("role", ["township", "v1", "court", "police"])
def test_page_forbidden_for_other_roles(world, login, role):
    c = login(world.users[role])
    assert c.get(reverse("orgs:import")).status_code == 403
    assert c.post(reverse("orgs:import"), {"what": "orgs", "file": upload(org_file(org_row()))}).status_code == 403
    assert c.get(reverse("orgs:import_template", args=["orgs"])).status_code == 403
    assert not Organization.objects.filter(name="光明社区人民调解委员会").exists()


def test_page_renders_for_importers(world, login, django_user_model):
    for key in ("city", "county"):
        assert login(world.users[key]).get(reverse("orgs:import")).status_code == 200
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    assert login(admin).get(reverse("orgs:import")).status_code == 200


def test_upload_success_redirects_with_counts(world, login):
    c = login(world.users["county"])
    resp = c.post(reverse("orgs:import"), {"what": "orgs", "file": upload(org_file(org_row()))}, follow=True)
    assert resp.status_code == 200
    assert "调解组织导入成功：新增 1 条" in resp.content.decode()
    assert Organization.objects.filter(name="光明社区人民调解委员会", parent=world.orgs["dongan"]).exists()


def test_upload_mediators(world, login):
    c = login(world.users["county"])
    resp = c.post(reverse("orgs:import"), {"what": "mediators", "file": upload(mediator_file(mediator_row()))},
                  follow=True)
    assert "调解员导入成功：新增 1 条" in resp.content.decode()
    assert Mediator.objects.filter(name="周建华").exists()


def test_upload_with_bad_row_shows_report_and_saves_nothing(world, login):
    c = login(world.users["county"])
    data = org_file(org_row(), org_row(名称="乙村人民调解委员会", 简称="乙村", 上级单位="周庄镇人民调解委员会"))
    resp = c.post(reverse("orgs:import"), {"what": "orgs", "file": upload(data)}, follow=True)
    assert resp.status_code == 200 and resp.redirect_chain[0][0].startswith("/orgs/import/")
    html = resp.content.decode()
    assert "未保存任何数据" in html
    assert "第 3 行" in html and "上级单位" in html and "不在您的管辖范围内" in html
    assert not Organization.objects.filter(name="光明社区人民调解委员会").exists()


def test_dry_run(world, login):
    c = login(world.users["county"])
    resp = c.post(reverse("orgs:import"), {"what": "orgs", "dry_run": "on", "file": upload(org_file(org_row()))},
                  follow=True)
    assert "校验通过" in resp.content.decode()
    assert not Organization.objects.filter(name="光明社区人民调解委员会").exists()


@pytest.mark.parametrize("name, data, message", [
    ("名单.xlsx", b"not a zip at all", "不是有效的 .xlsx 文件"),
    ("名单.csv", b"a,b\n1,2\n", "请上传 .xlsx 格式"),
    ("名单.xlsx", b"", "上传的文件为空"),
])
def test_bad_files_get_a_chinese_error(world, login, name, data, message):
    c = login(world.users["county"])
    resp = c.post(reverse("orgs:import"), {"what": "orgs", "file": upload(data, name)}, follow=True)
    assert resp.status_code == 200
    assert message in resp.content.decode()


def test_no_file(world, login):
    resp = login(world.users["county"]).post(reverse("orgs:import"), {"what": "orgs"})
    assert resp.status_code == 200 and "请选择要上传的 .xlsx 文件" in resp.content.decode()


def test_oversized_upload(world, login, monkeypatch):
    from tiaojie.orgs import importer

    monkeypatch.setattr(importer, "MAX_UPLOAD_BYTES", 1024)
    resp = login(world.users["county"]).post(
        reverse("orgs:import"), {"what": "orgs", "file": upload(org_file(*[org_row()] * 50))})
    assert resp.status_code == 200
    assert "文件过大（" in resp.content.decode() and "上限为 1 KB" in resp.content.decode()
    assert not Organization.objects.filter(name="光明社区人民调解委员会").exists()


def test_human_size():
    from tiaojie.orgs.importer import human_size

    assert human_size(5 * 1024 * 1024) == "5 MB"
    assert human_size(int(5.5 * 1024 * 1024)) == "5.5 MB"
    assert human_size(100) == "1 KB"


@pytest.mark.parametrize("what, first", [("orgs", "名称"), ("mediators", "姓名")])
def test_template_download(world, login, what, first):
    resp = login(world.users["county"]).get(reverse("orgs:import_template", args=[what]))
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    assert load_workbook(io.BytesIO(resp.content)).worksheets[0]["A1"].value == first
    assert login(world.users["county"]).get(reverse("orgs:import_template", args=["x"])).status_code == 404
