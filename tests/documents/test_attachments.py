"""Evidence uploads: type checked on content, size limit, scoped download, timeline entry."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.documents.conftest import jpeg_bytes, pdf_bytes, png_bytes, register
from tiaojie.cases.models import CaseEvent
from tiaojie.documents import sniff
from tiaojie.documents.models import Attachment

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"


def _zip(names: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, c in names.items():
            z.writestr(n, c)
    return buf.getvalue()


def test_sniff_by_content():
    assert sniff.sniff(png_bytes()) is sniff.PNG
    assert sniff.sniff(jpeg_bytes()) is sniff.JPEG
    assert sniff.sniff(b"GIF89a" + b"\x00" * 20) is sniff.GIF
    assert sniff.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is sniff.WEBP
    assert sniff.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is sniff.WAV
    assert sniff.sniff(b"#!AMR\n" + b"\x00" * 10) is sniff.AMR
    assert sniff.sniff(b"ID3\x03\x00" + b"\x00" * 10) is sniff.MP3
    assert sniff.sniff(b"\x00\x00\x00\x20ftypM4A \x00\x00") is sniff.M4A
    assert sniff.sniff(b"%PDF-1.7\n") is sniff.PDF
    assert sniff.sniff(_zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"})) is sniff.DOCX
    assert sniff.sniff(_zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>"})) is sniff.XLSX
    assert sniff.sniff(sniff.OLE2_MAGIC + b"\x00" * 100 + "WordDocument".encode("utf-16-le")) is sniff.DOC
    assert sniff.sniff(sniff.OLE2_MAGIC + b"\x00" * 100 + "Workbook".encode("utf-16-le")) is sniff.XLS
    for bad in (EXE, b"\x7fELF\x02\x01", _zip({"evil.exe": "x"}), _zip({"[Content_Types].xml": "", "a": ""}),
                b"#!/bin/sh\nrm -rf /", b"plain text", sniff.OLE2_MAGIC + b"\x00" * 64, b""):
        assert sniff.sniff(bad) is None


def _upload(c, case, name, data, kind="evidence", **extra):
    from tiaojie.testing import version_of

    return c.post(reverse("documents:upload", args=[case.pk]),
                  {"file": SimpleUploadedFile(name, data), "kind": kind, "version": version_of(case), **extra})


def test_upload_stores_outside_web_root_and_records_timeline(world, login, media):
    case = register(world)
    c = login(world.users["v1"])
    data = png_bytes()
    r = _upload(c, case, "现场照片.png", data, note="院墙外积水")
    assert r.status_code == 302
    att = Attachment.objects.get(case=case)
    assert att.original_name == "现场照片.png" and att.content_type == "image/png" and att.size == len(data)
    assert att.file.path.startswith(str(media)) and "/case-files/" in att.file.path
    assert "现场照片" not in att.file.name  # stored under a random name
    ev = CaseEvent.objects.get(case=case, kind="attach")
    assert "现场照片.png" in ev.label and ev.data["sha256"] == att.sha256
    r = c.get(reverse("documents:attachment", args=[att.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content) == data
    assert r["X-Content-Type-Options"] == "nosniff"
    # Out of scope: another village's mediator gets 404, as does an anonymous user (login redirect)
    assert login(world.users["v2"]).get(reverse("documents:attachment", args=[att.pk])).status_code == 404


def test_exe_renamed_pdf_is_refused(world, login):
    case = register(world)
    r = _upload(login(world.users["v1"]), case, "协议.pdf", EXE)
    assert r.status_code == 400
    assert "不支持的文件类型" in r.content.decode()
    assert not Attachment.objects.exists() and not CaseEvent.objects.filter(kind="attachment").exists()


def test_oversized_upload_is_refused(world, login, settings):
    settings.TIAOJIE_UPLOAD_MAX_BYTES = 50_000
    case = register(world)
    r = _upload(login(world.users["v1"]), case, "big.jpg", jpeg_bytes(size=(2000, 2000)) + b"\x00" * 60_000)
    assert r.status_code == 400 and "文件过大" in r.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("name,data,ctype", [
    ("scan.pdf", None, "application/pdf"),
    ("笔录.docx", _zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("录音.amr", b"#!AMR\n" + b"\x01" * 100, "audio/amr"),
])
def test_allowed_types(world, login, name, data, ctype):
    case = register(world)
    assert _upload(login(world.users["v1"]), case, name, data or pdf_bytes(1)).status_code == 302
    assert Attachment.objects.get().content_type == ctype


def test_damaged_files_and_roles(world, login):
    case = register(world)
    c = login(world.users["v1"])
    assert _upload(c, case, "x.png", png_bytes()[:40]).status_code == 400  # truncated image
    assert _upload(c, case, "x.pdf", b"%PDF-1.4\n garbage").status_code == 400
    court = login(world.users["court"])  # not in scope of a village case
    assert _upload(court, case, "x.png", png_bytes()).status_code == 404
    assert not Attachment.objects.exists()
