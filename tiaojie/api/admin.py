from django.contrib import admin, messages

from tiaojie.api.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Issue a token on creation (shown once), or a new one with the action below."""

    list_display = ("name", "kind", "organization", "operations", "is_active", "token_prefix", "last_used_at")
    list_filter = ("kind", "is_active")
    readonly_fields = ("token_prefix", "token_issued_at", "last_used_at", "user")
    actions = ["reissue_token"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        token = getattr(obj, "clear_token", None)
        if token:
            messages.warning(request, f"“{obj.name}”的接口令牌（仅显示这一次，请立即复制交给对方系统）：{token}")

    @admin.action(description="重新签发令牌（旧令牌立即失效）")
    def reissue_token(self, request, queryset):
        for obj in queryset:
            token = obj.issue_token()
            obj.save()
            messages.warning(request, f"“{obj.name}”的新接口令牌（仅显示这一次）：{token}")
