"""The default .docx templates (docxtpl/Jinja placeholders), built with python-docx from code.

Built at first use and kept in memory: a change to a template is a readable diff here, and
administrators download the built file from admin to start a replacement from. Placeholders
are the names of ``context.PLACEHOLDER_HELP``; lists are looped with ``{%p for … %}`` paragraphs
or ``{%tr for … %}`` table rows.

They print like the PDFs: "第N页 共M页" in the footer of every page and "<文书>（续页） 案号" in the
header of every page after the first; the last clause and the signature lines are kept on one
page (keep-with-next, keep-together); one signature line per party with role and name and one
per assigned mediator; the agreed terms one paragraph each in the ``TERMS_STYLE`` paragraph style,
whose hanging indent ``render`` sets to the width of the terms' numbers.
"""
import io
from functools import cache

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tiaojie.documents.context import RIGHTS

SIGN_LINE = "＿＿＿＿＿＿＿＿"
FINGER = "{% if x.finger %}　捺印：【　　】{% endif %}"
TERMS_STYLE = "协议条款"
FONT_PT = 12


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end runs."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip().isdigit():
            run.text = text
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


class _Builder:
    def __init__(self, title: str, number: bool = True, label: str | None = None):
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = Mm(25)
        sec.top_margin, sec.bottom_margin = Mm(25), Mm(20)
        style = self.doc.styles["Normal"]
        style.font.name = "宋体"
        style.font.size = Pt(FONT_PT)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
        self._page_furniture(label or title)
        h = self.doc.add_paragraph()
        h.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = h.add_run(title)
        run.bold, run.font.size = True, Pt(18)
        if number:
            self.para("{{ org_name }}　　{{ case_number }}", align="right")

    def _page_furniture(self, label: str) -> None:
        sec = self.doc.sections[0]
        sec.different_first_page_header_footer = True
        head = sec.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        head.add_run(f"{label}（续页）　{{{{ case_number }}}}").font.size = Pt(9)
        for footer in (sec.footer, sec.first_page_footer):
            p = footer.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run("第 ")
            _field(p, "PAGE")
            p.add_run(" 页　共 ")
            _field(p, "NUMPAGES")
            p.add_run(" 页")
            for r in p.runs:
                r.font.size = Pt(9)

    def para(self, text: str, bold: bool = False, align: str | None = None, indent: bool = False,
             keep: bool = False):
        p = self.doc.add_paragraph()
        if align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * FONT_PT)
        if keep:
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.keep_together = True
        p.add_run(text).bold = bold
        return p

    def loop(self, var: str, line: str, name: str = "x"):
        self.para(f"{{%p for {name} in {var} %}}")
        self.para(line)
        self.para("{%p endfor %}")

    def fields(self, rows: list[tuple]):
        """A two-column form; a row (label, value, condition) is printed only when the condition holds."""
        t = self.doc.add_table(rows=0, cols=2)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER

        def row(a, b):
            cells = t.add_row().cells
            cells[0].text, cells[1].text = a, b
            cells[0].width, cells[1].width = Mm(35), Mm(125)

        for label, value, *cond in rows:
            if cond:
                row(f"{{%tr if {cond[0]} %}}", "")
            row(label, value)
            if cond:
                row("{%tr endif %}", "")
        self.doc.add_paragraph()

    def section(self, label: str, value: str):
        self.para(label, bold=True, keep=True)
        self.para(value, indent=True)

    def terms(self):
        """The agreed terms: ``render`` gives ``terms`` one paragraph per term, "number<tab>text"."""
        styles = self.doc.styles
        if TERMS_STYLE not in [s.name for s in styles]:
            st = styles.add_style(TERMS_STYLE, WD_STYLE_TYPE.PARAGRAPH)
            st.style_id = "AgreementTerms"  # an ASCII id, the Chinese name shown in Word's style list
            st.base_style = styles["Normal"]
            set_terms_hang(st, 2)
        p = self.doc.add_paragraph("{{ terms }}", style=TERMS_STYLE)
        return p

    def signatures(self, lines: list[str], tail: int = 0):
        """Signature lines kept on one page with the ``tail`` paragraphs written just before them."""
        for p in self.doc.paragraphs[len(self.doc.paragraphs) - tail:] if tail else []:
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.keep_together = True
        self.para("", keep=True)
        for i, line in enumerate(lines):
            self.para(line, keep=i < len(lines) - 1)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def set_terms_hang(style, hang_em: float) -> None:
    """Terms start 2 characters in; the number hangs ``hang_em`` characters, the text (and its next
    lines) start at the tab stop after it, the same for every term."""
    pf = style.paragraph_format
    pf.tab_stops.clear_all()
    if not hang_em:  # no numbers: an ordinary paragraph, first line 2 characters in
        pf.left_indent, pf.first_line_indent = Pt(0), Pt(2 * FONT_PT)
        return
    left = Pt(FONT_PT * (2 + hang_em))
    pf.left_indent, pf.first_line_indent = left, Pt(-FONT_PT * hang_em)
    pf.tab_stops.add_tab_stop(left)


