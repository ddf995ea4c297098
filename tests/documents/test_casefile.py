"""The 卷宗: filing order, contents with page numbers, evidence merged, completeness and archiving."""
import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from tests.documents.conftest import failed_case, full_case, jpeg_bytes, pdf_bytes
from tests.documents.helpers import flat, pdf_text
from tiaojie.cases.models import CaseEvent, Party, Status
from tiaojie.cases.transitions import archive
from tiaojie.core.errors import DomainError
from tiaojie.documents import casefile
from tiaojie.documents.completeness import check_complete
from tiaojie.documents.services import save_attachment
from tiaojie.testing import version_of


def _add(case, user, name, data, kind="evidence", party=None):
    return save_attachment(case, user, SimpleUploadedFile(name, data), kind, party, version=version_of(case))


def test_casefile_order_contents_pages_and_evidence(world):
    case = full_case(world)
    u = world.users["township"]
    for p in case.parties.all():
        _add(case, u, f"{p.name}身份证.jpg", jpeg_bytes(size=(600, 400)), "identity", p)
    _add(case, u, "现场照片.jpg", jpeg_bytes())
    _add(case, u, "鉴定意见.pdf", pdf_bytes(2, "鉴定意见"))
    _add(case, u, "通话录音.amr", b"#!AMR\n" + b"\x01" * 64)
    assert check_complete(case) == []
    data = casefile.build(case, u)
    reader = PdfReader(__import__("io").BytesIO(data))
    pages = [flat(p.extract_text()) for p in reader.pages]
    n = len(pages)
    assert all(f"第{i}页" in t for i, t in enumerate(pages, start=1)), "a number on every page"
    assert "人民调解卷宗" in pages[0] and "卷内目录" in pages[1] and "封底" in pages[-1]
    assert f"共{n}页" in pages[-1]
    # Filing order (DOMAIN.md §5)
    order = ["人民调解申请书", "人民调解受理登记表", "当事人权利义务告知书", "当事人身份证明", "人民调解调查记录",
             "证据材料：现场照片.jpg", "证据材料：鉴定意见.pdf", "人民调解记录", "人民调解协议书", "人民调解回访记录",
             "卷宗情况说明", "封底"]
    toc = pages[1]
    positions = [toc.index(t) for t in order]
    assert positions == sorted(positions)
    # The contents' page numbers point at the pages where the items are
    layout = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", "-", "-"], input=data,
                            capture_output=True, check=True).stdout.decode()
    rows = {m[1]: int(m[2]) for m in re.finditer(r"^\s*\d+\s+(\S+)\s+(\d+)", layout, re.M)}
    for title in ("人民调解协议书", "人民调解回访记录", "证据材料：鉴定意见.pdf", "当事人权利义务告知书"):
        where = pages[rows[title] - 1]
        assert title.split("：")[-1].removesuffix(".pdf") in where, (title, rows[title])
    # The evidence PDF's pages are drawn onto their placeholder pages
    assert any("鉴定意见1" in t for t in pages) and any("鉴定意见2" in t for t in pages)
    # The recording is listed, not merged
    notes = pages[rows["卷宗情况说明"] - 1]
    assert "通话录音.amr" in notes and "audio/amr" in notes


def test_completeness_and_archiving(world):
    case = failed_case(world)
    missing = check_complete(case)
    assert missing and "当事人身份证明" in missing[0] and "刘大海" in missing[0]
    mediator, township = world.users["v1"], world.users["township"]
    with pytest.raises(DomainError, match="卷宗材料不齐全"):
        archive(case, mediator, version=version_of(case))
    with pytest.raises(DomainError, match="只有司法所"):
        archive(case, mediator, version=version_of(case), force_reason="当事人拒绝提供身份证")
    archive(case, township, version=version_of(case), force_reason="当事人拒绝提供身份证明")
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED
    ev = CaseEvent.objects.filter(case=case, kind="archive").get()
    assert "当事人拒绝提供身份证明" in ev.reason and "当事人身份证明" in ev.reason


def test_complete_file_archives_without_override(world):
    case = failed_case(world)
    u = world.users["v1"]
    for p in case.parties.filter(role__in=[Party.Role.APPLICANT, Party.Role.RESPONDENT]):
        _add(case, u, "id.jpg", jpeg_bytes(size=(300, 200)), "identity", p)
    assert check_complete(case) == []
    archive(case, u, version=version_of(case))
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED and not CaseEvent.objects.get(case=case, kind="archive").reason


def test_casefile_view_and_standalone_contents(world, login):
    case = failed_case(world)
    c = login(world.users["v1"])
    r = c.get(reverse("documents:casefile", args=[case.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = flat(pdf_text(r.content))
    assert "终止调解告知书" in text and "人民调解协议书" not in text and "缺少" in text
    r = c.get(reverse("documents:document", args=[case.pk, "contents", "pdf"]))
    assert r.status_code == 200 and "终止调解告知书" in flat(pdf_text(r.content))
