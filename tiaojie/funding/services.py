"""Funding writes and reads, as plain functions taking the acting user.

- ``case_tier(case, rules)``: the tier (简易/一般/疑难/重大) the ``TierRule`` table gives a case.
- ``compute(user, county, year, month)``: (re)build the month's draft payment list for a county.
- ``approve(user, run)``: a supervisor approves a draft; an approved list is frozen.
- ``budget_rows(user, year)``: allocated vs spent (approved lines) per county in scope.

Rules kept here (DOMAIN.md §7):
- 谁调解补谁: the case subsidy goes to the *lead* mediator of the case's active assignment;
- the mediator must be on the register (在岗) when the list is computed;
- one payment per dispute, ever: a case already on any list (draft or approved) is not taken
  again, and ``PaymentLine.case`` is unique in the database as the last guard;
- a case is considered once it is closed (``closed_on``) by the end of the month; one that
  fails a condition which can still change (履行, 归档) is listed as skipped and taken by a
  later month's calculation once it qualifies;
- the standard applied is the one in force on the closing date, the county's own before the
  city-wide one; "complete file" is checked as "archived and not forced" (the ``archive`` step
  runs every archive requirement on the locked case; a supervisor's forced archive of an
  incomplete file is marked ``archive_forced`` and does not count as complete).
"""
import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.utils import timezone

from tiaojie.cases.models import Agreement, Assignment, Case, Outcome, Status
from tiaojie.core import permissions
from tiaojie.core.errors import DomainError, Refused
from tiaojie.core.scope import Scope
from tiaojie.funding.models import (
    Budget,
    CalculationRun,
    CommitteeSubsidy,
    FixedSubsidy,
    PaymentLine,
    SubsidyStandard,
    Tier,
    TierRule,
)
from tiaojie.orgs.models import Mediator, Organization, OrgKind

MEDIATED = (Outcome.SUCCESS, Outcome.FAILED)
SKIPPED_KEEP = 500


class FundingError(DomainError):
    pass


def is_supervisor(user) -> bool:
    return permissions.allowed(user, "funding.compute")


def require_supervisor(user, action: str = "funding.compute") -> None:
    permissions.require(user, action)


def _require_county(user, county) -> None:
    if not Scope.of(user).sees(county):
        raise Refused("该县不在您的管辖范围内")


def counties_in_scope(user):
    return Scope.of(user).orgs().filter(kind=OrgKind.COUNTY_CENTER).order_by("path")


def visible_runs(user):
    if not is_supervisor(user):
        return CalculationRun.objects.none()
    return CalculationRun.objects.visible_to(user)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    if not (1 <= month <= 12) or not (2000 <= year <= 2100):
        raise FundingError("请选择有效的年份和月份", "month")
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


# ---- tiers ---------------------------------------------------------------------------------

def active_rules() -> list[TierRule]:
    return list(TierRule.objects.filter(is_active=True).order_by("priority", "id"))


def case_tier(case: Case, rules: list[TierRule] | None = None, *, risk: str | None = None,
              escalated: bool | None = None) -> str:
    """The tier of a case by the first matching rule; 一般 when none matches."""
    rules = active_rules() if rules is None else rules
    if risk is None:
        r = getattr(case, "risk", None) if _has_risk(case) else None
        risk = r.level if r is not None else "none"
    if escalated is None:
        escalated = case.escalations.exists()
    for rule in rules:
        if rule.matches(case.amount_at_stake, case.people_count, risk, escalated):
            return rule.tier
    return Tier.GENERAL


def _has_risk(case) -> bool:
    try:
        case.risk  # noqa: B018 (reverse one-to-one: raises when absent)
        return True
    except ObjectDoesNotExist:
        return False


# ---- calculation ---------------------------------------------------------------------------