def _party_signs(var: str = "principals", role: str = "{{ x.role }}") -> list[str]:
    """One line per party: "申请人：刘大海（签名或按指印）＿＿＿ 捺印：【 】"."""
    return [f"{{%p for x in {var} %}}", f"{role}：{{{{ x.name }}}}（{{{{ x.sign_how }}}}）{SIGN_LINE}{FINGER}",
            "{%p endfor %}"]


def _mediator_signs() -> list[str]:
    """One line per assigned mediator, by name."""
    return ["{%p for m in mediator_names %}", f"人民调解员{{% if m %}}：{{{{ m }}}}{{% endif %}}（签名）{SIGN_LINE}",
            "{%p endfor %}"]


def _amount() -> list[str]:
    return ["{%p if has_amount %}", "协议金额：{{ amount_upper }}（￥{{ amount }}）。", "{%p endif %}"]


def cover():
    b = _Builder("人民调解卷宗", number=False, label="卷宗封面")
    b.fields([("卷　　名", "{{ title }}"), ("卷　　号", "{{ case_number }}"),
              ("纠纷类型", "{{ dispute_type_top }}{% if dispute_type_name != dispute_type_top %}"
                           "（{{ dispute_type_name }}）{% endif %}"),
              ("调解组织", "{{ org_name }}"), ("人民调解员", "{{ mediators }}"),
              ("调解日期", "{{ accepted_on or registered_on }}至{{ closed_on }}"), ("调解结果", "{{ outcome or status }}"),
              ("卷内文件", "{% if document_count %}{{ document_count }}件，共{{ page_count }}页{% endif %}"),
              ("立 卷 人", "{{ filer }}"), ("立卷日期", "{{ filed_on }}"), ("保管期限", "{{ retention }}")])
    return b


def contents():
    b = _Builder("卷内目录")
    t = b.doc.add_table(rows=3, cols=4)
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, ("序号", "文件名称", "页号", "备注"), strict=True):
        c.text = h
    row = t.add_row().cells  # rows: header, for, body, endfor
    t.rows[1].cells[0].text = "{%tr for e in entries %}"
    for c, v in zip(t.rows[2].cells, ("{{ e.no }}", "{{ e.title }}", "{{ e.page }}", "{{ e.note }}"), strict=True):
        c.text = v
    row[0].text = "{%tr endfor %}"
    return b


def application():
    b = _Builder("人民调解申请书")
    b.loop("applicants", "申请人：{{ x.summary }}")
    b.loop("respondents", "被申请人：{{ x.summary }}")
    b.section("纠纷简要情况：", "{{ facts }}")
    b.section("申请事项：", "{{ claims }}")
    b.para("申请人自愿申请人民调解，请予调解。", indent=True)
    b.para("此致")
    b.para("{{ org_name }}")
    b.signatures(_party_signs("applicants", "申请人") + ["{{ registered_on }}"], tail=3)
    return b


