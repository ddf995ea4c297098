"""Production serving: /healthz, /readyz (database, both task clusters' heartbeats, disk) and bin/serve."""
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

from tiaojie import jobs
from tiaojie.security import views
from tiaojie.security.models import Heartbeat

ROOT = Path(__file__).resolve().parents[2]


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_readyz_needs_both_clusters_beating(db, client, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(views, "DISK_MIN_FREE", 0)
    r = client.get("/readyz")
    body = r.json()
    assert r.status_code == 503 and body["checks"]["database"]["ok"] and not body["checks"]["workers"]["ok"]
    jobs.heartbeat()  # as run by the default (safety) cluster
    monkeypatch.setattr(Conf, "CLUSTER_NAME", "tiaojie-heavy")
    jobs.heartbeat()
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ok", r.json()
    Heartbeat.objects.filter(name="tiaojie-heavy").update(at=timezone.now() - timezone.timedelta(minutes=10))
    r = client.get("/readyz")
    assert r.status_code == 503 and not r.json()["checks"]["workers"]["clusters"]["tiaojie-heavy"]["ok"]


def test_readyz_reports_low_disk(db, client, monkeypatch):
    jobs.heartbeat()
    monkeypatch.setattr(views, "DISK_MIN_FREE", 1 << 60)
    body = client.get("/readyz").json()
    assert not body["checks"]["disk"]["ok"]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 (loopback only)
        return resp.status, dict(resp.headers), resp.read()


def _get_any(url: str):
    try:
        return _get(url)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.skipif(not Path("/usr/bin/nproc").exists(), reason="needs coreutils")
def test_bin_serve_runs_gunicorn_and_both_clusters(tmp_path):
    port = 8102
    # (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not reach a production start)
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"TIAOJIE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
                "TIAOJIE_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "TIAOJIE_HTTPS": "0",
                "TIAOJIE_BACKUP_DIR": str(tmp_path / "backups")})
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen(["bin/serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, _, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(1)
        assert status == 200, (tmp_path / "serve.log").read_text()[-3000:]
        status, headers, body = _get(f"http://127.0.0.1:{port}/login/")
        assert status == 200 and "unsafe-inline" not in headers["Content-Security-Policy"]
        assert "gunicorn" in headers.get("Server", "")
        status, _, _ = _get(f"http://127.0.0.1:{port}/static/tiaojie/app.css")
        assert status == 200  # collected and served by whitenoise
        ready = None
        while time.monotonic() < deadline:  # the heartbeat jobs run within a minute of the start
            status, _, body = _get_any(f"http://127.0.0.1:{port}/readyz")
            ready = json.loads(body)
            if ready["checks"]["workers"]["ok"]:
                break
            time.sleep(3)
        assert ready["checks"]["database"]["ok"] and ready["checks"]["workers"]["ok"], ready
        out = (tmp_path / "serve.log").read_text()
        assert "gunicorn：2 个进程" in out and "安全队列" in out
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_heavy_tasks_queue_apart_from_safety_jobs_with_retries_bounded(monkeypatch, settings):
    """PDF batches and imports go to the heavy cluster; both clusters retry a bounded number of
    times, and only after their time limit (django-q2 would otherwise run a task twice)."""
    from types import SimpleNamespace

    from tiaojie.documents import batch
    from tiaojie.orgs import tasks

    queued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda func, *a, **kw: queued.append((func, kw["cluster"])))
    batch.enqueue(SimpleNamespace(pk=1))
    tasks.enqueue(SimpleNamespace(pk=2))
    assert queued == [("tiaojie.documents.batch.run_job", settings.TIAOJIE_QUEUE_HEAVY),
                      ("tiaojie.orgs.tasks.run_import", settings.TIAOJIE_QUEUE_HEAVY)]
    assert settings.TIAOJIE_QUEUE_HEAVY != settings.TIAOJIE_QUEUE_SAFETY == settings.Q_CLUSTER["name"]
    for conf in (settings.Q_CLUSTER, settings.Q_CLUSTER["ALT_CLUSTERS"][settings.TIAOJIE_QUEUE_HEAVY]):
        assert 1 <= conf["max_attempts"] <= 5 and conf["retry"] > conf["timeout"]
