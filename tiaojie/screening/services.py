"""Screening (排查): which period is due, filing a round with its findings, hidden dangers and
the overdue check run by the scheduler."""
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tiaojie.core import permissions, validators
from tiaojie.core.errors import DomainError, Refused
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Organization, OrgKind
from tiaojie.screening.models import Finding, HiddenDanger, Reminder, ScreeningCadence, ScreeningRound
from tiaojie.screening.periods import Cadence, Period, period_containing, period_from_key, previous_period

DEFAULT_CADENCE = {OrgKind.VILLAGE: Cadence.WEEK, OrgKind.TOWNSHIP: Cadence.XUN,
                   OrgKind.COUNTY_CENTER: Cadence.MONTH}


class ScreeningError(DomainError):
    def __init__(self, message: str, field: str | None = None, existing: ScreeningRound | None = None):
        super().__init__(message, field)
        self.existing = existing


def cadence_for(org: Organization) -> tuple[str, int] | None:
    """(cadence, grace days) for this organization's kind, or None if it does not screen."""
    row = ScreeningCadence.objects.filter(org_kind=org.kind).first()
    if row is not None:
        return row.cadence, row.grace_days
    if org.kind in DEFAULT_CADENCE:
        return DEFAULT_CADENCE[org.kind], 2
    return None


@dataclass
class PeriodStatus:
    period: Period
    round: ScreeningRound | None
    due: dt.date

    @property
    def overdue(self) -> bool:
        return self.round is None and timezone.localdate() > self.due

    @property
    def state(self) -> str:
        if self.round is not None:
            return "逾期上报" if self.round.late else ("零报告" if self.round.is_zero_report else "已上报")
        if self.overdue:
            return "逾期未报"
        if timezone.localdate() <= self.period.end:
            return "本期进行中"
        return "待上报"


def recent_periods(org: Organization, count: int = 6, today: dt.date | None = None) -> list[PeriodStatus]:
    """The current period and the ones before it, newest first, with their reports."""
    c = cadence_for(org)
    if c is None:
        return []
    cadence, grace = c
    today = today or timezone.localdate()
    p = period_containing(cadence, today)
    periods = [p]
    for _ in range(count - 1):
        p = previous_period(p)
        periods.append(p)
    rounds = {r.period_key: r for r in ScreeningRound.objects.filter(organization=org,
                                                                     period_key__in=[x.key for x in periods])}
    return [PeriodStatus(x, rounds.get(x.key), x.due(grace)) for x in periods]


def _require(user, org, action: str = "screening.file"):
    permissions.require(user, action)
    if not Scope.of(user).sees(org):
        raise Refused("该单位不在您的管辖范围内")


