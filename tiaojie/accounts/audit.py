"""Recording the login audit (signals from Django auth, django-axes and the session middleware)."""
import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tiaojie.accounts.models import LoginEvent

log = logging.getLogger("tiaojie.security")


def client_ip(request) -> str | None:
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        from axes.helpers import get_client_ip_address

        try:
            ip = get_client_ip_address(request)
        except Exception:
            ip = request.META.get("REMOTE_ADDR")
    return ip or None


def record(kind: str, request=None, *, user=None, username: str = "", detail: str = "") -> LoginEvent:
    ua = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    name = username or (user.get_username() if user is not None else "")
    ev = LoginEvent.objects.create(kind=kind, username=name[:150], user=user if user and user.pk else None,
                                   ip=client_ip(request), user_agent=ua, detail=detail[:200])
    log.info("login audit: %s %s %s", kind, name, ev.ip)
    return ev


@receiver(user_logged_in, dispatch_uid="tiaojie-login-audit-in")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from tiaojie.security.middleware import start_session_clock

        start_session_clock(request)
    record(LoginEvent.Kind.SUCCESS, request, user=user)


@receiver(user_logged_out, dispatch_uid="tiaojie-login-audit-out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None and not getattr(request, "_tiaojie_timeout", False):
        record(LoginEvent.Kind.LOGOUT, request, user=user)


@receiver(user_login_failed, dispatch_uid="tiaojie-login-audit-failed")
def _failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "") or ""
    kind = LoginEvent.Kind.OTP_FAILURE if (credentials or {}).get("otp") else LoginEvent.Kind.FAILURE
    if request is not None and getattr(request, "axes_locked_out", False):
        detail = "账号或地址已锁定，登录被拒绝"
    else:
        detail = ""
    record(kind, request, username=username, detail=detail)


def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(LoginEvent.Kind.LOCKOUT, request, username=username or "",
           detail=f"连续登录失败，锁定账号 {username or ''} 与地址 {ip_address or ''}")


def connect_axes() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="tiaojie-login-audit-lockout")
