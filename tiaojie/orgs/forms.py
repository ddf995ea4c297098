from django import forms

from tiaojie.core.forms import DATE_ERRORS, DATE_WIDGET, BootstrapMixin
from tiaojie.core.scope import Scope
from tiaojie.orgs import importer
from tiaojie.orgs.models import Honour, Mediator, OrgKind, Training


class OrgFilterForm(forms.Form):
    kind = forms.ChoiceField(label="组织类型", required=False, choices=[("", "全部类型"), *OrgKind.choices])
    q = forms.CharField(label="关键词", required=False, max_length=50)
    inactive = forms.BooleanField(label="含已停用", required=False)


class MediatorFilterForm(forms.Form):
    full_time = forms.ChoiceField(label="专职/兼职", required=False,
                                  choices=[("", "专职/兼职"), ("1", "专职"), ("0", "兼职")])
    employment = forms.ChoiceField(label="聘用方式", required=False,
                                   choices=[("", "全部聘用方式"), *Mediator.Employment.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *Mediator.Status.choices])
    org = forms.IntegerField(label="所属单位（含下级）", required=False, min_value=1)
    q = forms.CharField(label="关键词", required=False, max_length=50)
    year = forms.IntegerField(label="办案统计年度", required=False, min_value=2011, max_value=2100)


class ImportForm(forms.Form):
    what = forms.ChoiceField(label="导入内容", choices=[("orgs", "调解组织"), ("mediators", "调解员")],
                             widget=forms.RadioSelect)
    file = forms.FileField(label="Excel 文件（.xlsx）",
                           error_messages={"required": "请选择要上传的 .xlsx 文件",
                                           "empty": "上传的文件为空"})
    dry_run = forms.BooleanField(label="仅校验，不保存", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        limit = importer.MAX_UPLOAD_BYTES
        if f.size > limit:
            raise forms.ValidationError(f"文件过大（{importer.human_size(f.size)}），上限为 "
                                        f"{importer.human_size(limit)}，请分批导入")
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（.xls、.csv 请先用 Excel 或 WPS 另存为 .xlsx）")
        f.seek(0)
        self.file_bytes = f.read(limit + 1)
        from tiaojie.security.uploads import check_zip

        check_zip(self.file_bytes, "该 .xlsx 文件")  # a zip bomb is refused here, before any parsing
        return f


# ---- training and honours ------------------------------------------------------------------

def _styled(form):
    BootstrapMixin.style_fields(form)


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["kind", "topic", "organizer", "start_on", "end_on", "days", "hours", "place", "notes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = Scope.of(user).orgs().exclude(kind=OrgKind.VILLAGE).order_by("path")
        self.fields["organizer"].error_messages["invalid_choice"] = "请选择您管辖范围内的单位"
        for name in ("start_on", "end_on"):
            self.fields[name].widget = DATE_WIDGET
            self.fields[name].error_messages.update(DATE_ERRORS)
        for name, label in (("days", "培训天数"), ("hours", "培训学时")):
            self.fields[name].error_messages.update({
                "invalid": f"{label}只能填写数字，例如 1 或 0.5", "max_decimal_places": f"{label}最多一位小数",
                "max_digits": f"{label}过大", "max_whole_digits": f"{label}过大"})
        self.fields["notes"].widget.attrs["rows"] = 2
        _styled(self)


class AttendanceForm(forms.Form):
    mediators = forms.ModelMultipleChoiceField(
        label="参训调解员", queryset=Mediator.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": "请至少选择一名调解员", "invalid_choice": "所选调解员不在您的管辖范围内"})
    days = forms.DecimalField(label="计入天数", required=False, min_value=0, max_digits=5, decimal_places=1,
                              help_text="留空按本次培训天数计入；只参加部分课程的填写实际天数",
                              error_messages={"invalid": "计入天数只能填写数字", "min_value": "计入天数不能为负数"})

    def __init__(self, *args, mediators, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        self.fields["mediators"].queryset = mediators.filter(status=Mediator.Status.ACTIVE).order_by("name")
        _styled(self)

    def clean_days(self):
        d = self.cleaned_data.get("days")
        if d is not None and d > self.training.days:
            raise forms.ValidationError(f"计入天数不能超过本次培训的{self.training.days}天")
        return d


class HonourForm(forms.Form):
    mediator = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.ChoiceField(label="称号", choices=Honour.Title.choices)
    note = forms.CharField(label="事迹摘要", required=False, max_length=200)
