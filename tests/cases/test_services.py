"""Registration (登记) of a dispute: validation, protected identifiers, duplicate-ID warnings."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.cases import crypto, intake, transitions
from tiaojie.cases.models import Case, CaseEvent, CaseNumberCounter, Party, Status
from tiaojie.core.errors import DomainError
from tiaojie.testing import make_id, register_case, sample_case_fields, sample_parties


def register(world, user="v1", org="v1", parties=None, **over):
    return register_case(world.users[user], organization=world.orgs[org],
                                  parties=sample_parties() if parties is None else parties,
                                  **sample_case_fields(world, **over))


def nothing_saved():
    return not Case.objects.exists() and not Party.objects.exists() and not CaseEvent.objects.exists() \
        and not CaseNumberCounter.objects.filter(last__gt=0).exists()


def test_register_creates_case_parties_and_event(world):
    case = register(world)
    assert case.status == Status.REGISTERED and case.organization == world.orgs["v1"]
    assert case.registered_by == world.users["v1"] and case.year == timezone.localdate().year and case.seq == 1
    assert case.number == f"（{case.year}）东安社区调字第0001号"
    assert case.amount_at_stake == Decimal("3000.00")
    assert [(p.role, p.name) for p in case.parties.all()] == [("applicant", "刘大海"), ("respondent", "孙小梅")]
    assert list(case.events.values_list("kind", flat=True)) == ["register", "route"]
    ev = case.events.get(kind="register")
    assert ev.to_status == Status.REGISTERED and ev.actor == world.users["v1"]
    assert ev.data["parties"] == ["刘大海", "孙小梅"]


def test_agent_is_linked_to_its_principal(world):
    parties = sample_parties() + [{"role": "agent", "name": "周律师", "agent_for": 0, "id_type": "other",
                                   "id_number": "A1234567"}]
    case = register(world, parties=parties)
    agent = case.parties.get(role="agent")
    assert agent.agent_for.name == "刘大海"


@pytest.mark.parametrize("parties", [[], [{"role": "agent", "name": "周律师"}]])
def test_register_refuses_no_party(world, parties):
    with pytest.raises(DomainError, match="至少填写一名当事人") as exc:
        register(world, parties=parties)
    assert exc.value.field == "parties"
    assert nothing_saved()


def test_application_needs_an_applicant(world):
    parties = [p for p in sample_parties() if p["role"] == "respondent"]
    with pytest.raises(DomainError, match="申请人"):
        register(world, parties=parties)
    case = register(world, parties=parties, source="initiative")  # 主动调解 needs no applicant
    assert case.parties.count() == 1


@pytest.mark.parametrize(("amount", "message"), [
    (Decimal("-0.01"), "负数"), (-100, "负数"), ("-5", "负数"), ("三千元", "数字"), ("12a", "数字"),
    ("NaN", "数字"), (Decimal("1e12"), "过大"),
])
def test_register_refuses_bad_amount(world, amount, message):
    with pytest.raises(DomainError, match=message) as exc:
        register(world, amount_at_stake=amount)
    assert exc.value.field == "amount_at_stake"
    assert nothing_saved()


def test_amount_as_text_is_stored_as_decimal(world):
    case = register(world, amount_at_stake="3,000.5")
    assert Case.objects.get(pk=case.pk).amount_at_stake == Decimal("3000.50")
    case = register(world, amount_at_stake=None)
    assert Case.objects.get(pk=case.pk).amount_at_stake == 0


@pytest.mark.parametrize(("arose_on", "message"), [
    (timezone.localdate() + dt.timedelta(days=1), "不能晚于今天"), ("2026-02-30", "不是有效日期"), (None, "请填写"),
])
def test_register_refuses_bad_arose_on(world, arose_on, message):
    with pytest.raises(DomainError, match=message) as exc:
        register(world, arose_on=arose_on)
    assert exc.value.field == "arose_on"
    assert nothing_saved()


def test_arose_today_is_fine(world):
    assert register(world, arose_on=timezone.localdate()).arose_on == timezone.localdate()


@pytest.mark.parametrize(("user", "org"), [("v2", "v1"), ("v1", "dongan"), ("county2", "v1"), ("court", "weidong"),
                                           ("police", "v1"), ("township", "v3")])
def test_register_refuses_out_of_scope_organization(world, user, org):
    with pytest.raises(PermissionDenied):
        register(world, user=user, org=org)
    assert nothing_saved()


@pytest.mark.parametrize(("change", "message"), [
    ({"id_number": make_id()[:17] + ("0" if make_id()[-1] != "0" else "1")}, "校验位"),
    ({"id_number": make_id(birth="20230230")}, "出生日期不存在"),
    ({"id_number": make_id(birth="21000101")}, "出生日期"),
    ({"id_number": "41040319800101"}, "18位"),
    ({"name": "  "}, "姓名"),
])
def test_register_refuses_bad_party(world, change, message):
    parties = sample_parties()
    parties[1].update(change)
    with pytest.raises(DomainError, match=message) as exc:
        register(world, parties=parties)
    assert exc.value.field == "parties"
    assert "第2名当事人" in exc.value.message
    assert nothing_saved()


def test_organization_party_credit_code(world):
    org_party = {"role": "respondent", "kind": "org", "name": "平顶山某物业公司", "legal_rep": "钱经理",
                 "credit_code": "91350100M000100Y43"}
    case = register(world, parties=sample_parties()[:1] + [org_party])
    assert case.parties.get(kind="org").credit_code == "91350100M000100Y43"
    # a failed check character only warns elsewhere; it does not block registration
    register(world, parties=sample_parties()[:1] + [dict(org_party, credit_code="91350100M000100Y44")])
    with pytest.raises(DomainError, match="不允许的字符"):
        register(world, parties=sample_parties()[:1] + [dict(org_party, credit_code="91350100M000100YO3")])


def test_passport_numbers_are_not_checked_as_resident_ids(world):
    parties = sample_parties()
    parties[1].update(id_type="passport", id_number="E12345678")
    case = register(world, parties=parties)
    assert case.parties.get(name="孙小梅").id_number == "E12345678"


def test_lowercase_x_is_normalized(world):
    idn = "11010519491231002X"
    parties = sample_parties()
    parties[0]["id_number"] = idn.lower()
    parties[0]["birth_date"] = None  # filled from the ID number
    case = register(world, parties=parties)
    assert case.parties.get(name="刘大海").id_number == idn


# --- protected identifiers ----------------------------------------------------------------------

def test_id_numbers_and_phones_are_stored_encrypted(world):
    case = register(world)
    idn = sample_parties()[0]["id_number"]
    p = Party.objects.get(case=case, name="刘大海")
    assert idn not in p.id_number_enc and "19800101" not in p.id_number_enc
    assert "13912345678" not in p.phone_enc
    assert p.id_number == idn and p.phone == "13912345678"  # decrypts
    assert p.id_hash == crypto.lookup_hash(idn) and idn not in p.id_hash
    assert Party.objects.filter(id_hash=crypto.lookup_hash(idn.lower() + " ")).get() == p
    assert p.id_masked == idn[:3] + "*" * 11 + idn[-4:]
    assert p.phone_masked == "139****5678"
    # nothing in the row holds the clear number
    raw = Party.objects.filter(pk=p.pk).values().get()
    assert not any(isinstance(v, str) and idn in v for v in raw.values())


def test_encryption_is_randomized_and_keyed(settings, db):
    a, b = crypto.encrypt("410403198001010011"), crypto.encrypt("410403198001010011")
    assert a != b and crypto.decrypt(a) == crypto.decrypt(b) == "410403198001010011"
    h = crypto.lookup_hash("410403198001010011")
    assert crypto.lookup_hash(" 410403198001010011 ") == h
    assert crypto.lookup_hash("") == crypto.lookup_hash("   ") == "" and crypto.encrypt("") == ""
    settings.TIAOJIE_DATA_KEY = "another-key"
    assert crypto.lookup_hash("410403198001010011") != h
    assert crypto.decrypt(a) == "（解密失败，已报告管理员）"  # another key's token: an error, reported


# --- duplicate ID warnings ----------------------------------------------------------------------

def test_duplicate_id_warns_for_an_open_case(world):
    case = register(world)
    warnings = intake.duplicate_id_warnings(sample_parties(), world.users["v1"])
    assert len(warnings) == 2
    assert case.number in warnings[0] and "刘大海" in warnings[0] and "请核实" in warnings[0]


def test_duplicate_id_warning_is_not_a_block(world):
    first = register(world)
    second = register(world)
    assert first.number != second.number
    numbers, others = intake.open_cases_with_id(sample_parties()[0]["id_number"], world.users["v1"])
    assert sorted(numbers) == sorted([first.number, second.number]) and others == 0


@pytest.mark.parametrize("status", [Status.REJECTED, Status.FAILED, Status.TERMINATED, Status.SUCCEEDED,
                                    Status.FOLLOWED_UP, Status.ARCHIVED])
def test_no_warning_for_closed_or_archived_case(world, status):
    case = register(world)
    Case.objects.filter(pk=case.pk).update(status=status)
    assert intake.duplicate_id_warnings(sample_parties(), world.users["v1"]) == []


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING])
def test_warning_for_each_open_status(world, status):
    case = register(world)
    Case.objects.filter(pk=case.pk).update(status=status)
    assert len(intake.duplicate_id_warnings(sample_parties()[:1], world.users["v1"])) == 1


def test_warning_does_not_reveal_out_of_scope_case_numbers(world):
    hidden = register(world, user="v3", org="v3")
    warnings = intake.duplicate_id_warnings(sample_parties()[:1], world.users["v1"])
    assert len(warnings) == 1
    assert hidden.number not in warnings[0] and "周庄" not in warnings[0]
    assert "1件其他单位的案件" in warnings[0]
    # one visible and one hidden: the visible number and a count of the other
    mine = register(world)
    w = intake.duplicate_id_warnings(sample_parties()[:1], world.users["v1"])[0]
    assert mine.number in w and hidden.number not in w and "另有1件其他单位的案件" in w
    # the city sees both numbers
    w = intake.duplicate_id_warnings(sample_parties()[:1], world.users["city"])[0]
    assert mine.number in w and hidden.number in w and "其他单位" not in w


def test_warning_shows_a_case_seen_through_a_link(world):
    """A case the user's committee transferred away is another unit's, yet seen (read-only): its
    number is shown, as the scope rule says, not counted as another unit's."""
    from tiaojie.routing import services as routing
    from tiaojie.testing import version_of

    sent = register(world)
    routing.transfer_out(sent, world.users["v1"], version=version_of(sent), to_org=world.orgs["v2"], reason="移交")
    w = intake.duplicate_id_warnings(sample_parties()[:1], world.users["v1"])[0]
    assert sent.number in w and "其他单位" not in w
    assert "1件其他单位的案件" in intake.duplicate_id_warnings(sample_parties()[:1], world.users["v3"])[0]


def test_no_warning_for_new_id_or_missing_id(world):
    register(world)
    fresh = [{"role": "applicant", "name": "新人", "id_number": make_id(seq="555")}, {"role": "respondent",
                                                                                   "name": "无证", "id_number": ""}]
    assert intake.duplicate_id_warnings(fresh, world.users["v1"]) == []


def test_open_cases_with_id_can_exclude_the_case_itself(world):
    case = register(world)
    idn = sample_parties()[0]["id_number"]
    assert intake.open_cases_with_id(idn, world.users["v1"], exclude_case=case) == ([], 0)
    assert intake.open_cases_with_id(idn) == ([], 1)  # no user: only a count


def test_registered_case_goes_on(world):
    case = register(world)
    case = transitions.accept(case, world.users["v1"], version=case.version)
    assert case.status == Status.ACCEPTED
