"""Documents ready to sign, checked page by page as a clerk checks them against the Ministry's formats.

Every document kind is printed to PNG (pdftoppm, into ``test-artifacts/documents/``) and read
back page by page: the page count, "第N页 共M页" on every page, "（续页）" with the case number on
every page after a document's first, and no page that holds only signatures. Signature lines
name each party with its role and each assigned mediator, in the PDF and in the .docx alike.
"""
import io
import re

import pytest
from django.utils import timezone
from docx import Document

from tests.documents.conftest import failed_case, register
from tests.documents.helpers import docx_text, flat, pdf_text
from tests.documents.printing import (
    ARTIFACTS,
    FURNITURE,
    page_count,
    pages_text,
    signature_only,
    text_lines,
    to_png,
)
from tests.documents.realcases import (
    LONG_ORG_NAME,
    REAL_CASES,
    county_maintenance,
    long_agreement,
    police_oral,
)
from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.documents import casefile
from tiaojie.documents import context as ctxmod
from tiaojie.documents.kinds import KINDS, items_for, refusal
from tiaojie.documents.render import html_to_pdf, page_html, render, section_html
from tiaojie.orgs.models import OrgKind
from tiaojie.testing import version_of

# Neutralizes the rule that keeps the last clause with the signatures (to show the fixture needs it).
WITHOUT_KEEP = ".keep, table.signblock { break-inside: auto !important; }</style>"


def _item(case, code):
    kind = KINDS[code]
    return items_for(case, kind)[0] if kind.per else None


def _printed(case, code, name, user) -> tuple[bytes, list[str]]:
    """The PDF of one document, its pages as PNG under test-artifacts/, and checks every page."""
    pdf = render(case, code, "pdf", user, _item(case, code))[0]
    n = page_count(pdf)
    pngs = to_png(pdf, ARTIFACTS / name / code, dpi=40)
    assert len(pngs) == n, (code, len(pngs), n)
    texts = pages_text(pdf)
    seal = tuple(ctxmod.seal(case.organization.name)["lines"])
    for i, text in enumerate(texts, start=1):
        f = flat(text)
        assert f"第{i}页共{n}页" in f, (code, i)
        if i > 1:
            assert f"{KINDS[code].label}（续页）" in f and case.number in f, (code, i)
        assert not signature_only(text, (case.number,), seal), f"{name}/{code}: page {i} holds only signatures"
    assert "（续页）" not in flat(texts[0]), code
    return pdf, texts


def _rejected(world) -> Case:
    case = register(world)
    transitions.reject(case.pk, world.users["township"], version=version_of(case.pk), reason="纠纷已由人民法院受理")
    return Case.objects.get(pk=case.pk)


# Pages of each document of the sample cases as a clerk prints them (A4, the project's fonts).
PAGES = {
    "many_parties": {"cover": 1, "contents": 1, "application": 1, "registration": 2, "rights_notice": 1,
                     "session": 2, "agreement": 2, "follow_up": 1, "judicial_confirmation": 2, "back_cover": 1},
    "failed": {"termination_notice": 1, "investigation": 1},
    "rejected": {"rejection_notice": 1},
    "police_oral": {"oral_agreement": 1},
}


def test_every_kind_prints_ready_to_sign(world):
    """Every kind, to PNG; page counts; signature lines by role and name, the replaced mediator gone."""
    user = world.users["township"]
    cases = {"many_parties": REAL_CASES["many_parties"](world), "failed": failed_case(world),
             "rejected": _rejected(world), "police_oral": police_oral(world)}
    printed = set()
    for name, kinds in PAGES.items():
        case = cases[name]
        for code, pages in kinds.items():
            assert refusal(case, KINDS[code]) is None, (name, code)
            pdf, texts = _printed(case, code, name, user)
            assert len(texts) == pages, (name, code, len(texts))
            printed.add(code)
    assert printed == set(KINDS), set(KINDS) - printed

    case = cases["many_parties"]
    signers = ["申请人：刘大海", "申请人：刘二海", "被申请人：孙小梅", "被申请人：孙小兰", "被申请人：孙小菊",
               "人民调解员：王秀兰", "人民调解员：赵建国"]
    for code in ("agreement", "session"):
        pdf = render(case, code, "pdf", user, _item(case, code))[0]
        docx = render(case, code, "docx", user, _item(case, code))[0]
        for text in (flat(pdf_text(pdf)), flat(docx_text(docx))):
            for s in signers:
                assert s in text, (code, s)
            assert "陈志刚" not in text, "a mediator replaced on a party's request (回避) does not sign"
            assert "被申请人（签名" not in text, "no signature line without a name"
        assert "代理人：周律师" in flat(pdf_text(pdf)) or code == "agreement"
    # The session record names its recorder; the agreement has one line per party, not per role.
    session = flat(pdf_text(render(case, "session", "pdf", user, _item(case, "session"))[0]))
    assert re.search(r"记录人：\S+（签名）", session)
    agreement = flat(pdf_text(render(case, "agreement", "pdf", user)[0]))
    assert agreement.count("（签名或按指印）") == 5