@transaction.atomic
def file_round(user, org: Organization, *, period_key: str, screened_from: dt.date, screened_to: dt.date,
               screeners: str, places: str, notes: str = "", findings: list[dict] = (),
               zero_report: bool = False) -> ScreeningRound:
    """File one period's screening report. ``findings`` are dicts with ``facts`` and
    ``disposition`` "case" (registered at once, source 排查发现) or "hazard" (a 隐患) plus the
    fields that record needs."""
    _require(user, org)
    c = cadence_for(org)
    if c is None:
        raise ScreeningError(f"{org.get_kind_display()}无需按周期上报排查报告")
    cadence, grace = c
    try:
        period = period_from_key(cadence, period_key)
    except (ValueError, TypeError):
        raise ScreeningError("请选择排查期次", "period_key")
    today = timezone.localdate()
    if period.start > today:
        raise ScreeningError(f"{period.label}尚未开始，不能提前填报", "period_key")
    existing = ScreeningRound.objects.filter(organization=org, period_key=period.key).first()
    if existing is not None:
        raise ScreeningError(f"{period.label}的排查报告已于{timezone.localtime(existing.filed_at):%Y-%m-%d}上报，"
                             "如需补充请修改已上报的报告", "period_key", existing)
    if screened_from is None or screened_to is None or screened_from > screened_to:
        raise ScreeningError("排查开始日期不能晚于结束日期", "screened_to")
    if screened_to > today:
        raise ScreeningError("排查结束日期不能晚于今天", "screened_to")
    if not (screeners or "").strip():
        raise ScreeningError("请填写排查人员", "screeners")
    if not (places or "").strip():
        raise ScreeningError("请填写排查地点和走访群体", "places")
    findings = list(findings or [])
    if zero_report and findings:
        raise ScreeningError("已选择零报告，不能同时填写排查发现", "zero_report")
    if not zero_report and not findings:
        raise ScreeningError("本期未发现纠纷请勾选“零报告”，否则请填写排查发现", "zero_report")
    try:
        with transaction.atomic():
            r = ScreeningRound.objects.create(
                organization=org, cadence=cadence, period_key=period.key, period_start=period.start,
                period_end=period.end, screened_from=screened_from, screened_to=screened_to,
                screeners=screeners.strip(), places=places.strip(), notes=notes, is_zero_report=zero_report,
                filed_by=user, late=today > period.due(grace),
            )
    except IntegrityError:
        raise ScreeningError(f"{period.label}的排查报告已由他人上报，请刷新后修改", "period_key")
    for i, f in enumerate(findings, start=1):
        add_finding(user, r, f, index=i)
    Reminder.objects.filter(about=org, kind="screening_overdue", key=period.key).update(read_at=timezone.now())
    return r


def add_finding(user, r: ScreeningRound, f: dict, index: int = 1) -> Finding:
    """One finding of a round: a case registered at once through the intake function (source
    排查发现), or a hidden danger."""
    from tiaojie.cases import intake
    from tiaojie.cases.models import Channel, Source

    try:
        facts = validators.text(f.get("facts"), "facts", "纠纷情况")
    except DomainError as e:
        raise ScreeningError(f"第{index}条排查发现：{e.message}", f"findings-{index}-facts")
    disposition = f.get("disposition")
    finding = Finding(round=r, facts=facts)
    if disposition == "case":
        parties = f.get("parties") or []
        if not parties:
            raise ScreeningError(f"第{index}条排查发现登记为案件，须填写至少一名当事人", f"findings-{index}-parties")
        app = intake.Application(
            via=intake.Via.SCREENING, organization=r.organization, intake_org=r.organization, parties=parties,
            source=Source.INITIATIVE, channel=Channel.VISIT, dispute_type=f.get("dispute_type"), facts=facts,
            claims=f.get("claims", ""), region=f.get("region"), place_detail=f.get("place_detail", ""),
            arose_on=f.get("arose_on") or r.screened_to, people_count=f.get("people_count") or 2,
            amount_at_stake=f.get("amount_at_stake") or 0, label="登记（排查发现）")
        try:
            finding.case = intake.register(user, app)
        except DomainError as e:
            field = e.field if e.field in ("parties", "dispute_type", "region", "arose_on", "people_count",
                                           "amount_at_stake", "claims", "place_detail") else "facts"
            raise ScreeningError(f"第{index}条排查发现：{e.message}", f"findings-{index}-{field}")
    elif disposition == "hazard":
        finding.hazard = create_hazard(user, r.organization, facts=facts, index=index, **{
            k: f.get(k) for k in ("dispute_type", "parties_desc", "region", "place_detail", "people_count",
                                  "amount_at_stake", "measures", "emergency_plan", "responsible_person", "review_on",
                                  "police_calls", "vulnerable", "litigation", "petition", "abnormal_death")})
    else:
        raise ScreeningError(f"第{index}条排查发现请选择处置方式（登记为案件或列为隐患）", f"findings-{index}-disposition")
    finding.save()
    return finding


def _plan_required(level: str) -> bool:
    return level in ("orange", "red")


