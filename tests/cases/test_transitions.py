"""The case state machine (tiaojie.cases.transitions): every transition, from every state, by
every kind of user; the specific rules of each step; stale forms and atomicity."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.accounts.models import Role, User
from tiaojie.cases import transitions
from tiaojie.cases.models import Agreement, Assignment, Case, CaseEvent, Outcome, Status
from tiaojie.cases.transitions import TRANSITIONS, StaleCase, TransitionError
from tiaojie.core import dates
from tiaojie.core.errors import DomainError
from tiaojie.core.models import TimeLimit
from tiaojie.testing import (
    earlier_today,
    provide_identity_proofs,
    register_case,
    sample_case_fields,
    sample_parties,
    version_of,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TODAY = timezone.localdate


def register(world, org="v1", user=None):
    user = user or world.users["city"]
    return register_case(user, organization=world.orgs[org], parties=sample_parties(),
                                  **sample_case_fields(world))


def session_kwargs(**over):
    data = dict(held_at=earlier_today(hours=1), place="东安社区调解室",
                participants="刘大海、孙小梅、王秀兰", content="双方陈述了排水沟的位置及损失情况。")
    data.update(over)
    return data


def written_kwargs(**over):
    data = dict(kind="written", terms="被申请人于十日内改建排水沟并赔偿申请人损失。", amount=Decimal("1500.00"),
                facts="双方系邻居，被申请人院墙排水流入申请人院内。", issues="排水沟位置及损失赔偿。",
                responsibilities="被申请人承担主要责任。", performance_method="现金一次性支付",
                performance_deadline=TODAY() + dt.timedelta(days=10))
    data.update(over)
    return data


def valid_kwargs(name: str, world) -> dict:
    m = world.mediators
    return {
        "accept": {},
        "reject": {"reason": "一方当事人明确拒绝调解"},
        "assign": {"mediators": [m["m1b"]]},
        "replace_mediator": {"old": m["m1"], "new": m["m1b"], "reason": "申请人认为调解员与被申请人系亲属，申请回避"},
        "record_session": session_kwargs(),
        "record_investigation": dict(held_at=earlier_today(hours=2), place="申请人家中",
                                     subject="刘大海", investigators="王秀兰", content="察看了排水沟现场。"),
        "extend": {"days": 15, "reason": "需等待房屋鉴定结果"},
        "succeed": {"kind": "oral", "terms": "被申请人当场赔偿500元，双方和好。", "amount": Decimal("500")},
        "fail": {"reason": "双方分歧过大", "routes_informed": True},
        "terminate": {"reason": "申请人要求终止调解", "routes_informed": True},
        "follow_up": {"visited_on": TODAY(), "visitor": "王秀兰", "performance": "full", "satisfaction": "satisfied"},
        "archive": {},
    }[name]


def run(name, case, user, world, **over):
    kwargs = valid_kwargs(name, world)
    kwargs.update(over)
    return getattr(transitions, name)(case, user, version=Case.objects.get(pk=case.pk).version, **kwargs)


def drive(world, status: str, org: str = "v1", user=None) -> Case:
    """A case of ``org`` brought to ``status`` through the transitions themselves."""
    u = user or world.users["city"]
    case = register(world, org, u)

    def step(name, **kw):
        kwargs = valid_kwargs(name, world)
        kwargs.update(kw)
        getattr(transitions, name)(case.pk, u, version=version_of(case.pk), **kwargs)

    if status == Status.REGISTERED:
        pass
    elif status == Status.REJECTED:
        step("reject")
    else:
        step("accept")
        if status != Status.ACCEPTED:
            step("assign", mediators=[world.mediators["m1"]])
        if status in (Status.SUCCEEDED, Status.FOLLOWED_UP, Status.ARCHIVED):
            step("record_session")
            step("succeed")
        if status == Status.FAILED:
            step("record_session")
            step("fail")
        if status == Status.TERMINATED:
            step("terminate")
        if status in (Status.FOLLOWED_UP, Status.ARCHIVED):
            step("follow_up")
        if status == Status.ARCHIVED:
            provide_identity_proofs(case, u)
            step("archive")
    case = Case.objects.get(pk=case.pk)
    assert case.status == status
    return case


def snapshot(case):
    c = Case.objects.get(pk=case.pk)
    return (c.status, c.version, c.events.count(), c.due_on, c.outcome, c.closed_on,
            c.assignments.filter(active=True).count(), c.sessions.count(), Agreement.objects.filter(case=c).count(),
            c.follow_ups.count())


SOURCE_PAIRS = [(t.name, s) for t in TRANSITIONS.values() for s in t.sources]
WRONG_PAIRS = [(t.name, s) for t in TRANSITIONS.values() for s in Status.values if s not in t.sources]


# --- every transition from every source state -------------------------------------------------

@pytest.mark.parametrize(("name", "source"), SOURCE_PAIRS)
def test_transition_works_from_each_source(world, name, source):
    case = drive(world, source)
    if name == "succeed":
        transitions.record_session(case, world.users["v1"], version=version_of(case), **session_kwargs())
    if name == "archive":
        provide_identity_proofs(case, world.users["v1"])
    before = Case.objects.get(pk=case.pk)
    user = world.users["v1"]
    n_events = before.events.count()
    run(name, case, user, world)
    after = Case.objects.get(pk=case.pk)
    t = TRANSITIONS[name]
    assert after.status == (t.target or source)
    assert after.version == before.version + 1
    assert after.events.count() == n_events + 1
    ev = after.events.order_by("-id").first()
    assert ev.kind == name
    assert ev.actor == user and ev.actor_name == user.label
    assert ev.from_status == source and ev.to_status == after.status
    assert ev.label
    reason = valid_kwargs(name, world).get("reason")
    if reason:
        assert ev.reason == reason


@pytest.mark.parametrize("status", Status.values)
def test_transitions_refused_from_wrong_state(world, status):
    """Every transition whose sources do not include ``status`` is refused, with a Chinese message."""
    case = drive(world, status)
    before = snapshot(case)
    wrong = [name for name, source in WRONG_PAIRS if source == status]
    assert wrong
    for name in wrong:
        with pytest.raises(DomainError) as exc:
            run(name, case, world.users["v1"], world)
        assert not isinstance(exc.value, StaleCase), name
        assert CHINESE.search(exc.value.message) and "不能" in exc.value.message, (name, exc.value.message)
        if status != Status.ARCHIVED:
            assert Status(status).label in exc.value.message, (name, exc.value.message)
        assert snapshot(case) == before, name


def test_archived_case_refuses_everything(world):
    case = drive(world, Status.ARCHIVED)
    before = snapshot(case)
    for name in TRANSITIONS:
        with pytest.raises(DomainError, match="已归档"):
            run(name, case, world.users["city"], world)
    assert snapshot(case) == before
    assert transitions.available(case, world.users["city"]) == []
    assert Case.objects.get(pk=case.pk).is_read_only


# --- role and scope ---------------------------------------------------------------------------

SOURCE_STATUSES = sorted({s for _, s in SOURCE_PAIRS})


@pytest.mark.parametrize("source", SOURCE_STATUSES)
def test_liaison_role_inside_subtree_is_refused_by_role(world, source):
    """Liaison accounts bound to the case's own committee are in scope, yet their role may not act."""
    case = drive(world, source)
    before = snapshot(case)
    for role in (Role.COURT_LIAISON, Role.POLICE_LIAISON):
        liaison = User.objects.create_user(username=f"liaison_{role}", role=role, organization=world.orgs["v1"],
                                           display_name="联络员")
        for name, s in SOURCE_PAIRS:
            if s != source:
                continue
            with pytest.raises(PermissionDenied, match="角色") as exc:
                run(name, case, liaison, world)
            assert Role(role).label in exc.value.message
        assert transitions.available(case, liaison) == []
    assert snapshot(case) == before


