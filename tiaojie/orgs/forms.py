from django import forms

from tiaojie.orgs import importer
from tiaojie.orgs.models import Mediator, OrgKind


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
        return f
