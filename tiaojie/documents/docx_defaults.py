"""The default .docx templates (docxtpl/Jinja placeholders), built with python-docx from code.

Built at first use and kept in memory: a change to a template is a readable diff here, and
administrators download the built file from admin to start a replacement from. Placeholders
are the names of ``context.PLACEHOLDER_HELP``; lists are looped with ``{%p for … %}`` paragraphs
or ``{%tr for … %}`` table rows.
"""
import io
from functools import cache

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

SIGN_LINE = "＿＿＿＿＿＿＿＿"


class _Builder:
    def __init__(self, title: str, number: bool = True):
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = Mm(25)
        sec.top_margin, sec.bottom_margin = Mm(25), Mm(20)
        style = self.doc.styles["Normal"]
        style.font.name = "宋体"
        style.font.size = Pt(12)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
        h = self.doc.add_paragraph()
        h.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = h.add_run(title)
        run.bold, run.font.size = True, Pt(18)
        if number:
            self.para("{{ org_name }}　　{{ case_number }}", align="right")

    def para(self, text: str, bold: bool = False, align: str | None = None, indent: bool = False):
        p = self.doc.add_paragraph()
        if align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            p.paragraph_format.first_line_indent = Pt(24)
        p.add_run(text).bold = bold
        return p

    def loop(self, var: str, line: str, name: str = "x"):
        self.para(f"{{%p for {name} in {var} %}}")
        self.para(line)
        self.para("{%p endfor %}")

    def fields(self, rows: list[tuple[str, str]]):
        t = self.doc.add_table(rows=0, cols=2)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for label, value in rows:
            cells = t.add_row().cells
            cells[0].text, cells[1].text = label, value
            cells[0].width, cells[1].width = Mm(35), Mm(125)
        self.doc.add_paragraph()

    def section(self, label: str, value: str):
        self.para(label, bold=True)
        self.para(value, indent=True)

    def signatures(self, lines: list[str]):
        self.doc.add_paragraph()
        for line in lines:
            self.para(line)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def _party_signs(var: str = "principals") -> list[str]:
    return [f"{{%p for x in {var} %}}", f"{{{{ x.role }}}}（签名、盖章或按指印）：{SIGN_LINE}　捺印：【　　】",
            "{%p endfor %}"]


def cover():
    b = _Builder("人民调解卷宗", number=False)
    b.fields([("卷　　名", "{{ title }}"), ("卷　　号", "{{ case_number }}"), ("调解组织", "{{ org_name }}"),
              ("人民调解员", "{{ mediators }}"), ("调解日期", "{{ accepted_on }}至{{ closed_on }}"),
              ("调解结果", "{{ outcome }}"), ("立 卷 人", "{{ filer }}"), ("立卷日期", "{{ filed_on }}"),
              ("保管期限", "{{ retention }}")])
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
    b.signatures(["{%p for x in applicants %}", f"申请人（签名或按指印）：{SIGN_LINE}　捺印：【　　】",
                  "{%p endfor %}", "{{ registered_on }}"])
    return b


def registration():
    b = _Builder("人民调解受理登记表")
    b.fields([("纠纷类型", "{{ dispute_type }}"), ("案件来源", "{{ source }}"), ("受理渠道", "{{ channel }}"),
              ("登记日期", "{{ registered_on }}"), ("受理日期", "{{ accepted_on }}"),
              ("纠纷发生地", "{{ place }}"), ("发生日期", "{{ arose_on }}"), ("涉及人数", "{{ people_count }}人"),
              ("涉及金额", "{{ amount_at_stake }}元")])
    b.loop("parties", "{{ x.role }}：{{ x.summary }}")
    b.section("纠纷简要情况：", "{{ facts }}")
    b.section("申请事项：", "{{ claims }}")
    b.signatures(_party_signs("parties") + [f"登记人（签名）：{{{{ registrar }}}}　{SIGN_LINE}",
                                            "{{ org_name }}（盖章）", "{{ registered_on }}"])
    return b