@pytest.mark.parametrize("name", ["accept", "reject"])
def test_court_liaison_on_court_room_case_is_refused_by_role(world, name):
    case = register(world, "court", world.users["county"])
    with pytest.raises(PermissionDenied, match="法院联络员"):
        run(name, case, world.users["court"], world)


@pytest.mark.parametrize("source", SOURCE_STATUSES)
def test_out_of_scope_users_are_denied(world, source):
    """Liaisons of the court and police rooms, other villages and the other county: PermissionDenied."""
    case = drive(world, source)
    before = snapshot(case)
    for outsider in ["court", "police", "v2", "v3", "county2"]:
        for name, s in SOURCE_PAIRS:
            if s != source:
                continue
            with pytest.raises(PermissionDenied):
                run(name, case, world.users[outsider], world)
        assert transitions.available(case, world.users[outsider]) == []
    assert snapshot(case) == before


@pytest.mark.parametrize("name", ["accept", "reject"])
def test_other_county_is_denied_on_county_case(world, name):
    case = register(world, "weidong", world.users["county"])
    with pytest.raises(PermissionDenied):
        run(name, case, world.users["county2"], world)
    run(name, case, world.users["county"], world)  # the county itself may


@pytest.mark.parametrize("who", ["v1", "township", "county", "city"])
def test_users_above_the_case_may_act(world, who):
    case = drive(world, Status.REGISTERED)
    run("accept", case, world.users[who], world)
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_available_lists_what_user_may_do(world):
    case = drive(world, Status.MEDIATING)
    names = {t.name for t in transitions.available(case, world.users["v1"])}
    assert names == {n for n, t in TRANSITIONS.items() if Status.MEDIATING in t.sources}


