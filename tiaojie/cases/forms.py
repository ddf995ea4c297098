"""Forms of the staff workbench: list filters, registration (登记) with its parties, and one form
per transition. Validation here gives the Chinese error at the field; the rules that must hold
whatever the entry point live in ``services`` and ``transitions``.
"""
import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from tiaojie.cases.models import (
    Agreement,
    Case,
    DisputeType,
    FollowUp,
    Outcome,
    Party,
    Source,
    Status,
)
from tiaojie.core import dates, validators
from tiaojie.core.cache import cached
from tiaojie.core.forms import (  # noqa: F401 (re-exported for the case forms' users)
    DATE_ERRORS,
    DATE_WIDGET,
    DATETIME_FORMATS,
    DATETIME_WIDGET,
    BootstrapMixin,
    OrgChoiceField,
    amount_field,
    limit,
)
from tiaojie.core.paging import PAGING_PARAMS
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Mediator, Organization, OrgKind, Region

# Above this many organizations in scope, village committees are left out of select boxes
# (a city-wide select of 2,000+ villages is unusable); they stay reachable through their township.
BIG_SCOPE = 300
# Above this many regions the place is typed as a code instead of chosen from a select.
BIG_REGION_LIST = 400

def visible_orgs(user):
    return Scope.of(user).orgs()


def org_choices(user):
    """Organizations the user may pick: the scope, without villages when the scope is city-wide."""
    qs = visible_orgs(user).filter(is_active=True).order_by("path")
    if qs.count() > BIG_SCOPE:
        qs = qs.exclude(kind=OrgKind.VILLAGE)
    return qs


def org_choice_labels(user, label) -> list[tuple[int, str]]:
    """``org_choices`` as (id, label) pairs, read once per scope and kept (``core.cache``: an
    edit of an organization clears it here at once, in other worker processes within minutes);
    the 2,600 choices of a province cost ~20 ms a page to read and label."""
    scope = Scope.of(user)
    if scope.path is None:
        return []
    return cached(("org_choices", scope.path, label.__qualname__),
                  lambda: [(o.pk, label(o)) for o in org_choices(user).only("id", "name", "path")])


