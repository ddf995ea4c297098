"""Admin for accounts, split by duty (三员分立): the system administrator manages users but cannot
grant superuser rights or administrator roles; the audit records are read-only for everyone."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm

from tiaojie.accounts.models import ADMIN_ROLES, LoginEvent, PersonalDataAccess, Role, User
from tiaojie.core import validators
from tiaojie.core.admin import ReadOnlyAdmin
from tiaojie.security.protected_admin import ProtectedAdminMixin, protected_form


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password set by an administrator must be changed by its owner at the next login."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.must_change_password = True
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(ProtectedAdminMixin, BaseUserAdmin):
    """The phone is masked everywhere; a new one is typed in, found by hash (ProtectedAdminMixin)."""

    form = protected_form(User, base=UserChangeForm, validators={"phone": lambda v, _i: validators.phone(v, what="手机")})
    list_display = ("username", "display_name", "role", "organization", "phone_masked", "is_active",
                    "must_change_password")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "organization__name")
    raw_id_fields = ("organization", "mediator")
    readonly_fields = ("masked_identifiers",)
    change_password_form = ResetPasswordForm
    fieldsets = BaseUserAdmin.fieldsets + (("调解平台", {"fields": ("display_name", "role", "organization", "mediator",
                                                                   "masked_identifiers", ("phone", "phone_clear"),
                                                                   "must_change_password")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("调解平台", {"fields": ("display_name", "role",
                                                                           "organization")}),)

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return sets
        hidden = {"is_superuser", "groups", "user_permissions"}
        return [(name, {**opts, "fields": tuple(f for f in opts["fields"] if f not in hidden)}) for name, opts in sets]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        # The system administrator does not manage superusers or the other two administrators.
        return qs.exclude(is_superuser=True).exclude(role__in=[Role.SEC_ADMIN, Role.AUDIT_ADMIN])

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [c for c in Role.choices if c[0] not in ADMIN_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # first login: the owner sets their own password
            if obj.role in ADMIN_ROLES:
                obj.is_staff = True
        super().save_model(request, obj, form, change)


class ReadOnlyAuditAdmin(ReadOnlyAdmin):
    """Searchable, never editable, never deletable; seen by the audit administrator only."""

    def has_view_permission(self, request, obj=None):
        u = request.user
        return u.is_active and (u.is_superuser or u.role == Role.AUDIT_ADMIN)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAuditAdmin):
    list_display = ("at", "kind", "username", "ip", "detail")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip", "detail")
    date_hierarchy = "at"
    readonly_fields = ("at", "kind", "username", "user", "ip", "user_agent", "detail")

    def changelist_view(self, request, extra_context=None):
        messages.info(request, "导出和组合查询请使用“登录审计”页面（/accounts/audit/）。")
        return super().changelist_view(request, extra_context)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAuditAdmin):
    list_display = ("at", "username", "what", "object_repr")
    search_fields = ("username", "what", "object_repr")
    readonly_fields = ("at", "user", "username", "what", "object_repr")
