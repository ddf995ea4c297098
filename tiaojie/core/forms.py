"""Form helpers every app's forms share: Bootstrap styling, date widgets with Chinese errors,
money fields, and the shared text length limits (``validators.TEXT_LIMITS``)."""
from django import forms
from django.core.validators import MaxLengthValidator

from tiaojie.core import validators

# Dates are typed (2026-01-31, 2026/1/31) or picked from the workbench's own Chinese calendar
# (static tiaojie/app.js, ``data-picker``): the browser's date input follows the browser's language,
# and a clerk's PC may be set to English.
DATE_WIDGET = forms.DateInput(attrs={"data-picker": "date", "inputmode": "numeric", "autocomplete": "off",
                                     "placeholder": "年-月-日，如 2026-01-31", "maxlength": "10"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"data-picker": "datetime", "autocomplete": "off",
                                             "placeholder": "年-月-日 时:分，如 2026-01-31 09:30", "maxlength": "16"},
                                      format="%Y-%m-%d %H:%M")
DATETIME_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"]
DATE_ERRORS = {"invalid": "请输入有效的日期，例如 2026-01-31"}


def limit(field: forms.Field, name: str, label: str | None = None) -> forms.Field:
    """Give a text field the shared length limit of ``validators.TEXT_LIMITS[name]`` with a
    Chinese message that states the limit (the same limit the services and the API apply)."""
    n = validators.TEXT_LIMITS[name]
    label = label or field.label or "内容"
    field.max_length = n
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(n, message=f"{label}不能超过{n}字（现有%(show_value)d字），请精简后再提交"))
    field.widget.attrs["data-maxlength"] = n
    return field


class BootstrapMixin:
    """Give widgets Bootstrap classes so that templates can render fields as they are."""

    def style_fields(self):
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(w, forms.Select):
                css = "form-select"
            elif isinstance(w, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            w.attrs["class"] = (w.attrs.get("class", "") + " " + css).strip()


def amount_field(label: str, **kw) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_digits=14, decimal_places=2, initial=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": f"{label}只能填写数字，例如 3000 或 3000.50",
            "min_value": f"{label}不能为负数",
            "max_digits": f"{label}过大",
            "max_decimal_places": f"{label}最多保留两位小数（分）",
            "max_whole_digits": f"{label}过大",
            "required": f"请填写{label}",
        }, **kw)


class FastSelect(forms.Select):
    """A select drawn in one pass: Django draws each option through a template, which takes
    ~150 ms for the ~2,500 organizations of a city (a province has tens of thousands)."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.forms.utils import flatatt
        from django.utils.html import conditional_escape
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None}
        out = [f"<select{flatatt(final)}>"]
        for key, label in self.choices:
            key = "" if key is None else str(getattr(key, "value", key))
            sel = " selected" if key in chosen else ""
            out.append(f'<option value="{conditional_escape(key)}"{sel}>{conditional_escape(label)}</option>')
        out.append("</select>")
        return mark_safe("".join(out))


class OrgChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj):
        return self.label_of(obj.name, obj.path)

    @staticmethod
    def label_of(name: str, path: str) -> str:
        """The option's label: the name indented by its depth (also for rows read as values)."""
        return "　" * max(path.count("/") - 2, 0) + name


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()