def registration():
    b = _Builder("人民调解受理登记表")
    b.fields([("纠纷类型", "{{ dispute_type }}"), ("案件来源", "{{ source }}"), ("受理渠道", "{{ channel }}"),
              ("登记日期", "{{ registered_on }}"), ("受理日期", "{{ accepted_on }}"),
              ("纠纷发生地", "{{ place }}"), ("发生日期", "{{ arose_on }}"), ("涉及人数", "{{ people_count }}人"),
              ("涉及金额", "{% if has_amount_at_stake %}{{ amount_at_stake }}元{% else %}无{% endif %}")])
    b.loop("parties", "{{ x.role }}：{{ x.summary }}")
    b.section("纠纷简要情况：", "{{ facts }}")
    b.section("申请事项：", "{{ claims }}")
    b.signatures(_party_signs("parties") + [f"登记人：{{{{ registrar }}}}（签名）{SIGN_LINE}",
                                            "{{ org_name }}（盖章）", "{{ registered_on }}"], tail=2)
    return b


def rights_notice():
    b = _Builder("人民调解当事人权利义务告知书", label="当事人权利义务告知书")
    b.para("{{ principal_names }}：", bold=True)
    b.para("根据《中华人民共和国人民调解法》第二十三条、第二十四条的规定，现将当事人在人民调解活动中享有的权利和承担的义务告知如下：",
           indent=True)
    for line in RIGHTS:
        b.para(line, indent=True)
    b.para("以上内容已告知，当事人已知悉。", indent=True)
    b.signatures(_party_signs() + ["{{ org_name }}（盖章）", "{{ accepted_on }}"], tail=1)
    return b


def investigation():
    b = _Builder("人民调解调查记录")
    b.fields([("调查时间", "{{ item.held_at }}"), ("调查地点", "{{ item.place }}"), ("被调查人", "{{ item.subject }}"),
              ("调查人", "{{ item.investigators }}"), ("事由", "{{ dispute_type }}纠纷")])
    b.section("调查内容：", "{{ item.content }}")
    b.para("以上记录已交被调查人阅读（或向其宣读），被调查人确认无误。", indent=True)
    b.signatures([f"被调查人：{{{{ item.subject }}}}（签名或按指印）{SIGN_LINE}　捺印：【　　】",
                  f"调查人：{{{{ item.investigators }}}}（签名）{SIGN_LINE}", f"记录人（签名）{SIGN_LINE}"], tail=1)
    return b


def session():
    b = _Builder("人民调解记录")
    b.fields([("调解时间", "{{ item.held_at }}"), ("调解地点", "{{ item.place }}"), ("事由", "{{ dispute_type }}纠纷"),
              ("参加人", "{{ item.participants }}"), ("人民调解员", "{{ mediators }}"), ("记录人", "{{ item.recorder }}")])
    b.loop("parties", "{{ x.role }}：{{ x.summary }}")
    b.para("告知事项：人民调解员已告知当事人在调解活动中享有的权利和承担的义务，当事人表示已知悉。", indent=True)
    b.section("调解情况：", "{{ item.content }}")
    b.section("调解结果：", "{{ outcome }}")
    b.para("以上记录已交当事人阅读（或向其宣读），当事人确认无误。", indent=True)
    b.signatures(_party_signs("parties") + _mediator_signs() + [
        f"记录人{{% if item.recorder %}}：{{{{ item.recorder }}}}{{% endif %}}（签名）{SIGN_LINE}"], tail=3)
    return b


def agreement():
    b = _Builder("人民调解协议书")
    b.loop("principals", "{{ x.role }}：{{ x.summary }}")
    b.section("纠纷主要事实：", "{{ facts_main }}")
    b.section("争议事项：", "{{ issues }}")
    b.section("各方责任：", "{{ responsibilities }}")
    b.para("经{{ org_name }}调解，各方当事人自愿达成如下协议：", indent=True, keep=True)
    b.terms()
    for line in _amount():
        b.para(line, indent=True)
    b.para("履行方式：{{ performance_method }}；履行期限：{{ performance_deadline }}前履行完毕。", indent=True)
    b.para("本协议一式{{ copies }}份，当事人各执一份，{{ org_term }}留存一份。本协议自各方当事人签名、盖章或者按指印，"
           "人民调解员签名并加盖{{ org_term }}印章之日起生效。", indent=True)
    b.signatures(_party_signs() + _mediator_signs() + ["{{ org_name }}（盖章）", "{{ effective_on }}"], tail=5)
    return b


