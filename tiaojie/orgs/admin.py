from django.contrib import admin

from tiaojie.orgs.models import Mediator, Organization, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "abbr", "kind", "trade", "region", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "abbr")
    raw_id_fields = ("region", "parent")


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "full_time", "employment", "status")
    list_filter = ("full_time", "employment", "status")
    search_fields = ("name", "organization__name")
    raw_id_fields = ("organization",)
    filter_horizontal = ("committees",)