def test_signature_lines_same_in_docx_and_pdf(world):
    case = REAL_CASES["trade_long_name"](world)
    user = world.users["township"]
    who = re.compile(r"^(申请人|被申请人|人民调解员|登记人)：([^，：（]{1,20})(（|$)")
    for code in ("agreement", "registration", "rights_notice", "judicial_confirmation"):
        pdf = render(case, code, "pdf", user)[0]
        data = render(case, code, "docx", user)[0]
        pdf_signs = {m[1] + m[2] for _p, _x, t in text_lines(pdf) if (m := who.match(t))}
        sign_paras = [p.text for p in Document(io.BytesIO(data)).paragraphs if re.search(r"（(签名|盖章)", p.text)]
        docx_signs = {m[1] + m[2] for t in sign_paras if (m := who.match(t))}
        assert pdf_signs and pdf_signs == docx_signs, (code, pdf_signs ^ docx_signs)
        if code != "judicial_confirmation":
            assert "被申请人平顶山市安顺物流有限公司" in pdf_signs
            assert any("平顶山市安顺物流有限公司（盖章）" in t for t in sign_paras)
        doc = Document(io.BytesIO(data))
        sign = [p for p in doc.paragraphs if "（签名" in p.text or "（盖章" in p.text]
        assert all(p.paragraph_format.keep_with_next for p in sign[:-1]), code
        footer = doc.sections[0].footer._element.xml
        assert "PAGE" in footer and "NUMPAGES" in footer
        assert doc.sections[0].different_first_page_header_footer
        assert f"（续页）　{case.number}" in doc.sections[0].header.paragraphs[0].text


def test_long_agreement_keeps_the_last_clause_with_the_signatures(world):
    case = long_agreement(world)
    user = world.users["township"]
    pdf, texts = _printed(case, "agreement", "long_agreement", user)
    assert len(texts) == 3
    last = flat(texts[-1])
    assert "十四、" in last and "本协议一式三份" in last and "申请人：刘大海" in last
    # Without the rule the same agreement puts the signatures alone on the last page: the fixture
    # is one where the break falls badly.
    ctx = ctxmod.build(case)
    html = page_html([section_html(KINDS["agreement"], ctx)], "x").replace("</style>", WITHOUT_KEEP)
    loose = pages_text(html_to_pdf(html))
    assert signature_only(loose[-1], (case.number,), tuple(ctx["seal"]["lines"])), \
        "the fixture no longer puts the page break before the signatures; lengthen or shorten its text"
    # Numbered terms: every number at the same indent (2 characters in), every other line of a
    # term at the same hanging indent after the widest number ("十一、", 3 characters).
    lines = text_lines(pdf)
    first = next(i for i, (_p, _x, t) in enumerate(lines) if t.startswith("一、"))
    end = next(i for i, (_p, _x, t) in enumerate(lines) if t.startswith("协议金额"))
    term_lines = [(x, t) for _p, x, t in lines[first:end] if not FURNITURE.match(t) and t != case.number]
    numbers = [x for x, t in term_lines if re.match(r"[一二三四五六七八九十]+、", t)]
    others = {round(x, 1) for x, t in term_lines if not re.match(r"[一二三四五六七八九十]+、", t)}
    margin = min(x for _p, x, t in lines if t.startswith("经东安社区"))  - 24  # that line is indented 2 characters
    assert len(numbers) == 14 and {round(x, 1) for x in numbers} == {round(margin + 24, 1)}
    assert others == {round(margin + 24 + 36, 1)}, others


