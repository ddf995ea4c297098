from django import forms

from tiaojie.cases.models import DisputeType
from tiaojie.core.forms import BootstrapMixin
from tiaojie.core.validators import TEXT_LIMITS
from tiaojie.orgs.models import Region, RegionLevel

MOBILE = {"inputmode": "numeric", "autocomplete": "tel", "placeholder": "11位手机号码", "maxlength": 11}


class PublicForm(BootstrapMixin, forms.Form):
    """A form of the public pages: Bootstrap-styled widgets (full-width, 44 px touch targets)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class PhoneForm(PublicForm):
    phone = forms.CharField(label="手机号码", max_length=20, widget=forms.TextInput(attrs=MOBILE),
                            error_messages={"required": "请填写手机号码"})
    captcha = forms.CharField(label="图片中的数字", max_length=8, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args, need_captcha: bool = False, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.need_captcha, self.session = need_captcha, session
        if not need_captcha:
            del self.fields["captcha"]

    def clean(self):
        data = super().clean()
        if self.need_captcha and not self.errors:
            from tiaojie.public import captcha

            if not captcha.check(self.session, data.get("captcha", "")):
                self.add_error("captcha", "图片验证码不正确，请看清后重新输入")
        return data


class CodeForm(PublicForm):
    code = forms.CharField(label="短信验证码", max_length=6, error_messages={"required": "请填写短信验证码"},
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "placeholder": "6位数字"}))


class TrackForm(PhoneForm):
    code = forms.CharField(label="案件查询码", max_length=20, error_messages={"required": "请填写案件查询码"},
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "10位查询码"}))
    field_order = ["code", "phone"]


def _region_label(r: Region, names: dict) -> str:
    parts, p = [], r
    while p is not None and p.level != RegionLevel.CITY:
        parts.append(p.name)
        p = names.get(p.parent_id)
    return " ".join(reversed(parts))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def T(name):
    return TEXT_LIMITS[name]


class ApplyForm(PublicForm):
    # 我是谁
    name = forms.CharField(label="您的姓名", max_length=T("name"), error_messages={"required": "请填写您的姓名"})
    id_number = forms.CharField(label="身份证号码（选填）", max_length=T("id_number"), required=False)
    address = forms.CharField(label="您的住址（选填）", max_length=T("address"), required=False)
    # 对方是谁
    other_name = forms.CharField(label="对方姓名或单位名称", max_length=T("name"),
                                 error_messages={"required": "请填写对方的姓名或单位名称"})
    other_kind = forms.ChoiceField(label="对方是", choices=[("person", "个人"), ("org", "单位")], initial="person")
    other_phone = forms.CharField(label="对方电话（选填）", max_length=T("phone"), required=False)
    other_address = forms.CharField(label="对方住址或地址（选填）", max_length=T("address"), required=False)
    # 发生了什么
    facts = forms.CharField(label="事情经过（什么时候、在哪里、因为什么、现在怎样）", max_length=T("facts"), widget=forms.Textarea(attrs={"rows": 5}),
                            error_messages={"required": "请写明纠纷的经过"})
    claims = forms.CharField(label="您希望怎样解决", max_length=T("claims"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请写明您的请求"})
    # people seldom know the 17 types: the page suggests them from the facts (apply_help); left empty,
    # the best suggestion is taken and the committee checks it when it accepts
    dispute_type = forms.ModelChoiceField(label="纠纷类型（不清楚可不选）", queryset=DisputeType.objects.none(),
                                          empty_label="不清楚，由调解委员会确定", required=False)
    amount_at_stake = forms.DecimalField(label="涉及金额（元，选填）", required=False, min_value=0, max_digits=14,
                                         decimal_places=2,
                                         widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                                         error_messages={
                                             "invalid": "请填写数字金额，如 8000", "min_value": "金额不能为负数",
                                             "max_digits": "金额过大，请核对", "max_decimal_places": "金额最多到分（两位小数）"})
    arose_on = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": "请填写发生日期", "invalid": "日期格式不正确"})
    # 在哪里
    region = forms.ModelChoiceField(label="发生地（乡镇街道或村社区）", queryset=Region.objects.none(), to_field_name="code",
                                    empty_label="请选择", error_messages={"required": "请选择纠纷发生地"})
    place_detail = forms.CharField(label="详细地点（选填）", max_length=T("place_detail"), required=False)
    files = MultipleFileField(label="照片或材料（选填，JPG/PNG/PDF，最多6个）", required=False,
                              widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
    consent = forms.BooleanField(label="我已阅读并同意上述个人信息处理告知", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute_type"].queryset = DisputeType.objects.filter(is_active=True, parent__isnull=True)
        regions = list(Region.objects.exclude(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by("code"))
        names = {r.pk: r for r in Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.CITY])}
        names.update({r.pk: r for r in regions})
        self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions]).order_by("code")
        labels = {r.pk: _region_label(r, names) for r in regions}
        self.fields["region"].label_from_instance = lambda r: labels.get(r.pk, r.name)


class SignForm(PublicForm):
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField(label="我已阅读协议全文，同意协议内容并签名确认", required=False)


class RatingForm(PublicForm):
    score = forms.TypedChoiceField(label="您对本次调解的评价", coerce=int,
                                   choices=[(5, "5分 非常满意"), (4, "4分 满意"), (3, "3分 一般"), (2, "2分 不满意"),
                                            (1, "1分 很不满意")], widget=forms.RadioSelect,
                                   error_messages={"required": "请选择1到5分", "invalid_choice": "请选择1到5分"})
    comment = forms.CharField(label="意见和建议（选填）", max_length=T("note"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
