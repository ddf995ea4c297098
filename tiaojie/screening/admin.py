from django.contrib import admin

from tiaojie.core.admin import ReadOnlyAdmin
from tiaojie.screening.models import HiddenDanger, Reminder, ScreeningCadence, ScreeningRound


@admin.register(ScreeningCadence)
class ScreeningCadenceAdmin(admin.ModelAdmin):
    list_display = ("org_kind", "cadence", "grace_days")
    list_editable = ("cadence", "grace_days")


@admin.register(ScreeningRound)
class ScreeningRoundAdmin(ReadOnlyAdmin):
    list_display = ("organization", "period_key", "is_zero_report", "late", "filed_at")
    list_filter = ("cadence", "is_zero_report", "late")
    search_fields = ("organization__name", "period_key")
    raw_id_fields = ("organization", "filed_by")


@admin.register(HiddenDanger)
class HiddenDangerAdmin(ReadOnlyAdmin):
    list_display = ("facts", "organization", "status", "review_on")
    list_filter = ("status",)
    raw_id_fields = ("organization", "region", "case", "created_by")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("text", "organization", "created_at", "read_at")
    raw_id_fields = ("organization", "about")