# --- stale forms ------------------------------------------------------------------------------

def test_stale_version_is_refused_and_nothing_changes(world):
    case = drive(world, Status.REGISTERED)
    seen = case.version
    transitions.accept(case, world.users["township"], version=seen)  # someone else acts first
    before = snapshot(case)
    with pytest.raises(StaleCase) as exc:
        transitions.reject(case, world.users["v1"], version=seen, reason="不属于民间纠纷")
    assert "刷新" in exc.value.message and world.users["township"].label in exc.value.message
    assert snapshot(case) == before
    assert Case.objects.get(pk=case.pk).close_reason == ""


@pytest.mark.parametrize("version", ["", "abc", 0, 99])
def test_garbled_version_counts_as_stale(world, version):
    case = drive(world, Status.REGISTERED)
    with pytest.raises(StaleCase):
        transitions.accept(case, world.users["v1"], version=version)
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


@pytest.mark.parametrize("version", [None, "", "  "])
def test_a_missing_version_is_refused_never_skipped(world, version):
    case = drive(world, Status.REGISTERED)
    with pytest.raises(StaleCase, match="版本"):
        transitions.accept(case.pk, world.users["v1"], version=version)
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


# --- accept, reject, time limit ---------------------------------------------------------------

def test_accept_sets_due_on_from_the_time_limit_table(world):
    TimeLimit.objects.filter(code="case_mediation").update(value=45)
    dates.clear_calendar_cache()
    case = drive(world, Status.REGISTERED)
    case = transitions.accept(case, world.users["v1"], version=case.version)
    assert case.accepted_on == TODAY()
    assert case.time_limit_days == 45
    assert case.due_on == TODAY() + dt.timedelta(days=45)
    assert CaseEvent.objects.filter(case=case, kind="accept").get().data["due_on"] == case.due_on.isoformat()


def test_accept_default_time_limit_is_30_days(world):
    case = drive(world, Status.ACCEPTED)
    assert case.due_on == case.accepted_on + dt.timedelta(days=30)
    assert case.days_left == 30 and not case.is_overdue


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_needs_a_reason(world, reason):
    case = drive(world, Status.REGISTERED)
    with pytest.raises(DomainError, match="理由") as exc:
        transitions.reject(case, world.users["v1"], version=case.version, reason=reason)
    assert exc.value.field == "reason"
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_reject_records_reason_and_outcome(world):
    case = drive(world, Status.REJECTED)
    assert case.outcome == Outcome.REJECTED and case.closed_on == TODAY()
    assert case.close_reason == "一方当事人明确拒绝调解"


def test_extend_moves_due_on(world):
    case = drive(world, Status.MEDIATING)
    due = case.due_on
    case = transitions.extend(case, world.users["v1"], version=case.version, days=10, reason="等待鉴定")
    assert case.due_on == due + dt.timedelta(days=10) and case.extended_days == 10
    ev = case.events.order_by("-id").first()
    assert ev.kind == "extend" and ev.reason == "等待鉴定" and ev.data["days"] == 10


