"""The automatic anonymisation (a pure function): names, ID numbers, phones, plates, exact
addresses and private organizations go; amounts stay."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tiaojie.core.identifiers import id_check_char
from tiaojie.portal.anonymise import Known, anonymise, mask_name

KNOWN = Known(people=["刘大海", "孙小梅", "王秀兰"], organizations=["河南宏达建材有限公司"],
              addresses=["卫东区东安社区3号院"])


def test_party_names_keep_the_surname():
    assert mask_name("张三") == "张某"
    assert mask_name("李小明") == "李某某"
    assert mask_name("欧阳娜娜") == "欧阳某某"
    out = anonymise("刘大海与孙小梅系邻居，调解员王秀兰主持调解，大海表示同意。", KNOWN)
    assert out == "刘某某与孙某某系邻居，调解员王某某主持调解，刘某某表示同意。"


def test_people_who_would_read_alike_are_told_apart():
    out = anonymise("张三借给张四5000元。", Known(people=["张三", "张四"]))
    assert "张三" not in out and "张四" not in out
    assert "张某甲" in out and "张某乙" in out and "5000元" in out


def test_other_names_in_the_text():
    out = anonymise("邻居赵明华作证，其妻李秀英称要求赔偿。周建军，男，1970年生。", Known())
    for name in ("赵明华", "李秀英", "周建军"):
        assert name not in out
    assert "邻居赵某某" in out and "其妻李某某称" in out and "周某某，男" in out


def test_identifiers_phones_plates_addresses_and_organizations():
    text = ("申请人刘大海，身份证号410403198001011234，电话139-1234-5678，座机0375-2612345，住卫东区东安社区3号院。"
            "被申请人住幸福小区3栋2单元501室，建设路18号，车牌豫D·A1234。刘大海与河南宏达建材有限公司签约，"
            "另与洛阳鑫源商贸有限公司有往来，账号6222021234567890123，统一社会信用代码91410400MA44XXXX0A。"
            "约定赔偿30000元，另付1.5万元，共计人民币45,000.50元，2026年3月5日前付清。")
    out = anonymise(text, KNOWN)
    for gone in ("刘大海", "410403198001011234", "139-1234-5678", "0375-2612345", "东安社区3号院", "3栋",
                 "501室", "18号", "A1234", "宏达", "鑫源", "6222021234567890123", "91410400MA44XXXX0A"):
        assert gone not in out, gone
    for kept in ("30000元", "1.5万元", "45,000.50元", "2026年3月5日", "幸福小区", "建设路", "某公司"):
        assert kept in out, kept


def test_amounts_and_dates_are_kept():
    text = "被申请人于2026年11月1日赔偿申请人医疗费12800元、误工费3600.50元，合计16400.50元（壹万陆仟肆佰元伍角）。"
    assert anonymise(text) == text


def _id(area, birth, seq):
    first = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first + id_check_char(first)


ids = st.builds(_id, st.integers(110000, 659999).map(str), st.dates(min_value=__import__("datetime").date(1930, 1, 1),
                                                                      max_value=__import__("datetime").date(2020, 12, 31)),
                st.integers(0, 999))
mobiles = st.builds(lambda prefix, body, sep, cc: f"{cc}{prefix}{sep}{body[:4]}{sep}{body[4:]}",
                    st.sampled_from(["130", "139", "150", "186", "177", "199", "145"]),
                    st.text("0123456789", min_size=8, max_size=8), st.sampled_from(["", "-", " "]),
                    st.sampled_from(["", "+86 ", "86-", "+86"]))
landlines = st.builds(lambda area, body, sep: f"{area}{sep}{body}",
                      st.sampled_from(["010", "0375", "0371", "(0375)", "（0371）", "021"]),
                      st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True), st.sampled_from(["", "-", " "]))
fillers = st.sampled_from(["", "电话", "联系方式：", "身份证号", "，", "。", "其手机号为", "ID:"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(ids, mobiles, landlines), min_size=1, max_size=4), fillers, fillers)
def test_numbers_never_survive(numbers, before, after):
    text = "、".join(f"{before}{n}{after}" for n in numbers) + "，赔偿3000元。"
    out = anonymise(text)
    digits = re.sub(r"\D", "", out)
    for n in numbers:
        assert re.sub(r"\D", "", n)[-7:] not in digits, (n, out)
    assert "3000元" in out


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10**9), st.sampled_from(["元", "万元", "亿元"]))
def test_amounts_survive(n, unit):
    text = f"双方约定赔偿{n}{unit}。"
    assert anonymise(text) == text
