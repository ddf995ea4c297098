"""Users, their role and the organization that bounds what they see (the scope rule);
the login audit and the personal-data access log (both append-only)."""
import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from tiaojie.core import permissions
from tiaojie.core.identifiers import mask_phone
from tiaojie.core.permissions import ADMINISTRATORS, Role
from tiaojie.security.protected import Protected

# The three administrators of 三员分立: Django admin only, bound to no organization (empty case scope).
ADMIN_ROLES = ADMINISTRATORS

__all__ = ["ADMIN_ROLES", "LoginEvent", "PersonalDataAccess", "Role", "User"]


class User(AbstractUser):
    """A Tiaojie account; every account but a superuser is bound to an organization."""

    display_name = models.CharField("姓名", max_length=30, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.MEDIATOR)
    organization = models.ForeignKey("orgs.Organization", verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="users")
    mediator = models.OneToOneField("orgs.Mediator", verbose_name="对应调解员", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="user")
    # The phone: encrypted, found by keyed hash, shown masked (tiaojie.security.protected).
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField("手机", max_length=20, blank=True, editable=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True, editable=False)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False,
                                               help_text="管理员新建账号或重置密码后自动勾选")

    phone = Protected("手机", enc="phone_enc", hash="phone_hash", masked="phone_masked", mask=mask_phone)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, max_age_days: int) -> bool:
        """The password is older than the policy allows (a never-changed one is as old as the account)."""
        if not max_age_days:
            return False
        since = self.password_changed_at or self.date_joined
        return since is None or timezone.now() - since > dt.timedelta(days=max_age_days)

    @property
    def must_use_2fa(self) -> bool:
        """Superusers and city administrators must use a second factor (when the policy says so)."""
        return self.is_superuser or self.role == Role.CITY_ADMIN

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    def __str__(self):
        return self.display_name or self.username

    @property
    def label(self) -> str:
        return self.display_name or self.username

    @property
    def can_mediate(self) -> bool:
        """May act on cases (register, mediate …); for templates — services check ``require``."""
        return permissions.allowed(self, "case.register")

    @property
    def can_unmask(self) -> bool:
        return permissions.allowed(self, "case.unmask") and not self.is_superuser


class AppendOnlyError(Exception):
    """An audit record cannot be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name}只能新增，不能修改")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name}只能新增，不能删除")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name}只能新增，不能修改")


class AppendOnlyModel(models.Model):
    """Rows are written once: ``save`` of an existing row and ``delete`` raise ``AppendOnlyError``.

    Deleting the user a row names keeps the row (the foreign key is set to NULL; the username is
    kept as text)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name}只能新增，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name}只能新增，不能删除")


class PersonalDataAccess(AppendOnlyModel):
    """Who saw an unmasked identifier, and where (个人信息保护法 Art.51; 居民身份证法 Art.19).

    Never deleted by any command: ``demo --reset`` keeps it (the users' names stay as text)."""

    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.CharField("用户名", max_length=150, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=100)
    object_repr = models.CharField(max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "个人信息查看记录"
        ordering = ["-at"]

    def save(self, *args, **kwargs):
        if not self.username and self.user_id:
            self.username = self.user.get_username()
        super().save(*args, **kwargs)


class LoginEvent(AppendOnlyModel):
    """The login audit (等保 2.0 安全审计): every login, failure, lockout, logout and password change."""

    class Kind(models.TextChoices):
        SUCCESS = "success", "登录成功"
        FAILURE = "failure", "登录失败"
        OTP_FAILURE = "otp_failure", "动态口令错误"
        LOCKOUT = "lockout", "账号或地址锁定"
        LOGOUT = "logout", "退出登录"
        TIMEOUT = "timeout", "会话超时"
        PASSWORD_CHANGE = "password_change", "修改密码"
        OTP_ENROLL = "otp_enroll", "绑定动态口令"
        UNLOCK = "unlock", "解除锁定"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=Kind.choices, db_index=True)
    username = models.CharField("用户名", max_length=150, db_index=True)
    user = models.ForeignKey(User, verbose_name="账号", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    ip = models.GenericIPAddressField("地址", null=True, blank=True, db_index=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    detail = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录审计"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_kind_display()}"
