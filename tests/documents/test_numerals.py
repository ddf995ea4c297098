"""Chinese capital numerals for amounts (大写金额)."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaojie.documents.numerals import DIGITS, amount_in_words

KNOWN = {
    "12345.60": "壹万贰仟叁佰肆拾伍元陆角整",
    "0": "零元整",
    "0.05": "伍分",
    "0.5": "伍角整",
    "1": "壹元整",
    "10": "壹拾元整",
    "100.05": "壹佰元零伍分",
    "1005": "壹仟零伍元整",
    "1680.32": "壹仟陆佰捌拾元叁角贰分",
    "100000": "壹拾万元整",
    "1000010": "壹佰万零壹拾元整",
    "10010000": "壹仟零壹万元整",
    "100000000": "壹亿元整",
    "100005000": "壹亿零伍仟元整",
    "100000001": "壹亿零壹元整",
    "20000000.07": "贰仟万元零柒分",
    "597006300": "伍亿玖仟柒佰万陆仟叁佰元整",  # 59,700.63万元, the seed's five-year total
    "999999999999.99": "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
}


@pytest.mark.parametrize("figures,words", KNOWN.items())
def test_known_examples(figures, words):
    assert amount_in_words(Decimal(figures)) == words


def test_prefix_rounding_and_errors():
    assert amount_in_words("12,345.6", "人民币") == "人民币壹万贰仟叁佰肆拾伍元陆角整"
    assert amount_in_words(Decimal("0.005")) == "壹分"
    for bad in ("-1", "abc", "NaN", "1e20"):
        with pytest.raises(ValueError):
            amount_in_words(bad)


UNITS = {"拾": 10, "佰": 100, "仟": 1000}
BIG = [("万亿", 10**12), ("亿", 10**8), ("万", 10**4)]


def _group_value(s: str) -> int:
    total, digit = 0, 0
    for ch in s:
        if ch in DIGITS:
            digit = DIGITS.index(ch)
        else:
            total += digit * UNITS[ch]
            digit = 0
    return total + digit


def _int_value(s: str) -> int:
    for name, mult in BIG:
        if name in s:
            high, low = s.split(name, 1)
            return _int_value(high) * mult + _int_value(low)
    return _group_value(s)


def parse(words: str) -> int:
    """Cents from capitals: an independent reading used to check the writer."""
    cents = 0
    if "元" in words:
        yuan, words = words.split("元", 1)
        cents += _int_value(yuan) * 100
    words = words.removesuffix("整")
    if "角" in words:
        jiao, words = words.split("角", 1)
        cents += DIGITS.index(jiao[-1]) * 10
    if "分" in words:
        cents += DIGITS.index(words[-2])
    return cents


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_round_trip_and_shape(cents):
    words = amount_in_words(Decimal(cents) / 100)
    assert parse(words) == cents
    assert set(words) <= set(DIGITS + "拾佰仟万亿元角分整")
    assert "零零" not in words
    assert words.endswith("分") != words.endswith("整")
    assert words.endswith("整") == (cents % 10 == 0)
    if cents:
        assert not words.startswith("零") and "零元" not in words and "零整" not in words
