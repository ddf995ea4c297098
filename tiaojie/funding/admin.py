from django.contrib import admin

from tiaojie.core.admin import ReadOnlyAdmin, ReadOnlyInline
from tiaojie.funding.models import (
    Budget,
    CalculationRun,
    CommitteeSubsidy,
    FixedSubsidy,
    PaymentLine,
    SubsidyStandard,
    TierRule,
)


@admin.register(SubsidyStandard)
class SubsidyStandardAdmin(admin.ModelAdmin):
    list_display = ("org_kind", "tier", "amount", "county", "requires_success", "requires_performed",
                    "requires_complete_file", "oral_counts", "valid_from", "valid_to")
    list_filter = ("org_kind", "tier", "county")


@admin.register(TierRule)
class TierRuleAdmin(admin.ModelAdmin):
    list_display = ("priority", "tier", "min_amount", "max_amount", "min_people", "max_people", "min_risk",
                    "requires_escalation", "is_active", "note")
    list_editable = ("is_active",)


@admin.register(FixedSubsidy)
class FixedSubsidyAdmin(admin.ModelAdmin):
    list_display = ("mediator", "monthly_amount", "valid_from", "valid_to")
    autocomplete_fields = ("mediator",)


@admin.register(CommitteeSubsidy)
class CommitteeSubsidyAdmin(admin.ModelAdmin):
    list_display = ("organization", "monthly_amount", "valid_from", "valid_to")
    autocomplete_fields = ("organization",)


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ("county", "year", "allocated", "note")
    list_filter = ("year",)


class PaymentLineInline(ReadOnlyInline):
    model = PaymentLine
    fields = ("kind", "mediator", "organization", "case", "tier", "amount", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(CalculationRun)
class CalculationRunAdmin(ReadOnlyAdmin):
    """Read-only here: lists are computed and approved on the funding pages."""

    list_display = ("county", "year", "month", "status", "total", "approved_by", "approved_at")
    list_filter = ("status", "year")
    readonly_fields = ("county", "year", "month", "status", "total", "skipped", "created_by", "computed_at",
                       "approved_by", "approved_at")
    inlines = [PaymentLineInline]

    def has_add_permission(self, request):
        return False
