"""Users, their role and the organization that bounds what they see (the scope rule)."""
from django.contrib.auth.models import AbstractUser
from django.db import models

from tiaojie.core import permissions
from tiaojie.core.permissions import Role

__all__ = ["Role", "User", "PersonalDataAccess"]


class User(AbstractUser):
    """A Tiaojie account; every account but a superuser is bound to an organization."""

    display_name = models.CharField("姓名", max_length=30, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.MEDIATOR)
    organization = models.ForeignKey("orgs.Organization", verbose_name="所属单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="users")
    mediator = models.OneToOneField("orgs.Mediator", verbose_name="对应调解员", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="user")
    phone = models.CharField("手机", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

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


class AppendOnly(models.Model):
    """An audit record: written once, never changed or deleted (not even by a command)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise PermissionError(f"{self._meta.verbose_name}只能新增，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name}不能删除")


class PersonalDataAccess(AppendOnly):
    """Who saw an unmasked identifier, and where (个人信息保护法 Art.51; 居民身份证法 Art.19)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=100)
    object_repr = models.CharField(max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "个人信息查看记录"
        ordering = ["-at"]