def test_county_centre_wording_and_non_monetary_agreement(world):
    case = county_maintenance(world)
    user = world.users["county"]
    for code in ("agreement", "judicial_confirmation"):
        pdf = flat(pdf_text(render(case, code, "pdf", user)[0]))
        docx = flat(docx_text(render(case, code, "docx", user)[0]))
        for text in (pdf, docx):
            assert "0.00" not in text and "零元" not in text and "协议金额" not in text, code
            assert "人民调解委员会" not in text, code
    for text in (flat(pdf_text(render(case, "agreement", "pdf", user)[0])),
                 flat(docx_text(render(case, "agreement", "docx", user)[0]))):
        assert "经卫东区人民调解中心调解" in text
        assert "人民调解中心留存一份" in text and "加盖人民调解中心印章" in text
        assert "三名子女每周至少探望父亲一次" in text
    pdf_lines = [t for _p, _x, t in text_lines(render(case, "agreement", "pdf", user)[0])]
    assert "卫东区人民调解中心" in pdf_lines  # the seal's text
    oral = police_oral(world)
    text = flat(pdf_text(render(oral, "oral_agreement", "pdf", user)[0]))
    assert "协议金额" not in text and "0.00" not in text and "褚亮当面向冯强赔礼道歉" in text
    assert "东安路派出所警民联调室" in text


@pytest.mark.parametrize("name,kind,term,self_name", [
    ("东安社区人民调解委员会", OrgKind.VILLAGE, "人民调解委员会", "本委员会"),
    ("卫东区人民调解中心", OrgKind.COUNTY_CENTER, "人民调解中心", "本中心"),
    ("卫东区道路交通事故纠纷人民调解委员会", OrgKind.TRADE, "人民调解委员会", "本委员会"),
    ("卫东区人民法院诉前人民调解工作室", OrgKind.COURT_ROOM, "诉前人民调解工作室", "本工作室"),
    ("东安路派出所警民联调室", OrgKind.POLICE_ROOM, "警民联调室", "本调解室"),
    ("卫东律师事务所", OrgKind.LAWYER_ROOM, "律师调解室", "本调解室"),
    ("宝丰县矛盾纠纷多元化解中心", OrgKind.COUNTY_CENTER, "中心", "本中心"),
])
def test_organization_called_by_its_kind(name, kind, term, self_name):
    assert ctxmod.org_terms(name, kind) == (term, self_name)


def test_closing_notice_speaks_for_the_organization(world):
    case = failed_case(world)
    org = case.organization
    org.name, org.kind = "卫东区第二人民调解中心", OrgKind.COUNTY_CENTER
    org.save()
    text = flat(pdf_text(render(case, "termination_notice", "pdf", world.users["township"])[0]))
    assert "本中心决定终止调解" in text and "签收人：刘大海（签名或按指印）" in text


@pytest.mark.parametrize("name", [
    "东安社区人民调解委员会", "卫东区道路交通事故纠纷人民调解委员会", LONG_ORG_NAME, "东安路派出所警民联调室",
    "平顶山市第一人民医院医疗纠纷人民调解委员会", "中国平安财产保险股份有限公司平顶山中心支公司人民调解委员会",
    "河南省平顶山市卫东区东安路街道光华社区居民委员会人民调解委员会", "一二三四五六七八九十一",
])
def test_seal_text_lines(name):
    lines = ctxmod.seal_lines(name)
    assert "".join(lines) == name
    assert all(2 <= len(line) <= ctxmod.SEAL_LINE_MAX for line in lines), lines
    assert lines[-1] != "会" and not any(line.startswith(("会", "员会")) for line in lines), lines
    if name.endswith("人民调解委员会") and len(name) > ctxmod.SEAL_LINE_MAX:
        assert lines[-1].endswith("人民调解委员会"), lines
    s = ctxmod.seal(name)
    assert 6 <= s["font_pt"] <= 10 and s["pad_mm"] >= 2


