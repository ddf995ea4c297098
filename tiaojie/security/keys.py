"""Keys from the environment (imported by settings.py: standard library and cryptography only).

Every secret can be given as ``NAME`` or as ``NAME_FILE`` (a path, e.g. a Docker/systemd secret).
With DEBUG on and a key missing, a development key is generated once and kept in ``var/``
(never derived from another key); with DEBUG off a missing key stops the platform at start.
"""
import base64
import hashlib
import os
import secrets
from pathlib import Path


class SecretUnreadable(Exception):
    """A key could not be read (a ``*_FILE`` path that does not exist or is empty)."""


def read_secret(name: str, environ=os.environ) -> str:
    """``NAME`` from the environment, else the contents of the file ``NAME_FILE``; "" when neither."""
    value = environ.get(name, "").strip()
    if value:
        return value
    path = environ.get(name + "_FILE", "").strip()
    if not path:
        return ""
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretUnreadable(f"{name}_FILE={path} 无法读取：{exc.strerror or exc}") from exc
    if not value:
        raise SecretUnreadable(f"{name}_FILE={path} 是空文件")
    return value


def split_keys(value: str) -> list[str]:
    """A comma separated key list, newest first."""
    return [k.strip() for k in value.split(",") if k.strip()]


def dev_key(var_dir: Path, name: str) -> str:
    """A random development key kept in ``var/<name>`` (created on first use, mode 0600)."""
    path = Path(var_dir) / name
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    value = new_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


def new_key() -> str:
    """A fresh random key (32 random bytes, URL-safe base64: also a valid Fernet key)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def fernet_key(raw: str) -> bytes:
    """The Fernet key for one configured key string (any string; 32 bytes through SHA-256)."""
    return base64.urlsafe_b64encode(hashlib.sha256(("tiaojie-personal-data:" + raw).encode()).digest())


def aead_key(raw: str) -> bytes:
    """The AES-256-GCM key for one configured key string (the compact tokens of ``crypto``)."""
    return hashlib.sha256(("tiaojie-personal-data-aead:" + raw).encode()).digest()


def hash_key(raw: str) -> bytes:
    """The HMAC key for look-up hashes from the configured hash key string."""
    return hashlib.sha256(("tiaojie-personal-data:" + raw).encode()).digest()


def derived_from(candidate: str, secret: str) -> bool:
    """True when ``candidate`` equals, contains, is contained in, or is a plain derivation of ``secret``."""
    if not candidate or not secret:
        return False
    if candidate == secret:
        return True
    if min(len(candidate), len(secret)) >= 8 and (candidate in secret or secret in candidate):
        return True
    derived = set()
    for prefix in ("", "tiaojie-personal-data:"):
        for algo in ("sha256", "sha512", "sha1", "md5", "blake2b"):
            digest = hashlib.new(algo, (prefix + secret).encode()).digest()
            derived |= {digest.hex(), base64.urlsafe_b64encode(digest).decode(), base64.b64encode(digest).decode(),
                        base64.urlsafe_b64encode(digest[:32]).decode()}
    return candidate in derived or candidate.rstrip("=") in {d.rstrip("=") for d in derived}
