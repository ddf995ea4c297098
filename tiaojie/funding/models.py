"""Funding (经费保障): subsidy standards, case tiers, fixed and committee subsidies, monthly
calculations (payment lists), and budgets.

- ``SubsidyStandard``: 以案定补 amounts per organization kind and case tier with their
  conditions, effective over a date range; ranges of the same kind/tier/county never overlap.
- ``TierRule``: how a case gets its tier (简易/一般/疑难/重大) from its record — data, first
  matching rule by priority wins, 一般 when none matches.
- ``FixedSubsidy`` (固定补贴, per mediator per month), ``CommitteeSubsidy`` (委员会补助, per
  committee per month).
- ``CalculationRun``: one county, one month → ``PaymentLine``s; draft until a supervisor
  approves it, then frozen. ``PaymentLine.case`` is unique: a dispute is paid once, ever.
- ``Budget``: allocated per county per year; spent = sum of approved lines.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from tiaojie.core.scope import ScopedQuerySet, ScopeRule
from tiaojie.orgs.models import OrgKind


class Tier(models.TextChoices):
    SIMPLE = "simple", "简易"
    GENERAL = "general", "一般"
    DIFFICULT = "difficult", "疑难"
    MAJOR = "major", "重大"


TIER_RANK = {Tier.SIMPLE: 1, Tier.GENERAL: 2, Tier.DIFFICULT: 3, Tier.MAJOR: 4}
RISK_RANK = {"none": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    """Closed date ranges, ``None`` as the open end."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def _check_range(obj) -> None:
    if obj.valid_from and obj.valid_to and obj.valid_to < obj.valid_from:
        raise ValidationError({"valid_to": "失效日期不能早于生效日期"})


