"""The case's copy of its agreement's form and amount (``Case.agreement_kind``, ``Case.agreement_amount``).

``transitions.succeed`` is the one code that records an agreement, and it writes the copy in the
same locked transaction. Nothing changes or withdraws an agreement afterwards (no step, admin is
read-only, the public side only signs it): the copy must equal the agreement after every step a
case can take, be empty without an agreement, stay empty when recording one is refused or rolled
back, and the migration's backfill must produce the same copy.
"""
import ast
import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.cases.test_transitions import drive, mediating_with_session, valid_kwargs, written_kwargs
from tiaojie.cases import transitions
from tiaojie.cases.models import Agreement, Case, Status
from tiaojie.core.errors import DomainError
from tiaojie.testing import assigned_attributes, provide_identity_proofs, version_of

ROOT = Path(__file__).resolve().parents[2] / "tiaojie"


def mismatches() -> list:
    """Every case whose copy differs from its agreement (or is set without one), read one by one."""
    ags = {a.case_id: (a.kind, a.amount) for a in Agreement.objects.all()}
    out = []
    for c in Case.objects.order_by("pk"):
        expected = ags.get(c.pk, (None, None))
        if (c.agreement_kind, c.agreement_amount) != expected:
            out.append((c.pk, (c.agreement_kind, c.agreement_amount), expected))
    return out


@pytest.mark.parametrize("kw", [
    written_kwargs(),
    written_kwargs(amount="1,234.5"),
    written_kwargs(amount=0),
    {"kind": "oral", "terms": "双方握手言和。"},
    {"kind": "oral", "terms": "被申请人当场赔偿三百元。", "amount": Decimal("300")},
])
def test_the_copy_follows_the_agreement_through_every_later_step(world, kw):
    case = mediating_with_session(world)
    u = world.users["v1"]
    assert (case.agreement_kind, case.agreement_amount) == (None, None)
    ag = transitions.succeed(case, u, version=case.version, **kw)
    c = Case.objects.get(pk=case.pk)
    ag.refresh_from_db()
    assert (c.agreement_kind, c.agreement_amount) == (ag.kind, ag.amount) == (kw["kind"], ag.amount)
    assert mismatches() == []
    # the steps after it: 更正登记信息, 回访, 归档 — none touches the agreement or its copy
    for name in ("correct_record", "follow_up", "archive"):
        if name == "archive":
            provide_identity_proofs(case, u)
        kwargs = ({"reason": "笔误", "fields": {"place_detail": "东安社区3号楼"}} if name == "correct_record"
                  else valid_kwargs(name, world))
        getattr(transitions, name)(case.pk, u, version=version_of(case.pk), **kwargs)
        assert mismatches() == [], name
    assert Case.objects.get(pk=case.pk).status == Status.ARCHIVED
    assert mismatches() == []


def test_cases_without_an_agreement_have_no_copy(world):
    for status in (Status.REGISTERED, Status.MEDIATING, Status.FAILED, Status.TERMINATED, Status.REJECTED):
        drive(world, status)
    assert not Agreement.objects.exists()
    assert not Case.objects.filter(agreement_kind__isnull=False).exists()
    assert not Case.objects.filter(agreement_amount__isnull=False).exists()


@pytest.mark.parametrize("over", [{"amount": Decimal("-1")}, {"kind": "email"}, {"terms": ""}])
def test_a_refused_agreement_leaves_no_copy(world, over):
    case = mediating_with_session(world)
    with pytest.raises(DomainError):
        transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs(**over))
    c = Case.objects.get(pk=case.pk)
    assert (c.agreement_kind, c.agreement_amount) == (None, None) and mismatches() == []


def test_a_rolled_back_agreement_leaves_no_copy(world, monkeypatch):
    case = mediating_with_session(world)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(transitions, "_finish", broken)
    with pytest.raises(RuntimeError):
        transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs())
    assert mismatches() == [] and not Case.objects.filter(agreement_kind__isnull=False).exists()


def test_the_migration_copies_existing_agreements(world):
    """Migration 0013's statement (the one for this database) fills the copy from the agreements."""
    cases = [mediating_with_session(world) for _ in range(3)]
    transitions.succeed(cases[0], world.users["v1"], version=cases[0].version, **written_kwargs(amount="88.80"))
    transitions.succeed(cases[1], world.users["v1"], version=cases[1].version, kind="oral", terms="口头约定。")
    Case.objects.update(agreement_kind=None, agreement_amount=None)  # as before the migration
    assert len(mismatches()) == 2
    migration = importlib.import_module("tiaojie.cases.migrations.0013_case_agreement_copy")
    with connection.cursor() as cur:
        cur.execute(migration.COPY[connection.vendor])
    assert mismatches() == []
    assert Case.objects.get(pk=cases[0].pk).agreement_amount == Decimal("88.80")
    assert Case.objects.get(pk=cases[2].pk).agreement_kind is None


def _writes_agreements(tree) -> list[int]:
    """Lines creating or changing an agreement, or writing the case's copy of one."""
    lines = []
    for line, el in assigned_attributes(tree):
        if el.attr in ("agreement_kind", "agreement_amount"):
            lines.append(line)
        if el.attr in ("kind", "amount") and isinstance(el.value, ast.Name) and el.value.id.lower() in ("ag", "agreement"):
            lines.append(line)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = ast.unparse(f)
            if name == "Agreement":
                lines.append(node.lineno)
            if isinstance(f, ast.Attribute) and f.attr in ("create", "update", "bulk_create", "bulk_update",
                                                            "get_or_create", "update_or_create", "save", "delete"):
                receiver = ast.unparse(f.value)
                if "agreement" in receiver.lower() or receiver == "ag":
                    lines.append(node.lineno)
                if any(k.arg in ("agreement_kind", "agreement_amount") for k in node.keywords):
                    lines.append(node.lineno)
    return lines


def test_only_the_state_machine_records_agreements():
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        # the demo generator writes historical records in bulk (the case row with its copy, from the
        # same agreement row: tiaojie/demo/build.py), like a fixture
        if "migrations" in rel.parts or rel.as_posix() == "cases/transitions.py" or rel.parts[0] == "demo":
            continue
        found += [f"{rel}:{line}" for line in _writes_agreements(ast.parse(path.read_text()))]
    assert found == []


def test_the_agreement_check_finds_a_violation():
    for code in ("Agreement.objects.create(case=c, kind='oral')", "Agreement(case=c).save()",
                 "case.agreement_amount = 5", "c.agreement_kind, c.agreement_amount = 'oral', 0",
                 "ag.amount = 5", "Case.objects.filter(pk=1).update(agreement_kind='oral')",
                 "Agreement.objects.filter(pk=1).update(amount=1)", "case.agreement.save()"):
        assert _writes_agreements(ast.parse(code)), code
