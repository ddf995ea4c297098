"""Admin of the core tables, and the read-only admin every case-bound or audit record uses.

Case-bound records (cases, parties, events, attachments, referrals, warnings …) and audit
records (the personal-data access log) are never added, edited or deleted in Django admin:
writes go through the services, which check roles, scope and the state machine, and records
are voided with a reason, never deleted (DESIGN.md: nothing lost).
"""
from django.contrib import admin

from tiaojie.core.models import Holiday, TimeLimit


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind", "date")
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "value", "unit")
    readonly_fields = ("code",)

    def has_add_permission(self, request):
        return False  # the codes are read by the code; only their values change

    def has_delete_permission(self, request, obj=None):
        return False
