"""Headers with DEBUG=0, Chinese error pages and API errors, API docs without a CDN, no open redirect."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.api.conftest import api, tokens  # noqa: F401
from tiaojie.testing import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
secure = c.get("/login/", secure=True)
plain = c.get("/login/")
health = c.get("/healthz")
print(json.dumps({
    "debug": settings.DEBUG,
    "headers": dict(secure.items()),
    "cookies": {n: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
                for n, m in secure.cookies.items()},
    "session_cookie": {"secure": settings.SESSION_COOKIE_SECURE, "httponly": settings.SESSION_COOKIE_HTTPONLY,
                       "samesite": settings.SESSION_COOKIE_SAMESITE},
    "plain": [plain.status_code, plain.get("Location", "")],
    "health": health.status_code,
}))
"""


def _run(env_extra: dict, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "TIAOJIE_HTTPS")}
    env.update({"DJANGO_SETTINGS_MODULE": "tiaojie.settings", "DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}",
                "TIAOJIE_VAR_DIR": str(tmp_path)})
    env.update(env_extra)
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_production_headers_with_debug_off(tmp_path):
    out = _run({"DEBUG": "0"}, tmp_path)  # TIAOJIE_HTTPS defaults to on when DEBUG is off
    h = out["headers"]
    assert out["debug"] is False
    assert h["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf = out["cookies"]["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert out["session_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert out["plain"][0] == 301 and out["plain"][1].startswith("https://")  # plain HTTP goes to HTTPS
    assert out["health"] == 200  # the load balancer's probe is exempt from the redirect


def test_plain_http_deployment_keeps_the_other_headers(tmp_path):
    out = _run({"DEBUG": "0", "TIAOJIE_HTTPS": "0"}, tmp_path)
    h = out["headers"]
    assert "Strict-Transport-Security" not in h and out["plain"][0] == 200
    assert "unsafe-inline" not in h["Content-Security-Policy"] and h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert not out["cookies"]["csrftoken"]["secure"] and out["cookies"]["csrftoken"]["httponly"]


def test_csp_header_in_this_process(client):
    r = client.get(reverse("login"))
    assert "default-src 'self'" in r["Content-Security-Policy"] and "unsafe-inline" not in r["Content-Security-Policy"]


# --- error pages in Chinese ---------------------------------------------------------------------

def test_404_page_in_chinese(world, login):
    r = login(world.users["v1"]).get("/no/such/page/")
    assert r.status_code == 404 and "找不到该页面" in r.content.decode()


def test_oversized_form_body_in_chinese(db, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    r = client.post(reverse("login"), {"username": "x" * 5000, "password": "y"})
    assert r.status_code == 413 and "提交的数据过大" in r.content.decode()


def test_csrf_failure_in_chinese(db):
    c = Client(enforce_csrf_checks=True)
    r = c.post(reverse("login"), {"username": "a", "password": "b"})
    assert r.status_code == 403 and "页面已过期" in r.content.decode()


def test_500_page_in_chinese():
    from tiaojie.security.views import server_error

    r = server_error(RequestFactory().get("/cases/"))
    assert r.status_code == 500 and "服务器内部错误" in r.content.decode()
    r = server_error(RequestFactory().get("/api/referrals"))
    assert r.status_code == 500 and "服务器内部错误" in json.loads(r.content)["detail"]


def test_403_page_in_chinese(world, login):
    r = login(world.users["v1"]).get(reverse("orgs:import"))
    assert r.status_code == 403 and "无权" in r.content.decode()


def test_api_errors_in_chinese(world, tokens, client, settings):  # noqa: F811
    _, token = tokens["court"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = client.post("/api/referrals", data="{not json", content_type="application/json", **auth)
    assert r.status_code == 400 and "不是有效的 JSON" in r.json()["detail"]
    r = client.get("/api/no-such-route", **auth)
    assert r.status_code == 404 and "接口地址" in r.json()["detail"]
    r = client.get("/api/referrals/999999", **auth)
    assert r.status_code == 404 and all(ord(ch) < 128 for ch in r.json()["detail"]) is False
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    r = client.post("/api/referrals", data=json.dumps({"facts": "x" * 5000}), content_type="application/json", **auth)
    assert r.status_code == 413 and "请求体过大" in r.json()["detail"]
    r = client.get("/api/referrals")
    assert r.status_code == 401 and "未认证" in r.json()["detail"]


def test_api_docs_use_the_packages_own_assets(client):
    r = client.get("/api/docs")
    html = r.content.decode()
    assert r.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


# --- open redirect --------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "http://evil.example",
                                    "https:evil.example", "/\\evil.example"])
def test_stats_refresh_never_redirects_off_site(world, login, target):
    c = login(world.users["city"])
    r = c.post(reverse("stats:refresh") + "?next=" + target)
    assert r.status_code == 302 and "evil" not in r["Location"]
    r = c.post(reverse("stats:refresh"), {"next": target})
    assert r.status_code == 302 and "evil" not in r["Location"]
    r = c.post(reverse("stats:refresh"), {"next": "/stats/report/"})
    assert r["Location"] == "/stats/report/"


def test_login_next_never_redirects_off_site(world, client):
    r = client.post(reverse("login"), {"username": "t_v1", "password": PASSWORD, "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == reverse("cases:todo")


def test_no_template_needs_unsafe_inline():
    """Every page template is CSP-clean without a browser: no inline <script> or <style>, no
    style="…" and no on…= handlers (PDF templates are rendered by WeasyPrint, not a browser)."""
    import re

    root = ROOT / "tiaojie"
    bad = []
    patterns = {"inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
                "style element": re.compile(r"<style\b", re.I),
                "style attribute": re.compile(r"\sstyle\s*=", re.I),
                "event handler": re.compile(r"\son[a-z]+\s*=", re.I)}
    for path in root.rglob("*.html"):
        rel = path.relative_to(root).as_posix()
        if "/pdf/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        for what, rx in patterns.items():
            for m in rx.finditer(text):
                if what == "inline script" and 'type="application/json"' in m.group(0):
                    continue  # data for a script (json_script), not code
                bad.append(f"{rel}:{text[:m.start()].count(chr(10)) + 1} {what}")
    assert bad == []