@pytest.mark.parametrize(("days", "reason", "field"), [
    (0, "等待鉴定", "days"), (-5, "等待鉴定", "days"), (91, "等待鉴定", "days"), ("十天", "等待鉴定", "days"),
    (None, "等待鉴定", "days"), (10, "", "reason"),
])
def test_extend_refusals(world, days, reason, field):
    case = drive(world, Status.ACCEPTED)
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        transitions.extend(case, world.users["v1"], version=case.version, days=days, reason=reason)
    assert exc.value.field == field and CHINESE.search(exc.value.message)
    assert snapshot(case) == before


def test_overdue_and_is_overdue(world):
    late = drive(world, Status.MEDIATING)
    on_time = drive(world, Status.ACCEPTED)
    closed = drive(world, Status.FAILED)
    past = TODAY() - dt.timedelta(days=1)
    Case.objects.filter(pk__in=[late.pk, closed.pk]).update(due_on=past)
    assert set(Case.objects.overdue()) == {late}
    assert Case.objects.get(pk=late.pk).is_overdue
    assert not Case.objects.get(pk=on_time.pk).is_overdue
    assert not Case.objects.get(pk=closed.pk).is_overdue  # closed cases are never overdue
    assert Case.objects.get(pk=late.pk).days_left == -1
    # due today is not overdue yet
    Case.objects.filter(pk=late.pk).update(due_on=TODAY())
    assert not Case.objects.overdue().exists()
    # overdue(today=…) looks at another day
    assert set(Case.objects.overdue(today=TODAY() + dt.timedelta(days=31))) == {late, on_time}


# --- assign and 回避 ----------------------------------------------------------------------------

def test_assign_first_mediator_is_lead(world):
    case = drive(world, Status.ACCEPTED)
    transitions.assign(case, world.users["v1"], version=case.version,
                       mediators=[world.mediators["m1"], world.mediators["m1b"]])
    a = {x.mediator.name: x.lead for x in Assignment.objects.filter(case=case)}
    assert a == {"王秀兰": True, "赵建国": False}
    assert Case.objects.get(pk=case.pk).status == Status.MEDIATING


def test_township_mediator_may_help_a_village(world):
    case = drive(world, Status.ACCEPTED)
    transitions.assign(case, world.users["township"], version=case.version, mediators=[world.mediators["mt"]])
    assert Case.objects.get(pk=case.pk).active_mediators() == [world.mediators["mt"]]


@pytest.mark.parametrize("who", ["m2", "m3"])
def test_assign_refuses_mediator_of_another_committee(world, who):
    case = drive(world, Status.ACCEPTED)
    with pytest.raises(DomainError, match="不属于") as exc:
        transitions.assign(case, world.users["v1"], version=case.version, mediators=[world.mediators[who]])
    assert exc.value.field == "mediators"
    assert not Assignment.objects.filter(case=case).exists()


def test_assign_refuses_departed_mediator_and_empty_choice(world):
    case = drive(world, Status.ACCEPTED)
    m = world.mediators["m1b"]
    m.status = m.Status.LEFT
    m.save()
    with pytest.raises(DomainError, match="离岗"):
        transitions.assign(case, world.users["v1"], version=case.version, mediators=[m])
    with pytest.raises(DomainError, match="至少"):
        transitions.assign(case, world.users["v1"], version=case.version, mediators=[])
    # atomic: a good mediator listed before a bad one is not left assigned
    with pytest.raises(DomainError):
        transitions.assign(case, world.users["v1"], version=case.version, mediators=[world.mediators["m1"], m])
    assert not Assignment.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_assign_same_mediator_twice_refused(world):
    case = drive(world, Status.MEDIATING)
    with pytest.raises(DomainError, match="均已指派"):
        transitions.assign(case, world.users["v1"], version=case.version, mediators=[world.mediators["m1"]])


def test_replace_mediator_records_recusal_and_keeps_one_active(world):
    case = drive(world, Status.MEDIATING)
    m1, m1b = world.mediators["m1"], world.mediators["m1b"]
    transitions.replace_mediator(case, world.users["v1"], version=case.version, old=m1, new=m1b,
                                 reason="申请人申请回避")
    active = Assignment.objects.filter(case=case, active=True)
    assert [a.mediator for a in active] == [m1b]
    assert active.get().lead  # the replacement takes over the lead
    old = Assignment.objects.get(case=case, mediator=m1)
    assert not old.active and old.recused and old.release_reason == "申请人申请回避" and old.released_at
    ev = case.events.order_by("-id").first()
    assert ev.kind == "replace_mediator" and "回避" in ev.label and ev.reason == "申请人申请回避"
    assert ev.data == {"old": m1.name, "new": m1b.name, "recused": True}
    assert Case.objects.get(pk=case.pk).status == Status.MEDIATING


