"""Risk rules (data), risk assessments of cases and hidden dangers, warnings (预警) and
疑难重大 escalations (领导包案, 挂牌督办)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tiaojie.core.scope import ScopedQuerySet, ScopeRule
from tiaojie.warnings.risk import LEVEL_LABELS, LEVEL_RANK


class Level(models.TextChoices):
    NONE = "none", "无"
    BLUE = "blue", "蓝色"
    YELLOW = "yellow", "黄色"
    ORANGE = "orange", "橙色"
    RED = "red", "红色"


class RiskRule(models.Model):
    """One risk trigger (DOMAIN.md §6), editable in admin."""

    class Kind(models.TextChoices):
        PEOPLE = "people_gte", "涉及人数达到"
        AMOUNT = "amount_gte", "涉及金额达到（元）"
        DISPUTE_TYPE = "dispute_type", "纠纷类型属于"
        KEYWORDS = "keywords", "出现关键词"
        FAILED = "failed_gte", "调解未成次数达到"
        POLICE = "police_calls_gte", "报警次数达到"
        FLAG = "flag", "情形"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    level = models.CharField("风险等级", max_length=10, choices=[c for c in Level.choices if c[0] != "none"])
    threshold = models.DecimalField("阈值", max_digits=14, decimal_places=2, default=0)
    values = models.TextField("取值", blank=True,
                              help_text="纠纷类型代码、关键词或情形代码，用顿号、逗号或换行分隔；"
                                        "情形代码：vulnerable 弱势群体, litigation 涉诉, petition 涉访, abnormal_death 非正常死亡")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险评估规则"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def value_list(self) -> tuple[str, ...]:
        import re

        return tuple(v for v in (x.strip() for x in re.split(r"[、,，;；\n]", self.values)) if v)

    def clean(self):
        if self.kind in ("dispute_type", "keywords", "flag") and not self.value_list():
            raise ValidationError({"values": "此类规则须填写取值"})
        if self.kind in ("people_gte", "amount_gte", "failed_gte", "police_calls_gte") and self.threshold <= 0:
            raise ValidationError({"threshold": "阈值须大于0"})


class RiskCombination(models.Model):
    """"N or more factors at level X or above → level Y"."""

    name = models.CharField("名称", max_length=60)
    min_count = models.PositiveSmallIntegerField("因素个数至少")
    at_level = models.CharField("因素等级不低于", max_length=10, choices=Level.choices)
    result_level = models.CharField("综合定级", max_length=10, choices=Level.choices)
    requires = models.TextField("须含以下因素之一", blank=True,
                                help_text="因素代码，用顿号、逗号或换行分隔（如 text-violence 暴力伤害、people-10 群体性纠纷、"
                                          "linked 涉诉涉访）；留空则不限")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险综合定级规则"

    def __str__(self):
        return self.name

    def requires_list(self) -> tuple[str, ...]:
        import re

        return tuple(v for v in (x.strip() for x in re.split(r"[、,，;；\s]", self.requires)) if v)


class LevelPolicy(models.Model):
    """What each level requires and how fast a warning must be acknowledged."""

    level = models.CharField("等级", max_length=10, choices=Level.choices, unique=True)
    respond_within_hours = models.PositiveIntegerField("响应时限（小时）")
    response = models.TextField("响应要求")
    raise_warning = models.BooleanField("生成预警", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警等级响应规则"
        ordering = ["-respond_within_hours"]

    def __str__(self):
        return LEVEL_LABELS[self.level]


class RiskAssessment(models.Model):
    """The current risk of one case or one hidden danger, with the factors that produced it.

    ``computed_level`` comes from the rules; a person may set ``manual_level`` with a reason
    (required both to raise and to lower). A manual level holds until the computed level changes.
    """

    scope = ScopeRule(via=("case", "hazard"))
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="risk")
    hazard = models.OneToOneField("screening.HiddenDanger", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="risk")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    computed_level = models.CharField("评估等级", max_length=10, choices=Level.choices, default=Level.NONE)
    factors = models.JSONField("风险因素", default=list)
    explanation = models.TextField("评估说明", blank=True)
    manual_level = models.CharField("人工等级", max_length=10, choices=Level.choices, blank=True)
    manual_reason = models.TextField("人工调整理由", blank=True)
    manual_basis = models.CharField(max_length=10, blank=True)
    manual_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    level = models.CharField("风险等级", max_length=10, choices=Level.choices, default=Level.NONE, db_index=True)
    # Inputs people record that the texts cannot tell (DOMAIN.md §6)
    police_calls = models.PositiveSmallIntegerField("报警次数", default=0)
    vulnerable = models.BooleanField("涉及弱势群体", default=False)
    litigation = models.BooleanField("涉诉", default=False)
    petition = models.BooleanField("涉访", default=False)
    abnormal_death = models.BooleanField("涉及非正常死亡", default=False)
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "风险评估"
        constraints = [models.CheckConstraint(
            condition=models.Q(case__isnull=False, hazard__isnull=True) | models.Q(case__isnull=True, hazard__isnull=False),
            name="risk_one_subject")]

    @property
    def subject(self):
        return self.case or self.hazard

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]


class Warning(models.Model):
    """A warning (预警) raised for a record at orange/red/yellow…, to be acknowledged in time."""

    scope = ScopeRule("responsible", via="assessment")
    objects = ScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        OPEN = "open", "待签收"
        ACKNOWLEDGED = "acknowledged", "已签收"
        MEASURES = "measures", "已采取措施"
        RESOLVED = "resolved", "已化解"

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="warnings")
    level = models.CharField("等级", max_length=10, choices=Level.choices, db_index=True)
    origin = models.ForeignKey("orgs.Organization", verbose_name="发生单位", on_delete=models.PROTECT,
                               related_name="+")
    responsible = models.ForeignKey("orgs.Organization", verbose_name="当前责任单位", on_delete=models.PROTECT,
                                    related_name="warnings")
    title = models.CharField("预警事项", max_length=200)
    explanation = models.TextField("风险因素", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    raised_at = models.DateTimeField("预警时间", default=timezone.now)
    respond_by = models.DateTimeField("响应时限")
    escalations = models.PositiveSmallIntegerField("上报次数", default=0)
    measures = models.TextField("采取的措施", blank=True)
    police_notified = models.BooleanField("已按第25条报告公安机关", default=False)
    leader = models.CharField("包案领导", max_length=60, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警"
        ordering = ["-raised_at"]

    def __str__(self):
        return self.title

    @property
    def is_late(self) -> bool:
        return self.status == self.Status.OPEN and self.respond_by < timezone.now()


class WarningEvent(models.Model):
    scope = ScopeRule(via="warning")
    objects = ScopedQuerySet.as_manager()
    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    label = models.CharField(max_length=100)
    actor_name = models.CharField(max_length=60, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class Escalation(models.Model):
    """疑难重大 escalation of a case: 领导包案, 挂牌督办 until closed."""

    scope = ScopeRule("supervisor", via="case")
    objects = ScopedQuerySet.as_manager()

    class Target(models.TextChoices):
        COUNTY_CENTER = "county_center", "县级人民调解中心"
        PARTY_GOV = "party_gov", "党委政府"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="escalations")
    target = models.CharField("上报至", max_length=20, choices=Target.choices)
    supervisor = models.ForeignKey("orgs.Organization", verbose_name="督办单位", on_delete=models.PROTECT,
                                   related_name="supervised_escalations")
    reason = models.TextField("上报理由")
    leader = models.CharField("包案领导", max_length=60)
    deadline = models.DateField("督办期限")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "疑难重大纠纷督办"
        ordering = ["-created_at"]


class EscalationNote(models.Model):
    scope = ScopeRule(via="escalation")
    objects = ScopedQuerySet.as_manager()
    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField(default=timezone.now)
    author = models.CharField(max_length=60)
    text = models.TextField("进展情况")

    class Meta:
        ordering = ["at", "id"]


class PreventionOutcome(models.Model):
    """Prevention figures recorded when a case or hidden danger is closed (DOMAIN.md §4)."""

    scope = ScopeRule(via=("case", "hazard"))
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="prevention")
    hazard = models.OneToOneField("screening.HiddenDanger", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="prevention")
    suicide = models.BooleanField("防止民间纠纷引起自杀", default=False)
    suicide_persons = models.PositiveIntegerField("防止自杀（人）", default=0)
    criminal = models.BooleanField("防止民间纠纷转化为刑事案件", default=False)
    criminal_persons = models.PositiveIntegerField("防止转化为刑事案件（人）", default=0)
    petition = models.BooleanField("防止群体性上访", default=False)
    petition_persons = models.PositiveIntegerField("防止群体性上访（人）", default=0)
    fight = models.BooleanField("防止群体性械斗", default=False)
    fight_persons = models.PositiveIntegerField("防止群体性械斗（人）", default=0)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "预防成效"

    def clean(self):
        errors = {}
        for key in ("suicide", "criminal", "petition", "fight"):
            on, persons = getattr(self, key), getattr(self, f"{key}_persons")
            if persons and not on:
                errors[f"{key}_persons"] = "未勾选该项时人数应为0"
            if on and not persons:
                errors[f"{key}_persons"] = "请填写人数"
        if errors:
            raise ValidationError(errors)
