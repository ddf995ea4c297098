from django.contrib import admin
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from tiaojie.core.admin import ReadOnlyAdmin
from tiaojie.documents.context import PLACEHOLDER_HELP
from tiaojie.documents.docx_defaults import default_template
from tiaojie.documents.forms import DocumentTemplateForm
from tiaojie.documents.kinds import KINDS
from tiaojie.documents.models import Attachment, BatchJob, DocumentTemplate
from tiaojie.documents.render import DOCX_MIME


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ["kind", "active", "uploaded_at", "uploaded_by", "note"]
    list_filter = ["kind", "active"]
    readonly_fields = ["placeholders", "defaults"]
    fields = ["kind", "file", "active", "note", "placeholders", "defaults"]

    @admin.display(description="必需的占位符")
    def placeholders(self, obj):
        rows = [(k.label, "、".join("{{ " + r + " }}" for r in sorted(k.required))) for k in KINDS.values()]
        return format_html("<p>可用占位符：{}</p><ul>{}</ul>",
                           "；".join(f"{{{{ {k} }}}} {v}" for k, v in PLACEHOLDER_HELP.items()),
                           format_html_join("", "<li>{}：{}</li>", rows))

    @admin.display(description="下载默认模板（在此基础上修改）")
    def defaults(self, obj):
        return format_html_join(" · ", '<a href="{}">{}</a>', [
            (reverse("admin:documents_default_template", args=[k.code]), k.label) for k in KINDS.values()])

    def get_urls(self):
        return [path("default/<str:code>.docx", self.admin_site.admin_view(self.default_view),
                     name="documents_default_template"), *super().get_urls()]

    def default_view(self, request, code):
        from django.http import Http404

        if code not in KINDS:
            raise Http404
        resp = HttpResponse(default_template(code), content_type=DOCX_MIME)
        resp["Content-Disposition"] = f'attachment; filename="{code}.docx"'
        return resp

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if obj.active:  # one active template per kind: the newest replaces the others
            DocumentTemplate.objects.filter(kind=obj.kind, active=True).exclude(pk=obj.pk).update(active=False)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["case__number", "original_name", "sha256"]
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False  # uploads go through the checked upload page


@admin.register(BatchJob)
class BatchJobAdmin(ReadOnlyAdmin):
    list_display = ["organization", "month", "state", "done", "total", "requested_by", "created_at"]
    list_filter = ["state"]
