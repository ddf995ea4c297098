"""Tables every part reads: the holiday calendar and the time limits (both edited in admin)."""
from django.core.exceptions import ValidationError
from django.db import models


class Holiday(models.Model):
    """A day that breaks the Monday–Friday rule: a 法定节假日 on a weekday, or a weekend day
    worked instead (调休). Seeded from ``chinese-calendar`` for the years it covers; later
    years are entered here when the State Council publishes them."""

    class Kind(models.TextChoices):
        OFF = "off", "放假"
        WORK = "work", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=4, choices=Kind.choices)
    name = models.CharField("节日", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    def clean(self):
        if self.kind == self.Kind.WORK and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": "调休上班日应为周六或周日"})
        if self.kind == self.Kind.OFF and self.date and self.date.weekday() >= 5:
            raise ValidationError({"kind": "周六、周日本就休息，无需登记为放假"})


class TimeLimit(models.Model):
    """One configured time limit (期限); every deadline of the platform reads this table."""

    class Unit(models.TextChoices):
        DAYS = "days", "自然日"
        WORKING_DAYS = "working_days", "工作日"
        HOURS = "hours", "小时"
        COUNT = "count", "天数（培训）"

    # code: (name, value, unit) — the seed, and the fallback when a row is missing
    DEFAULTS = {
        "case_mediation": ("调解期限（受理后）", 30, "days"),
        "follow_up": ("调解成功后回访期限", 15, "days"),
        "police_feedback": ("公安移交案件反馈期限", 24, "hours"),
        "police_complex_feedback": ("复杂公安移交案件反馈期限", 5, "working_days"),
        "court_referral": ("法院委派诉前调解期限", 30, "days"),
        "transfer_accept": ("移交案件接收或退回期限", 3, "working_days"),
        "jc_window": ("司法确认申请期限（协议生效后）", 30, "days"),
        "jc_warn": ("司法确认申请期限届满前提醒", 10, "days"),
        "training_prejob": ("新任专职调解员岗前培训", 7, "count"),
        "training_per_year": ("调解员年度培训", 10, "count"),
    }

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    value = models.PositiveIntegerField("期限")
    unit = models.CharField("单位", max_length=12, choices=Unit.choices)

    class Meta:
        verbose_name = verbose_name_plural = "期限设置"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}：{self.value}{self.get_unit_display()}"

    def clean(self):
        if self.value is not None and self.value <= 0:
            raise ValidationError({"value": "期限须大于0"})
