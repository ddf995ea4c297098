"""The one state machine of a case, and the only door for every write to a registered case.

Every write to a case after registration is a *step* run through ``acting_on``: it locks the
case row, checks in one place that the acting user's role may take the step
(``tiaojie.core.permissions``), that the case is in the user's scope (owned; a few steps admit
a role that only sees the case through a link), that the case is writable (``ensure_writable``:
nothing changes after 归档), that the user saw the current version (a stale form is refused,
never overwritten) and that the case is in a status the step starts from; then the caller makes
its changes and the step records one event on the timeline, all in one transaction. Side effects
(risk reassessment, rollups, the search index, notifications) run after commit through the
``case_changed`` signal.

Status steps (the only code that assigns ``Case.status``):
登记 → 受理 (accept: an online application takes its case number here) | 不予受理 (reject)
受理 → 指派调解员 (assign) → 调解中: 调解记录 (record_session), 调查记录 (record_investigation),
       更换/回避 (replace_mediator), 延期 (extend)
调解中 → 调解成功 (succeed, with a written or oral agreement) | 调解不成 (fail) | 终止 (terminate)
调解成功 → 回访 (follow_up) → 归档 (archive); 不予受理/调解不成/终止 → 归档
Steps without a status change are registered by the parts that own them (routing: 分流, 移交,
移送, 司法确认; warnings: 风险等级, 督办, 预防成效; documents: 材料) with ``register_step``, plus
``correct_record`` (更正登记信息) here.
"""
from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tiaojie.cases import archiving
from tiaojie.cases.models import (
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    FollowUp,
    Investigation,
    MediationSession,
    Outcome,
    Party,
    Status,
)
from tiaojie.cases.signals import case_changed
from tiaojie.core import dates, permissions, validators
from tiaojie.core.errors import DomainError, Refused, StaleRecord
from tiaojie.core.scope import Scope


class TransitionError(DomainError):
    """A step refused: ``message`` is shown to the user; ``field`` names a form field."""


class StaleCase(TransitionError, StaleRecord):
    pass


