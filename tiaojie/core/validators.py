"""Field rules shared by forms, services and API schemas (services are the source of truth).

Every function takes the raw value, the form field it concerns and the field's Chinese name,
and returns the clean value or raises ``DomainError(message, field)``. ``TEXT_LIMITS`` is the one
table of text lengths: the forms' ``max_length``, the services' checks and the API schemas'
``max_length`` all read it.

``party(index, data)`` checks one party (当事人) the same way for the desk form, referrals, the
API, screening findings and public applications (DOMAIN.md §8): hard errors raise
``PartyError`` naming the party and the field; soft findings come back as warnings.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from tiaojie.core import dates
from tiaojie.core.errors import DomainError
from tiaojie.core.identifiers import check_credit_code, check_id_number, id_birth_date, id_gender

# The length limit of each free-text field, in characters.
TEXT_LIMITS = {
    "facts": 5000,          # 纠纷简要情况
    "claims": 2000,         # 申请事项
    "place_detail": 200,
    "reason": 2000,         # reasons and notes of steps
    "note": 2000,
    "content": 20000,       # 调解记录 / 调查记录 content
    "terms": 10000,         # 协议内容
    "agreement_text": 5000,  # 纠纷主要事实、争议事项、各方责任
    "participants": 300,
    "place": 200,
    "name": 100,            # a party's name
    "person": 60,           # a person named in a record (visitor, caller, leader)
    "address": 200,
    "occupation": 50,
    "ethnicity": 12,
    "legal_rep": 30,
    "id_number": 30,
    "phone": 20,
    "credit_code": 18,
    "short": 200,
}

AMOUNT_LIMIT = Decimal("1e12")  # DecimalField(max_digits=14, decimal_places=2)
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


class PartyError(DomainError):
    """A hard error in one party's data: ``index`` (0-based) and ``party_field`` locate it."""

    def __init__(self, message: str, index: int, party_field: str | None):
        super().__init__(message, "parties")
        self.index = index
        self.party_field = party_field


def limit(name: str) -> int:
    return TEXT_LIMITS[name]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, field: str, what: str, *, required: bool = True, limit_name: str | None = None) -> str:
    """Stripped text within its limit; required text must not be blank."""
    if _blank(value):
        if required:
            raise DomainError(f"请填写{what}", field)
        return ""
    value = str(value).replace("\x00", "").strip()
    n = TEXT_LIMITS.get(limit_name or field, TEXT_LIMITS["reason"])
    if len(value) > n:
        raise DomainError(f"{what}不能超过{n}字（现有{len(value)}字），请精简后再提交", field)
    return value


def amount(value, field: str, what: str = "金额") -> Decimal:
    """A non-negative money amount (yuan, two decimals) from a number or text."""
    if _blank(value):
        return Decimal("0")
    try:
        result = Decimal(unicodedata.normalize("NFKC", str(value)).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{what}须为数字", field)
    if not result.is_finite():
        raise DomainError(f"{what}须为数字", field)
    if result < 0:
        raise DomainError(f"{what}不能为负数", field)
    if result >= AMOUNT_LIMIT:
        raise DomainError(f"{what}过大，请核对", field)
    return result.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def count(value, field: str, what: str, *, minimum: int = 1, maximum: int = 1_000_000, default: int | None = None) -> int:
    if _blank(value):
        if default is not None:
            return default
        raise DomainError(f"请填写{what}", field)
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(f"{what}请填写整数", field)
    if n < minimum:
        raise DomainError(f"{what}至少为{minimum}", field)
    if n > maximum:
        raise DomainError(f"{what}过大，请核对", field)
    return n


def date(value, field: str, what: str, *, required: bool = True, not_future: bool = False,
         not_before: dt.date | None = None, not_before_what: str = "") -> dt.date | None:
    """A date from a ``date`` or ISO text, optionally not in the future (Beijing date)."""
    if _blank(value):
        if required:
            raise DomainError(f"请填写{what}", field)
        return None
    if isinstance(value, dt.datetime):
        value = dates.local(value).date()
    elif not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError(f"{what}不是有效日期", field)
    if value.year < 1900:
        raise DomainError(f"{what}不合理", field)
    if not_future and value > dates.today():
        raise DomainError(f"{what}不能晚于今天", field)
    if not_before is not None and value < not_before:
        raise DomainError(f"{what}不能早于{not_before_what or not_before.isoformat()}", field)
    return value


def moment(value, field: str, what: str, *, not_future: bool = True, not_before: dt.date | None = None,
           not_before_what: str = "") -> dt.datetime:
    """An aware datetime from a datetime, a date (09:00) or ISO text; not in the future."""
    if _blank(value):
        raise DomainError(f"请填写{what}", field)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise DomainError(f"{what}不是有效时间", field)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9, 0))
    if not isinstance(value, dt.datetime):
        raise DomainError(f"{what}不是有效时间", field)
    value = dates.aware(value)
    if value.year < 1900:
        raise DomainError(f"{what}不合理", field)
    if not_future and value > dates.now() + dt.timedelta(minutes=5):
        raise DomainError(f"{what}不能晚于现在", field)
    if not_before is not None and dates.local(value).date() < not_before:
        raise DomainError(f"{what}不能早于{not_before_what or not_before.isoformat()}", field)
    return value


def phone(value, field: str = "phone", what: str = "联系电话") -> str:
    value = unicodedata.normalize("NFKC", value or "").strip()
    if value and not PHONE_RE.match(value):
        raise DomainError(f"{what}格式不正确，只能包含数字和 + - ( )", field)
    return value