def oral_agreement():
    b = _Builder("口头协议登记表")
    b.fields([("当事人", "{{ principal_names }}"), ("纠纷类型", "{{ dispute_type }}"), ("达成日期", "{{ effective_on }}"),
              ("协议金额", "{{ amount_upper }}（￥{{ amount }}）", "has_amount"),
              ("履行方式", "{{ performance_method }}", "performance_method"), ("人民调解员", "{{ mediators }}")])
    b.section("纠纷简要情况：", "{{ facts }}")
    b.para("口头协议内容：", bold=True, keep=True)
    b.terms()
    b.para("口头协议自各方当事人达成协议之日起生效（《中华人民共和国人民调解法》第二十八条、第三十条）。", indent=True)
    b.signatures(_party_signs() + _mediator_signs() + ["{{ org_name }}（盖章）", "{{ effective_on }}"], tail=2)
    return b


def follow_up():
    b = _Builder("人民调解回访记录")
    b.fields([("当事人", "{{ principal_names }}"), ("协议编号", "{{ case_number }}"),
              ("回访事由", "了解调解协议履行情况"), ("回访日期", "{{ item.visited_on }}"), ("回访方式", "{{ item.method }}"),
              ("履行情况", "{{ item.performance }}"), ("当事人满意度", "{{ item.satisfaction }}"),
              ("回访人", "{{ item.visitor }}")])
    b.section("回访情况：", "{{ item.notes }}")
    b.signatures([f"被回访人（签名或按指印）{SIGN_LINE}　捺印：【　　】",
                  f"回访人：{{{{ item.visitor }}}}（签名）{SIGN_LINE}"], tail=2)
    return b


def judicial_confirmation():
    b = _Builder("司法确认申请书")
    b.loop("principals", "申请人：{{ x.summary }}")
    b.section("请求事项：", "请求确认申请人于{{ effective_on }}经{{ org_name }}主持调解达成的人民调解协议（{{ case_number }}）有效。")
    b.section("事实与理由：", "{{ facts_main }}")
    b.para("协议内容：", bold=True, keep=True)
    b.terms()
    for line in _amount():
        b.para(line, indent=True)
    b.para("申请人共同承诺：出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；如因虚假陈述等原因导致"
           "确认错误，愿意承担相应的法律责任。", indent=True)
    b.para("此致")
    b.para(f"{SIGN_LINE}人民法院")
    b.signatures(_party_signs(role="申请人") + ["{{ today }}", "附：人民调解协议书、当事人身份证明及相关证明材料"], tail=3)
    return b


def _closing_notice(title: str, verb: str, label: str):
    b = _Builder(title, label=label)
    b.para("{{ principal_names }}：", bold=True)
    b.para(f"你（们）之间的{{{{ dispute_type }}}}纠纷，因{{{{ close_reason }}}}，{{{{ org_self }}}}决定{verb}。", indent=True)
    b.para("{{ routes }}", indent=True)
    b.para("特此告知。", indent=True)
    b.signatures(["{{ org_name }}（盖章）", "{{ closed_on }}"] + _party_signs(role="签收人"), tail=1)
    return b


def rejection_notice():
    return _closing_notice("人民调解不予受理告知书", "不予受理", "不予受理告知书")


def termination_notice():
    return _closing_notice("人民调解终止调解告知书", "终止调解", "终止调解告知书")


def back_cover():
    b = _Builder("封　底（卷内备考表）", label="封底")
    b.para("本卷共有文件{{ document_count }}件，共{{ page_count }}页。", indent=True)
    b.signatures([f"立卷人：{{{{ filer }}}}（签名）{SIGN_LINE}", f"检查人（签名）{SIGN_LINE}", "立卷日期：{{ filed_on }}"])
    return b


BUILDERS = {f.__name__: f for f in (cover, contents, application, registration, rights_notice, investigation, session,
                                    agreement, oral_agreement, follow_up, judicial_confirmation, rejection_notice,
                                    termination_notice, back_cover)}


@cache
def default_template(code: str) -> bytes:
    """The built-in .docx template of a kind (built once per process)."""
    return BUILDERS[code]().bytes()
