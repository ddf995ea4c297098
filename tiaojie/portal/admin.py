from django.contrib import admin

from tiaojie.core.admin import ReadOnlyAdmin
from tiaojie.portal.models import TypicalCase


@admin.register(TypicalCase)
class TypicalCaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "dispute_type", "status", "nominated_org", "published_at"]
    list_filter = ["status"]
    search_fields = ["title"]
