"""Sending backends, chosen per channel by settings like Django's e-mail backends.

``TIAOJIE_NOTIFY_BACKENDS = {"sms": "tiaojie.notify.backends.FileBackend", "email": …}``

* ``ConsoleBackend``: prints each message (development).
* ``FileBackend``: appends one JSON line per message to ``TIAOJIE_NOTIFY_FILE`` (the demo: the
  one-time codes are read from there).
* ``MemoryBackend``: keeps messages in ``MemoryBackend.outbox`` (tests).
* ``SmtpBackend``: e-mail through Django's configured mail backend (``EMAIL_HOST`` …).
* ``HttpSmsBackend``: POSTs JSON ``{"phone", "text", "sign"}`` to an HTTP SMS gateway
  (``TIAOJIE_SMS_URL``, ``TIAOJIE_SMS_USER`` / ``TIAOJIE_SMS_PASSWORD`` as HTTP basic auth or
  ``TIAOJIE_SMS_TOKEN`` as a bearer token, ``TIAOJIE_SMS_SIGN``, ``TIAOJIE_SMS_TIMEOUT``). Any
  answer but 2xx with ``{"code": 0}`` or ``{"ok": true}`` (or an empty body) is a failure.

A backend's ``send(to, subject, body)`` returns normally on success and raises ``SendError``
(or any exception) on failure; the outbox retries.
"""
from __future__ import annotations

import base64
import json
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SendError(Exception):
    pass


class BaseBackend:
    def send(self, to: str, subject: str, body: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, to, subject, body):
        sys.stdout.write(f"[消息] 至 {to}：{subject + ' ' if subject else ''}{body}\n")
        sys.stdout.flush()


class FileBackend(BaseBackend):
    _lock = threading.Lock()

    def path(self) -> Path:
        return Path(getattr(settings, "TIAOJIE_NOTIFY_FILE", settings.VAR_DIR / "outbox.jsonl"))

    def send(self, to, subject, body):
        p = self.path()
        p.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "subject": subject, "body": body,
                           "at": timezone.localtime().isoformat(timespec="seconds")}, ensure_ascii=False)
        with self._lock, p.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


class MemoryBackend(BaseBackend):
    outbox: list[dict] = []

    def send(self, to, subject, body):
        MemoryBackend.outbox.append({"to": to, "subject": subject, "body": body})


class SmtpBackend(BaseBackend):
    def send(self, to, subject, body):
        from django.core.mail import send_mail

        sent = send_mail(subject or "人民调解平台通知", body, None, [to], fail_silently=False)
        if not sent:
            raise SendError("邮件服务器未接受该邮件")


class HttpSmsBackend(BaseBackend):
    def send(self, to, subject, body):
        url = getattr(settings, "TIAOJIE_SMS_URL", "")
        if not url:
            raise SendError("未配置短信网关地址（TIAOJIE_SMS_URL）")
        payload = json.dumps({"phone": to, "text": body, "sign": getattr(settings, "TIAOJIE_SMS_SIGN", "")},
                             ensure_ascii=False).encode()
        req = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        token = getattr(settings, "TIAOJIE_SMS_TOKEN", "")
        user = getattr(settings, "TIAOJIE_SMS_USER", "")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        elif user:
            cred = base64.b64encode(f"{user}:{getattr(settings, 'TIAOJIE_SMS_PASSWORD', '')}".encode()).decode()
            req.add_header("Authorization", f"Basic {cred}")
        timeout = float(getattr(settings, "TIAOJIE_SMS_TIMEOUT", 5))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read(65536)
        except urllib.error.HTTPError as e:
            raise SendError(f"短信网关返回 HTTP {e.code}")
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            raise SendError(f"无法连接短信网关：{getattr(e, 'reason', e)}")
        if raw.strip():
            try:
                answer = json.loads(raw)
            except ValueError:
                raise SendError("短信网关的应答无法识别")
            if isinstance(answer, dict) and not (answer.get("code") in (0, "0") or answer.get("ok") is True):
                raise SendError(f"短信网关拒绝：{str(answer.get('message') or answer)[:200]}")


DEFAULTS = {"sms": "tiaojie.notify.backends.FileBackend", "email": "tiaojie.notify.backends.FileBackend"}


def backend_for(channel: str) -> BaseBackend:
    configured = {**DEFAULTS, **getattr(settings, "TIAOJIE_NOTIFY_BACKENDS", {})}
    return import_string(configured[channel])()
