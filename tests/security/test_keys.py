"""Keys: refusal to start without them, *_FILE, development keys, independence, rotation, failures."""
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tiaojie.cases.models import Party
from tiaojie.security import crypto
from tiaojie.security.keys import derived_from, new_key
from tiaojie.security.models import DecryptFailure

ROOT = Path(__file__).resolve().parents[2]
KEY_VARS = ("SECRET_KEY", "TIAOJIE_DATA_KEY", "TIAOJIE_HASH_KEY", "SECRET_KEY_FILE", "TIAOJIE_DATA_KEY_FILE", "DEBUG")


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}", "TIAOJIE_VAR_DIR": str(tmp_path / "var"),
                "TIAOJIE_HTTPS": "0"})
    env.update(extra)
    return env


def _manage(tmp_path, *args, **env):
    return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True,
                          env=_env(tmp_path, **env), cwd=ROOT, timeout=120)


@pytest.mark.parametrize("missing", [("SECRET_KEY",), ("TIAOJIE_DATA_KEY",), ("SECRET_KEY", "TIAOJIE_DATA_KEY")])
def test_refuses_to_start_without_keys(tmp_path, missing):
    keys = {"SECRET_KEY": new_key(), "TIAOJIE_DATA_KEY": new_key()}
    for name in missing:
        keys.pop(name)
    proc = _manage(tmp_path, "check", DEBUG="0", **keys)
    assert proc.returncode != 0
    assert "拒绝启动" in proc.stderr and all(name in proc.stderr for name in missing)
    # the WSGI entry point (gunicorn) refuses too
    wsgi = subprocess.run([sys.executable, "-c", "import tiaojie.wsgi"], capture_output=True, text=True,
                          env=_env(tmp_path, DEBUG="0", **keys), cwd=ROOT, timeout=120)
    assert wsgi.returncode != 0 and "拒绝启动" in wsgi.stderr


def test_keys_from_files(tmp_path):
    (tmp_path / "s").write_text(new_key() + "\n")
    (tmp_path / "d").write_text(new_key() + "\n")
    proc = _manage(tmp_path, "check", DEBUG="0", SECRET_KEY_FILE=str(tmp_path / "s"),
                   TIAOJIE_DATA_KEY_FILE=str(tmp_path / "d"))
    assert proc.returncode == 0, proc.stderr
    proc = _manage(tmp_path, "check", DEBUG="0", SECRET_KEY_FILE=str(tmp_path / "missing"),
                   TIAOJIE_DATA_KEY_FILE=str(tmp_path / "d"))
    assert proc.returncode != 0 and "无法读取" in proc.stderr


def test_debug_generates_independent_dev_keys_in_var(tmp_path):
    code = "from django.conf import settings as s; print(s.SECRET_KEY); print(s.TIAOJIE_DATA_KEY)"
    run = [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tiaojie.settings'; "
                                 f"django.setup(); {code}"]
    first = subprocess.run(run, capture_output=True, text=True, env=_env(tmp_path, DEBUG="1"), cwd=ROOT, timeout=120)
    assert first.returncode == 0, first.stderr
    secret, data = first.stdout.split()[-2:]
    assert (tmp_path / "var" / "dev-data-key").read_text().strip() == data
    assert (tmp_path / "var" / "dev-secret-key").stat().st_mode & 0o077 == 0  # owner only
    assert data != secret and not derived_from(data, secret)
    again = subprocess.run(run, capture_output=True, text=True, env=_env(tmp_path, DEBUG="1"), cwd=ROOT, timeout=120)
    assert again.stdout.split()[-2:] == [secret, data]  # kept, so the demo's data stays readable


def test_check_deploy_reports_a_data_key_derived_from_secret_key(tmp_path):
    secret = new_key()
    for data in (secret, "prefix-" + secret, __import__("hashlib").sha256(secret.encode()).hexdigest()):
        proc = _manage(tmp_path, "check", "--deploy", DEBUG="0", SECRET_KEY=secret, TIAOJIE_DATA_KEY=data)
        assert "tiaojie.E001" in proc.stderr + proc.stdout, data
    proc = _manage(tmp_path, "check", "--deploy", DEBUG="0", SECRET_KEY=secret, TIAOJIE_DATA_KEY=new_key())
    assert "tiaojie.E001" not in proc.stderr + proc.stdout


def test_plain_check_passes_without_deploy(tmp_path):
    proc = _manage(tmp_path, "check", DEBUG="0", SECRET_KEY=new_key(), TIAOJIE_DATA_KEY=new_key())
    assert proc.returncode == 0, proc.stderr


# --- rotation -------------------------------------------------------------------------------------

def _party(world, idn="410403198001010011", phone="13912345678"):
    from tests.cases.test_services import register

    case = register(world)
    p = case.parties.first()
    p.id_number, p.phone = idn, phone
    p.save()
    return p


