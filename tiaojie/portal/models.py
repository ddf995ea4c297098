"""Typical cases (典型案例库): a closed, successful case nominated by a committee, anonymised,
edited by hand and published by the city for the public (``/gk/``) and for staff beside the case.

Status: 草稿 (nominated, being edited) → 待审核 (submitted) → 已发布 (approved by the city) or
退回 (returned with a reason, edited again and resubmitted). Writes only in ``portal.services``.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from tiaojie.core.scope import ScopedQuerySet, ScopeRule


class TypicalCaseQuerySet(ScopedQuerySet):
    def published(self):
        """What the public sees (no scope: a published typical case is public by design)."""
        return self.filter(status=TypicalCase.Status.PUBLISHED)

    def search(self, words: str):
        for word in (words or "").split()[:8]:
            self = self.filter(Q(title__icontains=word) | Q(facts__icontains=word) | Q(process__icontains=word)
                               | Q(outcome__icontains=word))
        return self

    def of_type(self, dispute_type):
        """Of the type or, for a top-level type, of any of its sub-types."""
        if dispute_type is None:
            return self
        top = dispute_type.parent if dispute_type.parent_id else dispute_type
        return self.filter(Q(dispute_type=top) | Q(dispute_type__parent=top))


class TypicalCase(models.Model):
    """One typical case: texts anonymised from its source case (the case itself is untouched)."""

    # seen and acted on as its source case is (the handling committee's subtree; linked readers read)
    scope = ScopeRule(via="case")

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已发布"
        RETURNED = "returned", "退回修改"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    case = models.ForeignKey("cases.Case", verbose_name="来源案件", on_delete=models.PROTECT,
                             related_name="typical_cases")
    title = models.CharField("标题", max_length=100)
    dispute_type = models.ForeignKey("cases.DisputeType", verbose_name="纠纷类型", on_delete=models.PROTECT,
                                     related_name="+")
    facts = models.TextField("基本案情")
    process = models.TextField("调解过程", blank=True)
    outcome = models.TextField("调解结果")
    comment = models.TextField("典型意义", blank=True)
    amount = models.DecimalField("协议金额（元）", max_digits=14, decimal_places=2, default=0)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField("退回原因", blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="推荐人", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    nominated_org = models.ForeignKey("orgs.Organization", verbose_name="推荐单位", on_delete=models.PROTECT,
                                      related_name="+")
    nominated_at = models.DateTimeField("推荐时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TypicalCaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "典型案例"
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case"], name="uniq_typical_per_case")]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self):
        return self.title

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE
