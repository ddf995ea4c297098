"""Identifier checks (DOMAIN.md §8).

* 居民身份证号码 (GB 11643): checksum and birth date are hard errors; an unknown area code
  is only a warning.
* 统一社会信用代码 (GB 32100): charset/length are hard errors; a failed check character is a
  warning (early pilot codes fail it yet are real).
* The random codes Tiaojie hands out (``random_code``): the tracking code (一案一码) and the
  online application's reference (申请编号) draw from one alphabet.
"""
import datetime as dt
import re
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# First two digits of valid province-level area codes (GB/T 2260), plus 83 (台湾居民居住证) and
# 81/82 (港澳居民居住证).
PROVINCE_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
}

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _normalize(value: str) -> str:
    """Full-width characters typed with a Chinese input method become ASCII (１２３Ｘ → 123X).

    Other Unicode digits stay as they are and fail the ASCII-only checks below (Python's ``\\d``
    and ``int()`` would otherwise accept them).
    """
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def check_id_number(value: str, today: dt.date | None = None) -> tuple[str, list[str]]:
    """Validate an 18-digit resident ID number.

    Returns ``(normalized, warnings)``; raises ``ValidationError`` with a Chinese message on
    a hard error.
    """
    v = _normalize(value)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", v):
        raise ValidationError("身份证号应为18位，前17位为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期不存在")
    today = today or timezone.localdate()  # the local (Beijing) date, not the server's UTC date
    if birth > today or birth.year < 1900:
        raise ValidationError("身份证号中的出生日期不合理")
    if id_check_char(v[:17]) != v[17]:
        raise ValidationError("身份证号校验位错误，请核对号码")
    warnings = []
    if v[:2] not in PROVINCE_PREFIXES:
        warnings.append(f"身份证号地区码 {v[:6]} 不在已知区划中，请核对")
    return v, warnings


def id_birth_date(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_gender(value: str) -> str:
    return "男" if int(value[16]) % 2 == 1 else "女"


def validate_id_number_field(value: str) -> None:
    if value:
        check_id_number(value)


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def check_credit_code(value: str) -> tuple[str, list[str]]:
    """Validate a 统一社会信用代码; returns ``(normalized, warnings)``."""
    v = _normalize(value)
    if len(v) != 18:
        raise ValidationError("统一社会信用代码应为18位")
    bad = sorted({c for c in v if c not in CREDIT_CHARS})
    if bad:
        raise ValidationError(f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）")
    warnings = []
    if credit_check_char(v[:17]) != v[17]:
        warnings.append("统一社会信用代码校验位不符，请核对（部分早期试点代码属此情况）")
    return v, warnings


def mask_id(value: str) -> str:
    """Show at most the first 3 and last 4 characters of an identifier.

    Short identifiers (passports, permits) keep fewer characters so that most of the value is
    always hidden; the masked text is at most 18 characters long (it is stored in
    ``Party.id_masked``).
    """
    if not value:
        return ""
    n = len(value)
    head, tail = min(3, n // 4), min(4, n // 4)
    stars = max(min(n - head - tail, 11), 1)
    return value[:head] + "*" * stars + (value[-tail:] if tail else "")


def mask_phone(value: str) -> str:
    """Mobile numbers keep the first 3 and last 4 digits; shorter numbers keep less."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "****" + value[-4:]
    keep = 2 if len(value) >= 7 else (1 if len(value) >= 4 else 0)
    return value[:keep] + "*" * (len(value) - 2 * keep) + (value[-keep:] if keep else "")


# Without 0/O, 1/I/L: read aloud and typed from paper without mistakes (31 characters).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int) -> str:
    """``length`` characters drawn from ``CODE_ALPHABET`` by the system's secure random source."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
