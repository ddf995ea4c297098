"""Forms of the statistics pages: scope and period, aggregate reports, report corrections."""
import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from tiaojie.cases.models import DisputeType
from tiaojie.core.forms import DATE_ERRORS, DATE_WIDGET, BootstrapMixin, OrgChoiceField
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import OrgKind
from tiaojie.orgs.selectors import visible_orgs
from tiaojie.stats.figures import Period


class ScopePeriodForm(BootstrapMixin, forms.Form):
    """统计范围与期间. The scope picker offers the user's own organization and those below it
    (not villages, to keep the list short; a village is reached by drilling through a ranking)."""

    organization = OrgChoiceField(label="统计范围", required=False, queryset=None, empty_label=None,
                                  error_messages={"invalid_choice": "所选单位不在您的管辖范围内"})
    start = forms.DateField(label="开始日期", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    end = forms.DateField(label="结束日期", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        f = self.fields["organization"]
        f.queryset = visible_orgs(user)
        # (id, name, path) rows, not model instances: a province has ~2,600 non-village units
        picks = visible_orgs(user).exclude(kind=OrgKind.VILLAGE).order_by("path").values_list("pk", "name", "path")
        chosen = (self.data or {}).get("organization")
        f.widget.choices = [(pk, f.label_of(name, path)) for pk, name, path in picks]
        if chosen and str(chosen) not in {str(c[0]) for c in f.widget.choices}:
            o = visible_orgs(user).filter(pk=chosen).first() if str(chosen).isdigit() else None
            if o:
                f.widget.choices.append((o.pk, f.label_from_instance(o)))
        self.style_fields()

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        start, end = data.get("start"), data.get("end")
        if "start" not in self.errors and "end" not in self.errors:
            if start and end and start > end:
                self.add_error("start", "开始日期不能晚于结束日期")
            elif start and start.year < 2000:
                self.add_error("start", "开始日期不能早于2000年")
        if not start and not end:  # the default: the last twelve months (compared with a year earlier)
            default = Period.last_12_months(today)
            start, end = default.start, default.end
        data["start"] = start or dt.date((end or today).year, 1, 1)
        data["end"] = end or max(start, dt.date(today.year, 12, 31))
        return data

    def scope(self):
        """The chosen unit, else the user's own (a superuser without one: the top of the tree)."""
        return self.cleaned_data.get("organization") or Scope.of(self.user).home()

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class AggregateReportForm(BootstrapMixin, forms.Form):
    """汇总上报 of one committee and month; the double count check lives in ``services``."""

    organization = OrgChoiceField(label="调解组织", queryset=None,
                                  error_messages={"invalid_choice": "所选单位不在您的管辖范围内"})
    month = forms.DateField(label="月份", widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"], error_messages={"invalid": "请输入月份，例如 2020-03"})
    accepted = forms.IntegerField(label="受理（件）", min_value=0, error_messages={"min_value": "件数不能为负数"})
    successful = forms.IntegerField(label="调解成功（件）", min_value=0, error_messages={"min_value": "件数不能为负数"})
    amount = forms.DecimalField(label="协议金额（元）", min_value=Decimal(0), max_digits=16, decimal_places=2,
                                initial=0, error_messages={"min_value": "金额不能为负数"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = list(DisputeType.objects.filter(parent__isnull=True, is_active=True))
        for t in self.types:
            self.fields[f"type_{t.code}"] = forms.IntegerField(label=t.name, required=False, min_value=0,
                                                               error_messages={"min_value": "件数不能为负数"})
        self.fields["organization"].queryset = visible_orgs(user).exclude(
            kind__in=[OrgKind.CITY_BUREAU]).order_by("path")
        self.style_fields()

    def type_fields(self):
        return [self[f"type_{t.code}"] for t in self.types]

    def clean_month(self):
        m = self.cleaned_data["month"].replace(day=1)
        if m > timezone.localdate():
            raise forms.ValidationError("不能上报未来月份")
        return m

    def clean(self):
        data = super().clean()
        acc, ok = data.get("accepted"), data.get("successful")
        if acc is not None and ok is not None and ok > acc:
            self.add_error("successful", "调解成功件数不能多于受理件数")
        by_type = {t.code: data.get(f"type_{t.code}") or 0 for t in self.types}
        if acc is not None and sum(by_type.values()) > acc:
            self.add_error(None, "分类型件数之和不能多于受理件数")
        data["by_type"] = {k: v for k, v in by_type.items() if v}
        return data


class CorrectionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="更正理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500,
                             error_messages={"required": "更正已报送的报表须填写理由"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()