class _Standards:
    def __init__(self, county: Organization):
        self.by_key: dict[tuple, list[SubsidyStandard]] = {}
        for s in SubsidyStandard.objects.filter(county__isnull=True) | SubsidyStandard.objects.filter(county=county):
            self.by_key.setdefault((s.org_kind, s.tier), []).append(s)

    def earliest(self) -> dt.date | None:
        return min((s.valid_from for group in self.by_key.values() for s in group), default=None)

    def find(self, org_kind: str, tier: str, on: dt.date) -> SubsidyStandard | None:
        found = [s for s in self.by_key.get((org_kind, tier), [])
                 if s.valid_from <= on and (s.valid_to is None or on <= s.valid_to)]
        found.sort(key=lambda s: s.county_id is None)  # the county's own first
        return found[0] if found else None


def _overlap_month(qs, start: dt.date, end: dt.date):
    return qs.filter(valid_from__lte=end).exclude(valid_to__lt=start)


@transaction.atomic
def compute(user, county: Organization, year: int, month: int) -> CalculationRun:
    """Build (or rebuild, while still a draft) the payment list of ``county`` for the month."""
    require_supervisor(user)
    if county.kind != OrgKind.COUNTY_CENTER:
        raise FundingError("经费按县（市、区）核算，请选择县级人民调解中心", "county")
    _require_county(user, county)
    start, end = month_bounds(year, month)
    if start > timezone.localdate():
        raise FundingError("不能核算尚未开始的月份", "month")
    run, _ = CalculationRun.objects.get_or_create(county=county, year=year, month=month,
                                                  defaults={"created_by": user})
    run = CalculationRun.objects.select_for_update().get(pk=run.pk)
    if run.is_frozen:
        raise FundingError(f"{run}的发放名单已审核，不能重新核算")
    run.lines.all().delete()

    rules = active_rules()
    standards = _Standards(county)
    from tiaojie.warnings.models import Escalation

    # Cases closed before the earliest standard that could apply were never payable: skip them
    # rather than list millions of "no standard" refusals.
    earliest = standards.earliest()
    cases = (Case.objects.filter(organization__path__startswith=county.path, outcome__in=MEDIATED,
                                 closed_on__lte=end, closed_on__gte=earliest or end + dt.timedelta(days=1))
             .exclude(Exists(PaymentLine.objects.filter(case=OuterRef("pk"))))
             .select_related("organization", "agreement", "risk")
             .annotate(escalated=Exists(Escalation.objects.filter(case=OuterRef("pk"))))
             .prefetch_related(Prefetch("assignments", to_attr="leads",
                                        queryset=Assignment.objects.filter(active=True, lead=True)
                                        .select_related("mediator")))
             .order_by("closed_on", "id"))
    lines, skipped = [], []
    for c in cases.iterator(chunk_size=500):
        risk = c.risk.level if _has_risk(c) else "none"
        tier = case_tier(c, rules, risk=risk, escalated=c.escalated)
        reason, std = _case_refusal(c, tier, standards)
        if reason:
            if len(skipped) < SKIPPED_KEEP:
                skipped.append({"case": c.pk, "number": c.number, "reason": reason})
            continue
        lead = c.leads[0].mediator
        lines.append(PaymentLine(run=run, kind=PaymentLine.Kind.CASE, mediator=lead, organization=c.organization,
                                 case=c, tier=tier, standard=std, amount=std.amount,
                                 note=f"{c.number}（{Tier(tier).label}）"))

    for fs in _overlap_month(FixedSubsidy.objects.filter(
            mediator__status=Mediator.Status.ACTIVE, mediator__organization__path__startswith=county.path),
            start, end).select_related("mediator__organization").order_by("mediator__organization__path", "id"):
        lines.append(PaymentLine(run=run, kind=PaymentLine.Kind.FIXED, mediator=fs.mediator,
                                 organization=fs.mediator.organization, amount=fs.monthly_amount,
                                 note=f"{year}年{month}月固定补贴"))
    for cs in _overlap_month(CommitteeSubsidy.objects.filter(
            organization__is_active=True, organization__path__startswith=county.path),
            start, end).select_related("organization").order_by("organization__path", "id"):
        lines.append(PaymentLine(run=run, kind=PaymentLine.Kind.COMMITTEE, organization=cs.organization,
                                 amount=cs.monthly_amount, note=f"{year}年{month}月调委会补助"))
    PaymentLine.objects.bulk_create(lines, batch_size=500)
    run.total = sum((ln.amount for ln in lines), Decimal(0))
    run.skipped = skipped
    run.computed_at = timezone.now()
    run.created_by = run.created_by or user
    run.save()
    return run


