"""Identifier checks (DOMAIN.md §8), property-based with hypothesis.

居民身份证号码 (GB 11643): checksum and birth date are hard errors, an unknown area code a warning.
统一社会信用代码 (GB 32100): charset and length are hard errors, a wrong check character a warning.
"""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tiaojie.core.identifiers import (
    CREDIT_CHARS,
    CREDIT_WEIGHTS,
    ID_CHECK,
    ID_WEIGHTS,
    PROVINCE_PREFIXES,
    check_credit_code,
    check_id_number,
    credit_check_char,
    id_birth_date,
    id_check_char,
    id_gender,
    mask_id,
    mask_phone,
    validate_id_number_field,
)

TODAY = dt.date(2026, 11, 28)  # a fixed "today" so that the properties do not depend on the clock
PROFILE = settings(max_examples=200, deadline=None)

areas = st.builds(lambda p, rest: p + rest, st.sampled_from(sorted(PROVINCE_PREFIXES - {"81", "82", "83", "71"})),
                  st.text("0123456789", min_size=4, max_size=4))
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(min_value=0, max_value=999)


def make(area: str, birth: dt.date, seq: int) -> str:
    first = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first + id_check_char(first)


valid_ids = st.builds(make, areas, births, seqs)


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        d = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= d <= TODAY


def ok(value: str) -> bool:
    try:
        check_id_number(value, today=TODAY)
    except ValidationError:
        return False
    return True


# --- 居民身份证号码 ------------------------------------------------------------------------------

def test_known_numbers():
    assert id_check_char("11010519491231002") == "X"
    assert check_id_number("11010519491231002x", today=TODAY) == ("11010519491231002X", [])
    assert check_id_number(" 410403198001010010 ", today=TODAY)[0] == make("410403", dt.date(1980, 1, 1), 1)


def test_weights_and_check_table_follow_iso7064():
    assert ID_WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))
    # the check character c makes sum(a_i * w_i) + c ≡ 1 (mod 11), with X standing for 10
    for s in range(11):
        c = ID_CHECK[s]
        assert (s + (10 if c == "X" else int(c))) % 11 == 1


@PROFILE
@given(area=areas, birth=births, seq=seqs)
def test_generated_valid_ids_pass_and_are_read_right(area, birth, seq):
    idn = make(area, birth, seq)
    normalized, warnings = check_id_number(idn.lower(), today=TODAY)
    assert normalized == idn and warnings == []
    assert id_birth_date(idn) == birth
    assert id_gender(idn) == ("男" if seq % 2 else "女")


@PROFILE
@given(idn=valid_ids, pos=st.integers(min_value=0, max_value=17), new=st.sampled_from("0123456789X"))
@example(idn="410403198001010010", pos=12, new="3")  # 19800131: a real date, caught by the checksum
@example(idn="410403198001010010", pos=10, new="2")  # 19802101: no such month
def test_any_single_character_change_fails(idn, pos, new):
    assume(idn[pos] != new)
    changed = idn[:pos] + new + idn[pos + 1:]
    with pytest.raises(ValidationError) as exc:
        check_id_number(changed, today=TODAY)
    message = exc.value.messages[0]
    if new == "X" and pos < 17:
        assert "18位" in message
    elif 6 <= pos < 14 and not _plausible_birth(changed[6:14]):
        assert "出生日期" in message  # an impossible or implausible date is a hard error of its own
    else:
        assert "校验位" in message  # MOD 11-2 catches every single-character change


@PROFILE
@given(idn=valid_ids, pos=st.integers(min_value=0, max_value=16))
def test_swapping_adjacent_digits_fails(idn, pos):
    assume(idn[pos] != idn[pos + 1])
    swapped = idn[:pos] + idn[pos + 1] + idn[pos] + idn[pos + 2:]
    assert not ok(swapped)


