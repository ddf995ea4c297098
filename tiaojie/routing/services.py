"""Writes of routing and linkage, as plain functions taking the acting user.

Every write to a case is a step of the state machine (``cases.transitions.acting_on``): the
step checks role, scope, version and that the case is writable, and records the timeline. These
steps never change ``Case.status``.

分流      ``Router`` proposes the handling organization to the intake function (``cases.intake``)
          and records the decision; ``propose_for_case`` for a registered case
移交      ``transfer_out`` → ``accept_transfer`` | ``return_transfer``
委托移送  ``refer_case`` (court, police, petition, department: registered through the intake
          function), ``record_feedback``, ``record_revisit``
司法确认  ``apply_confirmation`` → ``record_court_result``
"""

from django.db import transaction
from django.utils import timezone

from tiaojie.cases import intake, ports
from tiaojie.cases.models import Case, Channel, Status
from tiaojie.cases.rules import confirmation_window
from tiaojie.cases.transitions import (
    CLOSED,
    OPEN,
    Step,
    TransitionError,
    acting_on,
    fit_text,
    register_step,
)
from tiaojie.core import dates, fixedsql, permissions, validators
from tiaojie.core.errors import DomainError, Refused
from tiaojie.core.permissions import Role
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Organization, OrgKind
from tiaojie.routing import engine
from tiaojie.routing.models import JudicialConfirmation, Referral, ReferralRevisit, RoutingDecision, Transfer

S = Status
AGREED = (S.SUCCEEDED, S.FOLLOWED_UP)

for _step in [
    Step("transfer_out", "移交", OPEN),
    Step("transfer_accept", "接收移交", OPEN),
    Step("transfer_return", "退回移交", OPEN),
    Step("referral_feedback", "向移送单位反馈", OPEN + CLOSED),
    Step("referral_revisit", "移送案件回访", CLOSED),
    Step("jc_apply", "申请司法确认", AGREED),
    Step("jc_result", "司法确认结果", AGREED, link_roles=frozenset({Role.COURT_LIAISON})),
]:
    register_step(_step)


