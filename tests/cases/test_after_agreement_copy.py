"""The case's copies of what happened after its agreement: ``Case.followed_up`` and
``Case.fully_performed`` (written by ``transitions.follow_up``) and ``Case.judicially_confirmed``
(written by ``routing.services.record_court_result``).

The statistics count 回访, 履行 and 司法确认 from these copies, and the drill-down lists filter by
them: each must equal what the records say after every step, stay empty when a step is refused,
and the migration's backfill must produce the same copies.
"""
import ast
import importlib
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests.cases.test_transitions import mediating_with_session, written_kwargs
from tiaojie.cases import transitions
from tiaojie.cases.models import Case, FollowUp
from tiaojie.core.errors import DomainError
from tiaojie.routing import services
from tiaojie.routing.models import JudicialConfirmation
from tiaojie.testing import assigned_attributes, version_of

ROOT = Path(__file__).resolve().parents[2] / "tiaojie"


def expected(case_id) -> tuple:
    fus = list(FollowUp.objects.filter(case_id=case_id).values_list("performance", flat=True))
    confirmed = JudicialConfirmation.objects.filter(case_id=case_id, status="confirmed").exists()
    return (True if fus else None, True if "full" in fus else None, True if confirmed else None)


def mismatches() -> list:
    out = []
    for c in Case.objects.order_by("pk"):
        copy = (c.followed_up, c.fully_performed, c.judicially_confirmed)
        if copy != expected(c.pk):
            out.append((c.pk, copy, expected(c.pk)))
    return out


def succeeded(world):
    case = mediating_with_session(world)
    today = timezone.localdate()
    transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs(effective_on=today))
    return Case.objects.get(pk=case.pk)


def follow(case, user, performance, **kw):
    return transitions.follow_up(case.pk, user, version=version_of(case.pk), visited_on=timezone.localdate(),
                                 visitor="王调解员", performance=performance, satisfaction="satisfied", **kw)


def test_follow_ups_set_the_copy_and_a_later_one_never_unsets_it(world):
    case = succeeded(world)
    u = world.users["v1"]
    assert expected(case.pk) == (None, None, None) and mismatches() == []
    follow(case, u, "partial")
    assert (Case.objects.get(pk=case.pk).followed_up, Case.objects.get(pk=case.pk).fully_performed) == (True, None)
    follow(case, u, "full")
    follow(case, u, "none")  # a later visit finds nothing more done: 已履行 was recorded once
    c = Case.objects.get(pk=case.pk)
    assert (c.followed_up, c.fully_performed, c.judicially_confirmed) == (True, True, None)
    assert mismatches() == []


@pytest.mark.parametrize("over", [{"performance": "maybe"}, {"visitor": ""}])
def test_a_refused_follow_up_leaves_no_copy(world, over):
    case = succeeded(world)
    kw = {"performance": "full", **over}
    with pytest.raises(DomainError):
        transitions.follow_up(case.pk, world.users["v1"], version=version_of(case.pk),
                              visited_on=timezone.localdate(), visitor=kw["visitor"] if "visitor" in kw else "王",
                              performance=kw["performance"], satisfaction="satisfied")
    assert Case.objects.get(pk=case.pk).followed_up is None and mismatches() == []


@pytest.mark.parametrize("decision, copy", [("confirmed", True), ("rejected", None), ("", None)])
def test_the_courts_result_sets_the_copy_only_when_confirmed(world, decision, copy):
    case = succeeded(world)
    today = timezone.localdate()
    jc = services.apply_confirmation(case, world.users["v1"], version=version_of(case), applied_on=today,
                                     applicants="甲、乙", court_name="卫东区人民法院", court_org=world.orgs["court"])
    extra = {"decided_on": today, "number": "（2026）豫0403民特调确字第3号"} if decision else {}
    services.record_court_result(jc, world.users["court"], version=version_of(case), accepted=True, answered_on=today,
                                 decision=decision, **extra)
    assert Case.objects.get(pk=case.pk).judicially_confirmed is copy and mismatches() == []


def test_the_migration_copies_existing_records(world):
    """Migration 0015's statements (the ones for this database) fill the copies from the records."""
    cases = [succeeded(world) for _ in range(3)]
    u, today = world.users["v1"], timezone.localdate()
    follow(cases[0], u, "full")
    follow(cases[1], u, "none")
    jc = services.apply_confirmation(cases[1], u, version=version_of(cases[1]), applied_on=today,
                                     applicants="甲、乙", court_name="卫东区人民法院", court_org=world.orgs["court"])
    services.record_court_result(jc, world.users["court"], version=version_of(cases[1]), accepted=True,
                                 answered_on=today, decision="confirmed", decided_on=today, number="（2026）民特5号")
    Case.objects.update(followed_up=None, fully_performed=None, judicially_confirmed=None)  # before the migration
    assert len(mismatches()) == 2
    migration = importlib.import_module("tiaojie.cases.migrations.0015_case_after_agreement_copy")
    with connection.cursor() as cur:
        for sql in migration.COPY[connection.vendor]:
            cur.execute(sql)
    assert mismatches() == []
    assert [expected(c.pk) for c in cases] == [(True, True, None), (True, None, True), (None, None, None)]


COPIES = ("followed_up", "fully_performed", "judicially_confirmed")


def _writes_records(tree) -> list[int]:
    """Lines creating or changing a follow-up or a judicial confirmation's status, or writing a copy."""
    lines = []
    for line, el in assigned_attributes(tree):
        if el.attr in COPIES or (el.attr == "status" and "jc" in ast.unparse(el.value).lower()):
            lines.append(line)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if ast.unparse(f) in ("FollowUp", "JudicialConfirmation"):
                lines.append(node.lineno)
            if isinstance(f, ast.Attribute) and f.attr in ("create", "update", "bulk_create", "bulk_update",
                                                            "get_or_create", "update_or_create", "delete"):
                receiver = ast.unparse(f.value)
                if any(w in receiver for w in ("FollowUp", "followups", "JudicialConfirmation")):
                    lines.append(node.lineno)
                if any(k.arg in COPIES for k in node.keywords):
                    lines.append(node.lineno)
    return lines


def test_only_the_recording_steps_write_follow_ups_confirmations_and_their_copies():
    allowed = {"cases/transitions.py", "routing/services.py"}
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        # the demo generator writes historical records in bulk (the case row with its copies, from
        # the same follow-up and confirmation rows: tiaojie/demo/build.py), like a fixture
        if "migrations" in rel.parts or rel.as_posix() in allowed or rel.parts[0] == "demo":
            continue
        found += [f"{rel}:{line}" for line in _writes_records(ast.parse(path.read_text()))]
    assert found == []


def test_the_record_check_finds_a_violation():
    for code in ("FollowUp.objects.create(case=c, performance='full')", "FollowUp(case=c).save()",
                 "case.followed_up = True", "c.fully_performed, x = True, 1", "jc.status = 'confirmed'",
                 "JudicialConfirmation.objects.filter(pk=1).update(status='confirmed')",
                 "Case.objects.filter(pk=1).update(judicially_confirmed=True)", "case.followups.create(visitor='x')"):
        assert _writes_records(ast.parse(code)), code

