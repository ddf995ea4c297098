"""Statistics storage: rollups (汇总表) kept current by ``rebuild_rollups``, aggregate reports
of committees not yet working online (汇总上报), frozen report submissions (报表报送) and the
assessment indicators (考核指标).

Formulas never live here: ``tiaojie.stats.figures`` is the one place they do.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tiaojie.core.scope import ScopedQuerySet, ScopeRule


class RollupCell(models.Model):
    """One cell of rollup figures: one organization's whole subtree, cut by one facet.

    ``facet`` is ``total`` (key ""), ``type`` (top dispute type code), ``source`` (Case.source),
    ``kind`` (committee kind group) or ``child`` (id of the organization one level down, or the
    node itself for its own cases). ``data`` holds the measures named in ``figures.MEASURES``.
    """

    node = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    facet = models.CharField(max_length=8)
    key = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        abstract = True


class Rollup(RollupCell):
    """Monthly figures, kept only for organizations with a large subtree
    (``figures.rollup_min_descendants``); smaller scopes are counted live."""

    month = models.DateField()

    class Meta:
        verbose_name = verbose_name_plural = "统计汇总（月）"
        indexes = [models.Index(fields=["node", "month"])]
        constraints = [models.UniqueConstraint(fields=["node", "month", "facet", "key"], name="uniq_rollup_cell")]


class RollupDay(RollupCell):
    """Daily figures of the largest subtrees (``figures.day_rollup_min_descendants``): the partial
    months at the ends of an odd period are read from here instead of counted from a province's
    thousands of cases. Rebuilt with the month's rollups."""

    day = models.DateField()

    class Meta:
        verbose_name = verbose_name_plural = "统计汇总（日）"
        indexes = [models.Index(fields=["node", "day"])]
        constraints = [models.UniqueConstraint(fields=["node", "day", "facet", "key"], name="uniq_rollup_day_cell")]


class RollupState(models.Model):
    """When each month's rollups were last rebuilt, and for which nodes its days were kept."""

    month = models.DateField(unique=True)
    dirty = models.BooleanField(default=False)  # kept for old rows; changes are ``RollupChange`` rows
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    # ids of the nodes whose ``RollupDay`` rows this rebuild wrote (a month rebuilt before the
    # day rollups existed, or before a node grew large enough, has its edges counted live)
    day_nodes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "汇总状态"


class RollupChange(models.Model):
    """A month whose figures changed after commit (append-only: writers only insert, so two
    writers never contend for one row, and a rebuild deletes only the rows it has seen — a
    change committed while it counts survives for the next rebuild)."""

    id = models.BigAutoField(primary_key=True)
    month = models.DateField(db_index=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "统计变更记录"


class AggregateReport(models.Model):
    """汇总上报: a committee not yet recording cases one by one reports a month's counts."""

    scope = ScopeRule("organization")
    objects = ScopedQuerySet.as_manager()

    organization = models.ForeignKey("orgs.Organization", verbose_name="调解组织", on_delete=models.PROTECT,
                                     related_name="aggregate_reports")
    month = models.DateField("月份", help_text="该月第一天")
    accepted = models.PositiveIntegerField("受理（件）")
    successful = models.PositiveIntegerField("调解成功（件）")
    amount = models.DecimalField("协议金额（元）", max_digits=16, decimal_places=2, default=0)
    by_type = models.JSONField("分类型受理件数", default=dict, blank=True,
                               help_text='纠纷类型代码 → 件数，例如 {"01": 3, "02": 5}')
    success_by_type = models.JSONField("分类型调解成功件数", default=dict, blank=True,
                                       help_text="纠纷类型代码 → 调解成功件数；与分类型受理同时填写，按类型统计才分列")
    amount_by_type = models.JSONField("分类型协议金额（元）", default=dict, blank=True,
                                      help_text='纠纷类型代码 → 协议金额（元），例如 {"01": "1200.00"}')
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "汇总上报"
        ordering = ["-month", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="uniq_aggregate_month")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.organization} {self.month:%Y-%m}"


class ReportSubmission(models.Model):
    """A submitted (frozen) official report: the figures as they were, never recomputed.

    A correction is a new row with ``version`` + 1 and a ``reason``.
    """

    scope = ScopeRule("organization")
    objects = ScopedQuerySet.as_manager()

    organization = models.ForeignKey("orgs.Organization", verbose_name="报送单位", on_delete=models.PROTECT,
                                     related_name="+")
    start = models.DateField("统计期间起")
    end = models.DateField("统计期间止")
    version = models.PositiveIntegerField("版本", default=1)
    figures = models.JSONField("报表数据")
    reason = models.TextField("更正理由", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("报送时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "报表报送"
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["organization", "start", "end", "version"],
                                               name="uniq_submission_version")]


class Indicator(models.Model):
    """考核指标: one indicator and its weight (admin-editable; seeded by migration)."""

    class Code(models.TextChoices):
        SUCCESS_RATE = "success_rate", "调解成功率"
        ENTRY_RATE = "entry_rate", "信息化录入率"
        SCREENING_ON_TIME = "screening_on_time", "排查报告按时率"
        FOLLOW_UP_RATE = "follow_up_rate", "回访率"
        NOT_OVERDUE = "not_overdue", "案件未超期率"
        WARNINGS_ON_TIME = "warnings_on_time", "预警按时处置率"
        SATISFACTION = "satisfaction", "群众满意率"

    code = models.CharField("指标", max_length=30, choices=Code.choices, unique=True)
    weight = models.DecimalField("权重（分）", max_digits=6, decimal_places=2)
    target = models.DecimalField("达标值（0–1）", max_digits=4, decimal_places=3, default=1,
                                 help_text="达到该值得满分，低于按比例得分")
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "考核指标"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.get_code_display()
