"""Writes of routing and linkage, as plain functions taking the acting user.

Each write that touches a case locks the case row, checks scope, role and state, and records
one event on the case timeline through ``tiaojie.cases.transitions._finish`` (which also sends
``case_changed``). These linkage steps change the handling organization or add linked data;
they never change ``Case.status``, so they are not listed in ``cases.transitions.TRANSITIONS``
(whose entries each have a form on the case page); they are the ``LINKAGE`` transitions below.

分流 ``register_routed`` (登记 with the proposal), ``route_intake`` (referrals route themselves)
移交 ``transfer_out`` → ``accept_transfer`` | ``return_transfer``
移送 ``refer_case`` (court, police, petition, department), ``record_feedback``, ``record_revisit``
司法确认 ``apply_confirmation`` → ``record_court_result``
"""
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tiaojie.accounts.models import MEDIATING_ROLES, Role
from tiaojie.accounts.scope import org_in_scope, scope_path
from tiaojie.cases.models import Case, Channel, Status
from tiaojie.cases.services import register_case
from tiaojie.cases.transitions import (
    StaleCase,
    Transition,
    TransitionError,
    _finish,
    clean_date,
    clean_datetime,
    fit_text,
)
from tiaojie.orgs.models import Organization, OrgKind
from tiaojie.routing import conf, engine
from tiaojie.routing.models import JudicialConfirmation, Referral, ReferralRevisit, RoutingDecision, Transfer

S = Status
OPEN = (S.REGISTERED, S.ACCEPTED, S.MEDIATING)
CLOSED = (S.REJECTED, S.SUCCEEDED, S.FAILED, S.TERMINATED, S.FOLLOWED_UP, S.ARCHIVED)
LIAISONS = frozenset({Role.COURT_LIAISON, Role.POLICE_LIAISON})

LINKAGE = {t.name: t for t in [
    Transition("route", "分流", OPEN, None, roles=frozenset(MEDIATING_ROLES | LIAISONS)),
    Transition("transfer_out", "移交", OPEN, None),
    Transition("transfer_accept", "接收移交", OPEN, None),
    Transition("transfer_return", "退回移交", OPEN, None),
    Transition("refer", "接收委托移送", (S.REGISTERED,), None, roles=frozenset(MEDIATING_ROLES | LIAISONS)),
    Transition("referral_feedback", "向移送单位反馈", tuple(S.values), None),
    Transition("referral_revisit", "移送案件回访", CLOSED, None),
    Transition("jc_apply", "申请司法确认", (S.SUCCEEDED, S.FOLLOWED_UP, S.ARCHIVED), None),
    Transition("jc_result", "司法确认结果", (S.SUCCEEDED, S.FOLLOWED_UP, S.ARCHIVED), None,
               roles=frozenset(MEDIATING_ROLES | {Role.COURT_LIAISON})),
]}