@dataclass(frozen=True)
class Step:
    """A named step on a case. ``target`` None: the status does not change.

    ``action`` is the permission (role) it needs, ``case.<name>`` unless given;
    ``link_roles`` may take the step on a case they only see through a link (the court liaison
    records the court's answer to a 司法确认 of a case handled elsewhere)."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None = None
    action: str = ""
    link_roles: frozenset = frozenset()

    @property
    def permission(self) -> str:
        return self.action or f"case.{self.name}"


S = Status
ALL = tuple(s for s in S.values if s != S.ARCHIVED)
OPEN = (S.REGISTERED, S.ACCEPTED, S.MEDIATING)
CLOSED = (S.REJECTED, S.SUCCEEDED, S.FAILED, S.TERMINATED, S.FOLLOWED_UP)

STEPS: dict[str, Step] = {}


def register_step(step: Step) -> Step:
    """Add a step (called at import by the part that owns it); the same name twice must agree."""
    old = STEPS.get(step.name)
    if old is not None and old != step:
        raise ValueError(f"step {step.name!r} registered twice with different definitions")
    STEPS[step.name] = step
    return step


# The status transitions: each has a form on the case page.
TRANSITIONS: dict[str, Step] = {
    t.name: register_step(t)
    for t in [
        Step("accept", "受理", (S.REGISTERED,), S.ACCEPTED),
        Step("reject", "不予受理", (S.REGISTERED,), S.REJECTED),
        Step("assign", "指派调解员", (S.ACCEPTED, S.MEDIATING), S.MEDIATING),
        Step("replace_mediator", "更换调解员（回避）", (S.MEDIATING,)),
        Step("record_session", "调解记录", (S.MEDIATING,)),
        Step("record_investigation", "调查记录", (S.ACCEPTED, S.MEDIATING)),
        Step("extend", "延长调解期限", (S.ACCEPTED, S.MEDIATING)),
        Step("succeed", "调解成功", (S.MEDIATING,), S.SUCCEEDED),
        Step("fail", "调解不成", (S.MEDIATING,), S.FAILED),
        Step("terminate", "终止调解", (S.ACCEPTED, S.MEDIATING), S.TERMINATED),
        Step("follow_up", "回访", (S.SUCCEEDED, S.FOLLOWED_UP), S.FOLLOWED_UP),
        Step("archive", "归档", (S.FOLLOWED_UP, S.REJECTED, S.FAILED, S.TERMINATED), S.ARCHIVED),
    ]
}
register_step(Step("correct", "更正登记信息", ALL))

# Extra advice when a transition is asked for from a state it does not start from.
_WRONG_STATE_HINTS = {
    ("archive", S.SUCCEEDED): "调解成功的案件须先回访，再归档",
    ("archive", S.MEDIATING): "案件仍在调解中，须先记录调解结果（成功、不成或终止）才能归档",
    ("archive", S.ACCEPTED): "案件尚未调解，不能归档",
    ("archive", S.REGISTERED): "案件尚未受理，不能归档",
    ("succeed", S.ACCEPTED): "请先指派调解员并开展调解",
    ("record_session", S.ACCEPTED): "请先指派调解员",
}

READ_ONLY = "案件已归档，只能查看，不能修改"


def ensure_writable(case: Case) -> None:
    """Nothing about a case changes after 归档 (a correction needs the archive reopened, which
    the platform does not offer: the paper file is sealed)."""
    if case.status == S.ARCHIVED:
        raise TransitionError(READ_ONLY)


def _may_act(case: Case, user, step: Step) -> bool:
    scope = Scope.of(user)
    if scope.owns(case):
        return True
    return bool(step.link_roles) and user.role in step.link_roles and scope.can_see(case)


def check(case: Case, user, name: str) -> Step:
    """Raise ``Refused`` (role, scope) or ``TransitionError`` (archived, wrong status) if ``user``
    may not take step ``name`` on ``case`` now. Pages call it to explain; ``acting_on`` calls it
    on the locked row."""
    step = STEPS[name]
    permissions.require(user, step.permission)
    if not _may_act(case, user, step):
        raise Refused("该案件不在您的管辖范围内，只能查看，不能办理")
    ensure_writable(case)
    if case.status not in step.sources:
        hint = _WRONG_STATE_HINTS.get((name, case.status))
        allowed = "、".join(Status(s).label for s in step.sources)
        raise TransitionError(
            f"案件当前状态为“{case.get_status_display()}”，不能办理“{step.label}”"
            + (f"：{hint}" if hint else f"（仅限{allowed}的案件）")
        )
    return step


def may(case: Case, user, name: str) -> bool:
    try:
        check(case, user, name)
    except (Refused, TransitionError):
        return False
    return True


def available(case: Case, user) -> list[Step]:
    """The status transitions this user may start on this case now (for the case page)."""
    return [t for t in TRANSITIONS.values() if may(case, user, t.name)]


def _version(version) -> int:
    if version is None or (isinstance(version, str) and not version.strip()):
        raise StaleCase("表单缺少案件版本信息，请刷新页面后重新填写")
    try:
        return int(version)
    except (TypeError, ValueError):
        raise StaleCase("表单中的案件版本信息无效，请刷新页面后重新填写")


def _lock(case: Case | int, user, name: str, version) -> tuple[Case, Step]:
    pk = case.pk if isinstance(case, Case) else case
    locked = (Case.objects.select_for_update(of=("self",))
              .select_related("organization", "dispute_type__parent", "region").get(pk=pk))
    step = STEPS[name]
    permissions.require(user, step.permission)
    if not _may_act(locked, user, step):
        raise Refused("该案件不在您的管辖范围内，只能查看，不能办理")
    ensure_writable(locked)
    # A stale form is reported before the state check: "someone changed it, refresh" explains a
    # state the user did not see, where "wrong state" would not.
    if _version(version) != locked.version:
        last = locked.events.order_by("-at", "-id").first()
        who = f"{last.actor_name}于{timezone.localtime(last.at):%m-%d %H:%M}“{last.label}”" if last else "他人"
        raise StaleCase(f"该案件已被修改（{who}），您看到的是旧版本，请刷新页面后重新填写")
    return locked, check(locked, user, name)


# CaseEvent.label / actor_name are varchar(60): labels built from user input (places, names)
# must be cut to fit, or PostgreSQL refuses the row.
LABEL_MAX = 60


def fit_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Act:
    """One step being taken: the locked case, and what its timeline entry will say."""

    case: Case
    user: object
    step: Step
    label: str | None = None
    reason: str = ""
    data: dict = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)
    event: CaseEvent | None = None

    def record(self, *, label: str | None = None, reason: str = "", data: dict | None = None,
               fields=()) -> None:
        self.label = label
        self.reason = reason or ""
        self.data = data or {}
        self.fields = list(fields)


@contextmanager
def acting_on(case: Case | int, user, name: str, *, version) -> Iterator[Act]:
    """Take step ``name`` on ``case``: ``with acting_on(case, user, "x", version=v) as act:``
    makes the changes on ``act.case`` and calls ``act.record(...)``; on leaving the block the
    status (if the step changes it), the version and the timeline are written. An exception
    inside the block rolls everything back."""
    with transaction.atomic():
        locked, step = _lock(case, user, name, version)
        act = Act(locked, user, step)
        yield act
        act.event = _finish(act)


def _finish(act: Act) -> CaseEvent:
    case, step, user = act.case, act.step, act.user
    from_status = case.status
    if step.target is not None:
        case.status = step.target
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at", *act.fields])
    event = CaseEvent.objects.create(
        case=case, kind=step.name, label=fit_text(act.label or step.label, LABEL_MAX), from_status=from_status,
        to_status=case.status, actor=user, actor_name=fit_text(user.label if user else "系统", LABEL_MAX),
        reason=act.reason, data=act.data,
    )
    after_commit(case, user, step.name)
    return event


def after_commit(case: Case, user, kind: str, *, parties: list[Party] | None = None) -> None:
    """Send ``case_changed`` once the transaction commits (risk, rollups, search index …).

    The receivers' writes are one transaction (one commit instead of one per receiver: a
    registration wrote four), and they get the case with its parties read once
    (``case.parties.all()`` costs them no query). Should a receiver fail, the others' writes
    of this change are rolled back with it and the failure is logged (``robust``).

    ``parties``: given by a step that wrote the whole record in this transaction (registration),
    the parties it wrote. The receivers then get a copy of ``case`` as written, with these
    parties, instead of reading both back: nothing else can have changed a case that did not
    exist before this transaction (two queries and their model instances a registration)."""
    pk = case.pk
    written = None
    if parties is not None:
        written = copy.copy(case)   # the caller's instance keeps no trace of the receivers
        # what ``prefetch_related("parties")`` leaves on a case read back
        held = written.parties.all()
        held._result_cache, held._prefetch_done = list(parties), True
        written._prefetched_objects_cache = {"parties": held}

    def send():
        with transaction.atomic():
            fresh = written if written is not None else (
                Case.objects.select_related("organization", "dispute_type__parent", "region")
                .prefetch_related("parties").filter(pk=pk).first())
            if fresh is not None:
                case_changed.send(sender=Case, case=fresh, actor=user, kind=kind)

    transaction.on_commit(send, robust=True)


def system_note(case: Case, kind: str, label: str, *, reason: str = "", data: dict | None = None,
                actor=None) -> CaseEvent:
    """A line on the timeline that records what the platform derived (a risk level that changed
    after a reassessment), not a change anyone made to the case: no lock, no version change."""
    return CaseEvent.objects.create(case=case, kind=kind, label=fit_text(label, LABEL_MAX), reason=reason,
                                    actor=actor, actor_name=fit_text(actor.label, LABEL_MAX) if actor else "系统",
                                    data=data or {}, from_status=case.status, to_status=case.status)


def _today() -> dt.date:
    return dates.today()


def _required(value, message: str, field: str, limit_name: str | None = None):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TransitionError(message, field)
    if isinstance(value, str):
        try:
            return validators.text(value, field, message.removeprefix("请填写").removeprefix("请记录"),
                                   limit_name=limit_name)
        except DomainError as e:
            raise TransitionError(e.message, e.field)
    return value


def _clean(fn, *args, **kwargs):
    """Call a validator, turning its DomainError into a TransitionError."""
    try:
        return fn(*args, **kwargs)
    except DomainError as e:
        raise TransitionError(e.message, e.field)


# --- the status transitions ---------------------------------------------------------------

def accept(case, user, *, version, note: str = "", time_limit_days: int | None = None) -> Case:
    with acting_on(case, user, "accept", version=version) as act:
        c = act.case
        note = _clean(validators.text, note, "note", "受理说明", required=False)
        c.accepted_on = _today()
        if time_limit_days:
            days = _clean(validators.count, time_limit_days, "time_limit_days", "调解期限", maximum=90)
            c.due_on = c.accepted_on + dt.timedelta(days=days)
        else:
            days = dates.limit("case_mediation")
            c.due_on = dates.deadline("case_mediation", c.accepted_on)
        c.time_limit_days = days
        fields, data, label = ["accepted_on", "time_limit_days", "due_on"], {"due_on": c.due_on.isoformat()}, None
        if not c.numbered:  # an online application takes its number in the committee's series now
            data["reference"] = c.number
            _number(c)
            fields += ["number", "year", "seq", "numbered_by"]
            data["number"] = c.number
            label = f"受理（案号{c.number}）"
        act.record(label=label, reason=note, data=data, fields=fields)
    return act.case


def _number(c: Case) -> None:
    """Give an accepted online application the next number of its committee's series for this year."""
    from tiaojie.cases.intake import next_case_number  # intake registers through this module

    year = timezone.localtime().year
    c.seq, c.number = next_case_number(c.organization, year)
    c.year, c.numbered_by = year, c.organization


