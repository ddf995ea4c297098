"""Login with lockout and a second factor, password change, account security, the login audit."""
import time
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tiaojie.accounts.audit import record
from tiaojie.accounts.models import LoginEvent, Role
from tiaojie.core.forms import DATE_ERRORS, DATE_WIDGET
from tiaojie.security.policy import current as current_policy
from tiaojie.security.redirects import safe_next

PENDING = "tj_pending_2fa"
PENDING_SECONDS = 300


def landing(user) -> str:
    if user.role == Role.AUDIT_ADMIN:
        return reverse("accounts:audit")
    if user.role in (Role.SYS_ADMIN, Role.SEC_ADMIN):
        return reverse("admin:index")
    return reverse("cases:todo")


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def needs_second_factor(user) -> bool:
    if confirmed_device(user) is not None:
        return True
    return current_policy().require_2fa_for_admins and user.must_use_2fa


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。连续失败 %(limit)s 次将锁定账号。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def get_invalid_login_error(self):
        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                     params={"limit": current_policy().failure_limit})


class LoginView(auth_views.LoginView):
    """Step one: user name and password (django-axes counts failures and refuses locked ones)."""

    template_name = "login.html"
    form_class = LoginForm
    redirect_authenticated_user = False

    def get_success_url(self):
        return safe_next(self.request, self.get_redirect_url(), landing(self.request.user))

    def get_redirect_url(self):
        value = self.request.POST.get("next", self.request.GET.get("next", ""))
        return safe_next(self.request, value, "")

    def form_valid(self, form):
        user = form.get_user()
        if needs_second_factor(user):
            self.request.session[PENDING] = {"uid": user.pk, "backend": user.backend, "at": int(time.time()),
                                             "next": self.get_redirect_url()}
            return redirect("accounts:otp")
        auth_login(self.request, user)
        return redirect(safe_next(self.request, self.get_redirect_url(), landing(user)))


def admin_login_redirect(request):
    """/admin/login/ goes through the platform's login (lockout, second factor, audit)."""
    from django.utils.http import urlencode

    nxt = safe_next(request, request.GET.get("next"), reverse("admin:index"))
    return redirect(reverse("login") + "?" + urlencode({"next": nxt}))


def _pending_user(request):
    data = request.session.get(PENDING)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=data["uid"], is_active=True).first()
    return user, data


class TokenForm(forms.Form):
    token = forms.CharField(label="动态口令", min_length=6, max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "class": "form-control", "autofocus": True}))

    def clean_token(self):
        t = self.cleaned_data["token"].strip().replace(" ", "")
        if not t.isdigit():
            raise forms.ValidationError("动态口令是 6 位数字")
        return t


def _qr_data_uri(device) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _setup_device(user):
    """The user's unconfirmed device for enrolment (a fresh key each time one is made)."""
    dev = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if dev is None:
        dev = TOTPDevice.objects.create(user=user, name="手机动态口令", confirmed=False)
    return dev


@sensitive_post_parameters("token")
@never_cache
def otp_step(request):
    """Step two: the TOTP code, or enrolment (QR code) for a user who must have one and has none."""
    from axes.handlers.proxy import AxesProxyHandler

    user, data = _pending_user(request)
    if user is None:
        messages.info(request, "请先输入用户名和密码。")
        return redirect("login")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        return locked_out(request, None, credentials)
    device = confirmed_device(user)
    enrol = device is None
    if enrol:
        device = _setup_device(user)
    form = TokenForm(request.POST or None)
    allowed, why = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        wait = max(1, int(((why or {}).get("locked_until") or timezone.now()).timestamp() - time.time()) + 1)
        form.add_error("token", f"动态口令错误次数过多，请 {wait} 秒后再试。")
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrol:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(LoginEvent.Kind.OTP_ENROLL, request, user=user)
            request.session.pop(PENDING, None)
            user.backend = data["backend"]
            auth_login(request, user, backend=data["backend"])
            otp_login(request, device)
            return redirect(safe_next(request, data.get("next"), landing(user)))
        user_login_failed.send(sender=__name__, credentials={**credentials, "otp": True}, request=request)
        if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING, None)
            return locked_out(request, None, credentials)
        form.add_error("token", "动态口令不正确或已过期，请查看手机上的最新口令。")
    ctx = {"form": form, "enrol": enrol, "pending_user": user}
    if enrol:
        ctx.update(qr=_qr_data_uri(device), secret=_b32(device))
    return render(request, "accounts/otp.html", ctx)


def _b32(device) -> str:
    import base64

    s = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def locked_out(request, original_response=None, credentials=None):
    """django-axes: the login page with the lock explained in Chinese (HTTP 429)."""
    p = current_policy()
    msg = (f"连续登录失败已达 {p.failure_limit} 次，该账号或本机地址已被锁定 {p.lockout_minutes} 分钟。"
           "如需提前解锁，请联系安全管理员。")
    form = LoginForm(request)
    return render(request, "login.html", {"form": form, "locked_message": msg, "next": ""}, status=429)


