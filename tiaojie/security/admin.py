"""The security administrator's part of admin: policy, lockouts (unlock), decrypt failures."""
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin

from tiaojie.security.models import DecryptFailure, SecurityPolicy


def _is_security_admin(user) -> bool:
    return user.is_active and (user.is_superuser or getattr(user, "role", "") == "sec_admin")


class SecurityOnly:
    def has_module_permission(self, request):
        return _is_security_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_security_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return _is_security_admin(request.user)

    def has_add_permission(self, request):
        return _is_security_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(SecurityOnly, admin.ModelAdmin):
    list_display = ("__str__", "failure_limit", "lockout_minutes", "password_min_length", "password_max_age_days",
                    "idle_timeout_minutes", "session_max_hours", "require_2fa_for_admins", "updated_at")

    def has_add_permission(self, request):
        return _is_security_admin(request.user) and not SecurityPolicy.objects.exists()

    def changelist_view(self, request, extra_context=None):
        if not SecurityPolicy.objects.exists() and _is_security_admin(request.user):
            SecurityPolicy.objects.create(**SecurityPolicy.defaults())
        return super().changelist_view(request, extra_context)


@admin.register(DecryptFailure)
class DecryptFailureAdmin(SecurityOnly, admin.ModelAdmin):
    list_display = ("where", "count", "first_at", "last_at", "resolved")
    list_filter = ("resolved",)
    search_fields = ("where",)
    readonly_fields = ("where", "count", "first_at", "last_at")

    def has_add_permission(self, request):
        return False


class UnlockingAccessAttemptAdmin(AccessAttemptAdmin):
    """Deleting a lockout record releases the lock; each release is written to the login audit."""

    def has_module_permission(self, request):
        return _is_security_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_security_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return _is_security_admin(request.user)

    def _audit(self, request, attempts):
        from tiaojie.accounts.audit import record
        from tiaojie.accounts.models import LoginEvent

        for a in attempts:
            record(LoginEvent.Kind.UNLOCK, request, username=a.username or "",
                   detail=f"{request.user.get_username()} 解除锁定（地址 {a.ip_address or '—'}）")

    def delete_model(self, request, obj):
        self._audit(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit(request, list(queryset))
        super().delete_queryset(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, UnlockingAccessAttemptAdmin)