def test_recused_mediator_cannot_come_back(world):
    case = drive(world, Status.MEDIATING)
    m1, m1b = world.mediators["m1"], world.mediators["m1b"]
    transitions.replace_mediator(case, world.users["v1"], version=case.version, old=m1, new=m1b, reason="回避")
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(DomainError, match="回避"):
        transitions.assign(case, world.users["v1"], version=case.version, mediators=[m1])
    with pytest.raises(DomainError, match="回避"):
        transitions.replace_mediator(case, world.users["v1"], version=case.version, old=m1b, new=m1, reason="再换")
    assert [a.mediator for a in Assignment.objects.filter(case=case, active=True)] == [m1b]


def test_replace_without_recusal_is_labelled_as_replacement(world):
    case = drive(world, Status.MEDIATING)
    transitions.replace_mediator(case, world.users["v1"], version=case.version, old=world.mediators["m1"],
                                 new=world.mediators["m1b"], reason="原调解员离岗", recused=False)
    assert case.events.order_by("-id").first().label.startswith("更换调解员")
    assert not Assignment.objects.get(case=case, mediator=world.mediators["m1"]).recused


@pytest.mark.parametrize(("old", "new", "reason", "field"), [
    ("m1b", "mt", "回避", "old"),      # not on the case
    ("m1", "m1", "回避", "new"),       # same person
    ("m1", "m2", "回避", "new"),       # other committee
    ("m1", "m1b", "", "reason"),       # no reason
])
def test_replace_mediator_refusals(world, old, new, reason, field):
    case = drive(world, Status.MEDIATING)
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        transitions.replace_mediator(case, world.users["v1"], version=case.version, old=world.mediators[old],
                                     new=world.mediators[new], reason=reason)
    assert exc.value.field == field
    assert snapshot(case) == before


# --- sessions and investigations ----------------------------------------------------------------

def test_record_session_saves_record(world):
    case = drive(world, Status.MEDIATING)
    s = transitions.record_session(case, world.users["v1"], version=case.version, **session_kwargs())
    assert s.case == case and s.recorder == world.users["v1"].label and s.recorded_by == world.users["v1"]
    assert "东安社区调解室" in case.events.order_by("-id").first().label


@pytest.mark.parametrize(("over", "field"), [
    ({"place": ""}, "place"), ({"participants": " "}, "participants"), ({"content": ""}, "content"),
    ({"held_at": None}, "held_at"), ({"held_at": "昨天"}, "held_at"),
    ({"held_at": timezone.now() + dt.timedelta(days=2)}, "held_at"),
])
def test_record_session_refusals(world, over, field):
    case = drive(world, Status.MEDIATING)
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        transitions.record_session(case, world.users["v1"], version=case.version, **session_kwargs(**over))
    assert exc.value.field == field and CHINESE.search(exc.value.message)
    assert snapshot(case) == before


def test_long_place_and_names_fit_the_timeline(world):
    """CaseEvent.label is varchar(60): PostgreSQL refuses longer text, so labels are cut."""
    case = drive(world, Status.MEDIATING)
    place = "平顶山市卫东区东安路街道东安社区" * 10  # 170 characters
    transitions.record_session(case, world.users["v1"], version=case.version, **session_kwargs(place=place[:200]))
    ev = case.events.order_by("-id").first()
    assert len(ev.label) <= 60 and ev.label.startswith("调解记录")
    case = Case.objects.get(pk=case.pk)
    transitions.record_investigation(case, world.users["v1"], version=case.version,
                                     held_at=timezone.now(), place="现场", subject="证" * 100,
                                     investigators="王秀兰", content="询问")
    assert len(case.events.order_by("-id").first().label) <= 60


