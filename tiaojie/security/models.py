"""Security records: decrypt failures for the security administrator, the security policy
(lockout, password age, session limits, second factor) and the worker heartbeat."""
from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone


class DecryptFailure(models.Model):
    """A stored identifier that no configured key decrypts (one row per place, counted)."""

    where = models.CharField("位置", max_length=200, unique=True)
    first_at = models.DateTimeField("首次发生", auto_now_add=True)
    last_at = models.DateTimeField("最近发生", default=timezone.now)
    count = models.PositiveIntegerField("次数", default=1)
    resolved = models.BooleanField("已处理", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "解密失败记录"
        ordering = ["resolved", "-last_at"]
        permissions = [("view_security_notices", "查看安全告警")]

    def __str__(self):
        return self.where

    @classmethod
    def record(cls, where: str) -> None:
        now = timezone.now()
        n = cls.objects.filter(where=where).update(count=F("count") + 1, last_at=now, resolved=False)
        if not n:
            cls.objects.get_or_create(where=where[:200], defaults={"last_at": now})


class SecurityPolicy(models.Model):
    """The one security policy row (pk=1), edited by the security administrator.

    Missing row: the defaults from settings (``TIAOJIE_LOGIN_FAILURE_LIMIT`` …) apply.
    """

    failure_limit = models.PositiveSmallIntegerField("登录失败锁定次数", default=5,
                                                     help_text="同一账号或同一地址连续失败达到此次数即锁定")
    lockout_minutes = models.PositiveIntegerField("锁定时长（分钟）", default=30)
    password_min_length = models.PositiveSmallIntegerField("密码最小长度", default=10)
    password_max_age_days = models.PositiveIntegerField("密码有效期（天）", default=90,
                                                        help_text="到期后登录时必须修改密码；0 表示不限")
    idle_timeout_minutes = models.PositiveIntegerField("空闲超时（分钟）", default=30)
    session_max_hours = models.PositiveIntegerField("会话最长时间（小时）", default=12)
    require_2fa_for_admins = models.BooleanField("超级管理员和市级管理员必须使用双因素认证", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全策略"

    def __str__(self):
        return "安全策略"

    def save(self, *args, **kwargs):
        self.pk = 1
        self.password_min_length = max(self.password_min_length, 8)
        self.failure_limit = max(self.failure_limit, 1)
        super().save(*args, **kwargs)

    @classmethod
    def defaults(cls) -> dict:
        return {
            "failure_limit": settings.TIAOJIE_LOGIN_FAILURE_LIMIT,
            "lockout_minutes": settings.TIAOJIE_LOCKOUT_MINUTES,
            "password_min_length": settings.TIAOJIE_PASSWORD_MIN_LENGTH,
            "password_max_age_days": settings.TIAOJIE_PASSWORD_MAX_AGE_DAYS,
            "idle_timeout_minutes": settings.TIAOJIE_IDLE_TIMEOUT_MINUTES,
            "session_max_hours": settings.TIAOJIE_SESSION_MAX_HOURS,
            "require_2fa_for_admins": settings.TIAOJIE_2FA_REQUIRED,
        }


class Heartbeat(models.Model):
    """Written by a scheduled job on each task cluster; /readyz checks it is recent."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "后台任务心跳"

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
