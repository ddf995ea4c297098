"""Forms of the linkage pages. The rules live in ``services``; these give field-level Chinese errors."""
from django import forms
from django.utils import timezone

from tiaojie.cases.models import DisputeType
from tiaojie.core.forms import (
    DATE_ERRORS,
    DATE_WIDGET,
    DATETIME_FORMATS,
    DATETIME_WIDGET,
    BootstrapMixin,
    amount_field,
)
from tiaojie.orgs.models import Organization, OrgKind, Region
from tiaojie.routing.models import Referral

BIG_REGION_LIST = 400


class OrgField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * max(obj.path.count("/") - 2, 0) + obj.name


class TransferForm(BootstrapMixin, forms.Form):
    to_org = OrgField(label="接收单位", queryset=Organization.objects.none(),
                      error_messages={"required": "请选择接收单位", "invalid_choice": "所选单位不在您可移交的范围内"})
    reason = forms.CharField(label="移交理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写移交理由"})
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, reach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = reach.order_by("path")
        self.style_fields()


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写退回理由"})
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class FeedbackForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="反馈情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           error_messages={"required": "请填写反馈情况"})
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class RevisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label="回访日期", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    visitor = forms.CharField(label="回访人", max_length=30)
    notes = forms.CharField(label="回访情况", widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", timezone.localdate())
        self.style_fields()


class ConfirmationForm(BootstrapMixin, forms.Form):
    applied_on = forms.DateField(label="申请日期", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    applicants = forms.CharField(label="申请人（双方当事人）", max_length=200)
    court_name = forms.CharField(label="受理法院", max_length=100)
    court_org = OrgField(label="法院诉前调解工作室（对接点）", required=False,
                         queryset=Organization.objects.filter(kind=OrgKind.COURT_ROOM, is_active=True))
    late_reason = forms.CharField(label="逾期申请理由（超过30日时必填）", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("applied_on", timezone.localdate())
        self.style_fields()


class CourtResultForm(BootstrapMixin, forms.Form):
    accepted = forms.TypedChoiceField(label="法院是否受理", choices=[("1", "受理"), ("0", "不予受理")],
                                      coerce=lambda v: v == "1", widget=forms.RadioSelect)
    answered_on = forms.DateField(label="受理/不予受理日期", required=False, widget=DATE_WIDGET,
                                  error_messages=DATE_ERRORS)
    note = forms.CharField(label="说明（不予受理时填写理由）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(label="确认结果", required=False,
                                 choices=[("", "尚未裁定"), ("confirmed", "确认有效"), ("rejected", "驳回申请")])
    decided_on = forms.DateField(label="裁定日期", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    number = forms.CharField(label="文书编号（调确字号）", required=False, max_length=80)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class RegionCodeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * {'city': 0, 'county': 1, 'township': 2, 'village': 3}.get(obj.level, 0)}{obj.name}（{obj.code}）"


class ReferralForm(BootstrapMixin, forms.Form):
    """A referral in (委托移送) typed by a liaison: the referrer's data, the dispute and two parties."""

    referrer_name = forms.CharField(label="移送单位", max_length=100)
    external_ref = forms.CharField(label="移送单位编号（法院案号、接警单号、信访件号）", max_length=80, required=False)
    mode = forms.ChoiceField(label="委派/委托", choices=Referral.Mode.choices, required=False)
    court_keeps = forms.BooleanField(label="法院自留（由本院诉前人民调解工作室调解）", required=False)
    call_time = forms.DateTimeField(label="接警时间", required=False, widget=DATETIME_WIDGET,
                                    input_formats=DATETIME_FORMATS,
                                    error_messages={"invalid": "请输入有效的时间，例如 2026-01-31 09:30"})
    caller = forms.CharField(label="报警人", max_length=60, required=False)
    caller_phone = forms.CharField(label="报警人电话", max_length=30, required=False)
    place = forms.CharField(label="发生地点", max_length=200, required=False)
    complex = forms.BooleanField(label="复杂纠纷（反馈期限5日）", required=False)
    dispute_type = forms.ModelChoiceField(label="纠纷类型", queryset=DisputeType.objects.filter(is_active=True),
                                          empty_label="请选择", error_messages={"required": "请选择纠纷类型"})
    region = RegionCodeField(label="纠纷发生地", queryset=Region.objects.none(), to_field_name="code",
                             error_messages={"invalid_choice": "区划代码不存在或不在本辖区内",
                                             "required": "请选择纠纷发生地"})
    place_detail = forms.CharField(label="详细地点", max_length=200, required=False)
    arose_on = forms.DateField(label="纠纷发生日期", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    people_count = forms.IntegerField(label="涉及人数", min_value=1, max_value=100000, initial=2)
    amount_at_stake = amount_field("涉及金额", required=False)
    facts = forms.CharField(label="纠纷简要情况", widget=forms.Textarea(attrs={"rows": 4}))
    claims = forms.CharField(label="诉讼请求/申请事项", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    spans_villages = forms.BooleanField(label="纠纷跨村（社区）", required=False)
    spans_townships = forms.BooleanField(label="纠纷跨乡镇（街道）", required=False)
    village_failed = forms.BooleanField(label="村（社区）调委会已调解未成", required=False)
    major = forms.BooleanField(label="疑难重大纠纷", required=False)
    applicant_name = forms.CharField(label="申请人（原告）姓名/名称", max_length=100)
    applicant_phone = forms.CharField(label="申请人电话", max_length=20, required=False)
    applicant_id = forms.CharField(label="申请人身份证号", max_length=18, required=False)
    respondent_name = forms.CharField(label="被申请人（被告）姓名/名称", max_length=100, required=False)
    respondent_phone = forms.CharField(label="被申请人电话", max_length=20, required=False)
    respondent_id = forms.CharField(label="被申请人身份证号", max_length=18, required=False)

    KIND_FIELDS = {
        "court": ("mode", "court_keeps"),
        "police": ("call_time", "caller", "caller_phone", "place", "complex"),
    }

    def __init__(self, *args, kind: str, intake: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for k, names in self.KIND_FIELDS.items():
            if k != kind:
                for n in names:
                    del self.fields[n]
        if kind == "court":
            self.fields["external_ref"].required = True
            self.fields["external_ref"].label = "法院案号"
        top = intake.county_center() or intake
        regions = Region.objects.filter(path__startswith=top.region.path).order_by("code")
        field = self.fields["region"]
        field.queryset = regions
        if regions.count() > BIG_REGION_LIST:
            field.widget = forms.TextInput(attrs={"placeholder": "12位村（社区）区划代码", "inputmode": "numeric"})
        if not self.is_bound:
            self.initial.setdefault("arose_on", timezone.localdate())
            self.initial.setdefault("referrer_name", _referrer_default(intake, kind))
        self.style_fields()

    def parties(self) -> list[dict]:
        d = self.cleaned_data
        out = [{"role": "applicant", "kind": "person", "name": d["applicant_name"], "phone": d.get("applicant_phone", ""),
                "id_number": d.get("applicant_id", ""), "id_type": "resident" if d.get("applicant_id") else ""}]
        if d.get("respondent_name"):
            out.append({"role": "respondent", "kind": "person", "name": d["respondent_name"],
                        "phone": d.get("respondent_phone", ""), "id_number": d.get("respondent_id", ""),
                        "id_type": "resident" if d.get("respondent_id") else ""})
        return out


def _referrer_default(intake: Organization, kind: str) -> str:
    name = intake.name
    for suffix in ("诉前人民调解工作室", "警民联调室", "警民联调工作室"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return {"petition": "信访局", "department": "12345政务服务便民热线"}.get(kind, name)
