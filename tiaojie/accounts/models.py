"""Users, their role and the organization that bounds what they see (the scope rule)."""
from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市司法局管理员"
    COUNTY_STAFF = "county_staff", "县级调解中心工作人员"
    TOWNSHIP_STAFF = "township_staff", "司法所工作人员"
    MEDIATOR = "mediator", "调解员"
    COURT_LIAISON = "court_liaison", "法院联络员"
    POLICE_LIAISON = "police_liaison", "公安联络员"


# Roles that mediate and move cases through their life.
MEDIATING_ROLES = {Role.CITY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.MEDIATOR}
# Roles that may see unmasked identifiers of parties (the people who mediate need them).
UNMASK_ROLES = {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.MEDIATOR}


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
        return self.role in MEDIATING_ROLES

    @property
    def can_unmask(self) -> bool:
        return self.role in UNMASK_ROLES


class PersonalDataAccess(models.Model):
    """Who saw an unmasked identifier, and where (个人信息保护法 Art.51; 居民身份证法 Art.19)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=100)
    object_repr = models.CharField(max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "个人信息查看记录"
        ordering = ["-at"]