def reject(case, user, *, version, reason: str) -> Case:
    with acting_on(case, user, "reject", version=version) as act:
        c = act.case
        c.close_reason = _required(reason, "请填写不予受理的理由", "reason")
        c.outcome = Outcome.REJECTED
        c.closed_on = _today()
        act.record(reason=c.close_reason, fields=["close_reason", "outcome", "closed_on"])
    return act.case


def _check_mediator(case: Case, mediator, field: str = "mediators") -> None:
    if mediator.status != mediator.Status.ACTIVE:
        raise TransitionError(f"调解员{mediator.name}已离岗，不能指派", field)
    if not mediator_may_serve(case, mediator):
        raise TransitionError(f"调解员{mediator.name}不属于本案承办单位或其上级单位", field)
    if case.assignments.filter(mediator=mediator, recused=True).exists():
        raise TransitionError(f"调解员{mediator.name}已因当事人申请回避，不能再指派到本案", field)


def mediator_may_serve(case: Case, mediator) -> bool:
    """A mediator may take a case of their committee, of a committee they also serve on, or of
    an organization their own one supervises (a township mediator helping a village)."""
    orgs = [mediator.organization, *mediator.committees.all()]
    return any(case.organization.path.startswith(o.path) for o in orgs)


def assign(case, user, *, version, mediators, lead=None, note: str = "") -> Case:
    with acting_on(case, user, "assign", version=version) as act:
        c = act.case
        mediators = list(mediators)
        if not mediators:
            raise TransitionError("请至少选择一名调解员", "mediators")
        current = {a.mediator_id for a in c.assignments.filter(active=True)}
        added = []
        for m in mediators:
            _check_mediator(c, m)
            if m.pk in current:
                continue
            Assignment.objects.create(case=c, mediator=m, lead=(lead is not None and m.pk == lead.pk)
                                      or (lead is None and not current and not added))
            added.append(m)
        if not added:
            raise TransitionError("所选调解员均已指派在本案", "mediators")
        act.record(reason=_clean(validators.text, note, "note", "说明", required=False),
                   data={"mediators": [m.name for m in added]},
                   label="指派调解员：" + "、".join(m.name for m in added))
    return act.case


