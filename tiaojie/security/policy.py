"""The security policy in force: the admin-edited row if there is one, else the settings."""
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


@dataclass(frozen=True)
class Policy:
    failure_limit: int
    lockout_minutes: int
    password_min_length: int
    password_max_age_days: int
    idle_timeout_minutes: int
    session_max_hours: int
    require_2fa_for_admins: bool


_cache: dict = {}
TTL = 30  # seconds; several processes see an edit within this time


def current() -> Policy:
    hit = _cache.get("p")
    if hit and hit[0] > time.monotonic():
        return hit[1]
    from django.db import DatabaseError

    from tiaojie.security.models import SecurityPolicy

    values = SecurityPolicy.defaults()
    try:
        row = SecurityPolicy.objects.filter(pk=1).values(*values).first()
    except DatabaseError:  # before migrations
        row = None
    if row:
        values.update(row)
    p = Policy(**values)
    _cache["p"] = (time.monotonic() + TTL, p)
    return p


def forget(**kwargs) -> None:
    _cache.clear()


receiver(setting_changed)(forget)


@receiver(post_save, sender="security.SecurityPolicy")
@receiver(post_delete, sender="security.SecurityPolicy")
def _changed(**kwargs):
    forget()


# django-axes reads these through AXES_FAILURE_LIMIT / AXES_COOLOFF_TIME
def axes_failure_limit(request=None, credentials=None) -> int:
    return current().failure_limit


def axes_cooloff(request=None) -> timedelta:
    return timedelta(minutes=current().lockout_minutes)
