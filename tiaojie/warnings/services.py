"""Risk assessment of records, warnings and their handling, 疑难重大 escalation, 预防成效.

``reassess`` runs after every change of a case (``receivers``, after commit) and inside the
writes of a hidden danger (its level decides whether an emergency plan is required): it loads
the rule tables, gathers the facts from the record, stores the level with its explanation and
raises a warning when the level calls for one.

Writes to a case (manual level, risk inputs, escalation, 督办 notes, prevention figures) are
steps of the state machine (``cases.transitions.acting_on``); writes to a warning check the role
(``warning.handle``) and that the warning is the user's to act on (``core.access``).
"""
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.utils import timezone

from tiaojie.cases.transitions import (
    CLOSED,
    OPEN,
    Step,
    TransitionError,
    acting_on,
    register_step,
    system_note,
)
from tiaojie.core import cache, dates, fixedsql, permissions, validators
from tiaojie.core.errors import DomainError, Refused
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Organization, OrgKind
from tiaojie.warnings import risk
from tiaojie.warnings.models import (
    Escalation,
    EscalationNote,
    Level,
    LevelPolicy,
    PreventionOutcome,
    RiskAssessment,
    RiskCombination,
    RiskRule,
    Warning,
    WarningEvent,
)

for _step in [
    Step("risk_level", "调整风险等级", OPEN + CLOSED),
    Step("risk_inputs", "填写风险情形", OPEN + CLOSED),
    Step("escalate", "上报疑难重大纠纷", OPEN),
    Step("escalation_note", "记录督办进展", OPEN + CLOSED),
    Step("escalation_close", "办结督办事项", OPEN + CLOSED),
    Step("prevention", "填写预防成效", CLOSED),
]:
    register_step(_step)


class WarningError(DomainError):
    pass


