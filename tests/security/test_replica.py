"""The read-replica router against a real PostgreSQL streaming replica started by the test:
initdb a primary on another port, pg_basebackup -R a hot standby from it, load the test schema and
its seeded rows into the primary, and check that statistics and export reads go to the replica
alias (and see what was replicated) while everything else and every write stays on default."""
import glob
import os
import shutil
import subprocess
import tempfile
import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tiaojie.cases.models import DisputeType
from tiaojie.orgs.models import Organization, Region
from tiaojie.security.router import REPLICA, ReplicaRouter, replica_reads

pytestmark = [pytest.mark.postgres]
PRIMARY_PORT, STANDBY_PORT = 55491, 55492
MARK = "仅在副本中可见"


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _run(cmd, *, user_switch: bool, **kw):
    if user_switch:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, **kw)


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL=postgres://…)")
    initdb, pg_ctl, basebackup = _pg_bin("initdb"), _pg_bin("pg_ctl"), _pg_bin("pg_basebackup")
    if not (initdb and pg_ctl and basebackup and shutil.which("psql") and shutil.which("pg_dump")):
        pytest.skip("initdb / pg_ctl / pg_basebackup not installed")
    as_pg = os.geteuid() == 0  # the server refuses to run as root
    if as_pg and not shutil.which("runuser"):
        pytest.skip("running as root without runuser")
    tmp = tempfile.mkdtemp(prefix="tiaojie-replica-")
    os.chmod(tmp, 0o777)
    primary, standby = os.path.join(tmp, "primary"), os.path.join(tmp, "standby")
    started, created = [], []
    try:
        r = _run([initdb, "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                 user_switch=as_pg)
        assert r.returncode == 0, r.stderr
        opts = f"-p {PRIMARY_PORT} -k {tmp} -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=5"
        r = _run([pg_ctl, "-D", primary, "-o", opts, "-l", os.path.join(tmp, "primary.log"), "-w", "start"],
                 user_switch=as_pg)
        assert r.returncode == 0, r.stderr
        started.append(primary)
        r = _run([basebackup, "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-D", standby, "-R",
                  "-X", "stream"], user_switch=as_pg)
        assert r.returncode == 0, r.stderr
        opts = f"-p {STANDBY_PORT} -k {tmp} -c listen_addresses=127.0.0.1 -c hot_standby=on"
        r = _run([pg_ctl, "-D", standby, "-o", opts, "-l", os.path.join(tmp, "standby.log"), "-w", "start"],
                 user_switch=as_pg)
        assert r.returncode == 0, r.stderr
        started.append(standby)
        # The test database's schema and its committed rows (seeded rule tables and one organization
        # committed here for the duration of the module), into the primary.
        with django_db_blocker.unblock():
            region = Region.objects.create(code="419900", name="副本市", level="city")
            org = Organization.objects.create(name="副本测试市司法局", abbr="副本", kind="city_bureau", region=region)
            created.extend([org, region])
        s = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
        name = "tiaojie_replica"
        psql = ["psql", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
        subprocess.run([*psql, "-d", "postgres", "-c", f"CREATE DATABASE {name}"], check=True, env=env,
                       capture_output=True)
        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-h", s["HOST"] or "127.0.0.1",
                               "-p", str(s["PORT"] or 5432), "-U", s["USER"], s["NAME"]],
                              capture_output=True, env=env, timeout=180, check=True).stdout
        subprocess.run([*psql, "-d", name], input=dump, check=True, env=env, capture_output=True, timeout=180)
        subprocess.run([*psql, "-d", name, "-c",
                        f"INSERT INTO cases_disputetype (code, name, sort_order, is_active) VALUES ('R1', '{MARK}', 999, true)"],
                       check=True, env=env, capture_output=True)
        # wait until the standby has replayed it
        for _ in range(60):
            out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(STANDBY_PORT), "-U", "postgres", "-d", name,
                                  "-tAc", f"SELECT count(*) FROM cases_disputetype WHERE name = '{MARK}'"],
                                 capture_output=True, text=True, env=env)
            if out.stdout.strip() == "1":
                break
            time.sleep(0.5)
        else:
            pytest.fail("the standby did not replay the primary's rows")
        cfg = {**s, "HOST": "127.0.0.1", "PORT": STANDBY_PORT, "NAME": name, "USER": "postgres", "PASSWORD": "",
               "TEST": {}}
        full = connections.configure_settings({"default": connections.settings["default"], REPLICA: cfg})
        connections.settings[REPLICA] = full[REPLICA]
        yield org
    finally:
        with django_db_blocker.unblock():
            for obj in created:
                type(obj).objects.filter(pk=obj.pk).delete()
        if REPLICA in connections.settings:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
        for d in reversed(started):
            _run([pg_ctl, "-D", d, "-m", "immediate", "stop"], user_switch=as_pg)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def with_replica_setting(streaming_replica):
    return streaming_replica


@pytest.mark.django_db(databases="__all__")
def test_reads_inside_replica_reads_come_from_the_streaming_replica(with_replica_setting):
    assert not DisputeType.objects.filter(name=MARK).exists()  # default: the test database
    with replica_reads():
        assert DisputeType.objects.filter(name=MARK).exists()  # replicated from the primary
        router = ReplicaRouter()
        assert router.db_for_read(DisputeType) == REPLICA
        assert router.db_for_write(DisputeType) == "default"
        from tiaojie.accounts.models import User

        assert router.db_for_read(User) is None  # accounts, sessions, lockouts: always the primary
    assert ReplicaRouter().db_for_read(DisputeType) is None
    assert ReplicaRouter().allow_migrate(REPLICA, "cases") is False


@pytest.mark.django_db(databases="__all__")
def test_statistics_and_exports_read_from_the_replica(with_replica_setting, client, django_user_model):
    root = django_user_model.objects.create_user("cityadm", password="x" * 12, role="city_admin",
                                                 organization=with_replica_setting)
    client.force_login(root)
    for url in (reverse("stats:dashboard"), reverse("cases:export")):
        with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
                CaptureQueriesContext(connections["default"]) as on_default:
            r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert len(on_replica.captured_queries) > 0, url
        assert not any("accounts_user" in q["sql"] or "django_session" in q["sql"]
                       for q in on_replica.captured_queries)
        assert any("django_session" in q["sql"] for q in on_default.captured_queries)
    # a write (POST) never touches the replica
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        client.post(reverse("stats:refresh"))
    assert on_replica.captured_queries == []
    # an ordinary page reads from default only
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(reverse("cases:list")).status_code == 200
    assert on_replica.captured_queries == []