def _clean(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DomainError as e:
        raise TransitionError(e.message, e.field)


def _text(value, field: str, what: str, limit_name: str = "reason", required: bool = True) -> str:
    return _clean(validators.text, value, field, what, required=required, limit_name=limit_name)


# --- 分流 ---------------------------------------------------------------------------------------

ROUTING_FLAGS = intake.ROUTING_FLAGS


def _signals(analysis) -> tuple:
    return tuple(getattr(analysis, "signals", ()) or ()) if analysis is not None else ()


def propose_for_fields(*, dispute_type, region, people_count=2, amount_at_stake=0, source="", facts="",
                       claims="", referring_org=None, court_keeps=False, analysis=None, **flags) -> engine.Proposal:
    f = engine.facts_for(dispute_type=dispute_type, region=region, people=people_count, amount=amount_at_stake,
                         source=source, texts=(facts, claims), court_keeps=court_keeps, signals=_signals(analysis),
                         **{k: bool(flags.get(k)) for k in ROUTING_FLAGS})
    return engine.propose(f, region, referring_org)


class Router:
    """The routing provider of the intake function (``cases.ports``)."""

    def propose(self, route_input) -> ports.RouteProposal:
        app, fields = route_input.app, route_input.fields
        flags = route_input.flags
        p = propose_for_fields(
            dispute_type=fields["dispute_type"], region=fields["region"], people_count=fields["people_count"],
            amount_at_stake=fields["amount_at_stake"], source=fields["source"], facts=fields["facts"],
            claims=fields["claims"], referring_org=app.referring_org, analysis=route_input.analysis, **flags)
        return ports.RouteProposal(org=p.org, rule_code=p.rule_code, rule_name=p.rule_name,
                                   explanation=p.explanation, facts=p.facts.as_dict() if p.facts else {},
                                   risk_level=p.facts.risk_level if p.facts else "none", handle=p)

    def record(self, case, user, proposal: ports.RouteProposal, chosen, reason: str) -> None:
        fixedsql.insert(RoutingDecision(   # one a registration: compiled once (core.fixedsql)
            case=case, rule_code=proposal.rule_code, rule_name=proposal.rule_name, explanation=proposal.explanation,
            proposed_org=proposal.org, chosen_org=chosen,
            followed=proposal.org is None or proposal.org.pk == chosen.pk, reason=reason, facts=proposal.facts,
            decided_by=user))


def propose_for_case(case) -> engine.Proposal:
    return engine.propose_for_case(case)


def proposal_to_offer(case, proposal: engine.Proposal | None = None) -> engine.Proposal | None:
    """The proposal the case pages offer: only when it names another organization than the
    handling one, and never one that already handed the case on (an accepted transfer away from
    it was a decision, not a slip the rules should keep undoing)."""
    p = proposal or engine.propose_for_case(case)
    if p.org is None or p.org.pk == case.organization_id:
        return None
    if Transfer.objects.filter(case=case, from_org=p.org, status=Transfer.Status.ACCEPTED).exists():
        return None
    return p


# --- 移交 ---------------------------------------------------------------------------------------

def transfer_reach(user):
    """Organizations ``user``'s organization may hand a case to: those of its county (the county
    center's subtree), the whole city for city-level users; never the justice bureau itself."""
    scope = Scope.of(user)
    qs = Organization.objects.filter(is_active=True).exclude(kind=OrgKind.CITY_BUREAU)
    if scope.nothing:
        return qs.none()
    if scope.everything or user.organization.kind == OrgKind.CITY_BUREAU:
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


def transfer_out(case, user, *, to_org: Organization, reason: str, version) -> Transfer:
    """移交/转办: hand the case to ``to_org``, which accepts it or returns it within the deadline."""
    with acting_on(case, user, "transfer_out", version=version) as act:
        c = act.case
        reason = _text(reason, "reason", "移交理由")
        if to_org is None:
            raise TransitionError("请选择接收单位", "to_org")
        if to_org.pk == c.organization_id:
            raise TransitionError("接收单位不能是本案当前的承办单位", "to_org")
        if not to_org.is_active or not transfer_reach(user).filter(pk=to_org.pk).exists():
            raise TransitionError(f"{to_org.name}不在您可移交的范围内（限本县（市、区）的调解组织）", "to_org")
        if Transfer.objects.filter(case=c, status=Transfer.Status.PENDING).exists():
            raise TransitionError("本案已有待接收的移交，请等待对方接收或退回")
        src = c.organization
        now = timezone.now()
        transfer = Transfer.objects.create(
            case=c, from_org=src, to_org=to_org, direction=_direction(src, to_org), reason=reason, sent_by=user,
            sent_at=now, due_at=dates.deadline_at("transfer_accept", now))
        c.organization = to_org
        act.record(label=fit_text(f"{transfer.get_direction_display()}：{src.name} → {to_org.name}", 60),
                   reason=reason, data={"transfer": transfer.pk, "from": src.pk, "to": to_org.pk},
                   fields=["organization"])
    return transfer


def _pending_transfer(c: Case, transfer_pk: int, user) -> Transfer:
    transfer = (Transfer.objects.select_for_update(of=("self",)).select_related("from_org", "to_org")
                .get(pk=transfer_pk, case=c))
    if not Scope.of(user).sees(transfer.to_org):
        raise Refused("只有接收单位可以接收或退回移交")
    if transfer.status != Transfer.Status.PENDING:
        raise TransitionError(f"该移交已{transfer.get_status_display()}，不能再处理")
    return transfer


def _answerable(transfer) -> tuple[int, int]:
    """(transfer id, case id) of a transfer still waiting for its answer."""
    pk = transfer.pk if isinstance(transfer, Transfer) else transfer
    case_id, status = Transfer.objects.values_list("case_id", "status").get(pk=pk)
    if status != Transfer.Status.PENDING:
        raise TransitionError(f"该移交已{Transfer.Status(status).label}，不能再处理")
    return pk, case_id


def accept_transfer(transfer, user, *, version, note: str = "") -> Transfer:
    pk, case_id = _answerable(transfer)
    with acting_on(case_id, user, "transfer_accept", version=version) as act:
        transfer = _pending_transfer(act.case, pk, user)
        transfer.status, transfer.answered_by, transfer.answered_at = Transfer.Status.ACCEPTED, user, timezone.now()
        transfer.save(update_fields=["status", "answered_by", "answered_at"])
        late = "（超过接收期限）" if transfer.answered_at > transfer.due_at else ""
        act.record(label=fit_text(f"接收移交：{transfer.to_org.name}{late}", 60),
                   reason=_text(note, "note", "说明", required=False), data={"transfer": transfer.pk})
    return transfer


def return_transfer(transfer, user, *, version, reason: str) -> Transfer:
    pk, case_id = _answerable(transfer)
    with acting_on(case_id, user, "transfer_return", version=version) as act:
        transfer = _pending_transfer(act.case, pk, user)
        reason = _text(reason, "reason", "退回理由")
        transfer.status, transfer.answered_by, transfer.answered_at = Transfer.Status.RETURNED, user, timezone.now()
        transfer.return_reason = reason
        transfer.save(update_fields=["status", "answered_by", "answered_at", "return_reason"])
        act.case.organization = transfer.from_org
        act.record(label=fit_text(f"退回移交：{transfer.to_org.name} → {transfer.from_org.name}", 60),
                   reason=reason, data={"transfer": transfer.pk}, fields=["organization"])
    return transfer


# --- 委托移送 (court, police, petition, department) ------------------------------------------------

def kinds_for(user) -> list[tuple[str, str]]:
    """The referral kinds ``user`` may register."""
    return [(k, Referral.Kind(k).label) for k in Referral.Kind.values if permissions.allowed(user, f"referral.{k}")]


class DuplicateReferral(TransitionError):
    """The referrer's reference is already registered (``referral`` is the existing one)."""

    def __init__(self, message: str, referral: Referral, same_referrer: bool):
        super().__init__(message, "external_ref")
        self.referral = referral
        self.same_referrer = same_referrer


def find_duplicate(kind: str, external_ref: str, intake_org: Organization) -> None:
    external_ref = (external_ref or "").strip()
    if not external_ref:
        return
    existing = Referral.objects.select_related("case").filter(kind=kind, external_ref=external_ref).first()
    if existing is None:
        return
    same = existing.referring_org_id == intake_org.pk
    raise DuplicateReferral(f"编号“{external_ref}”已移送过，案号{existing.case.number}" if same else
                            f"编号“{external_ref}”已由其他单位移送", existing, same)


@transaction.atomic
def refer_case(user, *, kind: str, referrer_name: str, parties: list[dict], external_ref: str = "",
               organization: Organization | None = None, api_client=None, mode: str = "", court_keeps: bool = False,
               call_time=None, caller: str = "", caller_phone: str = "", place: str = "", complex: bool = False,
               channel: str = Channel.WINDOW, routing_flags: dict | None = None, **fields) -> Referral:
    """A court, the police, a petition office or a department refers a dispute (委托/委派移送).

    The dispute goes through the intake function like every other: it is registered where the
    routing rules send it (else at the intake point: the liaison's or the API client's
    organization). Raises ``DuplicateReferral`` when the referrer's reference was already used.
    """
    if kind not in Referral.Kind.values:
        raise TransitionError("移送来源无效", "kind")
    # A person needs the role for this kind; a linkage system's service account is allowed the
    # referral by its client record (the API checks the client's operations).
    action = "referral.api" if api_client is not None else f"referral.{kind}"
    permissions.require(user, action)
    intake_org = organization or user.organization
    if intake_org is None:
        raise Refused("您的账号未关联单位，不能移送案件")
    referrer_name = _text(referrer_name, "referrer_name", "移送单位", "name")
    external_ref = _text(external_ref, "external_ref", "移送单位编号", "short", required=kind == Referral.Kind.COURT)
    if len(external_ref) > 80:
        raise TransitionError("移送单位编号不能超过80字", "external_ref")
    find_duplicate(kind, external_ref, intake_org)
    extra: dict = {}
    now = timezone.now()
    if kind == Referral.Kind.POLICE:
        extra["call_time"] = _clean(validators.moment, call_time, "call_time", "接警时间")
        extra["caller"] = _text(caller, "caller", "报警人", "person")
        extra["place"] = _text(place, "place", "发生地点", "place")
        extra["caller_phone"] = _clean(validators.phone, caller_phone, "caller_phone", "报警人电话")
        extra["complex"] = bool(complex)
        extra["feedback_due_at"] = dates.deadline_at("police_complex_feedback" if complex else "police_feedback", now)
        fields.setdefault("place_detail", extra["place"])
    if kind == Referral.Kind.COURT:
        if mode and mode not in Referral.Mode.values:
            raise TransitionError("委派/委托方式无效", "mode")
        extra["mode"] = mode or Referral.Mode.DELEGATED
        extra["court_keeps"] = bool(court_keeps)
        extra["due_on"] = dates.deadline("court_referral", dates.today())
    flags = {k: bool(v) for k, v in (routing_flags or {}).items() if k in ROUTING_FLAGS}
    label = f"接收{Referral.Kind(kind).label}：{referrer_name}" + (f"（{external_ref}）" if external_ref else "")
    app = intake.Application(
        via=intake.Via.API if api_client is not None else intake.Via.REFERRAL, source=kind, channel=channel,
        parties=parties, intake_org=intake_org, referring_org=intake_org, court_keeps=bool(court_keeps),
        action=action, label=label, **flags, **fields)
    case = intake.register(user, app)
    return Referral.objects.create(case=case, kind=kind, referrer_name=referrer_name, external_ref=external_ref,
                                   referring_org=intake_org, api_client=api_client, referred_by=user,
                                   referred_at=now, **extra)


def record_feedback(referral, user, *, version, text: str) -> Referral:
    """反馈: tell the referrer what is being done (police: within 24 hours, complex cases 5 days)."""
    referral = referral if isinstance(referral, Referral) else Referral.objects.get(pk=referral)
    with acting_on(referral.case_id, user, "referral_feedback", version=version) as act:
        text = _text(text, "text", "反馈情况")
        now = timezone.now()
        Referral.objects.filter(pk=referral.pk, feedback_at__isnull=True).update(feedback_at=now)
        Referral.objects.filter(pk=referral.pk).update(feedback=text)
        referral.refresh_from_db()
        late = "（已超期）" if referral.feedback_due_at and referral.feedback_at > referral.feedback_due_at else ""
        act.record(label=fit_text(f"向{referral.referrer_name}反馈{late}", 60), reason=text,
                   data={"referral": referral.pk})
    return referral


def record_revisit(referral, user, *, version, visited_on, visitor: str, notes: str) -> ReferralRevisit:
    referral = referral if isinstance(referral, Referral) else Referral.objects.get(pk=referral)
    with acting_on(referral.case_id, user, "referral_revisit", version=version) as act:
        c = act.case
        visited_on = _clean(validators.date, visited_on, "visited_on", "回访日期", not_future=True)
        if c.closed_on and visited_on < c.closed_on:
            raise TransitionError("回访日期不能早于结案日期", "visited_on")
        r = ReferralRevisit.objects.create(referral=referral, visited_on=visited_on,
                                           visitor=_text(visitor, "visitor", "回访人", "person"),
                                           notes=_text(notes, "notes", "回访情况", "note"), recorded_by=user)
        act.record(label=f"移送案件回访（{visited_on:%Y-%m-%d}）", reason=r.notes, data={"revisit": r.pk})
    return r


def mark_outcome_returned(case) -> None:
    """After a referred case closes: the outcome is now visible to the referrer."""
    Referral.objects.filter(case_id=case.pk, outcome_returned_at__isnull=True).update(
        outcome_returned_at=timezone.now())


def auto_feedback(case, kind: str) -> None:
    """After 受理/不予受理: the first feedback to the referrer, if none was given yet."""
    text = "已受理，正在调解" if kind == "accept" else f"不予受理：{case.close_reason}"
    Referral.objects.filter(case_id=case.pk, feedback_at__isnull=True).update(feedback_at=timezone.now(), feedback=text)


# --- 司法确认 --------------------------------------------------------------------------------------

def may_answer(user, case: Case, jc: JudicialConfirmation | None) -> bool:
    """Who records the court's answer: the handling committee, or the court liaison of the court
    named on the application (or of the court room that referred the case)."""
    if not permissions.allowed(user, "case.jc_result"):
        return False
    scope = Scope.of(user)
    if user.role != Role.COURT_LIAISON:
        return scope.owns(case)
    if jc is not None and jc.court_org is not None and scope.sees(jc.court_org):
        return True
    ref = Referral.objects.filter(case=case).select_related("referring_org").first()
    return ref is not None and ref.referring_org is not None and scope.sees(ref.referring_org)


def apply_confirmation(case, user, *, version, applied_on, applicants: str, court_name: str,
                       court_org: Organization | None = None, late_reason: str = "") -> JudicialConfirmation:
    """Record the parties' joint application (Art.33: within 30 days of the written agreement's
    effect; later only with a recorded reason)."""
    with acting_on(case, user, "jc_apply", version=version) as act:
        c = act.case
        refusal = confirmation_window.refusal(c)
        if refusal:
            raise TransitionError(refusal)
        if JudicialConfirmation.objects.filter(case=c).exists():
            raise TransitionError("本案已记录司法确认申请")
        effective_on = c.agreement.effective_on
        applied_on = _clean(validators.date, applied_on, "applied_on", "申请日期", not_future=True,
                            not_before=effective_on, not_before_what=f"协议生效日期（{effective_on:%Y-%m-%d}）")
        late = confirmation_window.is_late(effective_on, applied_on)
        late_reason = _text(late_reason, "late_reason", "逾期申请的理由", required=False)
        if late and not late_reason:
            closes = confirmation_window.closes_on(effective_on)
            raise TransitionError(f"已超过协议生效后{confirmation_window.window_days()}日的申请期限"
                                  f"（{closes:%Y-%m-%d}截止），须记录逾期申请的理由", "late_reason")
        if court_org is not None and court_org.kind != OrgKind.COURT_ROOM:
            raise TransitionError("请选择法院诉前调解工作室作为法院对接点", "court_org")
        jc = JudicialConfirmation.objects.create(
            case=c, effective_on=effective_on, applied_on=applied_on,
            applicants=_text(applicants, "applicants", "申请人", "short"),
            court_name=_text(court_name, "court_name", "受理法院", "name"), court_org=court_org,
            late_reason=late_reason if late else "", recorded_by=user)
        act.record(label=fit_text(f"申请司法确认：{jc.court_name}{'（逾期）' if jc.late else ''}", 60),
                   reason=jc.late_reason, data={"jc": jc.pk})
    return jc


RESULT_LABELS = {
    JudicialConfirmation.Status.ACCEPTED: "法院受理司法确认申请",
    JudicialConfirmation.Status.NOT_ACCEPTED: "法院不予受理司法确认申请",
    JudicialConfirmation.Status.CONFIRMED: "司法确认：确认调解协议有效",
    JudicialConfirmation.Status.REJECTED: "司法确认：驳回申请",
}


def record_court_result(jc, user, *, version, accepted: bool, answered_on, note: str = "", decision: str = "",
                        decided_on=None, number: str = "") -> JudicialConfirmation:
    """The court's answer: 受理/不予受理 (within 3 days), then 确认有效/驳回 with the number and date.

    ``decision`` is "confirmed", "rejected" or empty (accepted, decision pending).
    """
    pk = jc.pk if isinstance(jc, JudicialConfirmation) else jc
    case_id = JudicialConfirmation.objects.values_list("case_id", flat=True).get(pk=pk)
    with acting_on(case_id, user, "jc_result", version=version) as act:
        jc = JudicialConfirmation.objects.select_for_update(of=("self",)).get(pk=pk)
        if not may_answer(user, act.case, jc):
            raise Refused("该司法确认申请不在您的管辖范围内")
        S_ = JudicialConfirmation.Status
        if jc.status in (S_.NOT_ACCEPTED, S_.CONFIRMED, S_.REJECTED):
            raise TransitionError(f"该司法确认已有结果（{jc.get_status_display()}），不能再修改")
        if jc.status == S_.APPLIED:
            jc.answered_on = _clean(validators.date, answered_on, "answered_on", "受理/不予受理日期", not_future=True,
                                    not_before=jc.applied_on, not_before_what="申请日期")
            if not accepted:
                jc.answer_note = _text(note, "note", "不予受理的理由")
                jc.status = S_.NOT_ACCEPTED
                if decision:
                    raise TransitionError("不予受理的申请不能有确认结果", "decision")
            else:
                jc.status = S_.ACCEPTED
                jc.answer_note = _text(note, "note", "说明", required=False)
        elif not accepted:
            raise TransitionError("法院已受理该申请，不能改为不予受理", "accepted")
        if decision:
            if decision not in (S_.CONFIRMED, S_.REJECTED):
                raise TransitionError("确认结果须为“确认有效”或“驳回”", "decision")
            decided_on = _clean(validators.date, decided_on, "decided_on", "裁定日期", not_future=True,
                                not_before=jc.answered_on, not_before_what="受理日期")
            number = _text(number, "number", "法院文书编号（调确字号）", "short")
            if len(number) > 80:
                raise TransitionError("文书编号不能超过80字", "number")
            jc.status, jc.decided_on, jc.number = decision, decided_on, number
        jc.save()
        # the case's copy (``Case.judicially_confirmed``, read by the statistics); a result is final
        act.case.judicially_confirmed = True if jc.status == S_.CONFIRMED else None
        label = RESULT_LABELS[jc.status] + (f"（{jc.number}）" if jc.number else "")
        act.record(label=fit_text(label, 60), reason=jc.answer_note, data={"jc": jc.pk, "status": jc.status},
                   fields=["judicially_confirmed"])
    return jc
