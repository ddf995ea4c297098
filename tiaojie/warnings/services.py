"""Risk assessment of records, warnings and their handling, 疑难重大 escalation.

``reassess`` is called whenever a case or hidden danger changes (see ``receivers``); it loads
the rule tables, gathers the facts from the record, stores the level with its explanation and
raises a warning when the level calls for one.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tiaojie.accounts.scope import org_in_scope
from tiaojie.orgs.models import Organization, OrgKind
from tiaojie.warnings import risk
from tiaojie.warnings.models import (
    Escalation,
    EscalationNote,
    Level,
    LevelPolicy,
    RiskAssessment,
    RiskCombination,
    RiskRule,
    Warning,
    WarningEvent,
)


class WarningError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def load_rules() -> tuple[list[risk.Rule], list[risk.Combination]]:
    rules = [risk.Rule(r.code, r.name, r.kind, r.level, float(r.threshold), r.value_list())
             for r in RiskRule.objects.filter(is_active=True)]
    combos = [risk.Combination(c.name, c.min_count, c.at_level, c.result_level)
              for c in RiskCombination.objects.filter(is_active=True)]
    return rules, combos


def _flags(a: RiskAssessment) -> frozenset:
    return frozenset(k for k in ("vulnerable", "litigation", "petition", "abnormal_death") if getattr(a, k))


def facts_for_case(case, a: RiskAssessment) -> risk.RiskFacts:
    from tiaojie.cases.models import Case, Outcome

    dt_ = case.dispute_type
    codes = tuple(c for c in (dt_.code, dt_.parent.code if dt_.parent_id else None) if c)
    texts = [case.facts, case.claims]
    texts += list(case.sessions.values_list("content", flat=True))
    texts += list(case.investigations.values_list("content", flat=True))
    hashes = [h for h in case.parties.exclude(id_hash="").values_list("id_hash", flat=True)]
    failed = 0
    if hashes:
        failed = (Case.objects.filter(parties__id_hash__in=hashes, outcome__in=[Outcome.FAILED, Outcome.TERMINATED])
                  .exclude(pk=case.pk).distinct().count())
    if case.outcome in (Outcome.FAILED, Outcome.TERMINATED):
        failed += 1
    return risk.RiskFacts(people_count=case.people_count, amount=float(case.amount_at_stake or 0),
                          dispute_type_codes=codes, texts=tuple(t for t in texts if t), failed_mediations=failed,
                          police_calls=a.police_calls, flags=_flags(a))


def facts_for_hazard(h, a: RiskAssessment) -> risk.RiskFacts:
    dt_ = h.dispute_type
    codes = tuple(c for c in (dt_.code, dt_.parent.code if dt_.parent_id else None) if c)
    return risk.RiskFacts(people_count=h.people_count, amount=float(h.amount_at_stake or 0),
                          dispute_type_codes=codes, texts=tuple(t for t in (h.facts, h.parties, h.measures) if t),
                          police_calls=a.police_calls, flags=_flags(a))


def assessment_for(case=None, hazard=None) -> RiskAssessment:
    subject = case or hazard
    a, _ = RiskAssessment.objects.get_or_create(
        case=case, hazard=hazard, defaults={"organization": subject.organization})
    return a


def effective_level(a: RiskAssessment) -> str:
    if a.manual_level and a.manual_basis == a.computed_level:
        return a.manual_level
    return a.computed_level


def _record_subject_event(a: RiskAssessment, label: str, reason: str = "", actor=None) -> None:
    if a.case_id:
        from tiaojie.cases.models import CaseEvent

        CaseEvent.objects.create(case=a.case, kind="risk", label=label, reason=reason, actor=actor,
                                 actor_name=actor.label if actor else "系统", data={"level": a.level})


@transaction.atomic
def reassess(case=None, hazard=None, actor=None) -> RiskAssessment:
    """Recompute the level of a record from the rules; raise a warning when it calls for one."""
    a = assessment_for(case, hazard)
    rules, combos = load_rules()
    facts = facts_for_case(case, a) if case is not None else facts_for_hazard(hazard, a)
    result = risk.assess(facts, rules, combos)
    old = a.level
    a.computed_level = result.level
    a.factors = [{"code": f.code, "name": f.name, "level": f.level, "detail": f.detail} for f in result.factors]
    a.explanation = result.explanation
    a.level = effective_level(a)
    a.organization = (case or hazard).organization
    a.assessed_at = timezone.now()
    a.save()
    if a.level != old:
        _record_subject_event(a, f"风险等级：{risk.LEVEL_LABELS[old]} → {risk.LEVEL_LABELS[a.level]}",
                              a.explanation, actor)
        _maybe_raise_warning(a)
    return a


@transaction.atomic
def set_manual_level(a: RiskAssessment, user, level: str, reason: str) -> RiskAssessment:
    """A person raises or lowers the level by hand; a reason is always required."""
    if not org_in_scope(user, a.organization):
        raise PermissionDenied("该记录不在您的管辖范围内")
    if level not in Level.values:
        raise WarningError("请选择风险等级", "level")
    reason = (reason or "").strip()
    lowering = risk.LEVEL_RANK[level] < risk.LEVEL_RANK[a.level]
    if not reason:
        raise WarningError("调低风险等级必须说明理由" if lowering else "调整风险等级须说明理由", "reason")
    old = a.level
    a.manual_level, a.manual_reason, a.manual_basis, a.manual_by = level, reason, a.computed_level, user
    a.level = level
    a.save()
    _record_subject_event(a, f"人工{'调低' if lowering else '调整'}风险等级：{risk.LEVEL_LABELS[old]} → "
                             f"{risk.LEVEL_LABELS[level]}", reason, user)
    if not lowering:
        _maybe_raise_warning(a)
    return a


def responsible_org_for(level: str, org: Organization) -> Organization:
    """Red goes to the county center at once; orange to the township; others stay local."""
    if level == Level.RED:
        return org.county_center() or org
    if level == Level.ORANGE:
        if org.kind == OrgKind.VILLAGE and org.parent_id:
            return org.parent
    return org


def _maybe_raise_warning(a: RiskAssessment) -> Warning | None:
    policy = LevelPolicy.objects.filter(level=a.level).first()
    if policy is None or not policy.raise_warning:
        return None
    open_ = a.warnings.exclude(status=Warning.Status.RESOLVED)
    if any(risk.LEVEL_RANK[w.level] >= risk.LEVEL_RANK[a.level] for w in open_):
        return None
    subject = a.subject
    now = timezone.now()
    title = (f"{subject.number} " if a.case_id else "隐患：") + (subject.facts[:40])
    w = Warning.objects.create(
        assessment=a, level=a.level, origin=subject.organization,
        responsible=responsible_org_for(a.level, subject.organization), title=title,
        explanation=a.explanation, raised_at=now, respond_by=now + dt.timedelta(hours=policy.respond_within_hours),
    )
    WarningEvent.objects.create(warning=w, label=f"生成{risk.LEVEL_LABELS[w.level]}预警，责任单位：{w.responsible.name}",
                                note=policy.response, actor_name="系统")
    for older in open_:
        if older.pk != w.pk:
            WarningEvent.objects.create(warning=older, label=f"风险升级，已由新的{risk.LEVEL_LABELS[w.level]}预警接续",
                                        actor_name="系统")
    return w


def visible_warnings(user):
    from tiaojie.accounts.scope import scope_path

    path = scope_path(user)
    qs = Warning.objects.select_related("responsible", "origin", "assessment")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(Q(origin__path__startswith=path) | Q(responsible__path__startswith=path))


def _lock_warning(w: Warning, user) -> Warning:
    w = Warning.objects.select_for_update().select_related("responsible", "origin").get(pk=w.pk)
    if not (org_in_scope(user, w.responsible) or org_in_scope(user, w.origin)):
        raise PermissionDenied("该预警不在您的管辖范围内")
    if not user.can_mediate:
        raise WarningError(f"您的角色（{user.get_role_display()}）不能处置预警")
    return w


@transaction.atomic
def acknowledge(w: Warning, user, note: str = "") -> Warning:
    w = _lock_warning(w, user)
    if w.status != Warning.Status.OPEN:
        raise WarningError("该预警已签收")
    w.status = Warning.Status.ACKNOWLEDGED
    w.save(update_fields=["status"])
    WarningEvent.objects.create(warning=w, label="签收", actor_name=user.label, note=note)
    return w


@transaction.atomic
def record_measures(w: Warning, user, measures: str, police_notified: bool = False, leader: str = "") -> Warning:
    w = _lock_warning(w, user)
    if w.status == Warning.Status.OPEN:
        raise WarningError("请先签收预警")
    if w.status == Warning.Status.RESOLVED:
        raise WarningError("该预警已化解")
    measures = (measures or "").strip()
    if not measures:
        raise WarningError("请填写采取的措施", "measures")
    if w.level == Level.RED:
        if not leader.strip() and not w.leader:
            raise WarningError("红色预警须明确包案领导", "leader")
        if not police_notified and not w.police_notified:
            raise WarningError("红色预警须按人民调解法第25条及时报告公安机关，并在此记录", "police_notified")
    w.measures = (w.measures + "\n" if w.measures else "") + measures
    w.police_notified = w.police_notified or police_notified
    w.leader = leader.strip() or w.leader
    w.status = Warning.Status.MEASURES
    w.save()
    WarningEvent.objects.create(warning=w, label="采取措施" + ("（已报告公安机关）" if police_notified else ""),
                                actor_name=user.label, note=measures)
    return w


@transaction.atomic
def resolve(w: Warning, user, note: str) -> Warning:
    w = _lock_warning(w, user)
    if w.status != Warning.Status.MEASURES:
        raise WarningError("须先记录采取的措施，才能办结预警")
    if not (note or "").strip():
        raise WarningError("请填写化解情况", "note")
    w.status = Warning.Status.RESOLVED
    w.resolved_at = timezone.now()
    w.save()
    WarningEvent.objects.create(warning=w, label="化解办结", actor_name=user.label, note=note)
    return w


def escalate_late_warnings(now=None) -> int:
    """Scheduled job: a warning not acknowledged in time goes one level up the organization tree,
    with a new deadline; its timeline says so. Idempotent: a warning escalated for its current
    deadline is not escalated again until the new deadline passes."""
    now = now or timezone.now()
    n = 0
    late = Warning.objects.filter(status=Warning.Status.OPEN, respond_by__lt=now).select_related("responsible")
    for w in late:
        with transaction.atomic():
            w = Warning.objects.select_for_update().select_related("responsible").get(pk=w.pk)
            if w.status != Warning.Status.OPEN or w.respond_by >= now:
                continue
            parent = w.responsible.parent
            policy = LevelPolicy.objects.filter(level=w.level).first()
            hours = policy.respond_within_hours if policy else 24
            old = w.responsible
            if parent is not None:
                w.responsible = parent
            w.escalations += 1
            w.respond_by = now + dt.timedelta(hours=hours)
            w.save()
            WarningEvent.objects.create(
                warning=w, actor_name="系统",
                label=(f"超时未签收，已上报至{parent.name}" if parent else "超时未签收（已是最高层级）"),
                note=f"原责任单位：{old.name}")
            n += 1
    return n


@transaction.atomic
def escalate_case(case, user, *, target: str, reason: str, leader: str, deadline: dt.date) -> Escalation:
    """疑难重大: report a case to the county center or the party committee/government."""
    if not org_in_scope(user, case.organization):
        raise PermissionDenied("该案件不在您的管辖范围内")
    if not user.can_mediate:
        raise WarningError(f"您的角色（{user.get_role_display()}）不能上报疑难重大纠纷")
    if target not in Escalation.Target.values:
        raise WarningError("请选择上报对象", "target")
    if not (reason or "").strip():
        raise WarningError("请填写上报理由", "reason")
    if not (leader or "").strip():
        raise WarningError("请填写包案领导", "leader")
    if deadline is None or deadline < timezone.localdate():
        raise WarningError("督办期限不能早于今天", "deadline")
    if case.escalations.filter(closed_at__isnull=True).exists():
        raise WarningError("该案件已在督办中")
    supervisor = case.organization.county_center() or case.organization
    if target == Escalation.Target.PARTY_GOV:
        supervisor = supervisor.parent or supervisor
    e = Escalation.objects.create(case=case, target=target, supervisor=supervisor, reason=reason.strip(),
                                  leader=leader.strip(), deadline=deadline, created_by=user)
    from tiaojie.cases.models import CaseEvent

    CaseEvent.objects.create(case=case, kind="escalate", label=f"疑难重大上报：{e.get_target_display()}（包案领导：{e.leader}）",
                             reason=e.reason, actor=user, actor_name=user.label, data={"deadline": deadline.isoformat()})
    return e


@transaction.atomic
def add_escalation_note(e: Escalation, user, text: str, close: bool = False) -> EscalationNote:
    if not (org_in_scope(user, e.case.organization) or org_in_scope(user, e.supervisor)):
        raise PermissionDenied("该督办事项不在您的管辖范围内")
    if e.closed_at:
        raise WarningError("督办事项已办结")
    if not (text or "").strip():
        raise WarningError("请填写进展情况", "text")
    note = EscalationNote.objects.create(escalation=e, author=user.label, text=text.strip())
    if close:
        e.closed_at = timezone.now()
        e.close_note = text.strip()
        e.save()
    return note
