"""Administrator-replaceable .docx templates: a bad upload is refused and the old one stays in use."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from tests.documents.conftest import full_case
from tests.documents.helpers import docx_text
from tiaojie.documents.docx_defaults import default_template
from tiaojie.documents.forms import DocumentTemplateForm
from tiaojie.documents.kinds import KINDS
from tiaojie.documents.models import DocumentTemplate
from tiaojie.documents.render import render


def _docx(*paragraphs) -> bytes:
    d = Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


GOOD = _docx("本会自制协议书 {{ case_number }} {{ org_name }}", "{%p for x in principals %}", "{{ x.name }}",
             "{%p endfor %}", "{{ facts_main }}{{ issues }}{{ responsibilities }}", "约定：{{ terms }}",
             "金额{{ amount }}元，大写{{ amount_upper }}", "{{ performance_method }}{{ performance_deadline }}")


def _form(kind, name, data):
    return DocumentTemplateForm(data={"kind": kind, "active": "on"},
                                files={"file": SimpleUploadedFile(name, data)})


def test_bad_templates_refused_with_clear_errors():
    cases = [
        ("不是.docx", _form("agreement", "a.docx", b"%PDF-1.4 not a docx")),
        ("缺少必需的占位符", _form("agreement", "a.docx", _docx("{{ case_number }} {{ org_name }} {{ terms }}"))),
        ("语法有误", _form("agreement", "a.docx", _docx("{{ case_number }", "{% for %}"))),
        ("不是Word文档", _form("agreement", "a.xlsx", _zip_xlsx())),
    ]
    for message, form in cases:
        assert not form.is_valid()
        assert message in str(form.errors["file"]), (message, form.errors)
        assert "原模板继续使用" in str(form.errors["file"])
    assert _form("agreement", "ok.docx", GOOD).is_valid()
    for code in KINDS:  # the defaults pass their own check
        assert _form(code, f"{code}.docx", default_template(code)).is_valid(), code


def _zip_xlsx() -> bytes:
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    return buf.getvalue()


def test_admin_replacement_used_and_bad_upload_keeps_old(world, client, settings):
    from tiaojie.accounts.models import User

    admin = User.objects.create_superuser("root", password="x" * 10)
    client.force_login(admin)
    url = reverse("admin:documents_documenttemplate_add")
    r = client.post(url, {"kind": "agreement", "active": "on", "file": SimpleUploadedFile("ok.docx", GOOD)})
    assert r.status_code == 302, r.content.decode()[:2000]
    case = full_case(world)
    text = docx_text(render(case, "agreement", "docx", world.users["township"])[0])
    assert "本会自制协议书" in text and "壹万贰仟叁佰肆拾伍元陆角整" in text
    bad = _docx("{{ case_number }}")
    r = client.post(url, {"kind": "agreement", "active": "on", "file": SimpleUploadedFile("bad.docx", bad)})
    assert r.status_code == 200 and "缺少必需的占位符" in r.content.decode()
    assert DocumentTemplate.objects.count() == 1
    assert "本会自制协议书" in docx_text(render(case, "agreement", "docx", world.users["township"])[0])
    r = client.get(reverse("admin:documents_default_template", args=["agreement"]))
    assert r.status_code == 200 and r.content == default_template("agreement")