class SubsidyStandard(models.Model):
    """以案定补标准: yuan per case for one organization kind and tier, with its conditions."""

    county = models.ForeignKey("orgs.Organization", verbose_name="适用县（市、区）", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"kind": OrgKind.COUNTY_CENTER},
                               help_text="留空为全市通用；县级标准优先于全市标准")
    org_kind = models.CharField("调解组织类型", max_length=20, choices=OrgKind.choices)
    tier = models.CharField("案件等级", max_length=10, choices=Tier.choices)
    amount = models.DecimalField("补贴金额（元/件）", max_digits=10, decimal_places=2)
    requires_success = models.BooleanField("须调解成功", default=True)
    requires_performed = models.BooleanField("须协议已履行（回访确认已履行）", default=False)
    requires_complete_file = models.BooleanField(
        "须卷宗齐全", default=False, help_text="以案件已归档为准（归档时已检查卷宗齐全或经主管人员批准）")
    oral_counts = models.BooleanField("口头协议也予补贴", default=False)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True, help_text="留空为长期有效")
    note = models.CharField("文件依据", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "以案定补标准"
        ordering = ["county_id", "org_kind", "tier", "-valid_from"]

    def __str__(self):
        return f"{self.get_org_kind_display()}·{self.get_tier_display()} {self.amount}元"

    def clean(self):
        errors = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = "失效日期不能早于生效日期"
        if self.amount is not None and self.amount < 0:
            errors["amount"] = "补贴金额不能为负数"
        if self.valid_from and self.org_kind and self.tier and "valid_to" not in errors:
            others = SubsidyStandard.objects.filter(county_id=self.county_id, org_kind=self.org_kind, tier=self.tier)
            if self.pk:
                others = others.exclude(pk=self.pk)
            for o in others:
                if _overlaps(self.valid_from, self.valid_to, o.valid_from, o.valid_to):
                    end = o.valid_to.isoformat() if o.valid_to else "长期"
                    errors["valid_from"] = (
                        f"与已有标准重叠：{o.get_org_kind_display()}“{o.get_tier_display()}”案件"
                        f"{o.valid_from.isoformat()}至{end}为{o.amount}元。同一类型、同一等级的标准有效期不能重叠，"
                        "请先设置原标准的失效日期")
                    break
        if errors:
            raise ValidationError(errors)


class TierRule(models.Model):
    """A rule giving a case its tier (案件等级认定规则). Rules are tried by ``priority`` (smaller
    first); the first whose every filled condition holds gives the tier; no match → 一般."""

    priority = models.PositiveSmallIntegerField("优先顺序", default=100)
    tier = models.CharField("认定等级", max_length=10, choices=Tier.choices)
    min_amount = models.DecimalField("涉及金额不低于（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField("涉及金额不高于（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    min_people = models.PositiveIntegerField("涉及人数不少于", null=True, blank=True)
    max_people = models.PositiveIntegerField("涉及人数不多于", null=True, blank=True)
    min_risk = models.CharField("风险等级不低于", max_length=10, blank=True,
                                choices=[("blue", "蓝色"), ("yellow", "黄色"), ("orange", "橙色"), ("red", "红色")])
    requires_escalation = models.BooleanField("须已上报疑难重大（领导包案/挂牌督办）", default=False)
    is_active = models.BooleanField("在用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件等级认定规则"
        ordering = ["priority", "id"]

    def __str__(self):
        return f"{self.priority}. → {self.get_tier_display()}"

    def clean(self):
        if self.min_amount is not None and self.max_amount is not None and self.max_amount < self.min_amount:
            raise ValidationError({"max_amount": "金额上限不能低于下限"})
        if self.min_people is not None and self.max_people is not None and self.max_people < self.min_people:
            raise ValidationError({"max_people": "人数上限不能低于下限"})

    def matches(self, amount, people: int, risk: str, escalated: bool) -> bool:
        return ((self.min_amount is None or amount >= self.min_amount)
                and (self.max_amount is None or amount <= self.max_amount)
                and (self.min_people is None or people >= self.min_people)
                and (self.max_people is None or people <= self.max_people)
                and (not self.min_risk or RISK_RANK.get(risk or "none", 0) >= RISK_RANK[self.min_risk])
                and (not self.requires_escalation or escalated))


class FixedSubsidy(models.Model):
    """固定补贴: a monthly amount paid to one mediator while on the register."""

    mediator = models.ForeignKey("orgs.Mediator", verbose_name="调解员", on_delete=models.PROTECT,
                                 related_name="fixed_subsidies")
    monthly_amount = models.DecimalField("每月金额（元）", max_digits=10, decimal_places=2)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调解员固定补贴"
        ordering = ["mediator_id", "-valid_from"]

    def __str__(self):
        return f"{self.mediator} {self.monthly_amount}元/月"

    def clean(self):
        _check_range(self)
        if self.monthly_amount is not None and self.monthly_amount < 0:
            raise ValidationError({"monthly_amount": "金额不能为负数"})
        if self.mediator_id and self.valid_from:
            for o in FixedSubsidy.objects.filter(mediator_id=self.mediator_id).exclude(pk=self.pk):
                if _overlaps(self.valid_from, self.valid_to, o.valid_from, o.valid_to):
                    raise ValidationError({"valid_from": "该调解员在此期间已有固定补贴，期间不能重叠"})


class CommitteeSubsidy(models.Model):
    """委员会补助: a monthly amount paid to one committee (工作经费)."""

    scope = ScopeRule("organization")
    objects = ScopedQuerySet.as_manager()

    organization = models.ForeignKey("orgs.Organization", verbose_name="调解组织", on_delete=models.PROTECT,
                                     related_name="committee_subsidies")
    monthly_amount = models.DecimalField("每月金额（元）", max_digits=10, decimal_places=2)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调委会补助"
        ordering = ["organization_id", "-valid_from"]

    def __str__(self):
        return f"{self.organization} {self.monthly_amount}元/月"

    def clean(self):
        _check_range(self)
        if self.monthly_amount is not None and self.monthly_amount < 0:
            raise ValidationError({"monthly_amount": "金额不能为负数"})
        if self.organization_id and self.valid_from:
            for o in CommitteeSubsidy.objects.filter(organization_id=self.organization_id).exclude(pk=self.pk):
                if _overlaps(self.valid_from, self.valid_to, o.valid_from, o.valid_to):
                    raise ValidationError({"valid_from": "该调委会在此期间已有补助，期间不能重叠"})


class CalculationRun(models.Model):
    """One county's calculation for one month (经费核算): a draft, then approved and frozen."""

    scope = ScopeRule("county")
    objects = ScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        APPROVED = "approved", "已审核"

    county = models.ForeignKey("orgs.Organization", verbose_name="县（市、区）", on_delete=models.PROTECT,
                               related_name="calculation_runs")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = models.DecimalField("合计（元）", max_digits=14, decimal_places=2, default=0)
    skipped = models.JSONField("未予补贴的案件", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "经费核算"
        ordering = ["-year", "-month", "county_id"]
        constraints = [models.UniqueConstraint(fields=["county", "year", "month"], name="uniq_run_county_month")]

    def __str__(self):
        return f"{self.county} {self.year}年{self.month}月"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED


class PaymentLine(models.Model):
    """One line of a payment list (发放明细)."""

    scope = ScopeRule(via="run")
    objects = ScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        CASE = "case", "案件补贴"
        FIXED = "fixed", "固定补贴"
        COMMITTEE = "committee", "调委会补助"

    run = models.ForeignKey(CalculationRun, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    mediator = models.ForeignKey("orgs.Mediator", verbose_name="调解员", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="payment_lines")
    organization = models.ForeignKey("orgs.Organization", verbose_name="调解组织", on_delete=models.PROTECT,
                                     related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="payment_lines")
    tier = models.CharField("案件等级", max_length=10, choices=Tier.choices, blank=True)
    standard = models.ForeignKey(SubsidyStandard, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "发放明细"
        ordering = ["run_id", "kind", "organization_id", "id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(case__isnull=False),
                                               name="one_payment_per_dispute")]


class Budget(models.Model):
    """A county's yearly budget for mediation funding (经费预算)."""

    scope = ScopeRule("county")
    objects = ScopedQuerySet.as_manager()

    county = models.ForeignKey("orgs.Organization", verbose_name="县（市、区）", on_delete=models.PROTECT,
                               related_name="budgets", limit_choices_to={"kind": OrgKind.COUNTY_CENTER})
    year = models.PositiveSmallIntegerField("年度")
    allocated = models.DecimalField("预算金额（元）", max_digits=14, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "经费预算"
        ordering = ["-year", "county_id"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="uniq_budget_county_year")]

    def __str__(self):
        return f"{self.county} {self.year}年"

    def clean(self):
        if self.allocated is not None and self.allocated < 0:
            raise ValidationError({"allocated": "预算金额不能为负数"})
