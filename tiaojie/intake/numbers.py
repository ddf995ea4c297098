"""Numbers read from dispute text: people counts ("上千名村民", "二十余户", "30多名工人", "十几户",
"数百人") and amounts of money ("8000元", "1.2万元", "89.4万元", "十万元", "3万余元", "1,200元",
full-width digits). Positions refer to the text as given (normalization is one for one)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
             "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "万萬亿億"


def cn_to_int(s: str) -> int | None:
    """Chinese numerals to an int ("二十" 20, "一百二十万" 1200000, "十" 10, "两千五" 2500)."""
    if not s:
        return None
    if all(c in CN_DIGITS for c in s) and len(s) > 1:     # 一二三 read digit by digit
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total, section, digit, last_unit = 0, 0, None, 1
    for c in s:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        elif c in CN_UNITS:
            unit = CN_UNITS[c]
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif c in CN_BIG:
            section += digit or 0
            total = (total + section) * CN_BIG[c] if CN_BIG[c] > 10_000 else total + section * CN_BIG[c]
            section, digit, last_unit = 0, None, CN_BIG[c]
        else:
            return None
    if digit is not None:
        # "两千五" → 2500: a trailing digit after a unit counts a tenth of that unit
        section += digit * (last_unit // 10 if last_unit >= 100 and last_unit <= 1000 and len(s) > 2
                            and s[-2] in CN_UNITS else 1)
    return total + section


def _half(text: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[" + CN_CHARS + "]+)"
VAGUE = {"上千": 1000, "上百": 100, "上万": 10000, "近百": 100, "近千": 1000, "数十": 30, "数百": 300, "数千": 3000,
         "几十": 30, "几百": 300, "几千": 3000, "十几": 10, "十多": 10, "成百": 100, "成千": 1000, "百余": 100,
         "千余": 1000, "数万": 30000, "好几十": 30}
PEOPLE_NOUN = r"(?:村民|工人|农民工|业主|群众|居民|住户|商户|家属|亲属|员工|职工|学生|人员|租户|老人|渔民|果农|菜农|养殖户|农户|乘客|消费者|会员|学员)"
PEOPLE_RE = re.compile(
    "(?P<num>好几十|" + "|".join(VAGUE) + "|" + NUM + ")(?P<approx>余|多|来|几)?"
    "(?:(?:名|位)(?!义|下|字|称|次|额|单|片|誉)" + PEOPLE_NOUN + "?|人(?!民|员费|次|均|身|格|头费|工)|"
    "户(?!口|籍|主|型|头)|个" + PEOPLE_NOUN + "|家(?:住户|商户|村民|农户|企业)|" + PEOPLE_NOUN + ")")
AMOUNT_RE = re.compile(
    "(?P<num>" + NUM + r")(?P<a1>余|多)?(?P<unit>万|千|百|亿|萬|億)?(?P<a2>余|多)?(?:(?:元|块)|(?<=[万亿萬億])(?=[余多]?(?:[，。；、,.;）)\s的]|$)))")


def _num_value(s: str) -> Decimal | None:
    s = s.replace(",", "")
    if s in VAGUE:
        return Decimal(VAGUE[s])
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        try:
            return Decimal(s)
        except InvalidOperation:
            return None
    v = cn_to_int(s)
    return Decimal(v) if v is not None else None


def people_mentions(text: str) -> list[tuple[int, int, int]]:
    """(count, start, end) for each people count in ``text``."""
    t = _half(text)
    out = []
    for m in PEOPLE_RE.finditer(t):
        num = m.group("num")
        if num.isdigit() and m.start() > 0 and t[m.start() - 1] in ".,":
            continue
        v = _num_value(num)
        if v is None or v != v.to_integral_value() or not (1 <= v <= 10_000_000):
            continue
        # a year, a house number or money before the count is not a count ("2019年3人" is fine)
        out.append((int(v), m.start(), m.end()))
    return out


def people_count(text: str) -> int | None:
    found = [n for n, _s, _e in people_mentions(text) if n >= 2]
    return max(found) if found else None


def amounts(text: str) -> list[tuple[Decimal, int, int]]:
    t = _half(text)
    out = []
    for m in AMOUNT_RE.finditer(t):
        v = _num_value(m.group("num"))
        if v is None:
            continue
        unit = m.group("unit")
        if unit:
            v *= {"万": 10_000, "萬": 10_000, "千": 1000, "百": 100, "亿": 100_000_000, "億": 100_000_000}[unit]
        if v <= 0 or v >= Decimal("1e12"):
            continue
        out.append((v.quantize(Decimal("0.01")).normalize() if v != v.to_integral_value() else Decimal(int(v)),
                    m.start(), m.end()))
    return out


def amount(text: str) -> Decimal | None:
    found = [v for v, _s, _e in amounts(text)]
    return max(found) if found else None
