from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tiaojie.accounts.models import PersonalDataAccess, User
from tiaojie.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "organization", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "organization__name")
    raw_id_fields = ("organization", "mediator")
    fieldsets = BaseUserAdmin.fieldsets + (("调解平台", {"fields": ("display_name", "role", "organization",
                                                                   "mediator", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("调解平台", {"fields": ("display_name", "role",
                                                                           "organization")}),)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "what", "object_repr")
    list_filter = ("at",)
    search_fields = ("user__username", "user__display_name", "object_repr")
