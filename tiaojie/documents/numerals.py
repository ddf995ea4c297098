"""Amounts in Chinese capital numerals (大写金额), as written on agreements and receipts.

Rules follow the 《支付结算办法》 practice: digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 inside a
four-digit group and 万/亿/万亿 between groups; one 零 stands for any run of zeros between
non-zero digits; the amount ends with 整 when it has no 分 (``12345.60`` →
``壹万贰仟叁佰肆拾伍元陆角整``, ``100.05`` → ``壹佰元零伍分``, ``0`` → ``零元整``).
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")
MAX_AMOUNT = Decimal(10) ** 16  # 万亿 groups end here


def _group(n: int) -> str:
    """0 < n < 10000, with inner zeros collapsed and trailing zeros dropped (1005 → 壹仟零伍)."""
    out, zero = [], False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + SMALL_UNITS[pos])
    return "".join(out)


def integer_words(n: int) -> str:
    """A non-negative integer in capitals without the 元 (0 → 零; 100010 → 壹拾万零壹拾)."""
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, need_zero = [], False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out.append("零")
        out.append(_group(g) + BIG_UNITS[i])
        need_zero = False
    return "".join(out)


def amount_in_words(value, prefix: str = "") -> str:
    """``Decimal``/int/str amount in yuan → 大写 (rounded half-up to 分). Negative or ≥ 10^16 → ValueError."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(f"不是有效金额：{value!r}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"金额须为非负数：{value!r}")
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount >= MAX_AMOUNT:
        raise ValueError("金额过大")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return prefix + "零元整"
    out = integer_words(yuan) + "元" if yuan else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            out += "零"
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return prefix + out


def amount_figures(value) -> str:
    """Amount in figures as printed next to the capitals: ``12345.60``."""
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"
