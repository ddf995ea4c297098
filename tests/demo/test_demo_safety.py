"""The demo is kept apart: installed only with TIAOJIE_DEMO=1, and --reset only empties a database
that the demo built (it carries the marker); the audit records survive every reset."""
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tiaojie.accounts.models import LoginEvent, PersonalDataAccess, User
from tiaojie.demo import marker
from tiaojie.orgs.models import Organization

ROOT = Path(__file__).resolve().parents[2]
FAST = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def test_reset_refused_on_a_database_without_the_marker(world):
    before = Organization.objects.count()
    with pytest.raises(CommandError, match="拒绝清空"):
        call_command("demo", "--reset", "--small", stdout=StringIO(), stderr=StringIO())
    assert Organization.objects.count() == before and User.objects.filter(username="t_v1").exists()


def test_check_marker(world):
    with pytest.raises(CommandError, match="没有演示标记"):
        call_command("demo", "--check-marker", stdout=StringIO())
    marker.set_marker()
    out = StringIO()
    call_command("demo", "--check-marker", stdout=out)
    assert "带有演示标记" in out.getvalue()


@pytest.mark.django_db
def test_reset_keeps_the_personal_data_access_log():
    with FAST:
        call_command("demo", "--small", "--seed", "3", stdout=StringIO(), stderr=StringIO())
    assert marker.has_marker()
    village = User.objects.get(username="village_dongan")
    PersonalDataAccess.objects.create(user=village, what="当事人证件号码、联系电话", object_repr="（2026）演示")
    LoginEvent.objects.create(kind=LoginEvent.Kind.SUCCESS, username="village_dongan", user=village)
    with FAST:
        call_command("demo", "--reset", "--small", "--seed", "3", stdout=StringIO(), stderr=StringIO())
    log = PersonalDataAccess.objects.get(object_repr="（2026）演示")
    assert log.username == "village_dongan" and log.user_id is None  # kept; the removed user's name stays
    assert LoginEvent.objects.filter(username="village_dongan", user__isnull=True).exists()
    assert User.objects.filter(username="village_dongan").exists()  # rebuilt


def test_demo_app_installed_only_with_the_flag(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TIAOJIE_DEMO", "DEBUG")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite3'}", "TIAOJIE_VAR_DIR": str(tmp_path)})
    proc = subprocess.run([sys.executable, "manage.py", "demo", "--check-marker"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode != 0 and "Unknown command" in proc.stderr
    env["TIAOJIE_DEMO"] = "1"
    proc = subprocess.run([sys.executable, "manage.py", "demo", "--check-marker"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "没有演示标记" in proc.stderr


@pytest.mark.postgres
def test_bin_demo_refuses_reset_on_a_postgres_database_without_the_marker(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.run(["bin/demo", "--reset", "--small"], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 2 and "拒绝 --reset" in proc.stderr
