from django.contrib import admin

from tiaojie.core.admin import ReadOnlyAdmin
from tiaojie.stats.models import AggregateReport, Indicator, ReportSubmission


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "weight", "target", "is_active", "sort_order"]
    list_editable = ["weight", "target", "is_active", "sort_order"]


@admin.register(AggregateReport)
class AggregateReportAdmin(ReadOnlyAdmin):
    list_display = ["organization", "month", "accepted", "successful", "amount"]
    list_filter = ["month"]
    raw_id_fields = ["organization", "submitted_by"]


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["organization", "start", "end", "version", "submitted_at", "submitted_by"]
    readonly_fields = ["organization", "start", "end", "version", "figures", "reason", "submitted_by", "submitted_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
