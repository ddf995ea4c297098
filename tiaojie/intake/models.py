"""The risk lexicon as data: categories (暴力伤害, 群体聚集…) and their phrases, edited in admin.

A phrase is a *trigger* (its presence in a clause raises the category), a *negation* (a cue such
as 未/没有 that, before a trigger in the same clause, cancels it) or a *resolution* (a cue such as
已和好/已赔礼道歉 that, anywhere in the same clause, cancels the category's triggers). Negation and
resolution cues with no category apply to every category. ``tiaojie.intake.analysis`` reads the
active rows once per process (``core.cache``; an admin edit clears the copy).
"""
from django.core.exceptions import ValidationError
from django.db import models

LEVEL_CHOICES = [("blue", "蓝色"), ("yellow", "黄色"), ("orange", "橙色"), ("red", "红色")]


class RiskCategory(models.Model):
    code = models.SlugField("代码", max_length=20, unique=True)
    label = models.CharField("名称", max_length=30)
    level = models.CharField("默认风险等级", max_length=10, choices=LEVEL_CHOICES)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险信号类别"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.label


class RiskPhrase(models.Model):
    class Kind(models.TextChoices):
        TRIGGER = "trigger", "触发词"
        NEGATION = "negation", "否定词"
        RESOLUTION = "resolution", "化解词"

    category = models.ForeignKey(RiskCategory, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="phrases", verbose_name="类别",
                                 help_text="否定词、化解词可不选类别（适用于全部类别）")
    phrase = models.CharField("词语", max_length=40)
    kind = models.CharField("作用", max_length=12, choices=Kind.choices, default=Kind.TRIGGER)
    level = models.CharField("风险等级（不填则用类别默认等级）", max_length=10, choices=LEVEL_CHOICES, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险信号词语"
        ordering = ["category__sort_order", "kind", "phrase"]
        constraints = [models.UniqueConstraint(fields=["category", "phrase", "kind"], name="intake_phrase_unique")]

    def __str__(self):
        return self.phrase

    def clean(self):
        self.phrase = (self.phrase or "").strip()
        if not self.phrase:
            raise ValidationError({"phrase": "词语不能为空"})
        if self.kind == self.Kind.TRIGGER and self.category_id is None:
            raise ValidationError({"category": "触发词须选择类别"})
        if self.kind != self.Kind.TRIGGER and self.level:
            raise ValidationError({"level": "否定词、化解词不设风险等级"})