def _text(value, message: str, field: str, limit: int | None = None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not value:
        raise TransitionError(message, field)
    if limit and len(value) > limit:
        raise TransitionError(f"{message.replace('请填写', '')}不能超过{limit}字", field)
    return value


def _lock(case, user, name: str, version=None, *, check_scope=True) -> tuple[Case, Transition]:
    """Lock the case and check role, scope, state and version (as ``cases.transitions._lock``)."""
    t = LINKAGE[name]
    pk = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update(of=("self",)).select_related("organization", "dispute_type__parent").get(pk=pk)
    if check_scope and not org_in_scope(user, locked.organization):
        raise PermissionDenied("该案件不在您的管辖范围内")
    if user.role not in t.roles:
        raise TransitionError(f"您的角色（{user.get_role_display()}）不能办理“{t.label}”")
    if locked.status not in t.sources:
        if locked.status == S.ARCHIVED:
            raise TransitionError("案件已归档，只能查看，不能修改")
        allowed = "、".join(S(s).label for s in t.sources)
        raise TransitionError(f"案件当前状态为“{locked.get_status_display()}”，不能办理“{t.label}”（仅限{allowed}的案件）")
    if version is not None:
        try:
            version = int(version)
        except (TypeError, ValueError):
            version = -1
        if version != locked.version:
            raise StaleCase("该案件已被修改，您看到的是旧版本，请刷新页面后重新填写")
    return locked, t


def _move(case: Case, org: Organization) -> list[str]:
    """Hand the case to another organization; its number (and number series) stays."""
    case.organization = org
    return ["organization"]


# --- 分流 ---------------------------------------------------------------------------------------

ROUTING_FLAGS = ("spans_villages", "spans_townships", "village_failed", "major")


def propose_for_fields(*, dispute_type, region, people_count=2, amount_at_stake=0, source="", facts="",
                       claims="", referring_org=None, court_keeps=False, **flags) -> engine.Proposal:
    f = engine.facts_for(dispute_type=dispute_type, region=region, people=people_count, amount=amount_at_stake,
                         source=source, texts=(facts, claims), court_keeps=court_keeps,
                         **{k: bool(flags.get(k)) for k in ROUTING_FLAGS})
    return engine.propose(f, region, referring_org)


def _record_decision(case, user, proposal: engine.Proposal, chosen: Organization, reason: str = "") -> RoutingDecision:
    return RoutingDecision.objects.create(
        case=case, rule_code=proposal.rule_code, rule_name=proposal.rule_name, explanation=proposal.explanation,
        proposed_org=proposal.org, chosen_org=chosen, followed=proposal.org is None or proposal.org.pk == chosen.pk,
        reason=reason, facts=proposal.facts.as_dict() if proposal.facts else {}, decided_by=user)


@transaction.atomic
def register_routed(user, *, organization, parties, routing_reason: str = "", **fields) -> Case:
    """登记 with the routing proposal: the clerk takes the proposed organization, or another one in
    their scope with a reason; the choice and the rule are recorded on the timeline.

    ``fields`` are those of ``register_case`` plus the optional routing flags
    (spans_villages, spans_townships, village_failed, major).
    """
    flags = {k: bool(fields.pop(k, False)) for k in ROUTING_FLAGS}
    proposal = propose_for_fields(dispute_type=fields["dispute_type"], region=fields["region"],
                                  people_count=fields.get("people_count", 2),
                                  amount_at_stake=fields.get("amount_at_stake") or 0, source=fields.get("source", ""),
                                  facts=fields.get("facts", ""), claims=fields.get("claims", ""), **flags)
    routing_reason = (routing_reason or "").strip()
    differs = proposal.org is not None and proposal.org.pk != organization.pk
    if differs and not routing_reason:
        raise TransitionError(f"系统建议由{proposal.org.name}承办（{proposal.rule_name}）；选择其他单位须填写理由",
                              "routing_reason")
    case = register_case(user, organization=organization, parties=parties, **fields)
    _record_decision(case, user, proposal, organization, routing_reason if differs else "")
    label = "分流：采纳建议" if not differs else f"分流：未采纳建议（建议{proposal.org.name}）"
    if proposal.org is None:
        label = "分流：人工指定承办单位"
    _finish(case, user, LINKAGE["route"], label=fit_text(label, 60),
            reason=(routing_reason + "\n" if differs else "") + proposal.explanation,
            data={"rule": proposal.rule_code, "proposed": proposal.org.pk if proposal.org else None,
                  "chosen": organization.pk, "followed": not differs})
    return case


def route_intake(case: Case, user, **flags) -> engine.Proposal:
    """Route a referred case from the intake point to the proposed organization (no choice involved:
    the receiving committee then 受理 or 不予受理 it, or transfers it). Call inside a transaction."""
    case, t = _lock(case, user, "route", check_scope=False)
    proposal = engine.propose_for_case(case, **flags)
    target = proposal.org or case.organization
    fields = _move(case, target) if target.pk != case.organization_id else []
    _record_decision(case, user, proposal, target)
    _finish(case, user, t, label=fit_text(f"分流至{target.name}", 60), reason=proposal.explanation,
            data={"rule": proposal.rule_code, "org": target.pk}, fields=fields)
    return proposal


# --- 移交 ---------------------------------------------------------------------------------------

def transfer_reach(user):
    """Organizations ``user``'s organization may hand a case to: those of its county (the county
    center's subtree), the whole city for city-level users; never the justice bureau itself."""
    path = scope_path(user)
    qs = Organization.objects.filter(is_active=True).exclude(kind=OrgKind.CITY_BUREAU)
    if path is None:
        return qs.none()
    if path == "" or user.organization.kind == OrgKind.CITY_BUREAU:
        return qs
    org = user.organization
    top = org.county_center() or org.ancestors().first() or org
    return qs.filter(path__startswith=top.path)


def _direction(src: Organization, dst: Organization) -> str:
    if src.path.startswith(dst.path):
        return Transfer.Direction.UP
    if dst.path.startswith(src.path):
        return Transfer.Direction.DOWN
    return Transfer.Direction.ACROSS


@transaction.atomic
def transfer_out(case, user, *, to_org: Organization, reason: str, version=None) -> Transfer:
    """移交/转办: hand the case to ``to_org``, which accepts it or returns it within the deadline."""
    case, t = _lock(case, user, "transfer_out", version)
    reason = _text(reason, "请填写移交理由", "reason")
    if to_org is None:
        raise TransitionError("请选择接收单位", "to_org")
    if to_org.pk == case.organization_id:
        raise TransitionError("接收单位不能是本案当前的承办单位", "to_org")
    if not to_org.is_active or not transfer_reach(user).filter(pk=to_org.pk).exists():
        raise TransitionError(f"{to_org.name}不在您可移交的范围内（限本县（市、区）的调解组织）", "to_org")
    if Transfer.objects.filter(case=case, status=Transfer.Status.PENDING).exists():
        raise TransitionError("本案已有待接收的移交，请等待对方接收或退回")
    src = case.organization
    transfer = Transfer.objects.create(
        case=case, from_org=src, to_org=to_org, direction=_direction(src, to_org), reason=reason, sent_by=user,
        due_at=timezone.now() + dt.timedelta(days=conf.get("TIAOJIE_TRANSFER_ACCEPT_DAYS")))
    fields = _move(case, to_org)
    _finish(case, user, t, label=fit_text(f"{transfer.get_direction_display()}：{src.name} → {to_org.name}", 60),
            reason=reason, data={"transfer": transfer.pk, "from": src.pk, "to": to_org.pk}, fields=fields)
    return transfer


def _lock_transfer(transfer, user, name: str, version=None) -> tuple[Transfer, Case, Transition]:
    pk = transfer.pk if isinstance(transfer, Transfer) else transfer
    case_id = Transfer.objects.values_list("case_id", flat=True).get(pk=pk)
    case, t = _lock(case_id, user, name, version, check_scope=False)
    transfer = Transfer.objects.select_for_update(of=("self",)).select_related("from_org", "to_org").get(pk=pk)
    if not org_in_scope(user, transfer.to_org):
        raise PermissionDenied("只有接收单位可以接收或退回移交")
    if transfer.status != Transfer.Status.PENDING:
        raise TransitionError(f"该移交已{transfer.get_status_display()}，不能再处理")
    if not org_in_scope(user, case.organization):  # a pending transfer's case is at the receiver
        raise PermissionDenied("该案件不在您的管辖范围内")
    return transfer, case, t


@transaction.atomic
def accept_transfer(transfer, user, *, note: str = "", version=None) -> Transfer:
    transfer, case, t = _lock_transfer(transfer, user, "transfer_accept", version)
    transfer.status, transfer.answered_by, transfer.answered_at = Transfer.Status.ACCEPTED, user, timezone.now()
    transfer.save(update_fields=["status", "answered_by", "answered_at"])
    late = "（超过接收期限）" if transfer.answered_at > transfer.due_at else ""
    _finish(case, user, t, label=fit_text(f"接收移交：{transfer.to_org.name}{late}", 60), reason=note,
            data={"transfer": transfer.pk})
    return transfer


@transaction.atomic
def return_transfer(transfer, user, *, reason: str, version=None) -> Transfer:
    transfer, case, t = _lock_transfer(transfer, user, "transfer_return", version)
    reason = _text(reason, "请填写退回理由", "reason")
    transfer.status, transfer.answered_by, transfer.answered_at = Transfer.Status.RETURNED, user, timezone.now()
    transfer.return_reason = reason
    transfer.save(update_fields=["status", "answered_by", "answered_at", "return_reason"])
    fields = _move(case, transfer.from_org)
    _finish(case, user, t, label=fit_text(f"退回移交：{transfer.to_org.name} → {transfer.from_org.name}", 60),
            reason=reason, data={"transfer": transfer.pk}, fields=fields)
    return transfer


# --- 委托移送 (court, police, petition, department) ------------------------------------------------

KIND_ROLES = {
    Referral.Kind.COURT: {Role.COURT_LIAISON, Role.CITY_ADMIN, Role.COUNTY_STAFF},
    Referral.Kind.POLICE: {Role.POLICE_LIAISON, Role.CITY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF},
    Referral.Kind.PETITION: {Role.CITY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF},
    Referral.Kind.DEPARTMENT: {Role.CITY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF},
}


class DuplicateReferral(TransitionError):
    """The referrer's reference is already registered (``referral`` is the existing one)."""

    def __init__(self, message: str, referral: Referral, same_referrer: bool):
        super().__init__(message, "external_ref")
        self.referral = referral
        self.same_referrer = same_referrer


def find_duplicate(kind: str, external_ref: str, intake: Organization) -> Referral | None:
    external_ref = (external_ref or "").strip()
    if not external_ref:
        return None
    existing = Referral.objects.select_related("case").filter(kind=kind, external_ref=external_ref).first()
    if existing is None:
        return None
    same = existing.referring_org_id == intake.pk
    raise DuplicateReferral(f"编号“{external_ref}”已移送过，案号{existing.case.number}" if same else
                            f"编号“{external_ref}”已由其他单位移送", existing, same)


@transaction.atomic
def refer_case(user, *, kind: str, referrer_name: str, parties: list[dict], external_ref: str = "",
               organization: Organization | None = None, api_client=None, mode: str = "", court_keeps: bool = False,
               call_time=None, caller: str = "", caller_phone: str = "", place: str = "", complex: bool = False,
               channel: str = Channel.WINDOW, routing_flags: dict | None = None, **fields) -> Referral:
    """A court, the police, a petition office or a department refers a dispute (委托/委派移送).

    The case is registered at the intake point (the liaison's or the API client's organization),
    then routed by the rules like any dispute. Raises ``DuplicateReferral`` when the referrer's
    reference was already used.
    """
    if kind not in Referral.Kind.values:
        raise TransitionError("移送来源无效", "kind")
    intake = organization or user.organization
    if intake is None:
        raise PermissionDenied("您的账号未关联单位，不能移送案件")
    if api_client is None and user.role not in KIND_ROLES[kind]:
        raise PermissionDenied(f"您的角色（{user.get_role_display()}）不能登记{Referral.Kind(kind).label}的案件")
    referrer_name = _text(referrer_name, "请填写移送单位", "referrer_name", 100)
    external_ref = (external_ref or "").strip()
    if len(external_ref) > 80:
        raise TransitionError("移送单位编号不能超过80字", "external_ref")
    if kind == Referral.Kind.COURT and not external_ref:
        raise TransitionError("请填写法院案号", "external_ref")
    find_duplicate(kind, external_ref, intake)
    extra = {}
    now = timezone.now()
    if kind == Referral.Kind.POLICE:
        extra["call_time"] = clean_datetime(call_time, "call_time", "接警时间")
        extra["caller"] = _text(caller, "请填写报警人", "caller", 60)
        extra["place"] = _text(place, "请填写发生地点", "place", 200)
        extra["caller_phone"] = (caller_phone or "").strip()[:30]
        extra["complex"] = bool(complex)
        extra["feedback_due_at"] = now + (dt.timedelta(days=conf.get("TIAOJIE_POLICE_COMPLEX_DAYS")) if complex
                                          else dt.timedelta(hours=conf.get("TIAOJIE_POLICE_FEEDBACK_HOURS")))
        fields.setdefault("place_detail", extra["place"])
    if kind == Referral.Kind.COURT:
        if mode and mode not in Referral.Mode.values:
            raise TransitionError("委派/委托方式无效", "mode")
        extra["mode"] = mode or Referral.Mode.DELEGATED
        extra["court_keeps"] = bool(court_keeps)
        extra["due_on"] = timezone.localdate() + dt.timedelta(days=conf.get("TIAOJIE_COURT_REFERRAL_DAYS"))
    case = register_case(user, organization=intake, parties=parties, source=kind, channel=channel, **fields)
    referral = Referral.objects.create(case=case, kind=kind, referrer_name=referrer_name, external_ref=external_ref,
                                       referring_org=intake, api_client=api_client, referred_by=user,
                                       referred_at=now, **extra)
    t = LINKAGE["refer"]
    label = f"接收{referral.get_kind_display()}：{referrer_name}" + (f"（{external_ref}）" if external_ref else "")
    _finish(case, user, t, label=fit_text(label, 60), data={"referral": referral.pk})
    route_intake(case, user, **{k: bool(v) for k, v in (routing_flags or {}).items() if k in ROUTING_FLAGS})
    case.refresh_from_db()
    return referral


def _lock_referral(referral, user, name: str) -> tuple[Referral, Case, Transition]:
    pk = referral.pk if isinstance(referral, Referral) else referral
    referral = Referral.objects.get(pk=pk)
    case, t = _lock(referral.case_id, user, name)
    return referral, case, t


@transaction.atomic
def record_feedback(referral, user, *, text: str) -> Referral:
    """反馈: tell the referrer what is being done (police: within 24 hours, complex cases 5 days)."""
    referral, case, t = _lock_referral(referral, user, "referral_feedback")
    text = _text(text, "请填写反馈情况", "text", 2000)
    Referral.objects.filter(pk=referral.pk, feedback_at__isnull=True).update(feedback_at=timezone.now())
    Referral.objects.filter(pk=referral.pk).update(feedback=text)
    referral.refresh_from_db()
    late = "（已超期）" if referral.feedback_due_at and referral.feedback_at > referral.feedback_due_at else ""
    _finish(case, user, t, label=f"向{referral.referrer_name}反馈{late}"[:60], reason=text, data={"referral": referral.pk})
    return referral


@transaction.atomic
def record_revisit(referral, user, *, visited_on, visitor: str, notes: str) -> ReferralRevisit:
    referral, case, t = _lock_referral(referral, user, "referral_revisit")
    visited_on = clean_date(visited_on, "visited_on", "回访日期")
    if visited_on > timezone.localdate():
        raise TransitionError("回访日期不能晚于今天", "visited_on")
    if case.closed_on and visited_on < case.closed_on:
        raise TransitionError("回访日期不能早于结案日期", "visited_on")
    r = ReferralRevisit.objects.create(referral=referral, visited_on=visited_on,
                                       visitor=_text(visitor, "请填写回访人", "visitor", 30),
                                       notes=_text(notes, "请填写回访情况", "notes"), recorded_by=user)
    _finish(case, user, t, label=f"移送案件回访（{visited_on:%Y-%m-%d}）", reason=r.notes, data={"revisit": r.pk})
    return r


def mark_outcome_returned(case) -> None:
    """Called when a referred case closes: the outcome is now visible to the referrer."""
    Referral.objects.filter(case_id=case.pk, outcome_returned_at__isnull=True).update(
        outcome_returned_at=timezone.now())


def auto_feedback(case, kind: str) -> None:
    """受理/不予受理 is the first feedback to the referrer, if none was given yet."""
    text = "已受理，正在调解" if kind == "accept" else f"不予受理：{case.close_reason}"
    Referral.objects.filter(case_id=case.pk, feedback_at__isnull=True).update(feedback_at=timezone.now(), feedback=text)


# --- 司法确认 --------------------------------------------------------------------------------------

def confirmation_refusal(case) -> str | None:
    """Why this case's agreement cannot be sent for judicial confirmation, or None."""
    from tiaojie.cases.models import Agreement

    dt_ = case.dispute_type
    excluded = set(conf.get("TIAOJIE_JC_EXCLUDED_TYPES"))
    if set(engine.type_codes(dt_)) & excluded:
        return (f"纠纷类型为“{dt_}”：涉及婚姻、收养、身份关系的调解协议不能申请司法确认"
                "（人民调解法第33条、民事诉讼法司法解释第357条）")
    try:
        agreement = case.agreement
    except Agreement.DoesNotExist:
        return "本案没有调解协议，不能申请司法确认"
    if agreement.kind != Agreement.Kind.WRITTEN:
        return "口头协议不能申请司法确认，请先制作书面调解协议"
    return None


def window_closes_on(effective_on: dt.date) -> dt.date:
    return effective_on + dt.timedelta(days=conf.get("TIAOJIE_JC_WINDOW_DAYS"))


def _may_answer(user, case: Case, jc: JudicialConfirmation | None) -> bool:
    if user.role in MEDIATING_ROLES:
        return org_in_scope(user, case.organization)
    if user.role != Role.COURT_LIAISON:
        return False
    if jc is not None and jc.court_org is not None and org_in_scope(user, jc.court_org):
        return True
    ref = Referral.objects.filter(case=case).select_related("referring_org").first()
    return ref is not None and ref.referring_org is not None and org_in_scope(user, ref.referring_org)


@transaction.atomic
def apply_confirmation(case, user, *, applied_on, applicants: str, court_name: str,
                       court_org: Organization | None = None, late_reason: str = "", version=None) -> JudicialConfirmation:
    """Record the parties' joint application (Art.33: within 30 days of the written agreement's
    effect; later only with a recorded reason)."""
    case, t = _lock(case, user, "jc_apply", version)
    refusal = confirmation_refusal(case)
    if refusal:
        raise TransitionError(refusal)
    if JudicialConfirmation.objects.filter(case=case).exists():
        raise TransitionError("本案已记录司法确认申请")
    effective_on = case.agreement.effective_on
    applied_on = clean_date(applied_on, "applied_on", "申请日期")
    if applied_on > timezone.localdate():
        raise TransitionError("申请日期不能晚于今天", "applied_on")
    if applied_on < effective_on:
        raise TransitionError(f"申请日期不能早于协议生效日期（{effective_on:%Y-%m-%d}）", "applied_on")
    closes = window_closes_on(effective_on)
    late_reason = (late_reason or "").strip()
    if applied_on > closes and not late_reason:
        raise TransitionError(f"已超过协议生效后{conf.get('TIAOJIE_JC_WINDOW_DAYS')}日的申请期限"
                              f"（{closes:%Y-%m-%d}截止），须记录逾期申请的理由", "late_reason")
    if court_org is not None and court_org.kind != OrgKind.COURT_ROOM:
        raise TransitionError("请选择法院诉前调解工作室作为法院对接点", "court_org")
    jc = JudicialConfirmation.objects.create(
        case=case, effective_on=effective_on, applied_on=applied_on,
        applicants=_text(applicants, "请填写申请人", "applicants", 200),
        court_name=_text(court_name, "请填写受理法院", "court_name", 100), court_org=court_org,
        late_reason=late_reason if applied_on > closes else "", recorded_by=user)
    _finish(case, user, t, label=fit_text(f"申请司法确认：{jc.court_name}{'（逾期）' if jc.late else ''}", 60),
            reason=jc.late_reason, data={"jc": jc.pk})
    return jc


RESULT_LABELS = {
    JudicialConfirmation.Status.ACCEPTED: "法院受理司法确认申请",
    JudicialConfirmation.Status.NOT_ACCEPTED: "法院不予受理司法确认申请",
    JudicialConfirmation.Status.CONFIRMED: "司法确认：确认调解协议有效",
    JudicialConfirmation.Status.REJECTED: "司法确认：驳回申请",
}


@transaction.atomic
def record_court_result(jc, user, *, accepted: bool, answered_on, note: str = "", decision: str = "",
                        decided_on=None, number: str = "", check_scope: bool = True) -> JudicialConfirmation:
    """The court's answer: 受理/不予受理 (within 3 days), then 确认有效/驳回 with the number and date.

    ``decision`` is "confirmed", "rejected" or empty (accepted, decision pending).
    """
    pk = jc.pk if isinstance(jc, JudicialConfirmation) else jc
    case_id = JudicialConfirmation.objects.values_list("case_id", flat=True).get(pk=pk)
    case, t = _lock(case_id, user, "jc_result", check_scope=False)
    jc = JudicialConfirmation.objects.select_for_update().get(pk=pk)
    if check_scope and not _may_answer(user, case, jc):
        raise PermissionDenied("该司法确认申请不在您的管辖范围内")
    S_ = JudicialConfirmation.Status
    if jc.status in (S_.NOT_ACCEPTED, S_.CONFIRMED, S_.REJECTED):
        raise TransitionError(f"该司法确认已有结果（{jc.get_status_display()}），不能再修改")
    today = timezone.localdate()
    if jc.status == S_.APPLIED:
        answered_on = clean_date(answered_on, "answered_on", "受理/不予受理日期")
        if answered_on < jc.applied_on:
            raise TransitionError("受理日期不能早于申请日期", "answered_on")
        if answered_on > today:
            raise TransitionError("受理日期不能晚于今天", "answered_on")
        jc.answered_on = answered_on
        if not accepted:
            jc.answer_note = _text(note, "请填写不予受理的理由", "note", 2000)
            jc.status = S_.NOT_ACCEPTED
            if decision:
                raise TransitionError("不予受理的申请不能有确认结果", "decision")
        else:
            jc.status = S_.ACCEPTED
            jc.answer_note = (note or "").strip()
    elif not accepted:
        raise TransitionError("法院已受理该申请，不能改为不予受理", "accepted")
    if decision:
        if decision not in (S_.CONFIRMED, S_.REJECTED):
            raise TransitionError("确认结果须为“确认有效”或“驳回”", "decision")
        decided_on = clean_date(decided_on, "decided_on", "裁定日期")
        if decided_on < jc.answered_on:
            raise TransitionError("裁定日期不能早于受理日期", "decided_on")
        if decided_on > today:
            raise TransitionError("裁定日期不能晚于今天", "decided_on")
        number = (number or "").strip()
        if not number:
            raise TransitionError("请填写法院文书编号（调确字号）", "number")
        if len(number) > 80:
            raise TransitionError("文书编号不能超过80字", "number")
        jc.status, jc.decided_on, jc.number = decision, decided_on, number
    jc.save()
    label = RESULT_LABELS[jc.status] + (f"（{jc.number}）" if jc.number else "")
    _finish(case, user, t, label=fit_text(label, 60), reason=jc.answer_note, data={"jc": jc.pk, "status": jc.status})
    return jc