def accept_and_assign(case, user, *, version, mediators, lead=None, note: str = "",
                      time_limit_days: int | None = None) -> Case:
    """受理 and 指派调解员 in one go (one form at the desk): two steps, two timeline entries, one
    transaction (a refused assignment leaves the case unaccepted)."""
    with transaction.atomic():
        c = accept(case, user, version=version, note=note, time_limit_days=time_limit_days)
        return assign(c.pk, user, version=c.version, mediators=mediators, lead=lead)


def replace_mediator(case, user, *, version, old, new, reason: str, recused: bool = True) -> Case:
    """A party rejects a mediator (回避) or the committee replaces one."""
    with acting_on(case, user, "replace_mediator", version=version) as act:
        c = act.case
        reason = _required(reason, "请填写更换调解员的原因", "reason")
        a = c.assignments.filter(active=True, mediator=old).first()
        if a is None:
            raise TransitionError(f"{old.name}并非本案在办调解员", "old")
        if new.pk == old.pk:
            raise TransitionError("新调解员不能与被更换的调解员相同", "new")
        if c.assignments.filter(active=True, mediator=new).exists():
            raise TransitionError(f"{new.name}已是本案调解员", "new")
        _check_mediator(c, new, "new")
        a.active, a.released_at, a.release_reason, a.recused = False, timezone.now(), reason[:200], recused
        a.save()
        Assignment.objects.create(case=c, mediator=new, lead=a.lead)
        act.record(label=f"{'回避' if recused else '更换调解员'}：{old.name} → {new.name}", reason=reason,
                   data={"old": old.name, "new": new.name, "recused": recused})
    return act.case