def _case_refusal(c: Case, tier: str, standards: _Standards) -> tuple[str, SubsidyStandard | None]:
    std = standards.find(c.organization.kind, tier, c.closed_on)
    if std is None:
        return f"无适用的补贴标准（{c.organization.get_kind_display()}·{Tier(tier).label}）", None
    if std.requires_success and c.outcome != Outcome.SUCCESS:
        return "调解未成功", std
    ag = getattr(c, "agreement", None) if _has_agreement(c) else None
    if ag is not None and ag.kind == Agreement.Kind.ORAL and not std.oral_counts:
        return "口头协议，按标准不予补贴", std
    # 已履行: the case's copy of its follow-ups (transitions.follow_up); nothing to perform otherwise
    if std.requires_performed and c.outcome == Outcome.SUCCESS and not c.fully_performed:
        return "协议尚未确认履行完毕（回访）", std
    if std.requires_complete_file and c.status != Status.ARCHIVED:
        return "卷宗尚未归档", std
    if std.requires_complete_file and c.archive_forced:
        return "卷宗材料不齐全（经批准强制归档），不予补贴", std
    if not c.leads:
        return "没有主办调解员", std
    if c.leads[0].mediator.status != Mediator.Status.ACTIVE:
        return f"主办调解员{c.leads[0].mediator.name}已离岗，不在名册", std
    return "", std


def _has_agreement(case) -> bool:
    try:
        case.agreement  # noqa: B018
        return True
    except ObjectDoesNotExist:
        return False


@transaction.atomic
def approve(user, run: CalculationRun) -> CalculationRun:
    require_supervisor(user, "funding.approve")
    run = CalculationRun.objects.select_for_update(of=("self",)).select_related("county").get(pk=run.pk)
    _require_county(user, run.county)
    if run.is_frozen:
        raise FundingError("该发放名单已审核")
    if run.computed_at is None:
        raise FundingError("请先核算再审核")
    run.status = CalculationRun.Status.APPROVED
    run.approved_by, run.approved_at = user, timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    return run


@transaction.atomic
def discard(user, run: CalculationRun) -> None:
    """Delete a draft list (its cases become payable again)."""
    require_supervisor(user)
    run = CalculationRun.objects.select_for_update(of=("self",)).select_related("county").get(pk=run.pk)
    _require_county(user, run.county)
    if run.is_frozen:
        raise FundingError("已审核的发放名单不能删除")
    run.delete()


@transaction.atomic
def save_standard(user, form) -> SubsidyStandard:
    """A subsidy standard (补贴标准) set by the city; ``form`` is a valid ``SubsidyStandardForm``."""
    permissions.require(user, "funding.standards")
    county = form.cleaned_data.get("county")
    if county is not None:
        _require_county(user, county)
    return form.save()


# ---- budgets -------------------------------------------------------------------------------

def budget_rows(user, year: int) -> list[dict]:
    """Per county in scope: allocated, spent (approved lines of the year's runs), left, share."""
    counties = list(counties_in_scope(user))
    allocated = dict(Budget.objects.filter(county__in=counties, year=year).values_list("county_id", "allocated"))
    spent = dict(PaymentLine.objects.filter(run__county__in=counties, run__year=year,
                                            run__status=CalculationRun.Status.APPROVED)
                 .values("run__county_id").annotate(s=Sum("amount")).values_list("run__county_id", "s"))
    rows = []
    for c in counties:
        a = allocated.get(c.pk)
        s = spent.get(c.pk) or Decimal(0)
        rows.append({"county": c, "allocated": a, "spent": s,
                     "left": (a - s) if a is not None else None,
                     "share": (s / a) if a else None, "over": a is not None and s > a})
    return rows
