"""The one state machine of a case (DESIGN.md: "One state machine").

Each public function is a named transition: it locks the case row, checks that the acting
user may act (scope and role), that the case is in a state the transition starts from and
that the caller saw the current version (stale forms are refused, never overwritten), then
makes its changes and records an event on the timeline, all in one transaction.

登记 → 受理 (accept) | 不予受理 (reject)
受理 → 指派调解员 (assign) → 调解中: 调解记录 (record_session), 调查记录 (record_investigation),
       更换/回避 (replace_mediator), 延期 (extend)
调解中 → 调解成功 (succeed, with a written or oral agreement) | 调解不成 (fail) | 终止 (terminate)
调解成功 → 回访 (follow_up) → 归档 (archive); 不予受理/调解不成/终止 → 归档
"""
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tiaojie.accounts.models import MEDIATING_ROLES
from tiaojie.accounts.scope import org_in_scope
from tiaojie.cases.models import (
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    FollowUp,
    Investigation,
    MediationSession,
    Outcome,
    Status,
)


class TransitionError(Exception):
    """A transition refused: ``message`` is shown to the user; ``field`` names a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleCase(TransitionError):
    pass


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    roles: frozenset = frozenset(MEDIATING_ROLES)


S = Status
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("accept", "受理", (S.REGISTERED,), S.ACCEPTED),
        Transition("reject", "不予受理", (S.REGISTERED,), S.REJECTED),
        Transition("assign", "指派调解员", (S.ACCEPTED, S.MEDIATING), S.MEDIATING),
        Transition("replace_mediator", "更换调解员（回避）", (S.MEDIATING,), None),
        Transition("record_session", "调解记录", (S.MEDIATING,), None),
        Transition("record_investigation", "调查记录", (S.ACCEPTED, S.MEDIATING), None),
        Transition("extend", "延长调解期限", (S.ACCEPTED, S.MEDIATING), None),
        Transition("succeed", "调解成功", (S.MEDIATING,), S.SUCCEEDED),
        Transition("fail", "调解不成", (S.MEDIATING,), S.FAILED),
        Transition("terminate", "终止调解", (S.ACCEPTED, S.MEDIATING), S.TERMINATED),
        Transition("follow_up", "回访", (S.SUCCEEDED, S.FOLLOWED_UP), S.FOLLOWED_UP),
        Transition("archive", "归档", (S.FOLLOWED_UP, S.REJECTED, S.FAILED, S.TERMINATED), S.ARCHIVED),
    ]
}

# Extra advice when a transition is asked for from a state it does not start from.
_WRONG_STATE_HINTS = {
    ("archive", S.SUCCEEDED): "调解成功的案件须先回访，再归档",
    ("archive", S.MEDIATING): "案件仍在调解中，须先记录调解结果（成功、不成或终止）才能归档",
    ("archive", S.ACCEPTED): "案件尚未调解，不能归档",
    ("archive", S.REGISTERED): "案件尚未受理，不能归档",
    ("succeed", S.ACCEPTED): "请先指派调解员并开展调解",
    ("record_session", S.ACCEPTED): "请先指派调解员",
}


def available(case: Case, user) -> list[Transition]:
    """The transitions this user may start on this case now (for the case page)."""
    if case.status == S.ARCHIVED or not org_in_scope(user, case.organization):
        return []
    return [t for t in TRANSITIONS.values() if case.status in t.sources and user.role in t.roles]


def check(case: Case, user, name: str) -> Transition:
    """Raise ``TransitionError``/``PermissionDenied`` if ``user`` may not run ``name`` on ``case``."""
    t = TRANSITIONS[name]
    if not org_in_scope(user, case.organization):
        raise PermissionDenied("该案件不在您的管辖范围内")
    if case.status == S.ARCHIVED:
        raise TransitionError("案件已归档，只能查看，不能修改")
    if user.role not in t.roles:
        raise TransitionError(f"您的角色（{user.get_role_display()}）不能办理“{t.label}”")
    if case.status not in t.sources:
        hint = _WRONG_STATE_HINTS.get((name, case.status))
        allowed = "、".join(Status(s).label for s in t.sources)
        raise TransitionError(
            f"案件当前状态为“{case.get_status_display()}”，不能办理“{t.label}”"
            + (f"：{hint}" if hint else f"（仅限{allowed}的案件）")
        )
    return t


def _lock(case: Case | int, user, name: str, version: int | None) -> tuple[Case, Transition]:
    pk = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update().select_related("organization").get(pk=pk)
    t = check(locked, user, name)
    if version is not None and int(version) != locked.version:
        last = locked.events.order_by("-at", "-id").first()
        who = f"{last.actor_name}于{timezone.localtime(last.at):%m-%d %H:%M}“{last.label}”" if last else "他人"
        raise StaleCase(f"该案件已被修改（{who}），您看到的是旧版本，请刷新页面后重新填写")
    return locked, t


def _finish(case: Case, user, t: Transition, *, reason: str = "", data: dict | None = None,
            label: str | None = None, fields: list[str] | None = None) -> CaseEvent:
    from_status = case.status
    if t.target is not None:
        case.status = t.target
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at", *(fields or [])])
    return CaseEvent.objects.create(
        case=case, kind=t.name, label=label or t.label, from_status=from_status,
        to_status=case.status, actor=user, actor_name=user.label if user else "系统",
        reason=reason, data=data or {},
    )


def _required(value, message: str, field: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TransitionError(message, field)
    return value.strip() if isinstance(value, str) else value


def _today() -> dt.date:
    return timezone.localdate()


@transaction.atomic
def accept(case, user, *, version=None, note: str = "", time_limit_days: int | None = None) -> Case:
    case, t = _lock(case, user, "accept", version)
    days = time_limit_days or settings.TIAOJIE_CASE_TIME_LIMIT_DAYS
    case.accepted_on = _today()
    case.time_limit_days = days
    case.due_on = case.accepted_on + dt.timedelta(days=days)
    _finish(case, user, t, reason=note, data={"due_on": case.due_on.isoformat()},
            fields=["accepted_on", "time_limit_days", "due_on"])
    return case


@transaction.atomic
def reject(case, user, *, version=None, reason: str) -> Case:
    case, t = _lock(case, user, "reject", version)
    case.close_reason = _required(reason, "请填写不予受理的理由", "reason")
    case.outcome = Outcome.REJECTED
    case.closed_on = _today()
    _finish(case, user, t, reason=case.close_reason, fields=["close_reason", "outcome", "closed_on"])
    return case


def _check_mediator(case: Case, mediator) -> None:
    if mediator.status != mediator.Status.ACTIVE:
        raise TransitionError(f"调解员{mediator.name}已离岗，不能指派", "mediators")
    if not org_in_scope_of_case(case, mediator):
        raise TransitionError(f"调解员{mediator.name}不属于本案承办单位或其上级单位", "mediators")


def org_in_scope_of_case(case: Case, mediator) -> bool:
    """A mediator may take a case of their committee, of a committee they also serve on, or of
    an organization their own one supervises (a township mediator helping a village)."""
    orgs = [mediator.organization, *mediator.committees.all()]
    return any(case.organization.path.startswith(o.path) for o in orgs)


@transaction.atomic
def assign(case, user, *, version=None, mediators, lead=None, note: str = "") -> Case:
    case, t = _lock(case, user, "assign", version)
    mediators = list(mediators)
    if not mediators:
        raise TransitionError("请至少选择一名调解员", "mediators")
    current = {a.mediator_id for a in case.assignments.filter(active=True)}
    added = []
    for m in mediators:
        _check_mediator(case, m)
        if m.pk in current:
            continue
        Assignment.objects.create(case=case, mediator=m, lead=(lead is not None and m.pk == lead.pk)
                                  or (lead is None and not current and not added))
        added.append(m)
    if not added:
        raise TransitionError("所选调解员均已指派在本案", "mediators")
    _finish(case, user, t, reason=note, data={"mediators": [m.name for m in added]},
            label="指派调解员：" + "、".join(m.name for m in added))
    return case


@transaction.atomic
def replace_mediator(case, user, *, version=None, old, new, reason: str, recused: bool = True) -> Case:
    """A party rejects a mediator (回避) or the committee replaces one."""
    case, t = _lock(case, user, "replace_mediator", version)
    reason = _required(reason, "请填写更换调解员的原因", "reason")
    a = case.assignments.filter(active=True, mediator=old).first()
    if a is None:
        raise TransitionError(f"{old.name}并非本案在办调解员", "old")
    if new.pk == old.pk:
        raise TransitionError("新调解员不能与被更换的调解员相同", "new")
    if case.assignments.filter(active=True, mediator=new).exists():
        raise TransitionError(f"{new.name}已是本案调解员", "new")
    _check_mediator(case, new)
    a.active, a.released_at, a.release_reason, a.recused = False, timezone.now(), reason, recused
    a.save()
    Assignment.objects.create(case=case, mediator=new, lead=a.lead)
    label = f"{'回避' if recused else '更换调解员'}：{old.name} → {new.name}"
    _finish(case, user, t, reason=reason, label=label, data={"old": old.name, "new": new.name, "recused": recused})
    return case


@transaction.atomic
def record_session(case, user, *, version=None, held_at, place, participants, content, recorder="") -> MediationSession:
    case, t = _lock(case, user, "record_session", version)
    s = MediationSession.objects.create(
        case=case, held_at=held_at, place=_required(place, "请填写调解地点", "place"),
        participants=_required(participants, "请填写参加人", "participants"),
        content=_required(content, "请填写调解情况", "content"), recorder=recorder or user.label, recorded_by=user,
    )
    _finish(case, user, t, label=f"调解记录（{timezone.localtime(held_at):%Y-%m-%d} {place}）", data={"session": s.pk})
    return s


@transaction.atomic
def record_investigation(case, user, *, version=None, held_at, place, subject, investigators, content) -> Investigation:
    case, t = _lock(case, user, "record_investigation", version)
    inv = Investigation.objects.create(
        case=case, held_at=held_at, place=_required(place, "请填写调查地点", "place"),
        subject=_required(subject, "请填写被调查人", "subject"),
        investigators=_required(investigators, "请填写调查人", "investigators"),
        content=_required(content, "请填写调查内容", "content"), recorded_by=user,
    )
    _finish(case, user, t, label=f"调查记录（被调查人：{subject}）", data={"investigation": inv.pk})
    return inv


@transaction.atomic
def extend(case, user, *, version=None, days: int, reason: str) -> Case:
    case, t = _lock(case, user, "extend", version)
    reason = _required(reason, "请填写延期理由", "reason")
    if not days or int(days) <= 0 or int(days) > 90:
        raise TransitionError("延长天数应在1到90天之间", "days")
    days = int(days)
    case.extended_days += days
    case.due_on = (case.due_on or _today()) + dt.timedelta(days=days)
    _finish(case, user, t, reason=reason, label=f"延长调解期限{days}天（至{case.due_on:%Y-%m-%d}）",
            data={"days": days, "due_on": case.due_on.isoformat()}, fields=["extended_days", "due_on"])
    return case


@transaction.atomic
def succeed(case, user, *, version=None, kind: str, terms: str, amount=0, effective_on=None, facts: str = "",
            issues: str = "", responsibilities: str = "", performance_method: str = "",
            performance_deadline=None) -> Agreement:
    """调解成功, with a written agreement (Art.29 content required) or an oral one (content recorded)."""
    case, t = _lock(case, user, "succeed", version)
    if not case.sessions.exists():
        raise TransitionError("请先填写至少一次调解记录，再记录调解协议")
    if kind not in Agreement.Kind.values:
        raise TransitionError("请选择协议形式（书面或口头）", "kind")
    terms = _required(terms, "请填写协议内容" if kind == "written" else "请记录口头协议的内容", "terms")
    if kind == Agreement.Kind.WRITTEN:
        _required(facts, "书面协议须写明纠纷主要事实", "facts")
        _required(issues, "书面协议须写明争议事项", "issues")
        _required(responsibilities, "书面协议须写明各方责任", "responsibilities")
        _required(performance_method, "书面协议须写明履行方式", "performance_method")
        if performance_deadline is None:
            raise TransitionError("书面协议须写明履行期限", "performance_deadline")
    if amount is None or amount < 0:
        raise TransitionError("协议金额不能为负数", "amount")
    effective_on = effective_on or _today()
    if effective_on > _today():
        raise TransitionError("生效日期不能晚于今天", "effective_on")
    if performance_deadline is not None and performance_deadline < effective_on:
        raise TransitionError("履行期限不能早于协议生效日期", "performance_deadline")
    ag = Agreement.objects.create(
        case=case, kind=kind, terms=terms, amount=amount, effective_on=effective_on, facts=facts,
        issues=issues, responsibilities=responsibilities, performance_method=performance_method,
        performance_deadline=performance_deadline, recorded_by=user,
    )
    case.outcome = Outcome.SUCCESS
    case.closed_on = effective_on
    _finish(case, user, t, label=f"调解成功（{ag.get_kind_display()}，金额{amount}元）",
            data={"agreement": ag.pk, "amount": str(amount)}, fields=["outcome", "closed_on"])
    return ag


def _close_unsuccessful(name: str, outcome: str, case, user, version, reason: str, routes_informed: bool) -> Case:
    case, t = _lock(case, user, name, version)
    case.close_reason = _required(reason, "请填写原因", "reason")
    if not routes_informed:
        raise TransitionError("须告知当事人可以依法通过仲裁、行政、司法等途径维护权利（人民调解法第26条）",
                              "routes_informed")
    case.routes_informed = True
    case.outcome = outcome
    case.closed_on = _today()
    _finish(case, user, t, reason=case.close_reason, fields=["close_reason", "routes_informed", "outcome", "closed_on"])
    return case


@transaction.atomic
def fail(case, user, *, version=None, reason: str, routes_informed: bool) -> Case:
    return _close_unsuccessful("fail", Outcome.FAILED, case, user, version, reason, routes_informed)


@transaction.atomic
def terminate(case, user, *, version=None, reason: str, routes_informed: bool) -> Case:
    return _close_unsuccessful("terminate", Outcome.TERMINATED, case, user, version, reason, routes_informed)


@transaction.atomic
def follow_up(case, user, *, version=None, visited_on, visitor: str, performance: str, satisfaction: str,
              method: str = "上门", notes: str = "") -> FollowUp:
    case, t = _lock(case, user, "follow_up", version)
    if visited_on > _today():
        raise TransitionError("回访日期不能晚于今天", "visited_on")
    if case.closed_on and visited_on < case.closed_on:
        raise TransitionError("回访日期不能早于调解成功的日期", "visited_on")
    if performance not in FollowUp.Performance.values:
        raise TransitionError("请选择履行情况", "performance")
    if satisfaction not in FollowUp.Satisfaction.values:
        raise TransitionError("请选择满意度", "satisfaction")
    fu = FollowUp.objects.create(
        case=case, visited_on=visited_on, visitor=_required(visitor, "请填写回访人", "visitor"), method=method,
        performance=performance, satisfaction=satisfaction, notes=notes, recorded_by=user,
    )
    _finish(case, user, t, label=f"回访（{fu.get_performance_display()}，{fu.get_satisfaction_display()}）",
            reason=notes, data={"follow_up": fu.pk})
    return fu


@transaction.atomic
def archive(case, user, *, version=None, note: str = "") -> Case:
    case, t = _lock(case, user, "archive", version)
    case.archived_at = timezone.now()
    _finish(case, user, t, reason=note, fields=["archived_at"])
    return case


def validation_error(exc: TransitionError) -> ValidationError:
    """Convert for forms: the message lands on the field it concerns."""
    return ValidationError({exc.field: exc.message} if exc.field else exc.message)
