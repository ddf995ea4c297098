"""People counts and amounts read from text, over many number formats (hypothesis)."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tiaojie.intake.numbers import amount, cn_to_int, people_count

CN = "零一二三四五六七八九"


def to_cn(n: int) -> str:
    """An int below 100,000,000 in Chinese numerals (一百二十, 十, 三万零五百)."""
    if n == 0:
        return "零"

    def below_10k(x: int, lead: bool) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // value % 10
            if d:
                if zero and out:
                    out += "零"
                out += ("" if (value == 10 and d == 1 and not out and lead) else CN[d]) + unit
                zero = False
            elif out:
                zero = True
        return out

    hi, lo = divmod(n, 10000)
    if not hi:
        return below_10k(lo, True)
    s = below_10k(hi, True) + "万"
    if lo:
        s += ("零" if lo < 1000 else "") + below_10k(lo, False)
    return s


def full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c == "." else c for c in s)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n):
    assert cn_to_int(to_cn(n)) == n


@settings(max_examples=200)
@given(n=st.integers(min_value=1, max_value=9_999_999), fmt=st.sampled_from(["plain", "comma", "full", "cn"]),
       approx=st.sampled_from(["", "余", "多"]), prefix=st.sampled_from(["", "共计", "要求赔偿损失", "人民币"]))
def test_amount_in_yuan(n, fmt, approx, prefix):
    text = {"plain": str(n), "comma": f"{n:,}", "full": full_width(str(n)), "cn": to_cn(n)}[fmt]
    assert amount(f"申请人{prefix}{text}{approx}元，双方协商。") == Decimal(n)


@settings(max_examples=200)
@given(wan=st.integers(min_value=1, max_value=9999), tenths=st.integers(min_value=0, max_value=9),
       approx=st.sampled_from(["", "余"]), full=st.booleans())
def test_amount_in_wan(wan, tenths, approx, full):
    number = f"{wan}.{tenths}" if tenths else str(wan)
    if full:
        number = full_width(number)
    expected = Decimal(wan) * 10000 + Decimal(tenths) * 1000
    assert amount(f"涉及补偿款{number}万{approx}元。") == expected


def test_amount_examples():
    for text, value in [("8000元", 8000), ("1.2万元", 12000), ("89.4万元", 894000), ("十万元", 100000),
                        ("3万余元", 30000), ("１２００元", 1200), ("欠款3万，", 30000), ("两千五百元", 2500),
                        ("人民币伍仟元", 5000), ("一百二十万元", 1200000)]:
        assert amount(text) == Decimal(value), text
    assert amount("2019年3月发生纠纷") is None
    assert amount("拖欠工资8000元，另欠材料款2.5万元") == Decimal(25000)


@settings(max_examples=200)
@given(n=st.integers(min_value=2, max_value=50000), fmt=st.sampled_from(["plain", "full", "cn"]),
       approx=st.sampled_from(["", "余", "多"]), unit=st.sampled_from(["名工人", "名村民", "户", "人", "位业主", "户村民"]))
def test_people_count(n, fmt, approx, unit):
    text = {"plain": str(n), "full": full_width(str(n)), "cn": to_cn(n)}[fmt]
    assert people_count(f"某工地{text}{approx}{unit}聚集讨要说法") == n


def test_people_examples():
    for text, value in [("二十余户", 20), ("30多名工人", 30), ("上千名村民", 1000), ("十几户", 10), ("数百人", 300),
                        ("近百名业主", 100)]:
        assert people_count(text) == value, text
    assert people_count("人民币5000元") is None
    assert people_count("一人受伤") is None