@transaction.atomic
def create_hazard(user, org, *, facts, dispute_type, parties_desc, region, responsible_person, review_on,
                  place_detail="", people_count=2, amount_at_stake=0, measures="", emergency_plan="",
                  police_calls=0, vulnerable=False, litigation=False, petition=False, abnormal_death=False,
                  index: int | None = None) -> HiddenDanger:
    """Record a hidden danger; its risk is assessed at once and an emergency plan is required
    at orange and red."""
    from tiaojie.warnings.risk import LEVEL_LABELS
    from tiaojie.warnings.services import reassess, set_hazard_inputs

    _require(user, org, "hazard.create")
    prefix = f"findings-{index}-" if index else ""
    label = f"第{index}条排查发现：" if index else ""
    try:
        facts = validators.text(facts, "facts", "隐患情况")
    except DomainError as e:
        raise ScreeningError(label + e.message, prefix + "facts")
    if dispute_type is None:
        raise ScreeningError(label + "请选择纠纷类型", prefix + "dispute_type")
    if region is None:
        raise ScreeningError(label + "请选择发生地", prefix + "region")
    if not (parties_desc or "").strip():
        raise ScreeningError(label + "请填写涉及的当事人或群体", prefix + "parties_desc")
    if not (responsible_person or "").strip():
        raise ScreeningError(label + "请填写责任人", prefix + "responsible_person")
    if review_on is None or review_on < timezone.localdate():
        raise ScreeningError(label + "复查日期不能早于今天", prefix + "review_on")
    if amount_at_stake is not None and amount_at_stake < 0:
        raise ScreeningError(label + "涉及金额不能为负数", prefix + "amount_at_stake")
    h = HiddenDanger.objects.create(
        organization=org, facts=facts.strip(), dispute_type=dispute_type, parties=parties_desc.strip(),
        region=region, place_detail=place_detail or "", people_count=people_count or 1,
        amount_at_stake=amount_at_stake or 0, measures=measures or "", emergency_plan=emergency_plan or "",
        responsible_person=responsible_person.strip(), review_on=review_on, created_by=user,
    )
    set_hazard_inputs(h, police_calls=police_calls, vulnerable=vulnerable, litigation=litigation, petition=petition,
                      abnormal_death=abnormal_death)
    a = reassess(hazard=h, actor=user)
    if _plan_required(a.level) and not (emergency_plan or "").strip():
        raise ScreeningError(f"{label}该隐患评估为{LEVEL_LABELS[a.level]}风险（{a.explanation}），须制定应急预案",
                             prefix + "emergency_plan")
    return h


@transaction.atomic
def update_hazard(user, h: HiddenDanger, *, version: int, **fields) -> HiddenDanger:
    from tiaojie.warnings.risk import LEVEL_LABELS
    from tiaojie.warnings.services import reassess

    h = HiddenDanger.objects.select_for_update(of=("self",)).select_related("organization").get(pk=h.pk)
    _require(user, h.organization, "hazard.update")
    if h.status != HiddenDanger.Status.OPEN:
        raise ScreeningError("隐患已办结，不能修改")
    if int(version) != h.version:
        raise ScreeningError("该隐患已被他人修改，请刷新页面后重新填写")
    for k, v in fields.items():
        setattr(h, k, v)
    h.version += 1
    h.save()
    a = reassess(hazard=h, actor=user)
    if _plan_required(a.level) and not h.emergency_plan.strip():
        raise ScreeningError(f"该隐患评估为{LEVEL_LABELS[a.level]}风险，须制定应急预案", "emergency_plan")
    return h


