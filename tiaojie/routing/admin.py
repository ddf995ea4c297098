from django.contrib import admin

from tiaojie.core.admin import ReadOnlyAdmin, ReadOnlyInline
from tiaojie.routing.models import (
    JudicialConfirmation,
    Referral,
    ReferralRevisit,
    RoutingDecision,
    RoutingRule,
    Transfer,
)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("sort_order", "name", "code", "target_kind", "target_trade", "fallback_kind", "is_active")
    list_display_links = ("name",)
    list_editable = ("sort_order", "is_active")
    ordering = ("sort_order", "id")
    fieldsets = [
        (None, {"fields": ("code", "name", "sort_order", "is_active")}),
        ("条件（留空表示不限，所有已填条件须同时满足）", {"fields": (
            "dispute_types", "min_risk_level", "min_amount", "min_people", "sources", "spans_villages",
            "spans_townships", "village_failed", "major", "court_keeps")}),
        ("分流至", {"fields": ("target_kind", "target_trade", "explanation", "fallback_kind", "supervise_level")}),
    ]


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("case", "rule_name", "proposed_org", "chosen_org", "followed", "decided_at")
    list_filter = ("followed", "rule_code")
    raw_id_fields = ("case",)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("case", "from_org", "to_org", "direction", "status", "sent_at", "due_at")
    list_filter = ("status", "direction")
    raw_id_fields = ("case",)


class RevisitInline(ReadOnlyInline):
    model = ReferralRevisit
    extra = 0


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "referrer_name", "external_ref", "referred_at", "due_on", "feedback_at")
    list_filter = ("kind",)
    search_fields = ("external_ref", "case__number", "referrer_name")
    raw_id_fields = ("case",)
    inlines = [RevisitInline]


@admin.register(JudicialConfirmation)
class JudicialConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("case", "applied_on", "court_name", "status", "number")
    list_filter = ("status",)
    raw_id_fields = ("case",)
