from django.contrib import admin

from tiaojie.core.admin import ReadOnlyAdmin
from tiaojie.warnings.models import Escalation, LevelPolicy, RiskCombination, RiskRule, Warning


@admin.register(RiskRule)
class RiskRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "threshold", "values", "sort_order", "is_active")
    list_editable = ("level", "threshold", "sort_order", "is_active")
    list_filter = ("kind", "level", "is_active")


@admin.register(RiskCombination)
class RiskCombinationAdmin(admin.ModelAdmin):
    list_display = ("name", "min_count", "at_level", "result_level", "requires", "is_active")


@admin.register(LevelPolicy)
class LevelPolicyAdmin(admin.ModelAdmin):
    list_display = ("level", "respond_within_hours", "raise_warning", "response")


@admin.register(Warning)
class WarningAdmin(ReadOnlyAdmin):
    list_display = ("title", "level", "status", "responsible", "respond_by", "escalations")
    list_filter = ("level", "status")
    raw_id_fields = ("assessment", "origin", "responsible")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ("case", "target", "leader", "deadline", "closed_at")
    raw_id_fields = ("case", "supervisor", "created_by")