def _clean(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except DomainError as e:
        raise WarningError(e.message, e.field)


def load_rules() -> tuple[list[risk.Rule], list[risk.Combination]]:
    """The active risk rules and combinations (cached per process, cleared when edited)."""
    def load():
        rules = [risk.Rule(r.code, r.name, r.kind, r.level, float(r.threshold), r.value_list())
                 for r in RiskRule.objects.filter(is_active=True)]
        combos = [risk.Combination(c.name, c.min_count, c.at_level, c.result_level, c.requires_list())
                  for c in RiskCombination.objects.filter(is_active=True).order_by("id")]
        return rules, combos

    return cache.cached("risk_rules", load)


def level_policy(level: str) -> LevelPolicy | None:
    """What a level requires (response hours, whether it raises a warning); cached like the rules."""
    return cache.cached("risk_policies", lambda: {p.level: p for p in LevelPolicy.objects.all()}).get(level)


def _flags(a: RiskAssessment) -> frozenset:
    return frozenset(k for k in ("vulnerable", "litigation", "petition", "abnormal_death") if getattr(a, k))


def facts_for_case(case, a: RiskAssessment, new: bool = False) -> risk.RiskFacts:
    """What the rules read about a case; ``new``: just registered (no records to read yet)."""
    from tiaojie.cases.models import Outcome, Party

    dt_ = case.dispute_type
    codes = tuple(c for c in (dt_.code, dt_.parent.code if dt_.parent_id else None) if c)
    from tiaojie.cases.models import Investigation, MediationSession

    # the session and investigation records in one query (kind 0: 调解记录, 1: 调查记录)
    rows = [] if new else list(
        MediationSession.objects.filter(case=case).order_by().annotate(kind=Value(0))
        .values_list("kind", "id", "content")
        .union(Investigation.objects.filter(case=case).order_by().annotate(kind=Value(1))
               .values_list("kind", "id", "content"), all=True).order_by("kind", "id"))
    sessions = [c for k, _i, c in rows if k == 0]
    investigations = [c for k, _i, c in rows if k == 1]
    texts = [case.facts, case.claims, *sessions, *investigations]
    signals = text_signals({"facts": case.facts, "claims": case.claims, "sessions": "\n".join(s for s in sessions if s),
                            "investigations": "\n".join(s for s in investigations if s)})
    # earlier mediations of the same people that failed: the parties' hashes first (a handful),
    # then their other cases through the id_hash index; as one nested subquery PostgreSQL scanned
    # every failed case instead (0.85 s a registration at a million cases). Counted from the
    # parties' side, unordered: the cases' list order made the DISTINCT carry a second column
    # (and cost the ORM half again as much to build)
    hashes = sorted({p.id_hash for p in case.parties.all() if p.id_hash})  # prefetched when sent after commit
    # (a fixed query of every registration: compiled once per number of hashes, ``core.fixedsql``)
    outcomes = [Outcome.FAILED.value, Outcome.TERMINATED.value]
    failed = fixedsql.rows(
        ("earlier_failed", len(hashes)), Party,
        lambda: Party.objects.filter(id_hash__in=hashes, case__outcome__in=outcomes).exclude(case_id=case.pk)
        .order_by().values("case_id").distinct(),
        [*outcomes, *hashes, case.pk], count=True)[0][0] if hashes else 0
    if case.outcome in (Outcome.FAILED, Outcome.TERMINATED):
        failed += 1
    return risk.RiskFacts(people_count=case.people_count, amount=float(case.amount_at_stake or 0),
                          dispute_type_codes=codes, texts=tuple(t for t in texts if t), failed_mediations=failed,
                          police_calls=a.police_calls, flags=_flags(a), signals=signals)


def text_signals(texts: dict) -> tuple:
    """The risk signals the text analysis finds (the lexicon only; the type model is not needed)."""
    from tiaojie.intake.analysis import analyze_text_only

    return tuple(analyze_text_only(texts).signals)


def facts_for_hazard(h, a: RiskAssessment) -> risk.RiskFacts:
    dt_ = h.dispute_type
    codes = tuple(c for c in (dt_.code, dt_.parent.code if dt_.parent_id else None) if c)
    return risk.RiskFacts(people_count=h.people_count, amount=float(h.amount_at_stake or 0),
                          dispute_type_codes=codes, texts=tuple(t for t in (h.facts, h.parties, h.measures) if t),
                          police_calls=a.police_calls, flags=_flags(a),
                          signals=text_signals({"hazard": "\n".join(t for t in (h.facts, h.parties) if t)}))


def assessment_of(case=None, hazard=None) -> RiskAssessment:
    """The stored assessment of a record, or an unsaved blank one: reads never write."""
    subject = case or hazard
    a = RiskAssessment.objects.filter(case=case, hazard=hazard).first() if subject.pk else None
    return a or RiskAssessment(case=case, hazard=hazard, organization_id=subject.organization_id)


def _assessment_for_write(case=None, hazard=None) -> RiskAssessment:
    """The record's assessment, created (unsaved until the caller saves it) when it has none."""
    subject = case or hazard
    a = RiskAssessment.objects.filter(case=case, hazard=hazard).first()
    return a or RiskAssessment(case=case, hazard=hazard, organization_id=subject.organization_id)


def effective_level(a: RiskAssessment) -> str:
    if a.manual_level and a.manual_basis == a.computed_level:
        return a.manual_level
    return a.computed_level


def _note(a: RiskAssessment, label: str, reason: str = "", actor=None) -> None:
    if a.case_id:
        system_note(a.case, "risk", label, reason=reason, actor=actor, data={"level": a.level})


@transaction.atomic(savepoint=False)
def reassess(case=None, hazard=None, actor=None, new: bool = False) -> RiskAssessment:
    """Recompute the level of a record from the rules; raise a warning when it calls for one.
    ``new``: the record was just registered and has no assessment yet (no look-up; should one
    have been written meanwhile, the insert fails and the existing row is used).

    Its writes are one transaction, or part of the caller's without a savepoint of their own
    (two statements fewer a registration): every caller lets a failure here fail its whole
    transaction (the receivers after commit, the hidden-danger services)."""
    if new:
        subject = case or hazard
        a = RiskAssessment(case=case, hazard=hazard, organization_id=subject.organization_id)
    else:
        a = _assessment_for_write(case, hazard)
    rules, combos = load_rules()
    facts = facts_for_case(case, a, new=new) if case is not None else facts_for_hazard(hazard, a)
    result = risk.assess(facts, rules, combos)
    old = a.level
    a.computed_level = result.level
    a.factors = [{"code": f.code, "name": f.name, "level": f.level, "detail": f.detail} for f in result.factors]
    a.explanation = result.explanation
    a.level = effective_level(a)
    a.organization = (case or hazard).organization
    a.assessed_at = timezone.now()
    if a.pk is None:
        try:
            with transaction.atomic():
                fixedsql.insert(a)   # one a registration: compiled once
        except IntegrityError:  # a concurrent reassessment created it first: redo on that row
            return reassess(case=case, hazard=hazard, actor=actor)
    else:
        a.save()
    if a.level != old:
        _note(a, f"风险等级：{risk.LEVEL_LABELS[old]} → {risk.LEVEL_LABELS[a.level]}", a.explanation, actor)
        _maybe_raise_warning(a)
    return a


def _apply_manual(a: RiskAssessment, user, level: str, reason: str) -> bool:
    """Set a manual level on ``a``; returns whether it was a lowering."""
    if level not in Level.values:
        raise WarningError("请选择风险等级", "level")
    reason = (reason or "").strip()
    lowering = risk.LEVEL_RANK[level] < risk.LEVEL_RANK[a.level]
    if not reason:
        raise WarningError("调低风险等级必须说明理由" if lowering else "调整风险等级须说明理由", "reason")
    reason = _clean(validators.text, reason, "reason", "调整理由")
    a.manual_level, a.manual_reason, a.manual_basis, a.manual_by = level, reason, a.computed_level, user
    a.level = level
    a.save()
    return lowering


def set_case_level(case, user, *, version, level: str, reason: str) -> RiskAssessment:
    """A person raises or lowers a case's level by hand; a reason is always required."""
    with acting_on(case, user, "risk_level", version=version) as act:
        a = _assessment_for_write(case=act.case)
        old = a.level
        lowering = _apply_manual(a, user, level, reason)
        act.record(label=f"人工{'调低' if lowering else '调整'}风险等级：{risk.LEVEL_LABELS[old]} → "
                         f"{risk.LEVEL_LABELS[level]}", reason=a.manual_reason, data={"level": level})
        if not lowering:
            _maybe_raise_warning(a)
    return a


def apply_manual_level(a: RiskAssessment, user, level: str, reason: str) -> RiskAssessment:
    """Set a hand-chosen level on a hidden danger's assessment (the screening service locks the
    hidden danger and checks role and scope first)."""
    lowering = _apply_manual(a, user, level, reason)
    if not lowering:
        _maybe_raise_warning(a)
    return a


def assessment_for_write(*, case=None, hazard=None) -> RiskAssessment:
    return _assessment_for_write(case, hazard)


RISK_INPUTS = ("police_calls", "vulnerable", "litigation", "petition", "abnormal_death")


def set_case_inputs(case, user, *, version, police_calls=0, vulnerable=False, litigation=False, petition=False,
                    abnormal_death=False) -> RiskAssessment:
    """Risk inputs people record that the texts may not tell (DOMAIN.md §6); reassessed after commit."""
    with acting_on(case, user, "risk_inputs", version=version) as act:
        a = _assessment_for_write(case=act.case)
        a.police_calls = _clean(validators.count, police_calls, "police_calls", "报警次数", minimum=0, maximum=999,
                                default=0)
        a.vulnerable, a.litigation, a.petition, a.abnormal_death = (
            bool(vulnerable), bool(litigation), bool(petition), bool(abnormal_death))
        a.save()
        shown = [label for key, label in (("vulnerable", "涉及弱势群体"), ("litigation", "涉诉"), ("petition", "涉访"),
                                          ("abnormal_death", "涉及非正常死亡")) if getattr(a, key)]
        act.record(label="填写风险情形", reason=f"报警{a.police_calls}次" + ("；" + "、".join(shown) if shown else ""),
                   data={k: getattr(a, k) for k in RISK_INPUTS})
    return a


def set_hazard_inputs(hazard, *, police_calls=0, vulnerable=False, litigation=False, petition=False,
                      abnormal_death=False) -> RiskAssessment:
    """The risk inputs of a hidden danger, written by the screening service that records it (it
    has checked role and scope; the hazard is reassessed by that service)."""
    a = _assessment_for_write(hazard=hazard)
    a.police_calls = _clean(validators.count, police_calls, "police_calls", "报警次数", minimum=0, maximum=999,
                            default=0)
    a.vulnerable, a.litigation, a.petition, a.abnormal_death = (
        bool(vulnerable), bool(litigation), bool(petition), bool(abnormal_death))
    a.save()
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
    policy = level_policy(a.level)
    if policy is None or not policy.raise_warning:
        return None
    open_ = a.warnings.exclude(status=Warning.Status.RESOLVED)
    if any(risk.LEVEL_RANK[w.level] >= risk.LEVEL_RANK[a.level] for w in open_):
        return None
    subject = a.subject
    now = timezone.now()
    title = (f"{subject.number} " if a.case_id else "隐患：") + short_title(subject.facts)
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


def short_title(facts: str, limit: int = 40) -> str:
    """The first words of the facts, cut at a punctuation mark in the second half of ``limit``, else
    after the last whole word (intake's tokenizer, with the dispute-term dictionary) — never inside a
    word such as 农民工."""
    text = " ".join((facts or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in "。；，、 ":
        at = cut.rfind(mark)
        if at >= limit // 2:
            return cut[:at] + "…"
    from tiaojie.intake.classifier import tokenizer

    out = ""
    for word in tokenizer().lcut(text[:limit + 12], HMM=False):
        if len(out) + len(word) > limit:
            break
        out += word
    return (out if len(out) >= limit // 2 else cut) + "…"


def follow_case(case) -> int:
    """After a case moved (transfer, return, routing): its open warnings follow it — the new
    committee becomes their origin and the responsible organization is recomputed."""
    moved = 0
    qs = (Warning.objects.select_related("origin", "responsible")
          .filter(assessment__case=case).exclude(status=Warning.Status.RESOLVED).exclude(origin=case.organization))
    for w in qs:
        old = w.responsible
        w.origin = case.organization
        w.responsible = responsible_org_for(w.level, case.organization)
        w.save(update_fields=["origin", "responsible"])
        WarningEvent.objects.create(warning=w, actor_name="系统", label=f"案件移至{case.organization.name}，预警随案转移",
                                    note=f"原责任单位：{old.name}")
        moved += 1
    return moved


def visible_warnings(user):
    return Warning.objects.visible_to(user).select_related("responsible", "origin", "assessment")


def _lock_warning(w, user) -> Warning:
    permissions.require(user, "warning.handle")
    w = (Warning.objects.select_for_update(of=("self",)).select_related("responsible", "origin", "assessment")
         .get(pk=w.pk if isinstance(w, Warning) else w))
    if not Scope.of(user).owns(w):
        raise Refused("该预警不在您的管辖范围内")
    return w


@transaction.atomic
def acknowledge(w: Warning, user, note: str = "") -> Warning:
    w = _lock_warning(w, user)
    if w.status != Warning.Status.OPEN:
        raise WarningError("该预警已签收")
    note = _clean(validators.text, note, "note", "签收说明", required=False)
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
    measures = _clean(validators.text, measures, "measures", "采取的措施", limit_name="note")
    leader = _clean(validators.text, leader, "leader", "包案领导", required=False, limit_name="person")
    if w.level == Level.RED:
        if not leader and not w.leader:
            raise WarningError("红色预警须明确包案领导", "leader")
        if not police_notified and not w.police_notified:
            raise WarningError("红色预警须按人民调解法第25条及时报告公安机关，并在此记录", "police_notified")
    w.measures = (w.measures + "\n" if w.measures else "") + measures
    w.police_notified = w.police_notified or police_notified
    w.leader = leader or w.leader
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
    note = _clean(validators.text, note, "note", "化解情况")
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
    late = Warning.objects.filter(status=Warning.Status.OPEN, respond_by__lt=now).values_list("pk", flat=True)
    for pk in list(late):
        with transaction.atomic():
            w = Warning.objects.select_for_update(of=("self",)).select_related("responsible").get(pk=pk)
            if w.status != Warning.Status.OPEN or w.respond_by >= now:
                continue
            parent = w.responsible.parent
            policy = level_policy(w.level)
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


# --- 疑难重大: escalation and supervision ---------------------------------------------------------

def escalate_case(case, user, *, version, target: str, reason: str, leader: str, deadline: dt.date) -> Escalation:
    """疑难重大: report a case to the county center or the party committee/government."""
    with acting_on(case, user, "escalate", version=version) as act:
        c = act.case
        if target not in Escalation.Target.values:
            raise WarningError("请选择上报对象", "target")
        reason = _clean(validators.text, reason, "reason", "上报理由")
        leader = _clean(validators.text, leader, "leader", "包案领导", limit_name="person")
        deadline = _clean(validators.date, deadline, "deadline", "督办期限", not_before=dates.today(),
                          not_before_what="今天")
        if c.escalations.filter(closed_at__isnull=True).exists():
            raise WarningError("该案件已在督办中")
        supervisor = c.organization.county_center() or c.organization
        if target == Escalation.Target.PARTY_GOV:
            supervisor = supervisor.parent or supervisor
        e = Escalation.objects.create(case=c, target=target, supervisor=supervisor, reason=reason, leader=leader,
                                      deadline=deadline, created_by=user)
        act.record(label=f"疑难重大上报：{e.get_target_display()}（包案领导：{e.leader}）", reason=e.reason,
                   data={"deadline": deadline.isoformat(), "escalation": e.pk})
    return e


def add_escalation_note(e, user, *, version, text: str, close: bool = False) -> EscalationNote:
    """督办进展; closing the 督办 needs a supervising role (司法所及以上)."""
    pk = e.pk if isinstance(e, Escalation) else e
    e = Escalation.objects.select_related("supervisor").get(pk=pk)
    with acting_on(e.case_id, user, "escalation_close" if close else "escalation_note", version=version) as act:
        e = Escalation.objects.select_for_update(of=("self",)).get(pk=pk)
        if e.closed_at:
            raise WarningError("督办事项已办结")
        text = _clean(validators.text, text, "text", "进展情况", limit_name="note")
        note = EscalationNote.objects.create(escalation=e, author=user.label, text=text)
        if close:
            e.closed_at = timezone.now()
            e.close_note = text
            e.save()
        act.record(label="督办事项办结" if close else "记录督办进展", reason=text, data={"escalation": e.pk})
    return note


PREVENTION_KEYS = ("suicide", "criminal", "petition", "fight")


def record_prevention(case, user, *, version, values: dict | None) -> PreventionOutcome:
    """预防成效 of a closed case (the report's 防止自杀/民转刑/群体性上访/群体性械斗 columns)."""
    with acting_on(case, user, "prevention", version=version) as act:
        values = values or {k: False for k in PREVENTION_KEYS} | {f"{k}_persons": 0 for k in PREVENTION_KEYS}
        p = PreventionOutcome.objects.filter(case=act.case).first() or PreventionOutcome(case=act.case)
        for k, v in values.items():
            setattr(p, k, v)
        try:
            p.full_clean(exclude=["hazard", "case"])
        except Exception as exc:  # ValidationError: the first message at its field
            field, messages = next(iter(getattr(exc, "message_dict", {"": [str(exc)]}).items()))
            raise TransitionError(messages[0], field or None)
        p.save()
        act.record(label="记录预防成效", data=values)
    return p
