"""Protected storage of identifiers (DOMAIN.md §8): encrypted at rest, found by a keyed hash.

* ``TIAOJIE_DATA_KEY`` is a comma separated list of keys, newest first. New values are encrypted
  under the newest; every key in the list still decrypts, and ``manage.py rotate_data_key``
  re-encrypts stored values under the newest key.
* A value is stored as a compact token: URL-safe base64 (no padding) of a format byte, a key
  byte (the first byte of the key's SHA-256), a 12-byte nonce and the AES-256-GCM ciphertext with
  its 16-byte tag — 64 characters for an ID number, 55 for a mobile number (Fernet tokens, which
  values written before December 2026 still are, take 120 and 100: 60 MB over 650,000 parties).
  Both decrypt; rotation rewrites Fernet tokens in the compact form.
* ``TIAOJIE_HASH_KEY`` keys the look-up hash. It defaults to the *oldest* data key, so adding a
  newer data key at the front of the list never changes a stored hash; once the oldest key is
  dropped from the list (after rotation), set ``TIAOJIE_HASH_KEY`` to it explicitly.
* A value that no key decrypts is an error: logged on ``tiaojie.security``, recorded for the
  security administrator (``security.DecryptFailure``) and shown as ``DECRYPT_FAILED``.

Models declare their identifiers with ``tiaojie.security.protected.Protected`` (encrypted,
hashed, masked); other encrypted columns can be listed in a class attribute ``encrypted_fields``.
``encrypted_columns()`` finds them all for rotation and backups.
"""
import base64
import binascii
import hashlib
import hmac
import logging
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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


def _configured() -> list[str]:
    raw = data_keys()
    if not raw:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("未设置 TIAOJIE_DATA_KEY，无法加解密个人信息")
    return raw


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    """The keys as Fernet keys: values written before the compact tokens."""
    return MultiFernet([Fernet(keys.fernet_key(k)) for k in _configured()])


FORMAT = 1                     # the first byte of a compact token
FERNET_PREFIX = "gAAAAA"       # every Fernet token starts so (version 0x80, then a 64-bit timestamp)


@lru_cache(maxsize=1)
def _aead() -> list[tuple[int, AESGCM]]:
    """(key byte, cipher) of every configured key, newest first."""
    out = []
    for k in _configured():
        key = keys.aead_key(k)
        out.append((hashlib.sha256(key).digest()[0], AESGCM(key)))
    return out


def _b64decode(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def _open_compact(token: str, newest_only: bool = False) -> str:
    try:
        blob = _b64decode(token)
    except (binascii.Error, ValueError) as exc:
        raise DecryptError("not a token") from exc
    if len(blob) < 30 or blob[0] != FORMAT:
        raise DecryptError("not a compact token")
    key_byte, nonce, sealed = blob[1], blob[2:14], blob[14:]
    ciphers = _aead()[:1] if newest_only else _aead()
    # the key named by the token first; the others too (two keys may share the byte)
    for _, cipher in sorted(ciphers, key=lambda kc: kc[0] != key_byte):
        try:
            return cipher.decrypt(nonce, sealed, None).decode()
        except InvalidTag:
            continue
    raise DecryptError("no configured data key decrypts this value")


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    raw = getattr(settings, "TIAOJIE_HASH_KEY", "") or (data_keys() or [""])[-1]
    return keys.hash_key(raw)


def encrypt(value: str) -> str:
    """A compact token of ``value`` under the newest key ("" for an empty value)."""
    if not value:
        return ""
    key_byte, cipher = _aead()[0]
    nonce = os.urandom(12)
    blob = bytes((FORMAT, key_byte)) + nonce + cipher.encrypt(nonce, value.encode(), None)
    return base64.urlsafe_b64encode(blob).rstrip(b"=").decode()


def decrypt_strict(token: str) -> str:
    """Decrypt (a compact or a Fernet token) or raise ``DecryptError``."""
    if not token:
        return ""
    if token.startswith(FERNET_PREFIX):
        try:
            return _fernet().decrypt(token.encode()).decode()
        except (InvalidToken, ValueError, TypeError) as exc:
            raise DecryptError("no configured data key decrypts this value") from exc
    return _open_compact(token)


def decrypt(token: str, where: str = "") -> str:
    """Decrypt for display; a failure is logged, recorded for administrators and shown as such."""
    try:
        return decrypt_strict(token)
    except DecryptError:
        report_failure(where or "（未注明位置）")
        return DECRYPT_FAILED


def rotate(token: str) -> str:
    """The same value re-encrypted under the newest key, as a compact token (raises ``DecryptError``)."""
    if not token:
        return ""
    return encrypt(decrypt_strict(token))


def is_current(token: str) -> bool:
    """True when the token is compact and the newest key decrypts it (nothing to rotate)."""
    if not token:
        return True
    if token.startswith(FERNET_PREFIX):
        return False
    try:
        _open_compact(token, newest_only=True)
        return True
    except DecryptError:
        return False


# The look-up hash keeps the first 128 bits of the HMAC-SHA-256 (32 hex characters): far beyond any
# chance of two identifiers colliding, and half the bytes of a column and an index that every party,
# mediator and user carries (migration security/0002 shortened the stored ones).
HASH_CHARS = 32


def lookup_hash(value: str) -> str:
    """A keyed hash to find equal identifiers without storing them in clear."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()[:HASH_CHARS]


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
        _aead.cache_clear()
        _hash_key.cache_clear()
        _reported.clear()
