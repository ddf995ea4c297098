"""The public side (群众端): one-time codes, rate-limit counters, tracking codes (一案一码),
online applications' consent, online signatures of agreements and satisfaction ratings."""
from django.db import models
from django.utils import timezone

from tiaojie.core.identifiers import random_code
from tiaojie.core.scope import ScopedQuerySet, ScopeRule

CODE_LENGTH = 10  # 31^10 ≈ 8×10^14 codes


def new_tracking_code() -> str:
    return random_code(CODE_LENGTH)


class OneTimeCode(models.Model):
    """A one-time code sent to a phone: only its keyed hash is kept; 5 minutes, 5 tries."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=40)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"
        ordering = ["-created_at", "-id"]


class Hit(models.Model):
    """One counted event for rate limits (a code sent, a failed check), keyed by a hash of the
    phone, address or tracking code it concerns."""

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "访问频率记录"


class TrackingCode(models.Model):
    """一案一码: the random code of a case (desk or online), printed with its QR on the notices."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="tracking")
    code = models.CharField("查询码", max_length=16, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "案件查询码"

    def __str__(self):
        return self.code


class OnlineApplication(models.Model):
    """What the applicant agreed to when applying online (PIPL consent), and from where."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="online_application")
    phone_hash = models.CharField(max_length=64)
    consent_version = models.CharField("告知同意书版本", max_length=20)
    consented_at = models.DateTimeField("同意时间", default=timezone.now)
    address = models.GenericIPAddressField("提交地址", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "网上申请"


class SigningRequest(models.Model):
    """The committee marked the written agreement ready for online signing (在线签名确认)."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="signing")
    text_sha256 = models.CharField("协议文本SHA-256", max_length=64)
    marked_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "在线签名"


class Signature(models.Model):
    """One party's signature by finger on the phone: the image, time, address and the SHA-256
    of the agreement text signed. A later change of the text leaves it void (hash differs)."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="online_signatures")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="online_signatures")
    image = models.BinaryField("签名图像（PNG）")
    text_sha256 = models.CharField("协议文本SHA-256", max_length=64)
    signed_at = models.DateTimeField("签名时间", default=timezone.now)
    address = models.GenericIPAddressField("签名地址", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "当事人签名"
        ordering = ["signed_at", "id"]


class Rating(models.Model):
    """满意度: one rating (1–5 and a comment) per party after the case closed."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ratings")
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField("评分")
    comment = models.TextField("意见", blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "满意度评价"
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="one_rating_per_party")]


class Reminder(models.Model):
    """A reminder sent once for a case (司法确认 window closing, 回访 request)."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="public_reminders")
    kind = models.CharField(max_length=30)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "已发提醒"
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_reminder_per_kind")]


class NextSession(models.Model):
    """下次调解: when and where the committee will next meet the parties (shown on the tracking
    page; each party told by SMS when it is set)."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="next_session")
    at = models.DateTimeField("调解时间")
    place = models.CharField("调解地点", max_length=200)
    set_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "下次调解安排"