@pytest.mark.parametrize("birth", ["20230230", "19990229", "20211301", "20210001", "20210100", "20210431"])
def test_impossible_birth_date_fails_with_date_message(birth):
    idn = make("410403", dt.date(2000, 1, 1), 11)
    idn = idn[:6] + birth + idn[14:17]
    idn += id_check_char(idn)  # the checksum is right: only the date is wrong
    with pytest.raises(ValidationError, match="出生日期不存在"):
        check_id_number(idn, today=TODAY)


def test_leap_day_is_a_real_date():
    assert ok(make("410403", dt.date(2000, 2, 29), 12))


@PROFILE
@given(area=areas, days=st.integers(min_value=1, max_value=3000), seq=seqs)
def test_future_birth_date_fails(area, days, seq):
    idn = make(area, TODAY + dt.timedelta(days=days), seq)
    with pytest.raises(ValidationError, match="出生日期"):
        check_id_number(idn, today=TODAY)


def test_birth_before_1900_fails():
    with pytest.raises(ValidationError, match="出生日期"):
        check_id_number(make("410403", dt.date(1899, 12, 31), 1), today=TODAY)


def test_birth_today_passes():
    assert ok(make("410403", TODAY, 1))


@PROFILE
@given(prefix=st.sampled_from([f"{i:02d}" for i in range(100) if f"{i:02d}" not in PROVINCE_PREFIXES]),
       rest=st.text("0123456789", min_size=4, max_size=4), birth=births, seq=seqs)
def test_unknown_area_code_only_warns(prefix, rest, birth, seq):
    idn = make(prefix + rest, birth, seq)
    normalized, warnings = check_id_number(idn, today=TODAY)
    assert normalized == idn
    assert len(warnings) == 1 and "地区码" in warnings[0] and idn[:6] in warnings[0]


@pytest.mark.parametrize("value", ["", "4104031980010100", "4104031980010100111", "41040319800101001Y",
                                   "X10403198001010011", "41040319800101 011", "٤١٠٤٠٣١٩٨٠٠١٠١٠٠١١"])
def test_wrong_shape_fails_with_length_message(value):
    with pytest.raises(ValidationError, match="18位"):
        check_id_number(value, today=TODAY)


def test_error_messages_are_chinese():
    bad = make("410403", dt.date(1980, 1, 1), 1)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位错误"):
        check_id_number(bad, today=TODAY)


def test_model_field_validator():
    validate_id_number_field("")  # blank is allowed on the field
    validate_id_number_field(make("410403", dt.date(1980, 1, 1), 1))
    with pytest.raises(ValidationError):
        validate_id_number_field("410403198001010012")


# --- 统一社会信用代码 ------------------------------------------------------------------------------

credit_bodies = st.text(CREDIT_CHARS, min_size=17, max_size=17)


def test_credit_weights_are_powers_of_three():
    assert CREDIT_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))
    assert set(CREDIT_CHARS).isdisjoint("IOZSV") and len(CREDIT_CHARS) == 31


def test_known_credit_code():
    assert check_credit_code("91350100M000100Y43") == ("91350100M000100Y43", [])
    assert check_credit_code(" 91350100m000100y43 ")[0] == "91350100M000100Y43"


@PROFILE
@given(body=credit_bodies)
def test_generated_credit_codes_pass_without_warning(body):
    code = body + credit_check_char(body)
    assert check_credit_code(code) == (code, [])
    # the check character makes the weighted sum a multiple of 31
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    assert (total + CREDIT_CHARS.index(code[17])) % 31 == 0


@PROFILE
@given(body=credit_bodies, wrong=st.sampled_from(CREDIT_CHARS))
def test_wrong_credit_check_char_only_warns(body, wrong):
    assume(wrong != credit_check_char(body))
    normalized, warnings = check_credit_code(body + wrong)
    assert normalized == body + wrong
    assert len(warnings) == 1 and "校验位" in warnings[0]


