from django import forms
from django.utils import timezone

from tiaojie.core.forms import DATE_ERRORS, DATE_WIDGET, BootstrapMixin, amount_field
from tiaojie.funding.models import SubsidyStandard
from tiaojie.funding.services import counties_in_scope

MONTHS = [(m, f"{m}月") for m in range(1, 13)]


class ComputeForm(BootstrapMixin, forms.Form):
    county = forms.ModelChoiceField(label="县（市、区）", queryset=None, empty_label=None,
                                    error_messages={"invalid_choice": "请选择您管辖范围内的县级调解中心"})
    year = forms.IntegerField(label="年度", min_value=2011, max_value=2100,
                              error_messages={"min_value": "年度不能早于2011年（人民调解法施行）",
                                              "max_value": "年度无效", "invalid": "请填写四位数年份"})
    month = forms.TypedChoiceField(label="月份", choices=MONTHS, coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties_in_scope(user)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month
        self.style_fields()

    def clean(self):
        data = super().clean()
        y, m = data.get("year"), data.get("month")
        today = timezone.localdate()
        if y and m and (y, m) > (today.year, today.month):
            self.add_error("month", "不能核算尚未开始的月份")
        return data


class SubsidyStandardForm(BootstrapMixin, forms.ModelForm):
    amount = amount_field("补贴金额（元/件）")

    class Meta:
        model = SubsidyStandard
        fields = ["county", "org_kind", "tier", "amount", "requires_success", "requires_performed",
                  "requires_complete_file", "oral_counts", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties_in_scope(user)
        self.fields["county"].empty_label = "全市通用"
        for name in ("valid_from", "valid_to"):
            self.fields[name].error_messages.update(DATE_ERRORS)
        self.style_fields()