class CaseFilterForm(BootstrapMixin, forms.Form):
    """Filters of the case list (GET). Invalid values show an error and are not applied."""

    q = forms.CharField(label="关键词", required=False, max_length=100,
                        help_text="多个词用空格分开，列出同时含有每个词的案件；一两个字的词只查当事人姓名和案号的开头",
                        widget=forms.TextInput(attrs={"placeholder": "案号、当事人姓名或案情", "type": "search"}))
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *Status.choices])
    dispute_type = forms.ModelChoiceField(label="纠纷类型", required=False, empty_label="全部类型", to_field_name="code",
                                          queryset=DisputeType.objects.filter(parent__isnull=True),
                                          error_messages={"invalid_choice": "没有这个纠纷类型"})
    source = forms.ChoiceField(label="案件来源", required=False, choices=[("", "全部来源"), *Source.choices])
    organization = OrgChoiceField(label="承办单位（含下级）", required=False, empty_label="全部单位",
                                  queryset=Organization.objects.none(),
                                  error_messages={"invalid_choice": "所选单位不在您的管辖范围内"})
    date_from = forms.DateField(label="登记日期从", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    date_to = forms.DateField(label="登记日期至", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    overdue = forms.BooleanField(label="仅超期", required=False)
    follow_up = forms.BooleanField(label="仅待回访", required=False)
    # Statistics drill-down (tiaojie.stats.figures.drill_url): the same conditions as a figure.
    accepted_from = forms.DateField(label="受理日期从", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    accepted_to = forms.DateField(label="受理日期至", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    closed_from = forms.DateField(label="结案日期从", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    closed_to = forms.DateField(label="结案日期至", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    outcome = forms.ChoiceField(label="结果", required=False, choices=[("", "全部结果"), *Outcome.choices])
    agreement_kind = forms.ChoiceField(label="协议形式", required=False,
                                       choices=[("", "全部"), *Agreement.Kind.choices])
    performed = forms.BooleanField(label="仅已履行", required=False)
    confirmed = forms.BooleanField(label="仅司法确认", required=False)
    with_amount = forms.BooleanField(label="仅协议涉及金额的", required=False)
    source_group = forms.ChoiceField(label="来源分组", required=False, choices=[
        ("", "全部"), ("initiative", "主动调解"), ("application", "申请调解"), ("referred", "接受委托移送调解")])
    org_group = forms.CharField(label="调委会类别", required=False, max_length=20)
    DRILL_FIELDS = ("accepted_from", "accepted_to", "closed_from", "closed_to", "outcome", "agreement_kind",
                    "performed", "confirmed", "with_amount", "source_group", "org_group")

    def drill_fields(self):
        return [self[name] for name in self.DRILL_FIELDS]

    def has_drill(self) -> bool:
        return any(self.data.get(name) for name in self.DRILL_FIELDS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields["organization"]
        f.queryset = visible_orgs(user)  # validation: anything in scope
        f.widget.choices = [("", f.empty_label)] + org_choice_labels(user, f.label_from_instance)
        t = self.fields["dispute_type"]
        t.widget.choices = [("", t.empty_label)] + cached("type_choices", lambda: [
            (d.code, t.label_from_instance(d)) for d in t.queryset])  # no cursor per page (PostgreSQL)
        self.style_fields()

    def clean(self):
        data = super().clean()
        a, b = data.get("date_from"), data.get("date_to")
        if a and b and a > b:
            self.add_error("date_to", "结束日期不能早于开始日期")
        for lo, hi in (("accepted_from", "accepted_to"), ("closed_from", "closed_to")):
            if data.get(lo) and data.get(hi) and data[lo] > data[hi]:
                self.add_error(hi, "结束日期不能早于开始日期")
        return data

    def filters(self) -> dict:
        """The valid part of the filters (an invalid field is simply not applied)."""
        self.is_valid()
        return dict(self.cleaned_data)

    def query_string(self) -> str:
        """The current filters as a query string (for paging and export links)."""
        from urllib.parse import urlencode

        return urlencode([(k, v) for k, v in self.data.items() if k not in PAGING_PARAMS and v])


class RegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class CaseForm(BootstrapMixin, forms.ModelForm):
    """The case fields of 登记 (人民调解受理登记表)."""

    amount_at_stake = amount_field("涉及金额", required=False)
    # Routing (分流) facts that the record does not hold; see tiaojie.routing.engine.
    spans_villages = forms.BooleanField(label="涉及两个以上村（社区）", required=False)
    spans_townships = forms.BooleanField(label="涉及两个以上乡镇（街道）", required=False)
    village_failed = forms.BooleanField(label="村（社区）调委会已调解未成", required=False)
    major = forms.BooleanField(label="疑难重大纠纷", required=False)
    routing_reason = forms.CharField(label="未采纳分流建议的理由", required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text="承办单位与系统建议不同时必填")

    class Meta:
        model = Case
        fields = ["source", "channel", "dispute_type", "organization", "region", "place_detail", "arose_on",
                  "people_count", "amount_at_stake", "facts", "claims"]
        widgets = {
            "arose_on": DATE_WIDGET,
            "facts": forms.Textarea(attrs={"rows": 4}),
            "claims": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "arose_on": {"invalid": "请输入有效的日期，例如 2026-01-31", "required": "请填写纠纷发生日期"},
            "facts": {"required": "请填写纠纷简要情况"},
            "people_count": {"invalid": "涉及人数请填写整数", "min_value": "涉及人数至少为1"},
            "dispute_type": {"required": "请选择纠纷类型"},
            "source": {"required": "请选择案件来源"},
            "channel": {"required": "请选择受理渠道"},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["dispute_type"].queryset = DisputeType.objects.filter(is_active=True).select_related("parent")
        self.fields["dispute_type"].empty_label = "请选择"
        org = self.fields["organization"] = OrgChoiceField(
            label="承办调委会", queryset=visible_orgs(user).filter(is_active=True),
            error_messages={"invalid_choice": "所选单位不在您的管辖范围内", "required": "请选择承办调委会"})
        org.widget.choices = org_choice_labels(user, org.label_from_instance)
        self.fields["people_count"].widget.attrs["min"] = 1
        limit(self.fields["facts"], "facts", "纠纷简要情况")
        limit(self.fields["claims"], "claims", "申请事项")
        limit(self.fields["place_detail"], "place_detail", "详细地点")
        limit(self.fields["routing_reason"], "reason", "未采纳分流建议的理由")
        home = user.organization.region if user.organization_id else None
        regions = Region.objects.all() if home is None else Region.objects.filter(path__startswith=home.path)
        region = self.fields["region"] = RegionField(
            label="纠纷发生地", queryset=regions.order_by("code"), to_field_name="code",
            error_messages={"invalid_choice": "区划代码不存在或不在本单位辖区内",
                            "required": "请选择纠纷发生地"})
        if regions.count() > BIG_REGION_LIST:
            region.widget = forms.TextInput(attrs={"placeholder": "12位村（社区）区划代码，例如 410403001001",
                                                   "inputmode": "numeric"})
            region.help_text = "填写统计用区划代码（乡镇9位、村12位）"
        if not self.is_bound:
            if user.organization_id:
                self.initial.setdefault("organization", user.organization_id)
                self.initial.setdefault("region", home.code)
            self.initial.setdefault("arose_on", timezone.localdate())
        for name in ("source", "channel"):
            self.fields[name].choices = [("", "请选择"), *self.fields[name].choices[1:]]
        self.style_fields()

    def clean_arose_on(self):
        d = self.cleaned_data["arose_on"]
        if d and d > timezone.localdate():
            raise ValidationError("纠纷发生日期不能晚于今天")
        if d and d.year < 1950:
            raise ValidationError("纠纷发生日期不合理")
        return d

    def clean_people_count(self):
        n = self.cleaned_data["people_count"]
        if n is not None and n < 1:
            raise ValidationError("涉及人数至少为1")
        return n

    def clean_amount_at_stake(self):
        return self.cleaned_data.get("amount_at_stake") or 0


GENDERS = [("", "—"), ("男", "男"), ("女", "女")]


class PartyForm(BootstrapMixin, forms.Form):
    """One party (当事人) or agent (代理人). The rules are ``validators.party`` (shared with the
    services and the API); ``warnings`` holds notes that do not block saving."""

    role = forms.ChoiceField(label="身份", choices=Party.Role.choices)
    kind = forms.ChoiceField(label="类型", choices=Party.Kind.choices, initial=Party.Kind.PERSON)
    agent_for = forms.TypedChoiceField(label="代理哪一方", required=False, coerce=int, empty_value=None)
    name = forms.CharField(label="姓名/名称", required=False)
    gender = forms.ChoiceField(label="性别", choices=GENDERS, required=False)
    ethnicity = forms.CharField(label="民族", required=False, widget=forms.TextInput(attrs={"list": "ethnicities"}))
    birth_date = forms.DateField(label="出生日期", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    occupation = forms.CharField(label="职业或职务", required=False)
    id_type = forms.ChoiceField(label="证件类型", choices=[("", "—"), *Party.IdType.choices], required=False,
                                initial=Party.IdType.RESIDENT)
    id_number = forms.CharField(label="证件号码", required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label="联系电话", required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    address = forms.CharField(label="住址/单位", required=False)
    credit_code = forms.CharField(label="统一社会信用代码", required=False)
    legal_rep = forms.CharField(label="法定代表人", required=False)

    def __init__(self, *args, max_rows=20, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: dict[str, list[str]] = {}
        self.fields["agent_for"].choices = [("", "—")] + [(i, f"第{i + 1}名当事人") for i in range(max_rows)]
        for name in ("name", "ethnicity", "occupation", "id_number", "phone", "address", "credit_code", "legal_rep"):
            limit(self.fields[name], name)
        self.style_fields()

    CONTENT_FIELDS = ("name", "birth_date", "occupation", "id_number", "phone", "address", "credit_code",
                      "legal_rep", "ethnicity")

    def has_changed(self):
        """A row counts as filled in when any of its content fields is (role and type alone do not)."""
        return any((self[f].data or "").strip() for f in self.CONTENT_FIELDS)

    def warn(self, field: str, message: str) -> None:
        self.warnings.setdefault(field, []).append(message)

    def clean(self):
        data = super().clean()
        if not self.has_changed() or self.errors:
            return data
        if data.get("role") == Party.Role.AGENT and data.get("agent_for") is None:
            self.add_error("agent_for", "请选择代理人所代理的当事人")
            return data
        try:
            clean, notes = validators.party(0, data)
        except validators.PartyError as e:
            self.add_error(e.party_field if e.party_field in self.fields else None, e.message.split("：", 1)[-1])
            return data
        for note in notes:
            field = "gender" if "性别" in note else ("credit_code" if "信用代码" in note else "id_number")
            self.warn(field, note.split("：", 1)[-1])
        clean["agent_for"] = data.get("agent_for") if data.get("role") == Party.Role.AGENT else None
        return clean


class BasePartyFormSet(forms.BaseFormSet):
    """The parties of a registration; rows left empty are ignored."""

    default_roles = [Party.Role.APPLICANT, Party.Role.RESPONDENT]

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.default_roles):
            kwargs["initial"] = {"role": self.default_roles[index]}
        return kwargs

    def kept_forms(self):
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def clean(self):
        if any(self.errors):
            return
        kept = self.kept_forms()
        if not any(f.cleaned_data.get("role") != Party.Role.AGENT for f in kept):
            raise ValidationError("请至少填写一名当事人")
        index = {id(f): i for i, f in enumerate(self.forms)}
        for f in kept:
            if f.cleaned_data.get("role") != Party.Role.AGENT:
                continue
            target = f.cleaned_data.get("agent_for")
            principal = self.forms[target] if target is not None and target < len(self.forms) else None
            if (principal is None or principal not in kept or principal.cleaned_data.get("role") == Party.Role.AGENT
                    or index[id(principal)] == index[id(f)]):
                f.add_error("agent_for", "所代理的当事人不存在，请选择已填写的申请人、被申请人或第三人")
        if any(self.errors):
            raise ValidationError("请更正当事人信息中的错误")

    def parties(self) -> list[dict]:
        """Party dicts for the intake function: principals first, then agents (``agent_for`` is the
        index among the principals). ``forms_in_order`` keeps the form of each dict."""
        kept = self.kept_forms()
        principals = [f for f in kept if f.cleaned_data["role"] != Party.Role.AGENT]
        agents = [f for f in kept if f.cleaned_data["role"] == Party.Role.AGENT]
        position = {id(f): i for i, f in enumerate(principals)}
        self.forms_in_order = principals + agents
        out = []
        for f in principals + agents:
            d = dict(f.cleaned_data)
            d.pop("DELETE", None)
            if d["role"] == Party.Role.AGENT:
                d["agent_for"] = position[id(self.forms[d["agent_for"]])]
            out.append(d)
        return out

    def warnings(self) -> list[str]:
        out = []
        for i, f in enumerate(self.forms):
            name = getattr(f, "cleaned_data", {}).get("name") or f"第{i + 1}名当事人"
            for msgs in f.warnings.values():
                out += [f"{name}：{m}" for m in msgs]
        return out


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=2, can_delete=True,
                                     max_num=20, absolute_max=20, validate_max=True)


# ---------------------------------------------------------------- transition forms


class TransitionForm(BootstrapMixin, forms.Form):
    """Base of the per-transition forms: carries the case version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        if not self.is_bound:
            self.initial.setdefault("version", case.version)
        self.style_fields()

    def transition_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def text(label, required=True, rows=None, limit_name: str = "reason", **kw):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    field = forms.CharField(label=label, required=required, widget=widget,
                            error_messages={"required": f"请填写{label}"}, **kw)
    return limit(field, limit_name, label)


class RejectForm(TransitionForm):
    """不予受理: the reason, and where the applicant may turn instead (the pointer is written into
    the reason, so the 不予受理告知书 and the applicant's SMS carry it)."""

    POINTERS = [("", "（不作具体建议）"), ("其他人民调解委员会", "其他人民调解委员会"), ("人民法院", "人民法院（起诉）"),
                ("劳动人事争议仲裁委员会", "劳动人事争议仲裁委员会"), ("仲裁机构", "仲裁机构（合同约定仲裁）"),
                ("有关行政机关", "有关行政机关"), ("信访部门", "信访部门")]

    reason = text("不予受理理由", rows=3, help_text="例如：一方明确拒绝调解；已进入诉讼或仲裁程序；不属于民间纠纷")
    pointer = forms.ChoiceField(label="建议当事人向", choices=POINTERS, required=False,
                                help_text="告知申请人可以向哪里寻求解决，写入告知书和短信")
    pointer_detail = limit(forms.CharField(label="具体单位（选填）", required=False,
                                           help_text="例如：卫东区医疗纠纷人民调解委员会、卫东区人民法院"), "name", "具体单位")

    def clean(self):
        data = super().clean()
        if data.get("pointer_detail") and not data.get("pointer"):
            self.add_error("pointer", "填写了具体单位，请同时选择建议的途径")
        return data

    def transition_kwargs(self) -> dict:
        d = self.cleaned_data
        reason = d["reason"].strip().rstrip("。；;.")
        if d.get("pointer"):
            where = d.get("pointer_detail", "").strip() or d["pointer"]
            reason = f"{reason}；建议向{where}寻求解决"
        return {"reason": reason}


def eligible_mediators(case: Case):
    """Active mediators who serve the case's organization or one above it (see
    ``transitions.mediator_may_serve``)."""
    orgs = list(case.organization.ancestors())
    return (Mediator.objects.filter(status=Mediator.Status.ACTIVE)
            .filter(Q(organization__in=orgs) | Q(committees__in=orgs))
            .select_related("organization").distinct().order_by("-organization__path", "name"))


class MediatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organization.name}{'，专职' if obj.full_time else ''}）"


class MediatorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organization.name}{'，专职' if obj.full_time else ''}）"


class AssignForm(TransitionForm):
    mediators = MediatorsField(label="调解员", queryset=Mediator.objects.none(),
                               widget=forms.CheckboxSelectMultiple,
                               error_messages={"required": "请至少选择一名调解员",
                                               "invalid_choice": "所选调解员不能承办本案"})
    lead = MediatorField(label="主办调解员", required=False, queryset=Mediator.objects.none(),
                         empty_label="（默认第一位）")
    note = text("说明", required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.case.assignments.filter(active=True).values_list("mediator_id", flat=True)
        qs = eligible_mediators(self.case).exclude(pk__in=list(current))
        self.fields["mediators"].queryset = qs
        self.fields["lead"].queryset = qs

    def clean(self):
        data = super().clean()
        lead, chosen = data.get("lead"), data.get("mediators")
        if lead and chosen is not None and lead not in chosen:
            self.add_error("lead", "主办调解员须在所选调解员之中")
        return data


class AcceptForm(TransitionForm):
    """受理, and — when the registrar already knows who mediates — 指派调解员 in the same go (two
    steps on the timeline)."""

    time_limit_days = forms.IntegerField(label="调解期限（天）", min_value=1, max_value=90, required=False,
                                         error_messages={"invalid": "请填写整数天数",
                                                         "min_value": "调解期限至少1天",
                                                         "max_value": "调解期限最多90天"})
    note = text("受理说明", required=False, rows=2)
    mediators = MediatorsField(label="同时指派调解员（可不选，稍后指派）", queryset=Mediator.objects.none(),
                               widget=forms.CheckboxSelectMultiple, required=False,
                               error_messages={"invalid_choice": "所选调解员不能承办本案"})
    lead = MediatorField(label="主办调解员", required=False, queryset=Mediator.objects.none(),
                         empty_label="（默认第一位）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("time_limit_days", dates.limit("case_mediation"))
        qs = eligible_mediators(self.case)
        self.fields["mediators"].queryset = qs
        self.fields["lead"].queryset = qs
        self.style_fields()

    def clean(self):
        data = super().clean()
        lead, chosen = data.get("lead"), data.get("mediators")
        if lead and not chosen:
            self.add_error("mediators", "请先选择调解员")
        elif lead and lead not in chosen:
            self.add_error("lead", "主办调解员须在所选调解员之中")
        return data

    def step(self):
        """The function that takes this form's step: accept, or accept and assign."""
        from tiaojie.cases import transitions

        return transitions.accept_and_assign if self.cleaned_data.get("mediators") else transitions.accept

    def transition_kwargs(self) -> dict:
        kw = super().transition_kwargs()
        if not kw.get("mediators"):
            kw.pop("mediators", None)
            kw.pop("lead", None)
        return kw


class ReplaceMediatorForm(TransitionForm):
    old = MediatorField(label="被更换的调解员", queryset=Mediator.objects.none(), empty_label="请选择",
                        error_messages={"required": "请选择被更换的调解员"})
    new = MediatorField(label="新调解员", queryset=Mediator.objects.none(), empty_label="请选择",
                        error_messages={"required": "请选择新调解员"})
    reason = text("更换原因", rows=2)
    recused = forms.BooleanField(label="因当事人申请回避", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(self.case.assignments.filter(active=True).values_list("mediator_id", flat=True))
        self.fields["old"].queryset = Mediator.objects.filter(pk__in=current).select_related("organization")
        self.fields["new"].queryset = eligible_mediators(self.case).exclude(pk__in=current)


def not_in_future(value, label, case=None):
    if value and value > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(f"{label}不能晚于现在")
    if value and case is not None and case.accepted_on and timezone.localtime(value).date() < case.accepted_on:
        raise ValidationError(f"{label}不能早于受理日期（{case.accepted_on:%Y-%m-%d}）")
    return value


class RecordSessionForm(TransitionForm):
    held_at = forms.DateTimeField(label="调解时间", widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS,
                                  error_messages={"invalid": "请输入有效的日期和时间", "required": "请填写调解时间"})
    place = text("地点", limit_name="place")
    participants = text("参加人", limit_name="participants", help_text="当事人、调解员及其他参加人员")
    content = text("调解情况", rows=6, limit_name="content", help_text="告知事项、各方陈述、调解过程及结果")
    recorder = text("记录人", required=False, limit_name="person")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_at", timezone.localtime().replace(second=0, microsecond=0))
        self.initial.setdefault("recorder", self.user.label)

    def clean_held_at(self):
        return not_in_future(self.cleaned_data["held_at"], "调解时间", self.case)


class RecordInvestigationForm(TransitionForm):
    held_at = forms.DateTimeField(label="调查时间", widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS,
                                  error_messages={"invalid": "请输入有效的日期和时间", "required": "请填写调查时间"})
    place = text("地点", limit_name="place")
    subject = text("被调查人", limit_name="name")
    investigators = text("调查人", limit_name="name")
    content = text("调查内容", rows=6, limit_name="content")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_at", timezone.localtime().replace(second=0, microsecond=0))
        self.initial.setdefault("investigators", self.user.label)

    def clean_held_at(self):
        return not_in_future(self.cleaned_data["held_at"], "调查时间", self.case)


class ExtendForm(TransitionForm):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=90,
                              error_messages={"invalid": "请填写整数天数", "required": "请填写延长天数",
                                              "min_value": "延长天数应在1到90天之间",
                                              "max_value": "延长天数应在1到90天之间"})
    reason = text("延期理由", rows=3)


class SucceedForm(TransitionForm):
    kind = forms.ChoiceField(label="协议形式", choices=Agreement.Kind.choices, widget=forms.RadioSelect,
                             initial=Agreement.Kind.WRITTEN, error_messages={"required": "请选择协议形式"})
    facts = text("纠纷主要事实", required=False, rows=3, limit_name="agreement_text")
    issues = text("争议事项", required=False, rows=2, limit_name="agreement_text")
    responsibilities = text("各方责任", required=False, rows=2, limit_name="agreement_text")
    terms = text("协议内容", required=False, rows=4, limit_name="terms", help_text="口头协议请记录协议的具体内容")
    performance_method = text("履行方式", required=False, limit_name="short")
    performance_deadline = forms.DateField(label="履行期限", required=False, widget=DATE_WIDGET,
                                           error_messages=DATE_ERRORS)
    amount = amount_field("协议金额（元）")
    effective_on = forms.DateField(label="生效日期", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS,
                                   help_text="书面协议自各方签名、盖章或按指印并经调解员签名、加盖调委会印章之日起生效；"
                                             "口头协议自达成之日起生效")

    WRITTEN_ONLY = ("facts", "issues", "responsibilities", "performance_method", "performance_deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("effective_on", timezone.localdate())
        self.initial.setdefault("facts", self.case.facts)

    def transition_kwargs(self):
        kw = super().transition_kwargs()
        kw["amount"] = kw.get("amount") or 0
        for f in ("facts", "issues", "responsibilities", "terms", "performance_method"):
            kw[f] = kw.get(f) or ""
        return kw


ROUTES_LABEL = ("已告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利"
                "（《人民调解法》第二十六条）")


class FailForm(TransitionForm):
    reason = text("调解不成的原因", rows=3)
    routes_informed = forms.BooleanField(label=ROUTES_LABEL, required=False)


class TerminateForm(TransitionForm):
    reason = text("终止调解的原因", rows=3, help_text="例如：当事人要求终止调解；一方明确拒绝继续调解")
    routes_informed = forms.BooleanField(label=ROUTES_LABEL, required=False)


FOLLOW_UP_METHODS = [("上门", "上门"), ("电话", "电话"), ("来访", "来访"), ("视频", "视频/微信")]


class FollowUpForm(TransitionForm):
    visited_on = forms.DateField(label="回访日期", widget=DATE_WIDGET,
                                 error_messages={**DATE_ERRORS, "required": "请填写回访日期"})
    visitor = text("回访人", limit_name="person")
    method = forms.ChoiceField(label="回访方式", choices=FOLLOW_UP_METHODS, initial="上门")
    performance = forms.ChoiceField(label="履行情况", choices=FollowUp.Performance.choices,
                                    widget=forms.RadioSelect, error_messages={"required": "请选择履行情况"})
    satisfaction = forms.ChoiceField(label="当事人满意度", choices=FollowUp.Satisfaction.choices,
                                     widget=forms.RadioSelect, error_messages={"required": "请选择满意度"})
    notes = text("回访情况", required=False, rows=3, limit_name="note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", timezone.localdate())
        self.initial.setdefault("visitor", self.user.label)


class ArchiveForm(TransitionForm):
    note = text("归档说明", required=False, rows=2, help_text="卷宗材料齐全后归档；归档后案件只读")
    force_reason = text("材料不齐全时强制归档的理由", required=False, rows=2,
                        help_text="仅在卷宗缺少必备材料时填写，须由司法所及以上工作人员办理")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from tiaojie.cases.archiving import missing_items

        self.missing = missing_items(self.case)
        if not self.missing:
            del self.fields["force_reason"]


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "assign": AssignForm,
    "replace_mediator": ReplaceMediatorForm,
    "record_session": RecordSessionForm,
    "record_investigation": RecordInvestigationForm,
    "extend": ExtendForm,
    "succeed": SucceedForm,
    "fail": FailForm,
    "terminate": TerminateForm,
    "follow_up": FollowUpForm,
    "archive": ArchiveForm,
}



class CorrectForm(TransitionForm):
    """更正登记信息: the registered fields and each party's identifiers, prefilled; only what
    changes is sent to ``transitions.correct_record``."""

    facts = text("纠纷简要情况", rows=4, limit_name="facts")
    claims = text("申请事项", required=False, rows=2, limit_name="claims")
    place_detail = text("详细地点", required=False, limit_name="place_detail")
    arose_on = forms.DateField(label="纠纷发生日期", widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    people_count = forms.IntegerField(label="涉及人数", min_value=1, error_messages={"min_value": "涉及人数至少为1"})
    amount_at_stake = amount_field("涉及金额")
    reason = text("更正理由", rows=2, help_text="例如：登记时证件号码录错，经核对身份证原件更正")

    PARTY_FIELDS = ("name", "id_number", "phone", "address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        c = self.case
        self.parties = list(c.parties.order_by("id"))
        for f in ("facts", "claims", "place_detail", "arose_on", "people_count", "amount_at_stake"):
            self.initial.setdefault(f, getattr(c, f))
        for p in self.parties:
            for f in self.PARTY_FIELDS:
                key = f"p{p.pk}_{f}"
                label = f"{p.get_role_display()}{p.name}的" + {"name": "姓名/名称", "id_number": "证件号码",
                                                              "phone": "联系电话", "address": "住址/单位"}[f]
                field = forms.CharField(label=label, required=f == "name")
                self.fields[key] = limit(field, f, label)
                # identifiers are shown masked; typing a new value replaces them
                self.initial.setdefault(key, "" if f in ("id_number", "phone") else getattr(p, f))
                if f in ("id_number", "phone"):
                    masked = p.id_masked if f == "id_number" else p.phone_masked
                    field.help_text = f"现为 {masked or '（空）'}，留空则不更改"
        self.style_fields()

    def changes(self) -> dict:
        d = self.cleaned_data
        c = self.case
        fields = {}
        for f in ("facts", "claims", "place_detail", "arose_on", "people_count", "amount_at_stake"):
            if d.get(f) != getattr(c, f) and not (f == "amount_at_stake" and (d.get(f) or 0) == c.amount_at_stake):
                fields[f] = d.get(f)
        parties = {}
        for p in self.parties:
            values = {}
            for f in self.PARTY_FIELDS:
                v = (d.get(f"p{p.pk}_{f}") or "").strip()
                if f in ("id_number", "phone"):
                    if v:
                        values[f] = v
                elif v != getattr(p, f):
                    values[f] = v
            if values:
                parties[p.pk] = values
        return {"fields": fields, "parties": parties}
