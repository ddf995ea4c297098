"""Screening (排查): cadence per organization level, rounds filed per period, findings and
hidden dangers (隐患) with their prevention."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tiaojie.core.scope import ScopedQuerySet, ScopeRule
from tiaojie.orgs.models import OrgKind
from tiaojie.screening.periods import Cadence, period_containing


class ScreeningCadence(models.Model):
    """How often each kind of organization screens, and how long after a period ends its report
    may still come in on time (宽限天数). Editable in admin."""

    org_kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices, unique=True)
    cadence = models.CharField("排查周期", max_length=10, choices=Cadence.CHOICES)
    grace_days = models.PositiveSmallIntegerField("宽限天数", default=2)

    class Meta:
        verbose_name = verbose_name_plural = "排查周期设置"

    def __str__(self):
        return f"{self.get_org_kind_display()}：{self.get_cadence_display()}"


class RoundQuerySet(ScopedQuerySet):
    pass


class ScreeningRound(models.Model):
    """One period's screening report (排查报告) of one organization; a zero report says nothing
    was found (零报告)."""

    scope = ScopeRule("organization")

    organization = models.ForeignKey("orgs.Organization", verbose_name="调解组织", on_delete=models.PROTECT,
                                     related_name="screening_rounds")
    cadence = models.CharField("周期", max_length=10, choices=Cadence.CHOICES)
    period_key = models.CharField("期次", max_length=20)
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    screened_from = models.DateField("排查开始日期")
    screened_to = models.DateField("排查结束日期")
    screeners = models.CharField("排查人员", max_length=200)
    places = models.TextField("排查地点和走访群体")
    is_zero_report = models.BooleanField("零报告", default=False)
    notes = models.TextField("情况说明", blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField("上报时间", default=timezone.now)
    late = models.BooleanField("逾期上报", default=False)
    version = models.PositiveIntegerField(default=1)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "排查报告"
        ordering = ["-period_start", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "period_key"], name="uniq_round_period")]
        indexes = [models.Index(fields=["period_start"])]

    def __str__(self):
        return f"{self.organization} {self.period.label}"

    @property
    def period(self):
        return period_containing(self.cadence, self.period_start)


class Finding(models.Model):
    """One dispute found in a round: registered at once as a case, or recorded as a hidden danger."""

    scope = ScopeRule(via="round")
    objects = ScopedQuerySet.as_manager()

    round = models.ForeignKey(ScreeningRound, on_delete=models.CASCADE, related_name="findings")
    facts = models.TextField("纠纷情况")
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="finding")
    hazard = models.OneToOneField("screening.HiddenDanger", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="finding")

    class Meta:
        verbose_name = verbose_name_plural = "排查发现"


class HazardQuerySet(RoundQuerySet):
    def open(self):
        return self.filter(status=HiddenDanger.Status.OPEN)


class HiddenDanger(models.Model):
    """隐患: a dispute that may break out, with prevention measures and, at orange/red, an
    emergency plan (应急预案)."""

    scope = ScopeRule("organization")

    class Status(models.TextChoices):
        OPEN = "open", "跟踪中"
        RESOLVED = "resolved", "已化解/预防成功"
        CONVERTED = "converted", "已转为案件"
        ESCALATED = "escalated", "已升级上报"

    organization = models.ForeignKey("orgs.Organization", verbose_name="责任调委会", on_delete=models.PROTECT,
                                     related_name="hazards")
    facts = models.TextField("隐患情况")
    dispute_type = models.ForeignKey("cases.DisputeType", verbose_name="纠纷类型", on_delete=models.PROTECT)
    parties = models.CharField("涉及当事人或群体", max_length=300)
    region = models.ForeignKey("orgs.Region", verbose_name="发生地", on_delete=models.PROTECT, related_name="+")
    place_detail = models.CharField("详细地点", max_length=200, blank=True)
    people_count = models.PositiveIntegerField("涉及人数", default=2)
    amount_at_stake = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, default=0)
    measures = models.TextField("预防措施", blank=True)
    emergency_plan = models.TextField("应急预案", blank=True)
    responsible_person = models.CharField("责任人", max_length=60)
    review_on = models.DateField("下次复查日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    case = models.ForeignKey("cases.Case", verbose_name="转为案件", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="from_hazards")
    close_note = models.TextField("处置结果", blank=True)
    found_on = models.DateField("发现日期", default=timezone.localdate)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "纠纷隐患"
        ordering = ["-found_on", "-id"]

    def __str__(self):
        return self.facts[:30]


class Reminder(models.Model):
    """A reminder raised by a scheduled job (e.g. a screening report overdue); one per subject
    and recipient, so that running the job twice raises nothing new."""

    scope = ScopeRule("organization")
    objects = ScopedQuerySet.as_manager()

    organization = models.ForeignKey("orgs.Organization", verbose_name="提醒对象", on_delete=models.CASCADE,
                                     related_name="reminders")
    about = models.ForeignKey("orgs.Organization", verbose_name="涉及单位", on_delete=models.CASCADE,
                              related_name="+")
    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=40)
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organization", "about", "kind", "key"], name="uniq_reminder")]
