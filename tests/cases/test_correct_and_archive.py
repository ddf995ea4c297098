"""更正登记信息, the archive requirements inside the archive step, and the read-only archive
(issue 10: bad input gets a clear Chinese message, and nothing changes)."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.cases.test_transitions import drive
from tiaojie.cases import crypto, transitions
from tiaojie.cases.models import Case, CaseEvent, Party, Status
from tiaojie.core.errors import DomainError
from tiaojie.testing import make_id, provide_identity_proofs, version_of
from tiaojie.warnings import services as warnings


def snapshot(case):
    c = Case.objects.get(pk=case.pk)
    parties = [(p.name, p.id_hash, p.id_number_enc, p.phone_enc) for p in c.parties.order_by("id")]
    return c.version, c.facts, c.amount_at_stake, c.events.count(), parties


def test_correct_a_mistyped_id_number_and_phone(world):
    case = drive(world, Status.MEDIATING)
    p = case.parties.order_by("id").first()
    new_id = make_id(birth="19800101", seq="011")
    transitions.correct_record(case, world.users["v1"], version=version_of(case), reason="登记时证件号码录错，已核对原件",
                               parties={p.pk: {"id_number": new_id, "phone": "13700001111"}},
                               fields={"amount_at_stake": "4500"})
    p.refresh_from_db()
    assert p.id_number == new_id and p.id_hash == crypto.lookup_hash(new_id) and p.phone == "13700001111"
    assert p.gender == "男" and p.birth_date.isoformat() == "1980-01-01"
    case.refresh_from_db()
    assert str(case.amount_at_stake) == "4500.00"
    ev = CaseEvent.objects.filter(case=case, kind="correct").get()
    assert "更正登记信息" in ev.label and "已核对原件" in ev.reason
    changes = {c["field"]: c for c in ev.data["changes"]}
    assert changes["amount_at_stake"]["before"] == "3000.00" and changes["amount_at_stake"]["after"] == "4500.00"
    id_change = changes[f"party:{p.pk}:id_number"]
    # identifiers stay masked in the timeline
    assert new_id not in str(ev.data) and new_id not in ev.reason and id_change["after"].count("*") >= 8


@pytest.mark.parametrize(("payload", "message"), [
    ({"parties": "bad-id"}, "校验位"),
    ({"fields": {"amount_at_stake": "-5"}}, "不能为负数"),
    ({"fields": {"facts": "   "}}, "请填写纠纷简要情况"),
    ({"fields": {"facts": "字" * 5001}}, "不能超过5000字"),
    ({"fields": {"number": "（2026）改号"}}, "不能更正"),
    ({"fields": {"people_count": 2}}, "没有需要更正的内容"),
])
def test_a_bad_correction_changes_nothing(world, payload, message):
    case = drive(world, Status.ACCEPTED)
    p = case.parties.order_by("id").first()
    if payload.get("parties") == "bad-id":
        payload = {"parties": {p.pk: {"id_number": make_id()[:17] + ("1" if make_id()[-1] != "1" else "2")}}}
    before = snapshot(case)
    with pytest.raises(DomainError, match=message):
        transitions.correct_record(case, world.users["v1"], version=version_of(case), reason="更正", **payload)
    assert snapshot(case) == before


def test_a_correction_needs_a_reason_and_the_current_version(world):
    case = drive(world, Status.REGISTERED)
    before = snapshot(case)
    with pytest.raises(DomainError, match="更正理由"):
        transitions.correct_record(case, world.users["v1"], version=version_of(case), reason=" ",
                                   fields={"people_count": 5})
    with pytest.raises(DomainError, match="旧版本"):
        transitions.correct_record(case, world.users["v1"], version=version_of(case) - 1, reason="x",
                                   fields={"people_count": 5})
    assert snapshot(case) == before


def test_correct_page_for_the_clerk(world, client):
    case = drive(world, Status.ACCEPTED)
    p = case.parties.order_by("id").first()
    client.force_login(world.users["v1"])
    url = reverse("cases:correct", args=[case.pk])
    page = client.get(url).content.decode()
    assert p.id_masked in page and p.id_number not in page  # shown masked
    data = {"version": version_of(case), "facts": case.facts, "claims": case.claims, "place_detail": case.place_detail,
            "arose_on": case.arose_on.isoformat(), "people_count": 2, "amount_at_stake": "3000", "reason": "录入错误"}
    for q in case.parties.all():
        data.update({f"p{q.pk}_name": q.name, f"p{q.pk}_address": q.address})
    bad = dict(data, **{f"p{p.pk}_id_number": "410403198001010000"})
    r = client.post(url, bad)
    assert r.status_code == 200 and "校验位" in r.content.decode()
    good = dict(data, **{f"p{p.pk}_name": "刘大河"})
    r = client.post(url, good)
    assert r.status_code == 302
    assert Party.objects.get(pk=p.pk).name == "刘大河"


def test_forced_archive_needs_a_reason_and_a_supervisor_and_funding_sees_it(world):
    case = drive(world, Status.FAILED)
    before = snapshot(case)
    with pytest.raises(DomainError, match="卷宗材料不齐全") as exc:
        transitions.archive(case, world.users["township"], version=version_of(case))
    assert exc.value.field == "force_reason"
    with pytest.raises(DomainError, match="只有司法所"):
        transitions.archive(case, world.users["v1"], version=version_of(case), force_reason="当事人拒绝提供")
    assert snapshot(case) == before
    transitions.archive(case, world.users["township"], version=version_of(case), force_reason="当事人拒绝提供")
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED and case.archive_forced
    ev = case.events.get(kind="archive")
    assert "强制归档" in ev.label and ev.data["forced"] and "当事人身份证明" in ev.data["missing"][0]


def test_a_complete_file_archives_unforced(world):
    case = drive(world, Status.FAILED)
    provide_identity_proofs(case, world.users["v1"])
    transitions.archive(case, world.users["v1"], version=version_of(case))
    case.refresh_from_db()
    assert case.status == Status.ARCHIVED and not case.archive_forced


def test_nothing_changes_after_archive_through_any_door(world, client):
    case = drive(world, Status.ARCHIVED)
    u = world.users["v1"]
    before = snapshot(case)
    for fn, kw in [
        (transitions.correct_record, {"reason": "x", "fields": {"people_count": 9}}),
        (warnings.set_case_level, {"level": "red", "reason": "扬言报复"}),
        (warnings.set_case_inputs, {"police_calls": 3}),
        (warnings.escalate_case, {"target": "county_center", "reason": "r", "leader": "l",
                                  "deadline": case.arose_on}),
        (warnings.record_prevention, {"values": {"criminal": True, "criminal_persons": 1}}),
    ]:
        with pytest.raises(DomainError, match="已归档"):
            fn(case, u, version=version_of(case), **kw)
    client.force_login(u)
    r = client.post(reverse("warnings:case_risk", args=[case.pk]),
                    {"action": "level", "level": "red", "reason": "x", "version": version_of(case)})
    assert r.status_code == 302
    r = client.post(reverse("cases:correct", args=[case.pk]), {"version": version_of(case), "reason": "x"})
    assert "已归档" in r.content.decode()
    assert snapshot(case) == before


def test_a_liaison_posting_to_write_endpoints_is_refused(world, client):
    case = drive(world, Status.ACCEPTED, org="court", user=world.users["county"])
    client.force_login(world.users["court"])
    before = snapshot(case)
    for name, data in [("cases:correct", {"reason": "x"}), ("warnings:escalate", {}),
                       ("routing:transfer_new", {}), ("warnings:case_prevention", {})]:
        r = client.post(reverse(name, args=[case.pk]), {"version": version_of(case), **data})
        assert r.status_code == 403 and "法院联络员" in r.content.decode(), name
    with pytest.raises(PermissionDenied):
        warnings.set_case_level(case, world.users["court"], version=version_of(case), level="red", reason="x")
    assert snapshot(case) == before