@transaction.atomic
def close_hazard(user, h: HiddenDanger, *, outcome: str, note: str, version: int, case=None,
                 prevention: dict | None = None) -> HiddenDanger:
    """已化解/预防成功 (counts as 预防纠纷), 转为案件 (linked), or 升级上报."""
    from tiaojie.warnings.models import PreventionOutcome

    h = HiddenDanger.objects.select_for_update(of=("self",)).select_related("organization").get(pk=h.pk)
    _require(user, h.organization, "hazard.close")
    if h.status != HiddenDanger.Status.OPEN:
        raise ScreeningError("隐患已办结")
    if int(version) != h.version:
        raise ScreeningError("该隐患已被他人修改，请刷新页面后重新填写")
    if outcome not in (HiddenDanger.Status.RESOLVED, HiddenDanger.Status.CONVERTED, HiddenDanger.Status.ESCALATED):
        raise ScreeningError("请选择处置结果", "outcome")
    if not (note or "").strip():
        raise ScreeningError("请填写处置情况", "note")
    if outcome == HiddenDanger.Status.CONVERTED:
        h.case = case if case is not None else _register_from_hazard(user, h)
    h.status, h.close_note, h.closed_on = outcome, note.strip(), timezone.localdate()
    h.version += 1
    h.save()
    if prevention:
        p = PreventionOutcome(hazard=h, **prevention)
        p.full_clean(exclude=["hazard", "case"])
        p.save()
    return h


@transaction.atomic
def set_hazard_level(user, hazard, *, level: str, reason: str):
    """A person raises or lowers a hidden danger's risk level by hand (a reason is required)."""
    from tiaojie.warnings.services import apply_manual_level, assessment_for_write

    h = HiddenDanger.objects.select_for_update(of=("self",)).select_related("organization").get(
        pk=getattr(hazard, "pk", hazard))
    _require(user, h.organization, "hazard.risk_level")
    if h.status != HiddenDanger.Status.OPEN:
        raise ScreeningError("隐患已办结，不能调整风险等级")
    return apply_manual_level(assessment_for_write(hazard=h), user, level, reason)


def _register_from_hazard(user, h: HiddenDanger):
    """转为案件 without an existing case: the hidden danger is registered through the intake function."""
    from tiaojie.cases import intake
    from tiaojie.cases.models import Channel, Source

    first = h.parties.replace("，", "、").replace(",", "、").split("、")[0].strip()[:100] or "（隐患涉及人员）"
    app = intake.Application(
        via=intake.Via.HAZARD, organization=h.organization, intake_org=h.organization,
        parties=[{"role": "applicant", "kind": "person", "name": first}], source=Source.INITIATIVE,
        channel=Channel.VISIT, dispute_type=h.dispute_type, facts=h.facts, region=h.region,
        place_detail=h.place_detail, arose_on=h.found_on, people_count=h.people_count,
        amount_at_stake=h.amount_at_stake, label="登记（隐患转为案件）")
    try:
        return intake.register(user, app)
    except DomainError as e:
        raise ScreeningError(f"隐患转为案件未能登记：{e.message}", "note")


def find_case_for_conversion(user, number: str):
    """The existing case a hidden danger becomes (by its number, within the user's scope)."""
    from tiaojie.cases.models import Case

    case = Case.objects.visible_to(user, acting=True).filter(number=(number or "").strip()).first()
    if case is None:
        raise ScreeningError("未找到该案号的案件（或不在您的管辖范围内）", "case_number")
    return case


@transaction.atomic
def amend_round(user, r: ScreeningRound, *, version: int, screeners: str, places: str, notes: str = "") -> ScreeningRound:
    """Correct a filed report's people, places and notes (the version guards against lost edits)."""
    r = ScreeningRound.objects.select_for_update(of=("self",)).select_related("organization").get(pk=r.pk)
    _require(user, r.organization, "screening.amend")
    if int(version) != r.version:
        raise ScreeningError("该报告已被他人修改，请刷新页面后重新填写")
    try:
        r.screeners = validators.text(screeners, "screeners", "排查人员", limit_name="short")
        r.places = validators.text(places, "places", "排查地点和走访群体", limit_name="note")
        r.notes = validators.text(notes, "notes", "备注", required=False, limit_name="note")
    except DomainError as e:
        raise ScreeningError(e.message, e.field)
    r.version += 1
    r.save()
    return r


