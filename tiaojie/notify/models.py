"""The outbox (发件箱), its message templates (data) and the staff's in-app notices.

A message is queued in the same transaction as the change it reports and sent later by the
``send_notifications`` job through the backend the settings name for its channel (短信 / 邮件),
with retries (one-time codes at once by the worker, ``services.dispatch``); a page never waits
for a gateway. Addresses and bodies (which may carry a one-time
code) are stored encrypted like parties' identifiers.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from tiaojie.core.identifiers import mask_phone
from tiaojie.security import crypto


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class MessageTemplate(models.Model):
    """消息模板: the wording of each message, edited in admin (placeholders in ``{braces}``)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    subject = models.CharField("邮件标题", max_length=100, blank=True)
    body = models.TextField("内容", help_text="可用占位符写在花括号中，如 {code}、{case_number}、{org_name}")
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息模板"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Message(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.SMS)
    template = models.CharField("模板", max_length=40)
    to_enc = models.TextField(editable=False)
    to_masked = models.CharField("收件人", max_length=60)
    subject = models.CharField("标题", max_length=100, blank=True)
    body_enc = models.TextField(editable=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    encrypted_fields = ("to_enc", "body_enc")

    class Meta:
        verbose_name = verbose_name_plural = "发件箱"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} {self.to_masked} {self.template}"

    @property
    def to(self) -> str:
        return crypto.decrypt(self.to_enc, f"发件箱 #{self.pk} 收件人")

    @to.setter
    def to(self, value: str) -> None:
        self.to_enc = crypto.encrypt(value)
        if "@" in value:
            name, _, domain = value.partition("@")
            self.to_masked = f"{name[:1]}***@{domain}"[:60]
        else:
            self.to_masked = mask_phone(value)

    @property
    def body(self) -> str:
        return crypto.decrypt(self.body_enc, f"发件箱 #{self.pk} 内容")

    @body.setter
    def body(self, value: str) -> None:
        self.body_enc = crypto.encrypt(value)


class Notice(models.Model):
    """站内提醒 for one staff user (the bell in the staff pages)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类别", max_length=30)
    text = models.CharField("内容", max_length=200)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内提醒"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text