def _not_before_acceptance(c: Case) -> dict:
    if c.accepted_on:
        return {"not_before": c.accepted_on, "not_before_what": f"受理日期（{c.accepted_on:%Y-%m-%d}）"}
    return {}


def record_session(case, user, *, version, held_at, place, participants, content, recorder="") -> MediationSession:
    with acting_on(case, user, "record_session", version=version) as act:
        c = act.case
        held_at = _clean(validators.moment, held_at, "held_at", "调解时间", **_not_before_acceptance(c))
        place = _required(place, "请填写调解地点", "place")
        s = MediationSession.objects.create(
            case=c, held_at=held_at, place=place,
            participants=_required(participants, "请填写参加人", "participants"),
            content=_required(content, "请填写调解情况", "content"),
            recorder=_clean(validators.text, recorder, "recorder", "记录人", required=False,
                            limit_name="person") or user.label,
            recorded_by=user,
        )
        act.record(label=f"调解记录（{timezone.localtime(held_at):%Y-%m-%d} {place}）", data={"session": s.pk})
    return s


def record_investigation(case, user, *, version, held_at, place, subject, investigators, content) -> Investigation:
    with acting_on(case, user, "record_investigation", version=version) as act:
        c = act.case
        held_at = _clean(validators.moment, held_at, "held_at", "调查时间", **_not_before_acceptance(c))
        inv = Investigation.objects.create(
            case=c, held_at=held_at, place=_required(place, "请填写调查地点", "place"),
            subject=_required(subject, "请填写被调查人", "subject", "name"),
            investigators=_required(investigators, "请填写调查人", "investigators", "name"),
            content=_required(content, "请填写调查内容", "content"), recorded_by=user,
        )
        act.record(label=f"调查记录（被调查人：{inv.subject}）", data={"investigation": inv.pk})
    return inv