class ChinesePasswordChangeForm(PasswordChangeForm):
    error_messages = {**PasswordChangeForm.error_messages,
                      "password_incorrect": "原密码不正确，请重新输入。",
                      "password_mismatch": "两次输入的新密码不一致。"}

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError("新密码不能与原密码相同。")
        return new


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChinesePasswordChangeForm

    def get_success_url(self):
        return landing(self.request.user)

    def form_valid(self, form):
        resp = super().form_valid(form)
        user = form.user
        get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        record(LoginEvent.Kind.PASSWORD_CHANGE, self.request, user=user)
        messages.success(self.request, "密码已修改。")
        return resp

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["policy"] = current_policy()
        return ctx


@login_required
@never_cache
def security(request):
    """My account security: password, and the optional (or required) second factor."""
    user = request.user
    device = confirmed_device(user)
    required = current_policy().require_2fa_for_admins and user.must_use_2fa
    ctx = {"device": device, "required": required, "policy": current_policy(),
           "password_since": user.password_changed_at or user.date_joined}
    if device is None and request.GET.get("setup") == "1":
        dev = _setup_device(user)
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if dev.verify_token(form.cleaned_data["token"]):
                dev.confirmed = True
                dev.save(update_fields=["confirmed"])
                otp_login(request, dev)
                record(LoginEvent.Kind.OTP_ENROLL, request, user=user)
                messages.success(request, "已绑定手机动态口令，今后登录需输入动态口令。")
                return redirect("accounts:security")
            form.add_error("token", "动态口令不正确或已过期，请查看手机上的最新口令。")
        ctx.update(setup=True, form=form, qr=_qr_data_uri(dev), secret=_b32(dev))
    return render(request, "accounts/security.html", ctx)


@login_required
@require_POST
def otp_remove(request):
    if current_policy().require_2fa_for_admins and request.user.must_use_2fa:
        raise PermissionDenied("您的角色必须使用双因素认证，不能解除绑定。如需更换手机，请联系安全管理员。")
    TOTPDevice.objects.filter(user=request.user).delete()
    messages.success(request, "已解除手机动态口令。")
    return redirect("accounts:security")


# --- the login audit (审计管理员) -------------------------------------------------------------------

class AuditFilter(forms.Form):
    q = forms.CharField(label="用户名", required=False, max_length=150)
    kind = forms.ChoiceField(label="事件", required=False, choices=[("", "全部")] + LoginEvent.Kind.choices)
    ip = forms.CharField(label="地址", required=False, max_length=45)
    start = forms.DateField(label="起", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    end = forms.DateField(label="止", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select form-select-sm" if isinstance(f, forms.ChoiceField)
                                      else "form-control form-control-sm")


def can_read_audit(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.AUDIT_ADMIN)


def _audit_queryset(form):
    qs = LoginEvent.objects.all()
    if not form.is_valid():
        return qs.none()
    d = form.cleaned_data
    if d["q"]:
        qs = qs.filter(username__icontains=d["q"])
    if d["kind"]:
        qs = qs.filter(kind=d["kind"])
    if d["ip"]:
        qs = qs.filter(Q(ip=d["ip"]) if _is_ip(d["ip"]) else Q(ip__startswith=d["ip"]))
    tz = timezone.get_current_timezone()
    if d["start"]:
        qs = qs.filter(at__gte=timezone.datetime.combine(d["start"], timezone.datetime.min.time(), tz))
    if d["end"]:
        qs = qs.filter(at__lt=timezone.datetime.combine(d["end"], timezone.datetime.min.time(), tz)
                       + timezone.timedelta(days=1))
    return qs


def _is_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


EXPORT_LIMIT = 200_000


@login_required
def audit(request):
    if not can_read_audit(request.user):
        raise PermissionDenied("登录审计只有审计管理员可以查看。")
    form = AuditFilter(request.GET or None)
    qs = _audit_queryset(form) if request.GET else LoginEvent.objects.all()
    if request.GET.get("export") == "xlsx":
        from tiaojie.core.xlsx import sheet_bytes, xlsx_response

        rows = ([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.get_kind_display(), e.username,
                 e.ip or "", e.user_agent, e.detail] for e in qs[:EXPORT_LIMIT].iterator(chunk_size=2000))
        data = sheet_bytes("登录审计", ["时间", "事件", "用户名", "地址", "浏览器", "说明"], rows,
                           widths=[20, 14, 18, 18, 50, 40])
        record_export = f"导出登录审计 {qs.count()} 条"
        from tiaojie.accounts.models import PersonalDataAccess

        PersonalDataAccess.objects.create(user=request.user, what="导出登录审计", object_repr=record_export)
        return xlsx_response(data, f"登录审计-{timezone.localdate():%Y%m%d}.xlsx")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "query": params.urlencode(),
                                                   "export_query": urlencode({**params.dict(), "export": "xlsx"})})
