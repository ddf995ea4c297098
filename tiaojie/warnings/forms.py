import datetime as dt

from django import forms
from django.utils import timezone

from tiaojie.cases.forms import DATE_ERRORS, DATE_WIDGET, BootstrapMixin
from tiaojie.screening.forms import PreventionMixin
from tiaojie.warnings.models import Escalation


class _Styled(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class AckForm(_Styled):
    note = forms.CharField(label="签收说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeasuresForm(_Styled):
    measures = forms.CharField(label="采取的措施", widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": "请填写采取的措施"})
    leader = forms.CharField(label="包案领导（红色预警必填）", required=False, max_length=60)
    police_notified = forms.BooleanField(label="已按人民调解法第25条报告公安机关（红色预警必填）", required=False)


class ResolveForm(_Styled):
    note = forms.CharField(label="化解情况", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写化解情况"})


class RiskInputsForm(_Styled):
    police_calls = forms.IntegerField(label="报警次数", min_value=0, error_messages={"min_value": "不能为负数"})
    vulnerable = forms.BooleanField(label="涉及老弱病残孕等弱势群体", required=False)
    litigation = forms.BooleanField(label="涉诉", required=False)
    petition = forms.BooleanField(label="涉访", required=False)
    abnormal_death = forms.BooleanField(label="涉及非正常死亡", required=False)


class EscalateForm(_Styled):
    target = forms.ChoiceField(label="上报至", choices=Escalation.Target.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="上报理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写上报理由"})
    leader = forms.CharField(label="包案领导", max_length=60, error_messages={"required": "请填写包案领导"})
    deadline = forms.DateField(label="督办期限", widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=15)


class NoteForm(_Styled):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写进展情况"})
    close = forms.BooleanField(label="督办事项已办结", required=False)


class PreventionForm(BootstrapMixin, PreventionMixin):
    """预防成效 of a closed case (the same columns as for hidden dangers)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()