def extend(case, user, *, version, days: int, reason: str) -> Case:
    with acting_on(case, user, "extend", version=version) as act:
        c = act.case
        reason = _required(reason, "请填写延期理由", "reason")
        try:
            days = int(days)
        except (TypeError, ValueError):
            raise TransitionError("延长天数须为整数", "days")
        if days <= 0 or days > 90:
            raise TransitionError("延长天数应在1到90天之间", "days")
        c.extended_days += days
        c.due_on = (c.due_on or _today()) + dt.timedelta(days=days)
        act.record(label=f"延长调解期限{days}天（至{c.due_on:%Y-%m-%d}）", reason=reason,
                   data={"days": days, "due_on": c.due_on.isoformat()}, fields=["extended_days", "due_on"])
    return act.case


def succeed(case, user, *, version, kind: str, terms: str, amount=0, effective_on=None, facts: str = "",
            issues: str = "", responsibilities: str = "", performance_method: str = "",
            performance_deadline=None) -> Agreement:
    """调解成功, with a written agreement (Art.29 content required) or an oral one (content recorded)."""
    with acting_on(case, user, "succeed", version=version) as act:
        c = act.case
        if not c.sessions.exists():
            raise TransitionError("请先填写至少一次调解记录，再记录调解协议")
        if kind not in Agreement.Kind.values:
            raise TransitionError("请选择协议形式（书面或口头）", "kind")
        terms = _required(terms, "请填写协议内容" if kind == "written" else "请记录口头协议的内容", "terms")
        facts, issues, responsibilities = (
            _clean(validators.text, v, f, label, required=False, limit_name="agreement_text")
            for v, f, label in ((facts, "facts", "纠纷主要事实"), (issues, "issues", "争议事项"),
                                (responsibilities, "responsibilities", "各方责任")))
        performance_method = _clean(validators.text, performance_method, "performance_method", "履行方式",
                                    required=False, limit_name="short")
        if kind == Agreement.Kind.WRITTEN:
            _required(facts, "书面协议须写明纠纷主要事实", "facts")
            _required(issues, "书面协议须写明争议事项", "issues")
            _required(responsibilities, "书面协议须写明各方责任", "responsibilities")
            _required(performance_method, "书面协议须写明履行方式", "performance_method")
            if performance_deadline is None or (isinstance(performance_deadline, str) and not performance_deadline.strip()):
                raise TransitionError("书面协议须写明履行期限", "performance_deadline")
        performance_deadline = _clean(validators.date, performance_deadline, "performance_deadline", "履行期限",
                                      required=False)
        amount = _clean(validators.amount, amount, "amount", "协议金额")
        effective_on = _clean(validators.date, effective_on, "effective_on", "生效日期", required=False,
                              not_future=True, **_not_before_acceptance(c)) or _today()
        if performance_deadline is not None and performance_deadline < effective_on:
            raise TransitionError("履行期限不能早于协议生效日期", "performance_deadline")
        ag = Agreement.objects.create(
            case=c, kind=kind, terms=terms, amount=amount, effective_on=effective_on, facts=facts,
            issues=issues, responsibilities=responsibilities, performance_method=performance_method,
            performance_deadline=performance_deadline, recorded_by=user,
        )
        c.outcome = Outcome.SUCCESS
        c.closed_on = effective_on
        # The case's copy of the agreement's form and amount (``Case.agreement_kind/_amount``, read by
        # the statistics): written here, the only code that records an agreement, in the same row lock.
        c.agreement_kind, c.agreement_amount = ag.kind, ag.amount
        amount_text = f"，金额{amount}元" if amount else ""
        act.record(label=f"调解成功（{ag.get_kind_display()}{amount_text}）",
                   data={"agreement": ag.pk, "amount": str(amount)},
                   fields=["outcome", "closed_on", "agreement_kind", "agreement_amount"])
    return ag


def _close_unsuccessful(name: str, outcome: str, case, user, version, reason: str, routes_informed: bool) -> Case:
    with acting_on(case, user, name, version=version) as act:
        c = act.case
        c.close_reason = _required(reason, "请填写原因", "reason")
        if not routes_informed:
            raise TransitionError("须告知当事人可以依法通过仲裁、行政、司法等途径维护权利（人民调解法第26条）",
                                  "routes_informed")
        c.routes_informed = True
        c.outcome = outcome
        c.closed_on = _today()
        act.record(reason=c.close_reason, fields=["close_reason", "routes_informed", "outcome", "closed_on"])
    return act.case


