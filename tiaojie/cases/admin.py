from django.contrib import admin

from tiaojie.cases.models import Case, CaseEvent, DisputeType, Party
from tiaojie.core.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(DisputeType)
class DisputeTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ("role", "kind", "name", "id_masked", "phone_masked")
    readonly_fields = fields
    extra = 0
    can_delete = False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "label", "actor_name", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only in admin: status changes only through the workbench's transitions."""

    list_display = ("number", "organization", "dispute_type", "status", "registered_at")
    list_filter = ("status", "source", "dispute_type")
    search_fields = ("number",)
    inlines = [PartyInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
