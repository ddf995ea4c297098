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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
from tiaojie.cases.signals import case_changed


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
    if not org_in_scope(user, locked.organization) or user.role not in TRANSITIONS[name].roles:
        check(locked, user, name)  # raises the scope or role refusal
    # A stale form is reported before the state check: "someone changed it, refresh" explains a
    # state the user did not see, where "wrong state" would not.
    if version is not None:
        try:
            version = int(version)
        except (TypeError, ValueError):
            version = -1  # a garbled version is treated as stale, never as "no check"
    if version is not None and version != locked.version:
        last = locked.events.order_by("-at", "-id").first()
        who = f"{last.actor_name}于{timezone.localtime(last.at):%m-%d %H:%M}“{last.label}”" if last else "他人"
        raise StaleCase(f"该案件已被修改（{who}），您看到的是旧版本，请刷新页面后重新填写")
    t = check(locked, user, name)
    return locked, t


def _finish(case: Case, user, t: Transition, *, reason: str = "", data: dict | None = None,
            label: str | None = None, fields: list[str] | None = None) -> CaseEvent:
    from_status = case.status
    if t.target is not None:
        case.status = t.target
    case.version += 1
    case.save(update_fields=["status", "version", "updated_at", *(fields or [])])
    event = CaseEvent.objects.create(
        case=case, kind=t.name, label=fit_text(label or t.label, LABEL_MAX), from_status=from_status,
        to_status=case.status, actor=user, actor_name=fit_text(user.label if user else "系统", LABEL_MAX),
        reason=reason, data=data or {},
    )
    case_changed.send(sender=Case, case=case, actor=user, kind=t.name)
    return event


# CaseEvent.label / actor_name are varchar(60): labels built from user input (places, names)
# must be cut to fit, or PostgreSQL refuses the row.
LABEL_MAX = 60


def fit_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


AMOUNT_LIMIT = Decimal("1e12")  # DecimalField(max_digits=14, decimal_places=2)


def clean_amount(value, field: str, what: str = "金额") -> Decimal:
    """A non-negative money amount from a number or text; Chinese error otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise TransitionError(f"{what}须为数字", field)
    if not amount.is_finite():
        raise TransitionError(f"{what}须为数字", field)
    if amount < 0:
        raise TransitionError(f"{what}不能为负数", field)
    if amount >= AMOUNT_LIMIT:
        raise TransitionError(f"{what}过大，请核对", field)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def clean_date(value, field: str, what: str, required: bool = True) -> dt.date | None:
    """A date from a ``date`` or ISO text; Chinese error otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise TransitionError(f"请填写{what}", field)
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise TransitionError(f"{what}不是有效日期", field)


def clean_datetime(value, field: str, what: str) -> dt.datetime:
    """An aware datetime from a datetime, a date or ISO text; Chinese error otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise TransitionError(f"请填写{what}", field)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise TransitionError(f"{what}不是有效时间", field)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9, 0))
    if not isinstance(value, dt.datetime):
        raise TransitionError(f"{what}不是有效时间", field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + dt.timedelta(minutes=5):
        raise TransitionError(f"{what}不能晚于现在", field)
    return value


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


def _check_mediator(case: Case, mediator, field: str = "mediators") -> None:
    if mediator.status != mediator.Status.ACTIVE:
        raise TransitionError(f"调解员{mediator.name}已离岗，不能指派", field)
    if not org_in_scope_of_case(case, mediator):
        raise TransitionError(f"调解员{mediator.name}不属于本案承办单位或其上级单位", field)
    if case.assignments.filter(mediator=mediator, recused=True).exists():
        raise TransitionError(f"调解员{mediator.name}已因当事人申请回避，不能再指派到本案", field)


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
    _check_mediator(case, new, "new")
    a.active, a.released_at, a.release_reason, a.recused = False, timezone.now(), reason, recused
    a.save()
    Assignment.objects.create(case=case, mediator=new, lead=a.lead)
    label = f"{'回避' if recused else '更换调解员'}：{old.name} → {new.name}"
    _finish(case, user, t, reason=reason, label=label, data={"old": old.name, "new": new.name, "recused": recused})
    return case


@transaction.atomic
def record_session(case, user, *, version=None, held_at, place, participants, content, recorder="") -> MediationSession:
    case, t = _lock(case, user, "record_session", version)
    held_at = clean_datetime(held_at, "held_at", "调解时间")
    place = _required(place, "请填写调解地点", "place")
    s = MediationSession.objects.create(
        case=case, held_at=held_at, place=place,
        participants=_required(participants, "请填写参加人", "participants"),
        content=_required(content, "请填写调解情况", "content"), recorder=recorder or user.label, recorded_by=user,
    )
    _finish(case, user, t, label=f"调解记录（{timezone.localtime(held_at):%Y-%m-%d} {place}）", data={"session": s.pk})
    return s


@transaction.atomic
def record_investigation(case, user, *, version=None, held_at, place, subject, investigators, content) -> Investigation:
    case, t = _lock(case, user, "record_investigation", version)
    held_at = clean_datetime(held_at, "held_at", "调查时间")
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
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise TransitionError("延长天数须为整数", "days")
    if days <= 0 or days > 90:
        raise TransitionError("延长天数应在1到90天之间", "days")
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
    facts, issues, responsibilities, performance_method = (
        (v or "").strip() for v in (facts, issues, responsibilities, performance_method))
    if len(performance_method) > 200:
        raise TransitionError("履行方式不能超过200字", "performance_method")
    if kind == Agreement.Kind.WRITTEN:
        _required(facts, "书面协议须写明纠纷主要事实", "facts")
        _required(issues, "书面协议须写明争议事项", "issues")
        _required(responsibilities, "书面协议须写明各方责任", "responsibilities")
        _required(performance_method, "书面协议须写明履行方式", "performance_method")
        if performance_deadline is None or (isinstance(performance_deadline, str) and not performance_deadline.strip()):
            raise TransitionError("书面协议须写明履行期限", "performance_deadline")
    performance_deadline = clean_date(performance_deadline, "performance_deadline", "履行期限", required=False)
    amount = clean_amount(amount, "amount", "协议金额")
    effective_on = clean_date(effective_on, "effective_on", "生效日期", required=False) or _today()
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
    visited_on = clean_date(visited_on, "visited_on", "回访日期")
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