def mobile(value, field: str = "phone", what: str = "手机号码") -> str:
    value = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").replace("-", "")
    if not MOBILE_RE.match(value):
        raise DomainError(f"{what}应为11位手机号码", field)
    return value


PERSON, ORG = "person", "org"
RESIDENT = "resident"
ID_TYPES = ("resident", "passport", "hmt", "foreign", "other")
ROLES = ("applicant", "respondent", "third", "agent")


def party(index: int, data: dict, *, today: dt.date | None = None) -> tuple[dict, list[str]]:
    """Check one party (0-based ``index``); returns (clean data, warnings)."""
    d = dict(data)
    today = today or dates.today()
    who = f"第{index + 1}名当事人"

    def fail(message: str, f: str | None):
        raise PartyError(f"{who}：{message}", index, f)

    def txt(f: str, what: str, limit_name: str | None = None) -> str:
        v = (d.get(f) or "")
        v = str(v).replace("\x00", "").strip()
        n = TEXT_LIMITS[limit_name or f]
        if len(v) > n:
            fail(f"{what}不能超过{n}字", f)
        return v

    warnings: list[str] = []
    d["name"] = txt("name", "姓名或名称")
    if not d["name"]:
        fail("请填写姓名或名称", "name")
    who = f"{who}（{d['name']}）"
    role = d.get("role") or "applicant"
    if role not in ROLES:
        fail("身份无效", "role")
    d["role"] = role
    kind = d.get("kind") or PERSON
    if kind not in (PERSON, ORG):
        fail("类型无效", "kind")
    d["kind"] = kind
    for f, what in (("address", "住址/单位"), ("occupation", "职业或职务"), ("ethnicity", "民族"),
                    ("legal_rep", "法定代表人")):
        d[f] = txt(f, what)
    try:
        d["phone"] = phone(d.get("phone"), "phone")
    except DomainError as e:
        fail(e.message, "phone")
    idn = unicodedata.normalize("NFKC", str(d.get("id_number") or "")).strip().upper()
    if len(idn) > TEXT_LIMITS["id_number"]:
        fail("证件号码过长", "id_number")
    id_type = d.get("id_type") or ""
    if id_type and id_type not in ID_TYPES:
        fail("证件类型无效", "id_type")
    if kind == ORG:
        code = unicodedata.normalize("NFKC", str(d.get("credit_code") or "")).strip().upper()
        if code:
            try:
                code, notes = check_credit_code(code)
            except ValidationError as e:
                fail(e.messages[0], "credit_code")
            warnings += [f"{who}：{n}" for n in notes]
        d["credit_code"] = code
        d["gender"] = d["ethnicity"] = d["occupation"] = ""
        d["birth_date"] = None
        d["id_number"] = idn
        d["id_type"] = id_type
        return d, warnings
    d["credit_code"] = d["legal_rep"] = ""
    birth = d.get("birth_date")
    if birth not in (None, ""):
        try:
            birth = date(birth, "birth_date", "出生日期", not_future=True)
        except DomainError as e:
            fail(e.message, "birth_date")
    else:
        birth = None
    gender = d.get("gender") or ""
    if gender not in ("", "男", "女"):
        fail("性别无效", "gender")
    if idn and not id_type:
        id_type = RESIDENT
    if idn and id_type == RESIDENT:
        try:
            idn, notes = check_id_number(idn, today=today)
        except ValidationError as e:
            fail(e.messages[0], "id_number")
        warnings += [f"{who}：{n}" for n in notes]
        id_birth = id_birth_date(idn)
        if birth and birth != id_birth:
            fail(f"出生日期与身份证号中的出生日期（{id_birth:%Y-%m-%d}）不一致", "birth_date")
        birth = id_birth
        g = id_gender(idn)
        if not gender:
            gender = g
        elif gender != g:
            warnings.append(f"{who}：性别与身份证号显示的性别（{g}）不一致，请核对")
    d.update(id_number=idn, id_type=id_type, birth_date=birth, gender=gender)
    return d, warnings


def parties(items: list[dict], *, source: str = "", today: dt.date | None = None) -> tuple[list[dict], list[str]]:
    """Check the parties of one registration: at least one principal; an application needs an
    applicant; an agent names the index of the principal it represents (``agent_for``)."""
    principals = [p for p in items if (p.get("role") or "applicant") != "agent"]
    if not principals:
        raise DomainError("请至少填写一名当事人", "parties")
    if source == "application" and not any((p.get("role") or "applicant") == "applicant" for p in principals):
        raise DomainError("当事人申请的纠纷须至少有一名申请人", "parties")
    clean, warnings = [], []
    for i, p in enumerate(items):
        d, w = party(i, p, today=today)
        clean.append(d)
        warnings += w
    n_principals = len(principals)
    for i, d in enumerate(clean):
        if d["role"] != "agent":
            d["agent_for"] = None
            continue
        target = d.get("agent_for")
        try:
            target = int(target)
        except (TypeError, ValueError):
            target = -1
        if not 0 <= target < n_principals:
            raise PartyError(f"第{i + 1}名当事人（{d['name']}）：所代理的当事人不存在", i, "agent_for")
        d["agent_for"] = target
    # principals first, then agents (an agent's ``agent_for`` indexes the principals)
    clean = [d for d in clean if d["role"] != "agent"] + [d for d in clean if d["role"] == "agent"]
    return clean, warnings