@transaction.atomic
def add_later_finding(user, r: ScreeningRound, *, version: int, finding: dict) -> Finding:
    """补充 a finding to a filed report; a zero report stops being one."""
    r = ScreeningRound.objects.select_for_update(of=("self",)).select_related("organization").get(pk=r.pk)
    _require(user, r.organization, "screening.amend")
    if int(version) != r.version:
        raise ScreeningError("该报告已被他人修改，请刷新页面后重新填写")
    f = add_finding(user, r, finding, index=r.findings.count() + 1)
    r.is_zero_report = False
    r.version += 1
    r.save(update_fields=["is_zero_report", "version"])
    return f


def check_overdue_rounds(today: dt.date | None = None) -> int:
    """Scheduled job: for each screening organization whose last finished period has no report
    after its grace, remind the organization and its supervisor. Idempotent."""
    today = today or timezone.localdate()
    created = 0
    cadences = {row.org_kind: (row.cadence, row.grace_days) for row in ScreeningCadence.objects.all()}
    for kind, default in DEFAULT_CADENCE.items():
        cadences.setdefault(kind, (default, 2))
    for kind, (cadence, grace) in cadences.items():
        p = previous_period(period_containing(cadence, today))
        if today <= p.due(grace):
            p = previous_period(p)
        orgs = Organization.objects.filter(kind=kind, is_active=True).select_related("parent")
        filed = set(ScreeningRound.objects.filter(period_key=p.key, organization__kind=kind)
                    .values_list("organization_id", flat=True))
        rows = []
        for org in orgs:
            if org.pk in filed:
                continue
            text = f"{org.name}{p.label}排查报告逾期未报（应于{p.due(grace):%Y-%m-%d}前上报）"
            for target in (org, org.parent):
                if target is not None:
                    rows.append(Reminder(organization=target, about=org, kind="screening_overdue", key=p.key,
                                         text=text))
        before = Reminder.objects.filter(kind="screening_overdue", key=p.key).count()
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        created += Reminder.objects.filter(kind="screening_overdue", key=p.key).count() - before
    return created


def overdue_children(org: Organization, today: dt.date | None = None) -> list[tuple[Organization, PeriodStatus]]:
    """Organizations directly supervised by ``org`` whose last finished period is overdue."""
    out = []
    today = today or timezone.localdate()
    children = list(Organization.objects.filter(parent=org, is_active=True))
    by_kind: dict[str, list[Organization]] = {}
    for ch in children:
        by_kind.setdefault(ch.kind, []).append(ch)
    for _kind, group in by_kind.items():
        c = cadence_for(group[0])
        if c is None:
            continue
        cadence, grace = c
        p = previous_period(period_containing(cadence, today))
        if today <= p.due(grace):
            continue
        filed = set(ScreeningRound.objects.filter(period_key=p.key, organization__in=group)
                    .values_list("organization_id", flat=True))
        out += [(ch, PeriodStatus(p, None, p.due(grace))) for ch in group if ch.pk not in filed]
    return out


def remind_missing(user, unit: Organization, today: dt.date | None = None) -> int:
    """催报 (the compliance board's one click): remind every screening organization in ``unit``'s
    subtree whose report for the board's period is still missing, and its supervisor. Idempotent:
    one reminder per organization, period and recipient. Returns how many reminders were new."""
    from tiaojie.screening import compliance

    _require(user, unit, "screening.remind")
    b = compliance.board(unit, today)
    by_kind = {o.kind: o for o in b.owed}
    missing = [pk for row in b.rows for pk in row.missing_orgs]
    rows = []
    for org in Organization.objects.filter(pk__in=missing).select_related("parent"):
        o = by_kind[org.kind]
        state = "逾期未报" if o.overdue else "尚未上报"
        text = f"{org.name}{o.period.label}排查报告{state}（应于{o.due:%Y-%m-%d}前上报），{unit.name}催报"
        for target in (org, org.parent):
            if target is not None:
                rows.append(Reminder(organization=target, about=org, kind="screening_overdue", key=o.period.key,
                                     text=text[:300]))
    keys = {o.period.key for o in b.owed}
    before = Reminder.objects.filter(kind="screening_overdue", key__in=keys).count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Reminder.objects.filter(kind="screening_overdue", key__in=keys).count() - before