@PROFILE
@given(body=credit_bodies, pos=st.integers(min_value=0, max_value=17), bad=st.sampled_from("IOZSV"))
def test_forbidden_letters_are_errors(body, pos, bad):
    code = body + credit_check_char(body)
    code = code[:pos] + bad + code[pos + 1:]
    with pytest.raises(ValidationError, match="不允许的字符") as exc:
        check_credit_code(code)
    assert bad in exc.value.messages[0]


@PROFILE
@given(code=st.text(CREDIT_CHARS, max_size=30).filter(lambda s: len(s) != 18))
def test_wrong_length_is_an_error(code):
    with pytest.raises(ValidationError, match="18位"):
        check_credit_code(code)


@pytest.mark.parametrize("code", ["91350100M000100Y4-", "91350100M000100Y4 3", "统一社会信用代码统一社会信用代码统一"])
def test_other_characters_are_errors(code):
    with pytest.raises(ValidationError):
        check_credit_code(code)


# --- masking ------------------------------------------------------------------------------------

def revealed(original: str, masked: str) -> set[int]:
    """Positions of ``original`` that ``masked`` shows (head from the left, tail from the right)."""
    shown = set()
    for i, ch in enumerate(masked):
        if ch == "*":
            break
        shown.add(i)
    for i, ch in enumerate(reversed(masked)):
        if ch == "*":
            break
        shown.add(len(original) - 1 - i)
    return shown


identifier_text = st.text(st.characters(codec="ascii", categories=["Lu", "Ll", "Nd"]), max_size=40)


@PROFILE
@given(value=identifier_text)
@example(value="410403198001010011")
@example(value="E1234567")
@example(value="1234")
def test_mask_id_shows_at_most_first_3_and_last_4(value):
    masked = mask_id(value)
    if not value:
        assert masked == ""
        return
    assert "*" in masked
    shown = revealed(value, masked)
    assert all(i < 3 or i >= len(value) - 4 for i in shown)
    assert len(shown) <= len(value) // 2  # at least half of any identifier stays hidden
    head = masked[: masked.index("*")]
    tail = masked[len(masked.rstrip("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")):]
    assert value.startswith(head) and value.endswith(tail)
    assert len(masked) <= 18  # fits Party.id_masked


def test_mask_id_examples():
    assert mask_id("410403198001010011") == "410***********0011"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_id("123") == "***"


phones = st.text("0123456789-", max_size=20)


@PROFILE
@given(value=phones)
@example(value="13912345678")
@example(value="1234")
@example(value="12")
def test_mask_phone_shows_at_most_first_3_and_last_4(value):
    masked = mask_phone(value)
    if not value:
        assert masked == ""
        return
    assert "*" in masked
    shown = revealed(value, masked)
    assert all(i < 3 or i >= len(value) - 4 for i in shown)
    assert len(shown) <= max(len(value) * 2 // 3, 0)
    assert len(masked) <= 20  # fits Party.phone_masked


def test_mask_phone_examples():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("0375-2345678") == "037****5678"
    assert mask_phone("2345678") == "23***78"
    assert mask_phone("110") == "***"


def test_full_width_input_is_normalized():
    idn = make("410403", dt.date(1980, 1, 1), 1)
    full = "".join(chr(ord(c) + 0xFEE0) for c in idn)  # ４１０４０３…
    assert check_id_number(full, today=TODAY)[0] == idn
    assert check_credit_code("９１３５０１００Ｍ０００１００Ｙ４３")[0] == "91350100M000100Y43"


def test_random_codes_draw_from_the_one_alphabet():
    from tiaojie.core.identifiers import CODE_ALPHABET, random_code
    from tiaojie.public.models import new_tracking_code

    assert not set("01OIL") & set(CODE_ALPHABET)
    codes = {random_code(6) for _ in range(200)}
    assert len(codes) > 190 and all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    tracking = new_tracking_code()
    assert len(tracking) == 10 and set(tracking) <= set(CODE_ALPHABET)