def fail(case, user, *, version, reason: str, routes_informed: bool) -> Case:
    return _close_unsuccessful("fail", Outcome.FAILED, case, user, version, reason, routes_informed)


def terminate(case, user, *, version, reason: str, routes_informed: bool) -> Case:
    return _close_unsuccessful("terminate", Outcome.TERMINATED, case, user, version, reason, routes_informed)


def follow_up(case, user, *, version, visited_on, visitor: str, performance: str, satisfaction: str,
              method: str = "上门", notes: str = "") -> FollowUp:
    with acting_on(case, user, "follow_up", version=version) as act:
        c = act.case
        visited_on = _clean(validators.date, visited_on, "visited_on", "回访日期", not_future=True)
        if c.closed_on and visited_on < c.closed_on:
            raise TransitionError("回访日期不能早于调解成功的日期", "visited_on")
        if performance not in FollowUp.Performance.values:
            raise TransitionError("请选择履行情况", "performance")
        if satisfaction not in FollowUp.Satisfaction.values:
            raise TransitionError("请选择满意度", "satisfaction")
        notes = _clean(validators.text, notes, "notes", "回访情况", required=False, limit_name="note")
        fu = FollowUp.objects.create(
            case=c, visited_on=visited_on, visitor=_required(visitor, "请填写回访人", "visitor", "person"),
            method=(method or "上门")[:10], performance=performance, satisfaction=satisfaction, notes=notes,
            recorded_by=user,
        )
        # the case's copy (``Case.followed_up``, ``Case.fully_performed``, read by the statistics):
        # written here, the only code that records a follow-up, in the same row lock; never unset
        c.followed_up = True
        if performance == FollowUp.Performance.FULL:
            c.fully_performed = True
        act.record(label=f"回访（{fu.get_performance_display()}，{fu.get_satisfaction_display()}）",
                   reason=notes, data={"follow_up": fu.pk}, fields=["followed_up", "fully_performed"])
    return fu


def archive(case, user, *, version, note: str = "", force_reason: str = "") -> Case:
    """归档 when the file is complete (every requirement registered in ``archiving`` holds, checked
    on the locked case). When items are missing, a supervisor (司法所及以上) may archive anyway
    with a reason: the case is marked ``archive_forced`` and the missing items go on the timeline."""
    with acting_on(case, user, "archive", version=version) as act:
        c = act.case
        note = _clean(validators.text, note, "note", "归档说明", required=False)
        force_reason = _clean(validators.text, force_reason, "force_reason", "强制归档理由", required=False)
        missing = archiving.missing_items(c)
        if missing:
            listed = "；".join(missing)
            if not force_reason:
                raise TransitionError(f"卷宗材料不齐全，缺少：{listed}。请补齐后归档；确需归档的，"
                                      "由司法所及以上工作人员填写理由后归档", "force_reason")
            if not permissions.allowed(user, "case.archive_forced"):
                raise TransitionError("卷宗材料不齐全时，只有司法所、县级调解中心或市司法局工作人员可以填写理由强制归档",
                                      "force_reason")
            c.archive_forced = True
            note = (note + "\n" if note else "") + (
                f"卷宗材料不齐全，经{user.get_role_display()}{user.label}批准归档。缺少：{listed}。理由：{force_reason}")
        c.archived_at = timezone.now()
        act.record(label="归档（卷宗不齐全，强制归档）" if missing else None, reason=note,
                   data={"forced": bool(missing), "missing": missing}, fields=["archived_at", "archive_forced"])
    return act.case


# --- 更正登记信息 (correct_record) ----------------------------------------------------------------

