import datetime as dt

from django import forms

from tiaojie.cases.models import Party
from tiaojie.core.scope import Scope
from tiaojie.documents.models import Attachment, DocumentTemplate
from tiaojie.documents.services import validate_template
from tiaojie.documents.sniff import ALLOWED_DESCRIPTION


class AttachmentForm(forms.Form):
    file = forms.FileField(label="文件", help_text=f"允许：{ALLOWED_DESCRIPTION}")
    kind = forms.ChoiceField(label="材料类别", choices=Attachment.Kind.choices, initial=Attachment.Kind.EVIDENCE)
    party = forms.ModelChoiceField(label="所属当事人（身份证明、授权委托书请选择）", queryset=Party.objects.none(),
                                   required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["party"].queryset = case.parties.all()


class BatchForm(forms.Form):
    organization = forms.ModelChoiceField(label="调解组织", queryset=None)
    month = forms.CharField(label="月份", widget=forms.TextInput(attrs={"type": "month"}), help_text="例如 2026-11")
    include_children = forms.BooleanField(label="包含下级调解组织", required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Scope.of(user).orgs().order_by("path")

    def clean_month(self):
        text = self.cleaned_data["month"].strip()
        try:
            return dt.date.fromisoformat(text + "-01" if len(text) == 7 else text).replace(day=1)
        except ValueError:
            raise forms.ValidationError("月份格式应为“年-月”，例如 2026-11")


class DocumentTemplateForm(forms.ModelForm):
    """Admin form: the upload is validated before it can replace the template in use."""

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "file", "active", "note"]

    def clean(self):
        data = super().clean()
        f = data.get("file")
        kind = data.get("kind")
        if f is not None and kind and hasattr(f, "read") and "file" in self.changed_data:
            f.seek(0)
            content = f.read()
            f.seek(0)
            try:
                validate_template(kind, content)
            except forms.ValidationError as exc:
                self.add_error("file", exc)
        return data
