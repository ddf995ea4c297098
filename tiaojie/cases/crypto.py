"""Protected storage of identifiers (DOMAIN.md §8): encrypted at rest, found by a keyed hash."""
import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


@lru_cache(maxsize=1)
def _key_material() -> bytes:
    raw = settings.TIAOJIE_DATA_KEY or settings.SECRET_KEY
    return hashlib.sha256(("tiaojie-personal-data:" + raw).encode()).digest()


@lru_cache(maxsize=1)
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material()))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return "（无法解密）"


def lookup_hash(value: str) -> str:
    """A keyed hash to find equal identifiers without storing them in clear."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    return hmac.new(_key_material(), value.encode(), hashlib.sha256).hexdigest()


@receiver(setting_changed)
def _forget_key(*, setting, **kwargs):
    """Tests that override the key must not keep using the cached old one."""
    if setting in ("TIAOJIE_DATA_KEY", "SECRET_KEY"):
        _key_material.cache_clear()
        _fernet.cache_clear()
