"""Session limits and the password policy, enforced on the server for every request.

* Idle timeout: no request for ``idle_timeout_minutes`` ends the session. Polling requests
  (header ``X-Tiaojie-Poll``: progress bars) do not count as activity.
* Absolute limit: a session lives at most ``session_max_hours`` from login, active or not.
* Password: a user whose password must change (first login after an administrator set it, or
  older than ``password_max_age_days``) can reach only the password change page and logout.
"""
import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from tiaojie.security.policy import current

AUTH_AT, SEEN_AT = "tj_auth_at", "tj_seen_at"
TOUCH_EVERY = 30  # seconds: the session is written at most this often for activity alone


def start_session_clock(request) -> None:
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


def _away(request, to: str, message: str):
    """Send the browser to ``to``: a redirect, an htmx redirect, or a JSON answer for /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=401)
    if request.headers.get("HX-Request"):
        resp = HttpResponse(status=204)
        resp["HX-Redirect"] = to
        return resp
    return redirect(to)


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            p = current()
            auth_at = request.session.get(AUTH_AT)
            seen_at = request.session.get(SEEN_AT)
            if auth_at is None:  # a session from before these limits (or a test's force_login)
                start_session_clock(request)
            elif now - auth_at > p.session_max_hours * 3600:
                return self._end(request, f"登录已超过 {p.session_max_hours} 小时，请重新登录。")
            elif seen_at is not None and now - seen_at > p.idle_timeout_minutes * 60:
                return self._end(request, f"您已超过 {p.idle_timeout_minutes} 分钟未操作，为保护数据安全已自动退出，请重新登录。")
            elif not request.headers.get("X-Tiaojie-Poll") and (seen_at is None or now - seen_at >= TOUCH_EVERY):
                request.session[SEEN_AT] = now
        return self.get_response(request)

    def _end(self, request, message: str):
        from tiaojie.accounts.audit import record
        from tiaojie.accounts.models import LoginEvent

        user = request.user
        record(LoginEvent.Kind.TIMEOUT, request, user=user, detail=message[:200])
        request._tiaojie_timeout = True
        logout(request)
        messages.warning(request, message)
        nxt = request.get_full_path() if request.method == "GET" else ""
        to = reverse("login") + ("?" + urlencode({"next": nxt}) if nxt and not request.path.startswith("/api/") else "")
        return _away(request, to, message)


EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz", "/logout/", "/login/", "/accounts/password/",
                   "/api/")


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES)
                and hasattr(user, "password_expired")):
            p = current()
            if user.must_change_password:
                reason = "首次登录或管理员重置了您的密码，请先设置自己的新密码。"
            elif user.password_expired(p.password_max_age_days):
                reason = f"您的密码已使用超过 {p.password_max_age_days} 天，请修改密码后继续。"
            else:
                reason = ""
            if reason:
                messages.warning(request, reason)
                return _away(request, reverse("accounts:password_change"), reason)
        return self.get_response(request)
