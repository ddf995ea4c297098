"""Every document of a full sample case, as PDF and .docx, checked by extracting their text."""
import re
import subprocess

import pytest
from django.urls import reverse

from tests.documents.conftest import AMOUNT_UPPER, TERMS, failed_case, full_case, rare_parties
from tests.documents.helpers import docx_text, flat, pdf_fonts, pdf_text
from tiaojie.documents.kinds import KINDS
from tiaojie.documents.render import render, resolve
from tiaojie.testing import version_of

NOT_FOR_SUCCESS = {"rejection_notice", "termination_notice"}
WITH_AMOUNT = {"agreement", "judicial_confirmation"}


def test_every_document_of_a_full_case(world):
    case = full_case(world)
    user = world.users["township"]
    produced = set()
    for code, kind in KINDS.items():
        if code in NOT_FOR_SUCCESS or code == "oral_agreement":
            continue
        _kind, item = resolve(case, code)
        pdf, ctype, name = render(case, code, "pdf", user, item)
        docx, dtype, dname = render(case, code, "docx", user, item)
        assert ctype == "application/pdf" and pdf.startswith(b"%PDF")
        assert name.endswith(".pdf") and dname.endswith(".docx") and case.number in name
        for text in (flat(pdf_text(pdf)), flat(docx_text(docx))):
            assert flat(kind.label) in text or code in ("cover", "back_cover"), code
            assert case.number in text, code
            if code not in ("cover", "contents", "back_cover", "investigation", "follow_up"):
                assert "孙小梅" in text, code
            if code in ("application", "registration", "agreement", "session", "rights_notice"):
                assert "刘大海" in text, code
            if code in WITH_AMOUNT:
                assert "12345.60" in text and AMOUNT_UPPER in text, code
                assert flat(TERMS) in text, code
        produced.add(code)
    assert produced == set(KINDS) - NOT_FOR_SUCCESS - {"oral_agreement"}


def test_oral_agreement_register(world):
    from tests.documents.conftest import register, to_mediating
    from tiaojie.cases import transitions

    case = to_mediating(world, register(world))
    transitions.succeed(case.pk, world.users["township"], version=version_of(case.pk), kind="oral", terms="被申请人当场赔偿500元，双方和好。",
                        amount="500")
    case.refresh_from_db()
    with pytest.raises(Exception, match="口头协议"):
        resolve(case, "agreement")
    for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
        text = flat(extract(render(case, "oral_agreement", fmt, world.users["township"])[0]))
        assert "口头协议登记表" in text and "被申请人当场赔偿500元" in text and "伍佰元整" in text


def test_agreement_pdf_png_and_cjk_font(world, tmp_path):
    case = full_case(world)
    pdf, _, _ = render(case, "agreement", "pdf", world.users["township"])
    text = flat(pdf_text(pdf))
    for needed in ("人民调解协议书", "刘大海", "孙小梅", "12345.60", AMOUNT_UPPER, "盖章", "捺印", "签名"):
        assert needed in text
    fonts = pdf_fonts(pdf)
    assert re.search(r"Noto-(Serif|Sans)-CJK", fonts), fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), "every font embedded"
    (tmp_path / "a.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", tmp_path / "a.pdf", tmp_path / "page"],
                   check=True)
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    with Image.open(png) as im:
        assert im.size[0] < im.size[1]  # A4 portrait
        dark = sum(1 for px in im.convert("L").get_flattened_data() if px < 128)
        assert dark > 2000  # text was drawn, not an empty page


def test_rare_characters_print(world):
    case = full_case(world, parties=rare_parties())
    user = world.users["township"]
    pdf, _, _ = render(case, "agreement", "pdf", user)
    text = pdf_text(pdf)
    for ch in "𠮷䶮堃喆":
        assert ch in text, ch
    assert "𠮷䶮" in docx_text(render(case, "agreement", "docx", user)[0])


def test_state_decides_which_documents(world):
    case = failed_case(world)
    from tiaojie.documents.kinds import DocumentRefused

    with pytest.raises(DocumentRefused, match="调解不成"):
        resolve(case, "agreement")
    _k, _i = resolve(case, "termination_notice")
    text = flat(pdf_text(render(case, "termination_notice", "pdf", world.users["township"])[0]))
    assert "双方对赔偿数额分歧过大" in text and "仲裁" in text and "诉讼" in text


def test_views_refuse_and_scope(world, login):
    case = failed_case(world)
    c = login(world.users["v1"])
    r = c.get(reverse("documents:document", args=[case.pk, "agreement", "pdf"]))
    assert r.status_code == 409
    assert "调解不成，没有调解协议" in r.content.decode()
    r = c.get(reverse("documents:document", args=[case.pk, "termination_notice", "docx"]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert c.get(reverse("documents:document", args=[case.pk, "nonsense", "pdf"])).status_code == 404
    assert c.get(reverse("documents:document", args=[case.pk, "agreement", "exe"])).status_code == 404
    page = c.get(reverse("documents:case_documents", args=[case.pk]))
    assert page.status_code == 200 and "终止调解告知书" in page.content.decode()
    other = login(world.users["v2"])  # a mediator of another village
    assert other.get(reverse("documents:document", args=[case.pk, "termination_notice", "pdf"])).status_code == 404
    assert other.get(reverse("documents:case_documents", args=[case.pk])).status_code == 404
    assert other.get(reverse("documents:casefile", args=[case.pk])).status_code == 404


def test_a_declined_online_application_prints_its_application_reference(world):
    """A declined online application never had a case number: the 不予受理告知书 labels its
    reference as 申请编号 in the number slot (PDF and .docx)."""
    from tiaojie.cases import transitions
    from tiaojie.cases.models import DisputeType
    from tiaojie.public import services
    from tiaojie.testing import effects

    with effects():
        app = services.apply(phone="13912345678", address=None, me={"name": "刘大海"},
                             other={"name": "孙小梅", "phone": "13987654321"}, facts="邻里排水纠纷，多次协商未果。",
                             claims="疏通排水沟", region=world.regions["v1"], place_detail="", arose_on="2026-11-01",
                             dispute_type=DisputeType.objects.get(code="02"), consent=True)
        transitions.reject(app, world.users["v1"], version=version_of(app), reason="该纠纷已由人民法院立案受理")
    app.refresh_from_db()
    assert not app.numbered and app.number.startswith("网申")
    user = world.users["v1"]
    pdf = flat(pdf_text(render(app, "rejection_notice", "pdf", user)[0]))
    assert f"申请编号：{app.number}" in pdf and "案号" not in pdf
    docx = flat(docx_text(render(app, "rejection_notice", "docx", user)[0]))
    assert f"申请编号：{app.number}" in docx
    # a numbered case prints its number bare
    case = failed_case(world)
    text = flat(pdf_text(render(case, "termination_notice", "pdf", world.users["township"])[0]))
    assert case.number in text and "申请编号" not in text
