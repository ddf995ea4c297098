"""Redirects to a ``next`` address only when it stays on this site (no open redirect)."""
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, value: str | None, default: str) -> str:
    """``value`` when it is a URL of this site (same host, no other scheme), else ``default``."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return default
