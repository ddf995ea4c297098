from django.contrib import admin

from tiaojie.core.admin import ReadOnlyAdmin
from tiaojie.notify.models import Message, MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name", "body")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "to_masked", "template", "state", "attempts", "last_error")
    list_filter = ("state", "channel", "template")
    exclude = ("to_enc", "body_enc")