def test_naive_and_date_held_at_are_accepted(world):
    case = drive(world, Status.MEDIATING)
    Case.objects.filter(pk=case.pk).update(accepted_on=TODAY() - dt.timedelta(days=5))
    s = transitions.record_session(case, world.users["v1"], version=version_of(case), **session_kwargs(held_at=dt.datetime.combine(TODAY() - dt.timedelta(days=3), dt.time(9, 30))))
    assert timezone.is_aware(s.held_at)
    s = transitions.record_session(case, world.users["v1"], version=version_of(case), **session_kwargs(held_at=TODAY() - dt.timedelta(days=2)))
    assert timezone.localtime(s.held_at).date() == TODAY() - dt.timedelta(days=2)


# --- succeed ----------------------------------------------------------------------------------

def mediating_with_session(world):
    case = drive(world, Status.MEDIATING)
    transitions.record_session(case, world.users["v1"], version=version_of(case), **session_kwargs())
    return Case.objects.get(pk=case.pk)


def test_succeed_needs_a_prior_session(world):
    case = drive(world, Status.MEDIATING)
    with pytest.raises(DomainError, match="调解记录"):
        transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs())
    assert not Agreement.objects.exists()


def test_succeed_from_accepted_gives_hint(world):
    case = drive(world, Status.ACCEPTED)
    with pytest.raises(DomainError, match="请先指派调解员"):
        transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs())


def test_succeed_with_written_agreement(world):
    case = mediating_with_session(world)
    ag = transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs())
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.SUCCEEDED and case.outcome == Outcome.SUCCESS and case.closed_on == TODAY()
    assert ag.kind == "written" and ag.amount == Decimal("1500.00") and ag.effective_on == TODAY()
    assert ag.responsibilities and ag.performance_method and ag.recorded_by == world.users["v1"]
    ev = case.events.order_by("-id").first()
    assert ev.kind == "succeed" and "书面协议" in ev.label and ev.data["amount"] == "1500.00"


@pytest.mark.parametrize("missing", ["facts", "issues", "responsibilities", "terms", "performance_method",
                                     "performance_deadline"])
def test_written_agreement_needs_art29_content(world, missing):
    case = mediating_with_session(world)
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        transitions.succeed(case, world.users["v1"], version=case.version,
                            **written_kwargs(**{missing: None if missing == "performance_deadline" else "  "}))
    assert exc.value.field == missing and CHINESE.search(exc.value.message)
    assert snapshot(case) == before


def test_oral_agreement_needs_content_only(world):
    case = mediating_with_session(world)
    with pytest.raises(DomainError, match="口头协议") as exc:
        transitions.succeed(case, world.users["v1"], version=case.version, kind="oral", terms="")
    assert exc.value.field == "terms"
    ag = transitions.succeed(case, world.users["v1"], version=case.version, kind="oral", terms="双方握手言和。")
    assert ag.kind == "oral" and ag.amount == 0 and ag.facts == ""


@pytest.mark.parametrize(("over", "field"), [
    ({"amount": Decimal("-1")}, "amount"), ({"amount": "-0.01"}, "amount"), ({"amount": "一千元"}, "amount"),
    ({"amount": "NaN"}, "amount"), ({"amount": Decimal("1e13")}, "amount"),
    ({"kind": "email"}, "kind"),
    ({"effective_on": TODAY() + dt.timedelta(days=1)}, "effective_on"),
    ({"performance_deadline": TODAY() - dt.timedelta(days=1)}, "performance_deadline"),
    ({"performance_deadline": "2026-02-30"}, "performance_deadline"),
])
def test_succeed_refusals_write_nothing(world, over, field):
    case = mediating_with_session(world)
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs(**over))
    assert exc.value.field == field and CHINESE.search(exc.value.message)
    assert snapshot(case) == before
    assert not Agreement.objects.filter(case=case).exists()


def test_amount_given_as_text_is_accepted(world):
    case = mediating_with_session(world)
    ag = transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs(amount="1,234.5"))
    assert Agreement.objects.get(pk=ag.pk).amount == Decimal("1234.50")


def test_succeed_is_atomic_when_a_late_step_fails(world, monkeypatch):
    """If the timeline event cannot be written, the agreement created before it is rolled back."""
    case = mediating_with_session(world)
    before = snapshot(case)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(transitions, "_finish", broken)
    with pytest.raises(RuntimeError):
        transitions.succeed(case, world.users["v1"], version=case.version, **written_kwargs())
    assert snapshot(case) == before
    assert not Agreement.objects.exists()