def test_long_committee_name_seal_prints_in_balanced_lines(world):
    case = REAL_CASES["trade_long_name"](world)
    pdf, _texts = _printed(case, "agreement", "trade_long_name", world.users["township"])
    lines = [t for _p, _x, t in text_lines(pdf)]
    assert ctxmod.seal_lines(LONG_ORG_NAME) == ["平顶山市卫东区", "道路交通事故", "损害赔偿纠纷", "人民调解委员会"]
    for part in ctxmod.seal_lines(LONG_ORG_NAME):
        assert part in lines, part
    assert "会" not in lines and "（2026）卫东交调调字第0001号" in lines  # the case number is not broken either


@pytest.mark.parametrize("text,expected", [
    ("一、被申请人于十日内改建排水沟；二、被申请人赔偿申请人损失。",
     [("一、", "被申请人于十日内改建排水沟；"), ("二、", "被申请人赔偿申请人损失。")]),
    ("1.甲方付款；\n2.乙方交房。", [("1.", "甲方付款；"), ("2.", "乙方交房。")]),
    ("（一）赔礼道歉；（二）赔偿损失。", [("（一）", "赔礼道歉；"), ("（二）", "赔偿损失。")]),
    ("一、按第一、二项约定履行；二、其他。", [("一、", "按第一、二项约定履行；"), ("二、", "其他。")]),
    ("双方和好，互不追究。", [("", "双方和好，互不追究。")]),
    ("九、甲；十、乙；十一、丙。", [("九、", "甲；"), ("十、", "乙；"), ("十一、", "丙。")]),
])
def test_terms_one_by_one(text, expected):
    items = ctxmod.split_terms(text)
    assert [(i["no"], i["text"]) for i in items] == expected
    assert len({i["hang"] for i in items}) == 1


def test_casefile_page_numbers_are_exact(world):
    """Cover, contents, back cover and every footer agree with the real page count (pypdf)."""
    case = county_maintenance(world)
    user = world.users["county"]
    data = casefile.build(case, user)
    n = page_count(data)
    pngs = to_png(data, ARTIFACTS / "county_maintenance" / "casefile", dpi=40)
    assert len(pngs) == n
    pages = [flat(t) for t in pages_text(data)]
    assert all(f"第{i}页共{n}页" in t for i, t in enumerate(pages, start=1))
    cover, toc, back = pages[0], pages[1], pages[-1]
    assert f"共{n}页" in cover and "婚姻家庭（赡养）" in cover and "郑德福与郑建军、郑建华、郑建民赡养纠纷" in cover
    assert "封底" in back and f"本卷共有文件9件，共{n}页" in back
    assert re.search(rf"9封底{n}", toc), toc
    # The stand-alone cover, contents and back cover (both formats) say the same.
    extra = casefile.plan_pages(case, user)
    assert extra["page_count"] == n and extra["entries"][-1] == {**extra["entries"][-1], "title": "封底", "page": n}
    for code in ("cover", "back_cover"):
        assert f"共{n}页" in flat(pdf_text(render(case, code, "pdf", user)[0]))
        assert f"共{n}页" in flat(docx_text(render(case, code, "docx", user)[0]))
    assert f"9封底{n}" in flat(pdf_text(render(case, "contents", "pdf", user)[0]))
    # Each listed page is where its document starts.
    for e in extra["entries"][:-1]:
        assert flat(e["title"]).split("（")[0] in pages[e["page"] - 1], e


def test_every_real_case_casefile_counts_itself(world):
    """The 卷宗 of a case with documents of two pages and a 卷宗情况说明: no page count off by one."""
    user = world.users["township"]
    case = REAL_CASES["many_parties"](world)
    transitions.follow_up(case.pk, user, version=version_of(case.pk), visited_on=timezone.localdate(), visitor="王秀兰", performance="partial",
                          satisfaction="basic", notes="尚有部分款项未支付，已督促。")
    case = Case.objects.get(pk=case.pk)
    data = casefile.build(case, user)
    n = page_count(data)
    texts = pages_text(data)
    pages = [flat(t) for t in texts]
    assert f"第{n}页共{n}页" in pages[-1] and f"共{n}页" in pages[-1] and f"共{n}页" in pages[0]
    assert f"封底{n}" in pages[1]
    for i, t in enumerate(texts, start=1):
        assert not signature_only(t, (case.number,), tuple(ctxmod.seal(case.organization.name)["lines"])), i
