from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from tiaojie.core import validators
from tiaojie.core.identifiers import check_id_number
from tiaojie.orgs.models import Mediator, Organization, Region
from tiaojie.security.protected_admin import ProtectedAdminMixin, protected_form


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "n_orgs")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    list_select_related = ("parent",)
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n_orgs=Count("organizations"))

    @admin.display(description="调解组织数", ordering="_n_orgs")
    def n_orgs(self, obj):
        return obj._n_orgs


class ChildOrgInline(admin.TabularInline):
    model = Organization
    fk_name = "parent"
    fields = ("name", "kind", "region", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "下级组织"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "abbr", "kind", "trade", "region", "parent", "contact_name", "n_mediators", "is_active")
    list_filter = ("kind", "is_active", "region__level", "trade")
    search_fields = ("name", "abbr", "trade", "region__name", "=region__code", "contact_name")
    autocomplete_fields = ("region", "parent")
    readonly_fields = ("path", "created_at")
    list_select_related = ("region", "parent")
    list_per_page = 100
    inlines = [ChildOrgInline]
    actions = ["mark_inactive", "mark_active"]
    fieldsets = (
        (None, {"fields": ("name", "abbr", "kind", "trade", "region", "parent", "is_active")}),
        ("联系方式", {"fields": ("contact_name", "contact_phone", "address")}),
        ("案号", {"fields": ("case_number_pattern",)}),
        ("系统", {"fields": ("path", "created_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n_mediators=Count("primary_mediators"))

    @admin.display(description="本单位调解员", ordering="_n_mediators")
    def n_mediators(self, obj):
        return obj._n_mediators

    @admin.action(description="停用所选组织")
    def mark_inactive(self, request, queryset):
        self.message_user(request, f"已停用 {queryset.update(is_active=False)} 个组织")

    @admin.action(description="启用所选组织")
    def mark_active(self, request, queryset):
        self.message_user(request, f"已启用 {queryset.update(is_active=True)} 个组织")


def _mediator_id(value, instance):
    value, _warnings = check_id_number(value)
    if Mediator.objects.filter(Mediator.id_number.q(value)).exclude(pk=instance.pk).exists():
        raise ValidationError("该身份证号的调解员已在名册中")
    return value


@admin.register(Mediator)
class MediatorAdmin(ProtectedAdminMixin, admin.ModelAdmin):
    """Identifiers masked everywhere; a new value is typed in, found by hash (ProtectedAdminMixin)."""

    form = protected_form(Mediator, validators={"id_number": _mediator_id,
                                                "phone": lambda v, _i: validators.phone(v)})
    list_display = ("name", "gender", "id_masked", "phone_masked", "full_time", "employment", "organization",
                    "title", "status")
    list_filter = ("full_time", "employment", "status", "gender", "organization__kind")
    search_fields = ("name", "organization__name", "title", "qualifications")
    autocomplete_fields = ("organization", "committees")
    list_select_related = ("organization",)
    readonly_fields = ("masked_identifiers", "created_at")
    date_hierarchy = "joined_on"
    list_per_page = 100
    actions = ["mark_left", "mark_active"]
    fieldsets = (
        (None, {"fields": ("name", "gender", "masked_identifiers", ("id_number", "id_number_clear"),
                           ("phone", "phone_clear"))}),
        ("任职", {"fields": ("organization", "committees", "full_time", "employment", "title", "status", "joined_on")}),
        ("其他", {"fields": ("qualifications", "created_at")}),
    )

    @admin.action(description="设为离岗")
    def mark_left(self, request, queryset):
        self.message_user(request, f"已将 {queryset.update(status=Mediator.Status.LEFT)} 名调解员设为离岗")

    @admin.action(description="设为在岗")
    def mark_active(self, request, queryset):
        self.message_user(request, f"已将 {queryset.update(status=Mediator.Status.ACTIVE)} 名调解员设为在岗")