# --- fail / terminate ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "source", "outcome"), [
    ("fail", Status.MEDIATING, Outcome.FAILED),
    ("terminate", Status.MEDIATING, Outcome.TERMINATED),
    ("terminate", Status.ACCEPTED, Outcome.TERMINATED),
])
def test_unsuccessful_endings_need_routes_informed(world, name, source, outcome):
    case = drive(world, source)
    before = snapshot(case)
    with pytest.raises(DomainError, match="第26条") as exc:
        run(name, case, world.users["v1"], world, routes_informed=False)
    assert exc.value.field == "routes_informed"
    with pytest.raises(DomainError, match="原因") as exc:
        run(name, case, world.users["v1"], world, reason="")
    assert exc.value.field == "reason"
    assert snapshot(case) == before
    run(name, case, world.users["v1"], world)
    case = Case.objects.get(pk=case.pk)
    assert case.outcome == outcome and case.routes_informed and case.closed_on == TODAY() and case.close_reason


# --- follow-up and archive ----------------------------------------------------------------------

@pytest.mark.parametrize(("over", "field"), [
    ({"visited_on": TODAY() + dt.timedelta(days=1)}, "visited_on"),
    ({"visited_on": TODAY() - dt.timedelta(days=1)}, "visited_on"),  # before the success
    ({"visited_on": None}, "visited_on"),
    ({"visited_on": "2026-13-01"}, "visited_on"),
    ({"performance": "maybe"}, "performance"),
    ({"satisfaction": ""}, "satisfaction"),
    ({"visitor": ""}, "visitor"),
])
def test_follow_up_refusals(world, over, field):
    case = drive(world, Status.SUCCEEDED)
    before = snapshot(case)
    with pytest.raises(DomainError) as exc:
        run("follow_up", case, world.users["v1"], world, **over)
    assert exc.value.field == field and CHINESE.search(exc.value.message)
    assert snapshot(case) == before


def test_follow_up_records_visit_and_may_repeat(world):
    case = drive(world, Status.FOLLOWED_UP)
    fu = case.follow_ups.get()
    assert fu.performance == "full" and fu.visitor == "王秀兰"
    run("follow_up", case, world.users["v1"], world, performance="partial", notes="尚余部分款项")
    assert Case.objects.get(pk=case.pk).follow_ups.count() == 2


def test_archive_succeeded_case_without_follow_up_refused_with_hint(world):
    case = drive(world, Status.SUCCEEDED)
    with pytest.raises(DomainError, match="须先回访"):
        transitions.archive(case, world.users["v1"], version=case.version)


def test_archive_mediating_case_refused_with_hint(world):
    case = drive(world, Status.MEDIATING)
    with pytest.raises(DomainError, match="仍在调解中"):
        transitions.archive(case, world.users["v1"], version=case.version)


@pytest.mark.parametrize("source", [Status.FOLLOWED_UP, Status.REJECTED, Status.FAILED, Status.TERMINATED])
def test_archive_sets_archived_at(world, source):
    case = drive(world, source)
    provide_identity_proofs(case, world.users["v1"])
    case = Case.objects.get(pk=case.pk)
    case = transitions.archive(case, world.users["v1"], version=case.version, note="卷宗齐全")
    assert case.archived_at and case.is_read_only
    assert case.events.order_by("-id").first().reason == "卷宗齐全"


def test_full_life_timeline(world):
    case = drive(world, Status.ARCHIVED)
    kinds = list(case.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["register", "route", "accept", "assign", "record_session", "succeed", "follow_up", "attach",
                     "attach", "archive"]
    statuses = list(case.events.order_by("id").values_list("to_status", flat=True))
    assert statuses[-1] == Status.ARCHIVED
    assert CaseEvent.objects.filter(case=case).exclude(kind="register").filter(actor=None).count() == 0


def test_validation_error_puts_message_on_field():
    err = transitions.validation_error(TransitionError("请填写原因", "reason"))
    assert err.message_dict == {"reason": ["请填写原因"]}
    err = transitions.validation_error(TransitionError("请先指派调解员"))
    assert err.messages == ["请先指派调解员"]