RIGHTS = [
    "一、当事人享有下列权利：（一）选择或者接受人民调解员；（二）接受调解、拒绝调解或者要求终止调解；"
    "（三）要求调解公开进行或者不公开进行；（四）自主表达意愿、自愿达成调解协议。",
    "二、当事人承担下列义务：（一）如实陈述纠纷事实；（二）遵守调解现场秩序，尊重人民调解员；"
    "（三）尊重对方当事人行使权利。",
    "三、人民调解不收取任何费用。调解不是解决纠纷的必经程序，当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。",
]


def rights_notice():
    b = _Builder("人民调解当事人权利义务告知书")
    b.para("{{ principal_names }}：", bold=True)
    b.para("根据《中华人民共和国人民调解法》第二十三条、第二十四条的规定，现将当事人在人民调解活动中享有的权利和承担的义务告知如下：",
           indent=True)
    for line in RIGHTS:
        b.para(line, indent=True)
    b.signatures(["以上内容已告知，当事人已知悉。"] + _party_signs() + ["{{ org_name }}（盖章）", "{{ accepted_on }}"])
    return b


def investigation():
    b = _Builder("人民调解调查记录")
    b.fields([("调查时间", "{{ item.held_at }}"), ("调查地点", "{{ item.place }}"), ("被调查人", "{{ item.subject }}"),
              ("调查人", "{{ item.investigators }}"), ("事由", "{{ dispute_type }}纠纷")])
    b.section("调查内容：", "{{ item.content }}")
    b.signatures([f"被调查人（签名或按指印）：{SIGN_LINE}　捺印：【　　】", f"调查人（签名）：{SIGN_LINE}",
                  f"记录人（签名）：{SIGN_LINE}"])
    return b


def session():
    b = _Builder("人民调解记录")
    b.fields([("调解时间", "{{ item.held_at }}"), ("调解地点", "{{ item.place }}"), ("事由", "{{ dispute_type }}纠纷"),
              ("参加人", "{{ item.participants }}"), ("人民调解员", "{{ mediators }}")])
    b.loop("parties", "{{ x.role }}：{{ x.summary }}")
    b.para("告知事项：人民调解员已告知当事人在调解活动中享有的权利和承担的义务，当事人表示已知悉。", indent=True)
    b.section("调解情况：", "{{ item.content }}")
    b.section("调解结果：", "{{ outcome }}")
    b.signatures(_party_signs("parties") + [f"人民调解员（签名）：{{{{ mediators }}}}　{SIGN_LINE}",
                                            f"记录人（签名）：{{{{ item.recorder }}}}　{SIGN_LINE}"])
    return b


def agreement():
    b = _Builder("人民调解协议书")
    b.loop("principals", "{{ x.role }}：{{ x.summary }}")
    b.section("纠纷主要事实：", "{{ facts_main }}")
    b.section("争议事项：", "{{ issues }}")
    b.section("各方责任：", "{{ responsibilities }}")
    b.para("经人民调解委员会调解，各方当事人自愿达成如下协议：", bold=True)
    b.para("{{ terms }}", indent=True)
    b.para("协议金额：人民币{{ amount }}元（大写：{{ amount_upper }}）。", indent=True)
    b.para("履行方式：{{ performance_method }}；履行期限：{{ performance_deadline }}前履行完毕。", indent=True)
    b.para("本协议一式{{ copies }}份，当事人各执一份，人民调解委员会留存一份。本协议自各方当事人签名、盖章或者按指印，"
           "人民调解员签名并加盖人民调解委员会印章之日起生效。", indent=True)
    b.signatures(_party_signs() + [f"人民调解员（签名）：{SIGN_LINE}", "{{ org_name }}（盖章）", "{{ effective_on }}"])
    return b


