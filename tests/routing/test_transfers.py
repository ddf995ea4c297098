"""Registration with the routing proposal, transfers (移交) up/down/across, accept and return."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.cases import transitions
from tiaojie.cases.models import Case, CaseEvent, DisputeType, Status
from tiaojie.core.errors import DomainError
from tiaojie.routing import selectors, services
from tiaojie.routing.models import RoutingDecision, Transfer
from tiaojie.testing import register_case, sample_case_fields, sample_parties, version_of

from .helpers import register


def test_register_routed_following_the_proposal(world):
    fields = sample_case_fields(world, arose_on=timezone.localdate())
    case = register_case(world.users["township"], organization=world.orgs["v1"], routing_reason="",
                         parties=sample_parties(), **fields)
    d = RoutingDecision.objects.get(case=case)
    assert d.followed and d.rule_code == "village" and d.proposed_org == world.orgs["v1"]
    ev = case.events.get(kind="route")
    assert ev.label.endswith("（采纳建议）") and "「一般纠纷由发生地村（社区）调委会就地化解」" in ev.reason


def test_register_routed_other_org_needs_a_reason(world):
    fields = sample_case_fields(world, arose_on=timezone.localdate())
    with pytest.raises(DomainError) as exc:
        register_case(world.users["township"], organization=world.orgs["dongan"], routing_reason="",
                      parties=sample_parties(), **fields)
    assert exc.value.field == "routing_reason" and "东安社区人民调解委员会" in exc.value.message
    assert not Case.objects.exists()
    case = register_case(world.users["township"], organization=world.orgs["dongan"],
                         parties=sample_parties(), routing_reason="社区调解员回避，由街道调解", **fields)
    d = RoutingDecision.objects.get(case=case)
    assert not d.followed and d.reason == "社区调解员回避，由街道调解"
    ev = case.events.get(kind="route")
    assert "未采纳建议" in ev.label and "社区调解员回避" in ev.reason


def test_register_routed_flags(world):
    fields = sample_case_fields(world, arose_on=timezone.localdate())
    case = register_case(world.users["township"], organization=world.orgs["dongan"], routing_reason="",
                         parties=sample_parties(), spans_villages=True, **fields)
    assert RoutingDecision.objects.get(case=case).rule_code == "cross-village"
    assert case.spans_villages  # the routing inputs are kept on the case


def test_transfer_up_accept_keeps_number_and_timeline(world):
    case = register(world, "v1", "v1")
    number = case.number
    t = services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["dongan"], reason="村级调解未成，上交街道")
    case.refresh_from_db()
    assert t.direction == Transfer.Direction.UP and t.status == Transfer.Status.PENDING
    assert case.organization == world.orgs["dongan"] and case.number == number and case.status == Status.REGISTERED
    assert t.due_at > timezone.now() + dt.timedelta(days=2)
    # the sender still sees it, read-only
    assert Case.objects.visible_to(world.users["v1"]).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(world.users["v1"], acting=True).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        transitions.accept(case, world.users["v1"], version=version_of(case))
    # the sender cannot accept its own transfer
    with pytest.raises(PermissionDenied):
        services.accept_transfer(t, world.users["v1"], version=version_of(t))
    services.accept_transfer(t, world.users["township"], version=version_of(t))
    t.refresh_from_db()
    assert t.status == Transfer.Status.ACCEPTED and t.answered_by == world.users["township"]
    transitions.accept(case, world.users["township"], version=version_of(case))
    kinds = list(Case.objects.get(pk=case.pk).events.values_list("kind", flat=True))
    assert kinds[-3:] == ["transfer_out", "transfer_accept", "accept"]
    assert Case.objects.filter(number=number).count() == 1


def test_transfer_down_and_across(world):
    case = register(world, "weidong", "county")
    t = services.transfer_out(case, world.users["county"], version=version_of(case), to_org=world.orgs["v2"], reason="就地化解")
    assert t.direction == Transfer.Direction.DOWN
    services.accept_transfer(t, world.users["v2"], version=version_of(t))
    case2 = register(world, "v1", "v1")
    t2 = services.transfer_out(case2, world.users["v1"], version=version_of(case2), to_org=world.orgs["traffic"], reason="属交通事故纠纷")
    assert t2.direction == Transfer.Direction.ACROSS


def test_return_with_reason_moves_back(world):
    case = register(world, "v1", "v1")
    seq = case.seq
    t = services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["v2"], reason="当事人住光华社区")
    with pytest.raises(DomainError) as exc:
        services.return_transfer(t, world.users["v2"], version=version_of(t), reason="  ")
    assert exc.value.field == "reason"
    services.return_transfer(t, world.users["v2"], version=version_of(t), reason="纠纷发生地在东安社区，不属本社区")
    case.refresh_from_db()
    assert case.organization == world.orgs["v1"] and case.seq == seq
    t.refresh_from_db()
    assert t.status == Transfer.Status.RETURNED and "不属本社区" in t.return_reason
    ev = case.events.filter(kind="transfer_return").get()
    assert "不属本社区" in ev.reason
    with pytest.raises(DomainError, match="已退回"):
        services.accept_transfer(t, world.users["v2"], version=version_of(t))


def test_out_of_reach_target_is_refused(world):
    case = register(world, "v1", "v1")
    for target in ("v3", "zhoucun", "baofeng", "city"):
        with pytest.raises(DomainError) as exc:
            services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs[target], reason="试图移交")
        assert exc.value.field == "to_org" and "不在您可移交的范围内" in exc.value.message
    assert not Transfer.objects.exists()
    assert Case.objects.get(pk=case.pk).organization == world.orgs["v1"]


def test_city_may_transfer_across_counties(world):
    case = register(world, "v1", "city")
    t = services.transfer_out(case, world.users["city"], version=version_of(case), to_org=world.orgs["v3"], reason="当事人均在宝丰")
    assert t.to_org == world.orgs["v3"]


def test_one_pending_transfer_and_no_transfer_to_self(world):
    case = register(world, "v1", "v1")
    with pytest.raises(DomainError, match="当前的承办单位"):
        services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["v1"], reason="x")
    services.transfer_out(case, world.users["township"], version=version_of(case), to_org=world.orgs["v2"], reason="x")
    with pytest.raises(DomainError, match="待接收"):
        services.transfer_out(case, world.users["township"], version=version_of(case), to_org=world.orgs["dongan"], reason="y")


def test_closed_case_cannot_be_transferred_and_liaison_cannot(world):
    case = register(world, "v1", "v1")
    transitions.reject(case, world.users["v1"], version=version_of(case), reason="不属民间纠纷")
    with pytest.raises(DomainError, match="不能办理“移交”"):
        services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["dongan"], reason="x")
    case2 = register(world, "court", "county")
    with pytest.raises(PermissionDenied, match="角色"):
        services.transfer_out(case2, world.users["court"], version=version_of(case2), to_org=world.orgs["v1"], reason="x")


def test_transfer_to_a_village_with_same_seq_does_not_collide(world):
    a = register(world, "v1", "v1")
    b = register(world, "v2", "v2")
    assert a.seq == b.seq == 1
    services.transfer_out(a, world.users["township"], version=version_of(a), to_org=world.orgs["v2"], reason="合并调解")
    assert Case.objects.filter(organization=world.orgs["v2"]).count() == 2
    c = register(world, "v2", "v2")
    assert c.seq == 2


def test_stale_version_refused(world):
    case = register(world, "v1", "v1")
    with pytest.raises(transitions.StaleCase):
        services.transfer_out(case, world.users["v1"], to_org=world.orgs["dongan"], reason="x", version=99)


def test_sender_sees_outcome_in_transfer_list(world):
    case = register(world, "v1", "v1")
    t = services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["dongan"], reason="上交")
    services.accept_transfer(t, world.users["township"], version=version_of(t))
    transitions.reject(Case.objects.get(pk=case.pk), world.users["township"], version=version_of(Case.objects.get(pk=case.pk)), reason="已起诉")
    seen = selectors.visible_transfers(world.users["v1"]).get(pk=t.pk)
    assert seen.case.status == Status.REJECTED
    assert not selectors.visible_transfers(world.users["v3"]).exists()
    assert CaseEvent.objects.filter(case=case, kind="reject").exists()


def test_overdue_transfer_flag(world):
    case = register(world, "v1", "v1")
    t = services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["dongan"], reason="x")
    Transfer.objects.filter(pk=t.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    t.refresh_from_db()
    assert t.is_overdue
    services.accept_transfer(t, world.users["township"], version=version_of(t))
    assert "超过接收期限" in Case.objects.get(pk=case.pk).events.get(kind="transfer_accept").label


def test_dispute_type_unused_import_guard():
    assert DisputeType
