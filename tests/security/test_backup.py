"""Backup → restore into a new database: every table's row count and a sample of records equal,
identifiers decrypt with the same keys. SQLite always; PostgreSQL when the tests run on it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tiaojie.accounts.models import User
from tiaojie.cases.models import Case, Party
from tiaojie.orgs.models import Mediator, Organization
from tiaojie.security import backup as bk

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)
SAMPLED = [Organization, Mediator, User, Case, Party]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    """Transactional tests start from a flushed database: put the seeded rule tables back."""
    from tiaojie.testing import reseed

    reseed()


def _populate(world):
    from tests.cases.test_services import register

    cases = [register(world) for _ in range(3)]
    p = cases[0].parties.first()
    p.id_number, p.phone = "410403198001010011", "13912345678"
    p.save()
    return cases


def _url(cfg: dict) -> str:
    if cfg["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{cfg['NAME']}"
    host = cfg["HOST"] or "127.0.0.1"
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{cfg['PORT'] or 5432}/{cfg['NAME']}"


def _manage(*args, database_url: str, var: Path):
    env = {**os.environ, "DATABASE_URL": database_url, "TIAOJIE_VAR_DIR": str(var)}
    return subprocess.run([sys.executable, "manage.py", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=600)


READ = r"""
import json, sys, django
django.setup()
from django.core.serializers.json import DjangoJSONEncoder
from django.apps import apps
from tiaojie.security import backup as bk
pks = json.loads(sys.argv[1])
out = {"tables": bk.table_counts(), "rows": {}}
for label, ids in pks.items():
    model = apps.get_model(label)
    out["rows"][label] = list(model._base_manager.filter(pk__in=ids).order_by("pk").values())
Party = apps.get_model("cases.Party")
out["parties"] = {p.pk: [p.id_number, p.phone] for p in Party.objects.exclude(id_number_enc="")}
Mediator = apps.get_model("orgs.Mediator")
out["mediators"] = {m.pk: [m.id_number, m.phone] for m in Mediator.objects.exclude(phone_enc="")}
print(json.dumps(out, cls=DjangoJSONEncoder, ensure_ascii=False))
"""


def _read(database_url: str, var: Path, pks: dict) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "TIAOJIE_VAR_DIR": str(var),
           "DJANGO_SETTINGS_MODULE": "tiaojie.settings"}
    proc = subprocess.run([sys.executable, "-c", READ, json.dumps(pks)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _compare(database_url: str, var: Path, manifest: dict):
    from django.core.serializers.json import DjangoJSONEncoder

    pks = {}
    for model in SAMPLED:
        ids = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
        assert ids, model
        pks[model._meta.label] = ids[:3] + ids[-3:]
    theirs = _read(database_url, var, pks)
    assert theirs["tables"] == bk.table_counts() == manifest["tables"]
    for label, ids in pks.items():
        model = next(m for m in SAMPLED if m._meta.label == label)
        mine = json.loads(json.dumps(list(model._base_manager.filter(pk__in=ids).order_by("pk").values()),
                                     cls=DjangoJSONEncoder))
        assert theirs["rows"][label] == mine, label
    assert ["410403198001010011", "13912345678"] in theirs["parties"].values()  # decrypted with the same keys
    assert {str(p.pk): [p.id_number, p.phone] for p in Party.objects.exclude(id_number_enc="")} == theirs["parties"]
    mediators = {str(m.pk): [m.id_number, m.phone] for m in Mediator.objects.exclude(phone_enc="")}
    assert mediators == theirs["mediators"] and ["", "13800000000"] in mediators.values()


def test_backup_and_restore_give_an_equal_database(world, tmp_path, settings):
    media = tmp_path / "media"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "照片.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(2000))
    settings.MEDIA_ROOT = media
    _populate(world)
    out = bk.backup(tmp_path / "backups")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["vendor"] == connection.vendor and "media/evidence/照片.jpg" in manifest["files"]
    assert manifest["tables"]["cases_party"] == Party.objects.count() > 0
    src = connection.settings_dict
    if connection.vendor == "sqlite":
        target = {**src, "NAME": str(tmp_path / "restored.sqlite3"), "TEST": {}}
    else:
        target = {**src, "NAME": src["NAME"] + "_restore", "TEST": {}}
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
            cur.execute(f'CREATE DATABASE "{target["NAME"]}"')
    var = tmp_path / "var2"
    var.mkdir()
    try:
        proc = _manage("restore", str(out), database_url=_url(target), var=var)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "行数与备份一致" in proc.stdout and "注意" not in proc.stdout
        assert (var / "media" / "evidence" / "照片.jpg").read_bytes() == (media / "evidence" / "照片.jpg").read_bytes()
        _compare(_url(target), var, manifest)
        # a second restore into the now non-empty database is refused
        proc = _manage("restore", str(out), "--no-media", database_url=_url(target), var=var)
        assert proc.returncode != 0 and "不是空库" in proc.stderr
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')


def test_restore_refuses_a_tampered_backup_and_a_non_empty_database(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = bk.backup(tmp_path / "b")
    proc = _manage("restore", str(out), database_url=_url(connection.settings_dict), var=tmp_path)
    assert proc.returncode != 0 and "不是空库" in proc.stderr
    db_file = out / bk.read_manifest(out)["database"]
    with open(db_file, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(bk.BackupError, match="校验失败"):
        bk.verify(out)


def test_backup_command_keeps_the_newest(world, tmp_path, settings):
    from io import StringIO

    settings.MEDIA_ROOT = tmp_path / "media"
    for _ in range(3):
        call_command("backup", "--dest", str(tmp_path / "b"), "--keep", "2", stdout=StringIO(), stderr=StringIO())
    assert len(bk.list_backups(tmp_path / "b")) == 2


def test_daily_backup_is_scheduled_on_the_heavy_queue(db):
    from django_q.models import Schedule

    call_command("install_schedules", stdout=open(os.devnull, "w"))
    s = Schedule.objects.get(func="tiaojie.jobs.daily_backup")
    assert s.schedule_type == Schedule.DAILY and s.cluster == "tiaojie-heavy" and s.next_run.hour in (2, 18)
    assert Schedule.objects.get(name="预警超时上报").cluster is None  # the safety (default) cluster
    assert set(Schedule.objects.filter(func="tiaojie.jobs.heartbeat").values_list("cluster", flat=True)) == \
        {None, "tiaojie-heavy"}