def oral_agreement():
    b = _Builder("口头协议登记表")
    b.fields([("当事人", "{{ principal_names }}"), ("纠纷类型", "{{ dispute_type }}"), ("达成日期", "{{ effective_on }}"),
              ("协议金额", "{{ amount }}元（大写：{{ amount_upper }}）"), ("履行方式", "{{ performance_method }}"),
              ("人民调解员", "{{ mediators }}")])
    b.section("纠纷简要情况：", "{{ facts }}")
    b.section("口头协议内容：", "{{ terms }}")
    b.para("口头协议自各方当事人达成协议之日起生效（《中华人民共和国人民调解法》第三十条）。", indent=True)
    b.signatures(_party_signs() + [f"人民调解员（签名）：{SIGN_LINE}", "{{ org_name }}（盖章）"])
    return b


def follow_up():
    b = _Builder("人民调解回访记录")
    b.fields([("当事人", "{{ principal_names }}"), ("协议编号", "{{ case_number }}"),
              ("回访事由", "了解调解协议履行情况"), ("回访日期", "{{ item.visited_on }}"), ("回访方式", "{{ item.method }}"),
              ("履行情况", "{{ item.performance }}"), ("当事人满意度", "{{ item.satisfaction }}"),
              ("回访人", "{{ item.visitor }}")])
    b.section("回访情况：", "{{ item.notes }}")
    b.signatures([f"被回访人（签名或按指印）：{SIGN_LINE}", f"回访人（签名）：{SIGN_LINE}"])
    return b


def judicial_confirmation():
    b = _Builder("司法确认申请书")
    b.loop("principals", "申请人：{{ x.summary }}")
    b.section("请求事项：", "请求确认申请人于{{ effective_on }}经{{ org_name }}主持调解达成的人民调解协议（{{ case_number }}）有效。")
    b.section("事实与理由：", "{{ facts_main }}")
    b.section("协议内容：", "{{ terms }}")
    b.para("协议金额：人民币{{ amount }}元（大写：{{ amount_upper }}）。", indent=True)
    b.para("申请人共同承诺：出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；如因虚假陈述等原因导致"
           "确认错误，愿意承担相应的法律责任。", indent=True)
    b.para("此致")
    b.para(f"{SIGN_LINE}人民法院")
    b.signatures(_party_signs() + ["{{ today }}", "附：人民调解协议书、当事人身份证明及相关证明材料"])
    return b


def _closing_notice(title: str, verb: str):
    b = _Builder(title)
    b.para("{{ principal_names }}：", bold=True)
    b.para(f"你（们）之间的{{{{ dispute_type }}}}纠纷，因{{{{ close_reason }}}}，本委员会决定{verb}。", indent=True)
    b.para("{{ routes }}", indent=True)
    b.para("特此告知。", indent=True)
    b.signatures(["{{ org_name }}（盖章）", "{{ closed_on }}", f"当事人签收（签名或按指印）：{SIGN_LINE}"])
    return b


def rejection_notice():
    return _closing_notice("人民调解不予受理告知书", "不予受理")


def termination_notice():
    return _closing_notice("人民调解终止调解告知书", "终止调解")


def back_cover():
    b = _Builder("封　底（卷内备考表）")
    b.para("本卷共有文件{{ document_count }}件，共{{ page_count }}页。", indent=True)
    b.signatures([f"立卷人（签名）：{{{{ filer }}}}　{SIGN_LINE}", f"检查人（签名）：{SIGN_LINE}", "立卷日期：{{ filed_on }}"])
    return b


BUILDERS = {f.__name__: f for f in (cover, contents, application, registration, rights_notice, investigation, session,
                                    agreement, oral_agreement, follow_up, judicial_confirmation, rejection_notice,
                                    termination_notice, back_cover)}


@cache
def default_template(code: str) -> bytes:
    """The built-in .docx template of a kind (built once per process)."""
    return BUILDERS[code]().bytes()
