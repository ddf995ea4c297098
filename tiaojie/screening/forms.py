"""Forms for screening reports (排查报告), their findings and hidden dangers (隐患)."""
import datetime as dt

from django import forms
from django.utils import timezone

from tiaojie.cases.models import DisputeType
from tiaojie.core.forms import DATE_ERRORS, DATE_WIDGET, BootstrapMixin, amount_field
from tiaojie.orgs.models import Region, RegionLevel
from tiaojie.warnings.forms import LevelForm, PreventionMixin  # noqa: F401 (re-used here)


def region_choices(org):
    """Places under the organization's region (itself and below), villages last."""
    base = org.region
    return Region.objects.filter(path__startswith=base.path).order_by("path")


class DisputeTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj}"


class RoundForm(BootstrapMixin, forms.Form):
    period_key = forms.ChoiceField(label="排查期次")
    screened_from = forms.DateField(label="排查开始日期", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    screened_to = forms.DateField(label="排查结束日期", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    screeners = forms.CharField(label="排查人员", max_length=200, help_text="多人用顿号分隔")
    places = forms.CharField(label="排查地点和走访群体", widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    zero_report = forms.BooleanField(label="零报告（本期未排查出矛盾纠纷）", required=False)

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_key"].choices = [(p.period.key, f"{p.period.label} · {p.state}") for p in periods]
        self.style_fields()

    def clean(self):
        data = super().clean()
        a, b = data.get("screened_from"), data.get("screened_to")
        if a and b and a > b:
            self.add_error("screened_to", "排查结束日期不能早于开始日期")
        if b and b > timezone.localdate():
            self.add_error("screened_to", "排查结束日期不能晚于今天")
        return data


class FindingForm(BootstrapMixin, forms.Form):
    DISPOSITIONS = [("hazard", "列为隐患，跟踪预防"), ("case", "立即登记为案件")]

    facts = forms.CharField(label="纠纷情况", widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": "请填写纠纷情况"})
    disposition = forms.ChoiceField(label="处置方式", choices=DISPOSITIONS, widget=forms.RadioSelect,
                                    initial="hazard")
    dispute_type = DisputeTypeField(label="纠纷类型", queryset=DisputeType.objects.filter(is_active=True),
                                    error_messages={"required": "请选择纠纷类型"})
    region = forms.ModelChoiceField(label="发生地", queryset=Region.objects.none(),
                                    error_messages={"required": "请选择发生地"})
    place_detail = forms.CharField(label="详细地点", required=False, max_length=200)
    people_count = forms.IntegerField(label="涉及人数", min_value=1, initial=2,
                                      error_messages={"min_value": "涉及人数至少为1", "invalid": "涉及人数须为整数"})
    amount_at_stake = amount_field("涉及金额（元）", required=False)
    party_names = forms.CharField(label="当事人姓名（登记为案件时填写，多人用顿号分隔）", required=False, max_length=300)
    parties_desc = forms.CharField(label="涉及当事人或群体（列为隐患时填写）", required=False, max_length=300)
    measures = forms.CharField(label="预防措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    emergency_plan = forms.CharField(label="应急预案（橙色、红色风险必填）", required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    responsible_person = forms.CharField(label="责任人", required=False, max_length=60)
    review_on = forms.DateField(label="复查日期", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    police_calls = forms.IntegerField(label="报警次数", min_value=0, initial=0, required=False)
    vulnerable = forms.BooleanField(label="涉及老弱病残孕等弱势群体", required=False)
    litigation = forms.BooleanField(label="涉诉", required=False)
    petition = forms.BooleanField(label="涉访", required=False)
    abnormal_death = forms.BooleanField(label="涉及非正常死亡", required=False)

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org is not None:
            self.fields["region"].queryset = region_choices(org)
            if org.region.level == RegionLevel.VILLAGE:
                self.fields["region"].initial = org.region.pk
        self.fields["review_on"].initial = timezone.localdate() + dt.timedelta(days=7)
        self.style_fields()

    def clean(self):
        data = super().clean()
        if data.get("disposition") == "case":
            names = [n.strip() for n in (data.get("party_names") or "").replace(",", "、").replace("，", "、").split("、")]
            names = [n for n in names if n]
            if not names:
                self.add_error("party_names", "登记为案件须填写至少一名当事人")
            data["parties"] = [{"role": "applicant" if i == 0 else "respondent", "kind": "person", "name": n}
                               for i, n in enumerate(names)]
        elif data.get("disposition") == "hazard":
            if not (data.get("parties_desc") or "").strip():
                self.add_error("parties_desc", "请填写涉及的当事人或群体")
            if not (data.get("responsible_person") or "").strip():
                self.add_error("responsible_person", "请填写责任人")
            if not data.get("review_on"):
                self.add_error("review_on", "请填写复查日期")
            elif data["review_on"] < timezone.localdate():
                self.add_error("review_on", "复查日期不能早于今天")
        return data

    def finding(self) -> dict:
        d = dict(self.cleaned_data)
        d["police_calls"] = d.get("police_calls") or 0
        return d


FindingFormSet = forms.formset_factory(FindingForm, extra=1, max_num=30, validate_max=True)


class RoundAmendForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    screeners = forms.CharField(label="排查人员", max_length=200)
    places = forms.CharField(label="排查地点和走访群体", widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class HazardUpdateForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    facts = forms.CharField(label="隐患情况", widget=forms.Textarea(attrs={"rows": 3}))
    people_count = forms.IntegerField(label="涉及人数", min_value=1)
    amount_at_stake = amount_field("涉及金额（元）")
    measures = forms.CharField(label="预防措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    emergency_plan = forms.CharField(label="应急预案（橙色、红色风险必填）", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    responsible_person = forms.CharField(label="责任人", max_length=60)
    review_on = forms.DateField(label="下次复查日期", widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class HazardCloseForm(BootstrapMixin, PreventionMixin):
    OUTCOMES = [("resolved", "已化解/预防成功"), ("converted", "转为案件"), ("escalated", "升级上报")]
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="处置结果", choices=OUTCOMES, widget=forms.RadioSelect)
    note = forms.CharField(label="处置情况", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写处置情况"})
    case_number = forms.CharField(label="转为案件的案号（转为案件时填写；留空则按隐患内容登记新案件）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()