def test_rotation_keeps_old_values_readable_and_hashes_stable(world, settings):
    from tiaojie.orgs.models import Mediator

    # the world's mediators' phones are encrypted under the test key; this test starts from its own
    Mediator.objects.update(phone_enc="", phone_hash="", phone_masked="")
    old, new = new_key(), new_key()
    settings.TIAOJIE_DATA_KEY = old
    p = _party(world)
    token, h = p.id_number_enc, p.id_hash
    settings.TIAOJIE_DATA_KEY = f"{new},{old}"
    p = Party.objects.get(pk=p.pk)
    assert p.id_number == "410403198001010011" and crypto.lookup_hash(p.id_number) == h
    assert not crypto.is_current(token)
    call_command("rotate_data_key", "--batch", "1", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
    p = Party.objects.get(pk=p.pk)
    assert p.id_number_enc != token and crypto.is_current(p.id_number_enc) and crypto.is_current(p.phone_enc)
    assert p.id_hash == h
    # the old key can go now; the hash key must stay what the hashes were made with
    settings.TIAOJIE_DATA_KEY, settings.TIAOJIE_HASH_KEY = new, old
    p = Party.objects.get(pk=p.pk)
    assert p.id_number == "410403198001010011" and p.phone == "13912345678"
    assert crypto.lookup_hash("410403198001010011") == h
    # running again changes nothing
    from io import StringIO

    out = StringIO()
    call_command("rotate_data_key", stdout=out, stderr=StringIO())
    assert "已重新加密 0 个值" in out.getvalue()


def test_rotation_finds_encrypted_columns_generically():
    cols = {(m._meta.label, f) for m, f in crypto.encrypted_columns()}
    assert ("cases.Party", "id_number_enc") in cols and ("cases.Party", "phone_enc") in cols


def test_rotation_reports_values_no_key_decrypts(world, settings):
    from django.core.management import CommandError

    settings.TIAOJIE_DATA_KEY = new_key()
    _party(world)
    settings.TIAOJIE_DATA_KEY = new_key()  # the old key is lost
    with pytest.raises(CommandError, match="无法解密"):
        call_command("rotate_data_key", stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))


# --- decrypt failure ------------------------------------------------------------------------------

def test_decrypt_failure_is_logged_recorded_and_shown(world, login, settings, caplog, django_user_model):
    settings.TIAOJIE_DATA_KEY = new_key()
    p = _party(world)
    settings.TIAOJIE_DATA_KEY = new_key()  # e.g. a wrong key after a redeployment
    with caplog.at_level(logging.ERROR, logger="tiaojie.security"):
        html = login(world.users["v1"]).post(reverse("cases:unmask", args=[p.case_id, p.pk]),
                                             headers={"HX-Request": "true"}).content.decode()
    assert "（解密失败，已报告管理员）" in html  # never a silent placeholder
    assert Party.objects.get(pk=p.pk).id_number == "（解密失败，已报告管理员）"
    assert any("解密失败" in r.getMessage() for r in caplog.records)
    failure = DecryptFailure.objects.get(where=f"当事人 #{p.pk} 证件号码")
    assert failure.count >= 1 and not failure.resolved
    # administrators see a notice on every page and the list in admin
    sec = django_user_model.objects.create_user("sec", password="x", role="sec_admin", is_staff=True)
    from django.test import Client

    c = Client()
    c.force_login(sec)
    page = c.get(reverse("accounts:security")).content.decode()
    assert 'id="decrypt-failures"' in page
    assert c.get(reverse("admin:security_decryptfailure_changelist")).status_code == 200


def test_compact_tokens_and_values_written_as_fernet_tokens(world, settings):
    from cryptography.fernet import Fernet

    from tiaojie.security import keys

    old, new = new_key(), new_key()
    settings.TIAOJIE_DATA_KEY = old
    token = crypto.encrypt("410403198001010011")
    # format byte, key byte, 12-byte nonce, 18 bytes sealed with a 16-byte tag: 48 bytes, 64 characters
    assert len(token) == 64 and not token.startswith(crypto.FERNET_PREFIX) and "=" not in token
    assert len(crypto.encrypt("13912345678")) == 55
    assert crypto.decrypt_strict(token) == "410403198001010011" and crypto.is_current(token)
    # a value written before the compact tokens (Fernet) still reads, and is not current
    legacy = Fernet(keys.fernet_key(old)).encrypt(b"13912345678").decode()
    assert legacy.startswith(crypto.FERNET_PREFIX) and len(legacy) == 100
    assert crypto.decrypt_strict(legacy) == "13912345678" and not crypto.is_current(legacy)
    # under a newer key both still read; rotation writes compact tokens under the newest key
    settings.TIAOJIE_DATA_KEY = f"{new},{old}"
    assert not crypto.is_current(token)
    for t, value in ((token, "410403198001010011"), (legacy, "13912345678")):
        rotated = crypto.rotate(t)
        assert crypto.is_current(rotated) and crypto.decrypt_strict(rotated) == value
    # a changed character or an unknown key is an error, never a wrong value
    tampered = token[:30] + ("A" if token[30] != "A" else "B") + token[31:]
    for bad in (tampered, token[:-4], "not a token", crypto.encrypt.__name__):
        with pytest.raises(crypto.DecryptError):
            crypto.decrypt_strict(bad)
    settings.TIAOJIE_DATA_KEY = new_key()
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt_strict(token)
