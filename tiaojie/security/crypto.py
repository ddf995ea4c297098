"""Protected storage of identifiers (DOMAIN.md §8): encrypted at rest, found by a keyed hash.

* ``TIAOJIE_DATA_KEY`` is a comma separated list of keys, newest first. New values are encrypted
  under the newest; every key in the list still decrypts (``MultiFernet``), and
  ``manage.py rotate_data_key`` re-encrypts stored values under the newest key.
* ``TIAOJIE_HASH_KEY`` keys the look-up hash. It defaults to the *oldest* data key, so adding a
  newer data key at the front of the list never changes a stored hash; once the oldest key is
  dropped from the list (after rotation), set ``TIAOJIE_HASH_KEY`` to it explicitly.
* A value that no key decrypts is an error: logged on ``tiaojie.security``, recorded for the
  security administrator (``security.DecryptFailure``) and shown as ``DECRYPT_FAILED``.

Models declare their identifiers with ``tiaojie.security.protected.Protected`` (encrypted,
hashed, masked); other encrypted columns can be listed in a class attribute ``encrypted_fields``.
``encrypted_columns()`` finds them all for rotation and backups.
"""
import hashlib
import hmac
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from tiaojie.security import keys

log = logging.getLogger("tiaojie.security")

DECRYPT_FAILED = "（解密失败，已报告管理员）"


class DecryptError(Exception):
    """No configured key decrypts a stored value."""


def data_keys() -> list[str]:
    return keys.split_keys(settings.TIAOJIE_DATA_KEY or "")


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    raw = data_keys()
    if not raw:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("未设置 TIAOJIE_DATA_KEY，无法加解密个人信息")
    return MultiFernet([Fernet(keys.fernet_key(k)) for k in raw])


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    raw = getattr(settings, "TIAOJIE_HASH_KEY", "") or (data_keys() or [""])[-1]
    return keys.hash_key(raw)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt_strict(token: str) -> str:
    """Decrypt or raise ``DecryptError``."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError) as exc:
        raise DecryptError("no configured data key decrypts this value") from exc


def decrypt(token: str, where: str = "") -> str:
    """Decrypt for display; a failure is logged, recorded for administrators and shown as such."""
    try:
        return decrypt_strict(token)
    except DecryptError:
        report_failure(where or "（未注明位置）")
        return DECRYPT_FAILED


def rotate(token: str) -> str:
    """The same value re-encrypted under the newest key (raises ``DecryptError``)."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptError("no configured data key decrypts this value") from exc


def is_current(token: str) -> bool:
    """True when the newest key decrypts the token (nothing to rotate)."""
    if not token:
        return True
    try:
        Fernet(keys.fernet_key(data_keys()[0])).decrypt(token.encode())
        return True
    except (InvalidToken, ValueError, TypeError):
        return False


def lookup_hash(value: str) -> str:
    """A keyed hash to find equal identifiers without storing them in clear."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


_reported: set[str] = set()


def report_failure(where: str) -> None:
    """Log the failure and record it once per place and process (the page keeps working)."""
    log.error("个人信息解密失败：%s（现有密钥均无法解密，请检查 TIAOJIE_DATA_KEY）", where)
    if where in _reported:
        return
    if len(_reported) > 10_000:
        _reported.clear()
    _reported.add(where)
    try:
        from tiaojie.security.models import DecryptFailure

        DecryptFailure.record(where)
    except Exception:  # recording must never break the page that showed the value
        log.exception("无法记录解密失败")


def declared_encrypted(model) -> list[str]:
    """The encrypted columns of a model: its ``Protected`` identifiers and ``encrypted_fields``."""
    from tiaojie.security.protected import protected_fields

    names = [p.enc for p in protected_fields(model).values()]
    names += [n for n in getattr(model, "encrypted_fields", ()) or () if n not in names]
    return names


def encrypted_columns():
    """Every (model, field name) declared as encrypted (see ``declared_encrypted``)."""
    from django.apps import apps

    out = []
    for model in apps.get_models():
        for name in declared_encrypted(model):
            model._meta.get_field(name)  # fails loudly on a typo
            out.append((model, name))
    return out


@receiver(setting_changed)
def _forget_key(*, setting, **kwargs):
    """Tests that override a key must not keep using the cached old one."""
    if setting in ("TIAOJIE_DATA_KEY", "TIAOJIE_HASH_KEY", "SECRET_KEY"):
        _fernet.cache_clear()
        _hash_key.cache_clear()
        _reported.clear()
