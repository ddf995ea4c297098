import datetime as dt

from django import forms
from django.utils import timezone

from tiaojie.core.forms import DATE_ERRORS, DATE_WIDGET, BootstrapMixin
from tiaojie.warnings.models import Escalation


class PreventionMixin(forms.Form):
    suicide = forms.BooleanField(label="防止民间纠纷引起自杀", required=False)
    suicide_persons = forms.IntegerField(label="人数", min_value=0, initial=0, required=False)
    criminal = forms.BooleanField(label="防止民间纠纷转化为刑事案件", required=False)
    criminal_persons = forms.IntegerField(label="人数", min_value=0, initial=0, required=False)
    petition = forms.BooleanField(label="防止群体性上访", required=False)
    petition_persons = forms.IntegerField(label="人数", min_value=0, initial=0, required=False)
    fight = forms.BooleanField(label="防止群体性械斗", required=False)
    fight_persons = forms.IntegerField(label="人数", min_value=0, initial=0, required=False)

    def clean(self):
        data = super().clean()
        for key in ("suicide", "criminal", "petition", "fight"):
            on, n = data.get(key), data.get(f"{key}_persons") or 0
            data[f"{key}_persons"] = n
            if on and not n:
                self.add_error(f"{key}_persons", "请填写人数")
            if n and not on:
                self.add_error(key, "填写人数时请勾选此项")
        return data

    def prevention(self) -> dict | None:
        d = {k: self.cleaned_data.get(k) for k in ("suicide", "criminal", "petition", "fight")}
        if not any(d.values()):
            return None
        d.update({f"{k}_persons": self.cleaned_data.get(f"{k}_persons") or 0 for k in ("suicide", "criminal", "petition", "fight")})
        return d



class LevelForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label="风险等级", choices=[("red", "红色"), ("orange", "橙色"), ("yellow", "黄色"),
                                                       ("blue", "蓝色"), ("none", "无")])
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


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
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + dt.timedelta(days=15)


class NoteForm(_Styled):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写进展情况"})
    close = forms.BooleanField(label="督办事项已办结（须司法所及以上工作人员）", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PreventionForm(BootstrapMixin, PreventionMixin):
    """预防成效 of a closed case (the same columns as for hidden dangers)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()
