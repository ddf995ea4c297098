"""The three administrators' duties (三员分立, 等保 2.0): permissions follow the role.

* 系统管理员 manages users, organizations and the rule tables — not audit logs, not security.
* 安全管理员 manages lockouts, second factors, the security policy and decrypt failures.
* 审计管理员 only reads the login audit and the personal-data access log.
None of them is bound to an organization, so their case scope is empty (core.scope).
Only authorization here (``authenticate`` is not implemented).
"""
from axes.backends import AxesStandaloneBackend

from tiaojie.accounts.models import Role

ALL = ("view", "add", "change", "delete")
RULE_TABLES = ["cases.disputetype", "routing.routingrule", "stats.indicator", "screening.screeningcadence",
               "warnings.riskrule", "warnings.riskcombination", "warnings.levelpolicy", "funding.subsidystandard",
               "funding.tierrule", "documents.documenttemplate", "api.apiclient"]
ROLE_PERMISSIONS: dict[str, dict[str, tuple]] = {
    Role.SYS_ADMIN: {"accounts.user": ALL, "orgs.region": ALL, "orgs.organization": ALL, "orgs.mediator": ALL,
                     **{m: ALL for m in RULE_TABLES}},
    Role.SEC_ADMIN: {"axes.accessattempt": ("view", "delete"), "axes.accesslog": ("view",),
                     "otp_totp.totpdevice": ("view", "delete"), "security.securitypolicy": ("view", "add", "change"),
                     "security.decryptfailure": ("view", "change"), "accounts.user": ("view",)},
    Role.AUDIT_ADMIN: {"accounts.loginevent": ("view",), "accounts.personaldataaccess": ("view",),
                       "axes.accesslog": ("view",)},
}


def role_permissions(role: str) -> set[str]:
    out = set()
    for model, actions in ROLE_PERMISSIONS.get(role, {}).items():
        app, name = model.split(".")
        out |= {f"{app}.{a}_{name}" for a in actions}
    return out


class RolePermissionBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return role_permissions(getattr(user_obj, "role", ""))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))



class LockoutBackend(AxesStandaloneBackend):
    """django-axes in front of the password check, for logins that come with a request.

    Web logins always pass the request; a call without one (Django's test client ``login``,
    a management command) has no address to lock and is left to the next backend.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
