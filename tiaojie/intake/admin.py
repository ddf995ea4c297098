from django import forms
from django.contrib import admin

from tiaojie.intake.models import RiskCategory, RiskPhrase


class RiskPhraseForm(forms.ModelForm):
    class Meta:
        model = RiskPhrase
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phrase"].error_messages["required"] = "词语不能为空"

    def clean_phrase(self):
        value = (self.cleaned_data.get("phrase") or "").strip()
        if not value:
            raise forms.ValidationError("词语不能为空")
        return value


class RiskPhraseInline(admin.TabularInline):
    model = RiskPhrase
    form = RiskPhraseForm
    extra = 1


@admin.register(RiskCategory)
class RiskCategoryAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "level", "sort_order", "is_active")
    list_editable = ("level", "is_active")
    inlines = [RiskPhraseInline]


@admin.register(RiskPhrase)
class RiskPhraseAdmin(admin.ModelAdmin):
    form = RiskPhraseForm
    list_display = ("phrase", "category", "kind", "level", "is_active")
    list_editable = ("level", "is_active")
    list_filter = ("kind", "category", "is_active")
    search_fields = ("phrase",)
