"""Document templates (文书模板), case attachments (证据材料等附件) and batch print jobs."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from tiaojie.core.scope import ScopedQuerySet, ScopeRule
from tiaojie.documents.kinds import KINDS


class DocumentTemplate(models.Model):
    """A replacement .docx template for one kind of document, uploaded by an administrator.

    The active one of a kind is used; with none active, the built-in default is. A file is
    checked before it is saved (``services.validate_template``): a bad upload never replaces
    the template in use.
    """

    kind = models.CharField("文书种类", max_length=30, choices=[(k.code, k.label) for k in KINDS.values()])
    file = models.FileField("模板文件（.docx）", upload_to="document-templates/%Y/")
    active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "文书模板"
        ordering = ["kind", "-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.uploaded_at:%Y-%m-%d}）"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the user's file name on disk: a random name with the extension of the sniffed type.
    return f"case-files/{instance.case.year}/{instance.case_id}/{uuid.uuid4().hex}{instance.ext}"


class Attachment(models.Model):
    """A file kept in a case's file: evidence, identity papers, proof of performance …"""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        IDENTITY = "identity", "当事人身份证明"
        POWER_OF_ATTORNEY = "power_of_attorney", "授权委托书"
        EVIDENCE = "evidence", "证据材料"
        PERFORMANCE = "performance", "履行凭证"
        JUDICIAL = "judicial", "司法确认材料"
        OTHER = "other", "其他材料"

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("材料类别", max_length=20, choices=Kind.choices, default=Kind.EVIDENCE)
    party = models.ForeignKey("cases.Party", verbose_name="所属当事人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    ext = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField("页数", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="作废人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    void_reason = models.CharField("作废理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件附件"
        ordering = ["case_id", "uploaded_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.original_name}"

    @property
    def group(self) -> str:
        return self.content_type.split("/")[0] if self.content_type.startswith(("image/", "audio/")) else (
            "pdf" if self.content_type == "application/pdf" else "office")


class BatchJob(models.Model):
    """Printing all agreements of a month for an organization as one PDF (runs in django-q2)."""

    scope = ScopeRule("organization")
    objects = ScopedQuerySet.as_manager()

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    organization = models.ForeignKey("orgs.Organization", verbose_name="调解组织", on_delete=models.CASCADE,
                                     related_name="+")
    month = models.DateField("月份")  # the first day of the month
    include_children = models.BooleanField("含下级组织", default=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE,
                                     related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField("协议数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    file = models.FileField(upload_to="case-files/batches/%Y/", blank=True, max_length=200)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "协议书批量打印"
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
