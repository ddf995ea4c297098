"""Uploads checked before parsing: zip bombs, PDF page counts; the import as a background task."""
import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.orgs.helpers import org_file, org_row
from tiaojie.orgs import importer
from tiaojie.orgs.models import ImportJob, Organization

UNPACKED = 200 * 1024 * 1024


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A valid-looking .xlsx of about 205 KB whose sheet unpacks to 200 MB (whitespace inside sheetData)."""
    src = zipfile.ZipFile(io.BytesIO(org_file(org_row())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with z.open(info.filename, "w", force_zip64=True) as w:
                w.write(head + b"<sheetData>")
                blank = b" " * (1 << 20)
                for _ in range(UNPACKED // len(blank)):
                    w.write(blank)
                w.write(tail)
    data = out.getvalue()
    assert len(data) < 300 * 1024
    return data


def test_the_bomb_is_what_it_claims(bomb):
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert total > UNPACKED and len(bomb) < 300 * 1024


def test_xlsx_bomb_refused_on_the_import_page_within_2_seconds(world, login, bomb):
    c = login(world.users["county"])
    started = time.monotonic()
    r = c.post(reverse("orgs:import"), {"what": "orgs", "file": SimpleUploadedFile("组织.xlsx", bomb)})
    elapsed = time.monotonic() - started
    html = r.content.decode()
    assert r.status_code == 200 and ("解压后" in html or "压缩比" in html), html[-2000:]
    assert elapsed < 2.0, elapsed
    assert not ImportJob.objects.exists() and not Organization.objects.filter(name="光明社区人民调解委员会").exists()


def test_xlsx_bomb_refused_by_the_importer_itself_within_2_seconds(world, bomb):
    started = time.monotonic()
    report = importer.import_organizations(None, bomb)
    assert time.monotonic() - started < 2.0
    assert not report.ok and ("解压后" in report.errors[0].message or "压缩比" in report.errors[0].message)


def test_office_attachment_bomb_and_pdf_pages(settings, bomb):
    from pypdf import PdfWriter

    from tiaojie.documents.services import inspect_upload

    with pytest.raises(ValidationError, match="解压后|压缩比"):
        inspect_upload(bomb)
    w = PdfWriter()
    for _ in range(3):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    settings.TIAOJIE_PDF_MAX_PAGES = 2
    with pytest.raises(ValidationError, match="超过上限 2 页"):
        inspect_upload(buf.getvalue())
    settings.TIAOJIE_PDF_MAX_PAGES = 3
    assert inspect_upload(buf.getvalue())[1] == 3


def test_high_ratio_member_refused_even_when_small_in_total(settings):
    from tiaojie.security.uploads import check_zip

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match="压缩比"):
        check_zip(out.getvalue())
    check_zip(org_file(org_row()))  # a real file passes


# --- the background import ----------------------------------------------------------------------

def test_import_runs_as_a_task_with_a_report(world, login):
    c = login(world.users["county"])
    r = c.post(reverse("orgs:import"), {"what": "orgs", "file": SimpleUploadedFile("a.xlsx", org_file(org_row())),
                                        "dry_run": "on"})
    job = ImportJob.objects.get()
    assert r["Location"] == reverse("orgs:import_job", args=[job.pk])
    assert job.state == ImportJob.State.DONE and job.report["rows"] == 1 and job.data in (b"", memoryview(b""))
    assert "校验通过" in c.get(r["Location"]).content.decode()


def test_progress_is_polled_while_the_task_waits(world, login, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    queued = []
    monkeypatch.setattr("tiaojie.orgs.tasks.enqueue", lambda job: queued.append(job.pk))
    c = login(world.users["county"])
    r = c.post(reverse("orgs:import"), {"what": "orgs", "file": SimpleUploadedFile("a.xlsx", org_file(org_row()))})
    job = ImportJob.objects.get(pk=queued[0])
    assert r.status_code == 302 and job.state == ImportJob.State.QUEUED  # the request returned at once
    page = c.get(r["Location"]).content.decode()
    assert 'id="import-progress"' in page and 'hx-trigger="every 1s"' in page and "X-Tiaojie-Poll" in page
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, stage="校验", done=50, total=200)
    part = c.get(r["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "pct-25" in part and "50 / 200" in part
    from tiaojie.orgs.tasks import run_import

    run_import(job.pk)  # what the worker does
    r2 = c.get(r["Location"], headers={"HX-Request": "true"})
    assert r2.status_code == 204 and r2["HX-Redirect"] == r["Location"]
    assert Organization.objects.filter(name="光明社区人民调解委员会").exists()
    # another user cannot see someone's import
    assert login(world.users["city"]).get(r["Location"]).status_code == 404


def test_import_time_limit_saves_nothing(world, login, settings):
    settings.TIAOJIE_IMPORT_TIME_LIMIT = -1
    c = login(world.users["county"])
    r = c.post(reverse("orgs:import"), {"what": "orgs", "file": SimpleUploadedFile("a.xlsx", org_file(org_row()))},
               follow=True)
    assert "超过时间上限" in r.content.decode()
    assert not Organization.objects.filter(name="光明社区人民调解委员会").exists()