CASE_CORRECTABLE = {
    "facts": "纠纷简要情况", "claims": "申请事项", "place_detail": "详细地点", "arose_on": "纠纷发生日期",
    "people_count": "涉及人数", "amount_at_stake": "涉及金额", "dispute_type": "纠纷类型", "region": "纠纷发生地",
    "source": "案件来源", "channel": "受理渠道",
}
PARTY_CORRECTABLE = {
    "name": "姓名/名称", "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期", "occupation": "职业或职务",
    "id_type": "证件类型", "id_number": "证件号码", "phone": "联系电话", "address": "住址/单位",
    "credit_code": "统一社会信用代码", "legal_rep": "法定代表人",
}
MASKED = {"id_number", "phone"}


def _shown(name: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    if name == "id_number":
        from tiaojie.core.identifiers import mask_id

        return mask_id(str(value))
    if name == "phone":
        from tiaojie.core.identifiers import mask_phone

        return mask_phone(str(value))
    return str(value)


def correct_record(case, user, *, version, reason: str, fields: dict | None = None,
                   parties: dict | None = None) -> Case:
    """更正登记信息: correct what was registered (a mistyped ID number, phone, amount, place …),
    with a reason. Each change is validated as at registration (identifiers re-checked and
    re-hashed) and kept on the timeline with its before/after (identifiers masked)."""
    from tiaojie.cases import intake

    with acting_on(case, user, "correct", version=version) as act:
        c = act.case
        reason = _required(reason, "请填写更正理由", "reason")
        changes: list[dict] = []
        for name, value in (fields or {}).items():
            if name not in CASE_CORRECTABLE:
                raise TransitionError(f"“{name}”不能更正", name)
            clean = _clean(intake.clean_case_field, name, value)
            old = getattr(c, name)
            if old != clean:
                changes.append({"field": name, "label": CASE_CORRECTABLE[name], "before": _shown(name, old),
                                "after": _shown(name, clean)})
                setattr(c, name, clean)
        plist = list(c.parties.order_by("id"))
        by_pk = {p.pk: p for p in plist}
        for pk, values in (parties or {}).items():
            p = by_pk.get(int(pk))
            if p is None:
                raise TransitionError("要更正的当事人不属于本案", "parties")
            unknown = set(values) - set(PARTY_CORRECTABLE)
            if unknown:
                raise TransitionError(f"当事人的“{'、'.join(sorted(unknown))}”不能更正", "parties")
            current = {k: getattr(p, k) for k in PARTY_CORRECTABLE}
            current.update(role=p.role, kind=p.kind)
            merged = {**current, **values}
            try:
                clean, _warnings = validators.party(plist.index(p), merged)
            except validators.PartyError as e:
                raise TransitionError(e.message, e.party_field or "parties")
            for name in values:
                before, after = current[name], clean[name]
                if (before or "") != (after or ""):
                    changes.append({"field": f"party:{p.pk}:{name}", "label": f"{p.name}的{PARTY_CORRECTABLE[name]}",
                                    "before": _shown(name, before), "after": _shown(name, after)})
                    setattr(p, name, after)  # id_number / phone setters encrypt and re-hash
            p.save()
        if not changes:
            raise TransitionError("没有需要更正的内容（填写的内容与原登记一致）")
        c.save(update_fields=[f for f in (fields or {}) if f in CASE_CORRECTABLE] + ["updated_at"])
        summary = "；".join(f"{ch['label']}：{ch['before']} → {ch['after']}" for ch in changes)
        act.record(label=fit_text("更正登记信息：" + "、".join(ch["label"] for ch in changes), LABEL_MAX),
                   reason=f"{reason}\n{summary}", data={"changes": changes})
    return act.case


def validation_error(exc: DomainError):
    """Convert for forms: the message lands on the field it concerns."""
    return exc.as_validation_error()


__all__ = ["ALL", "CLOSED", "OPEN", "STEPS", "TRANSITIONS", "Act", "Party", "Step", "StaleCase", "TransitionError",
           "accept", "accept_and_assign", "acting_on", "after_commit", "archive", "assign", "available", "check",
           "correct_record", "ensure_writable", "extend", "fail", "fit_text", "follow_up", "may", "record_investigation",
           "record_session", "register_step", "reject", "replace_mediator", "succeed", "terminate"]
