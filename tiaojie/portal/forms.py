from django import forms

from tiaojie.cases.models import DisputeType
from tiaojie.core.forms import StyledForm, amount_field, limit
from tiaojie.portal.services import TITLE_MAX


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _types():
    return DisputeType.objects.filter(is_active=True).select_related("parent")


class TypicalCaseForm(StyledForm):
    title = forms.CharField(label="标题", max_length=TITLE_MAX, error_messages={
        "required": "请填写标题", "max_length": f"标题不能超过{TITLE_MAX}字，请精简"})
    dispute_type = TypeChoiceField(label="纠纷类型", queryset=DisputeType.objects.none(),
                                   error_messages={"required": "请选择纠纷类型", "invalid_choice": "请选择有效的纠纷类型"})
    facts = limit(forms.CharField(label="基本案情", widget=forms.Textarea(attrs={"rows": 8}),
                                  error_messages={"required": "请填写基本案情"}), "facts")
    process = limit(forms.CharField(label="调解过程", required=False, widget=forms.Textarea(attrs={"rows": 8})),
                    "content")
    outcome = limit(forms.CharField(label="调解结果", widget=forms.Textarea(attrs={"rows": 5}),
                                    error_messages={"required": "请填写调解结果"}), "terms")
    comment = limit(forms.CharField(label="典型意义（评析）", required=False, widget=forms.Textarea(attrs={"rows": 4})),
                    "note")
    amount = amount_field("协议金额（元）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute_type"].queryset = _types()


class ReturnForm(StyledForm):
    reason = limit(forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 3}),
                                   error_messages={"required": "请填写退回原因"}), "reason")


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    type = forms.CharField(label="纠纷类型", required=False, max_length=10)
