"""No Content-Security-Policy violation and no console error on the main pages (Chromium).

The policy has no 'unsafe-inline' for scripts or styles: every inline <script>, style="…" and
<style> was moved to static files and classes. Each page is loaded and, where it has them, its
scripts run (charts drawn, htmx requests made); violations are collected from the
``securitypolicyviolation`` event and from the console."""
import pytest
from django.urls import reverse

from tests.cases.test_services import register
from tiaojie.testing import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " @" + e.sourceFile + ":" + e.lineNumber);
});
"""


def _collect(page):
    problems = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    return problems


def _visit(page, base, paths, problems):
    for path in paths:
        resp = page.goto(base + path)
        assert resp.status == 200, (path, resp.status)
        page.wait_for_load_state("networkidle")
        for v in page.evaluate("window.__csp || []"):
            problems.append(f"{path}: CSP {v}")
        assert "Content-Security-Policy" in {k.title(): v for k, v in resp.headers.items()} or \
            "content-security-policy" in resp.headers


def test_no_csp_violation_on_the_main_pages(world, live_server, page, settings):
    case = register(world, user="county", org="weidong")
    base = live_server.url
    problems = _collect(page)
    browser_login(page, base, "t_county")
    paths = [
        reverse("cases:todo"), reverse("cases:list"), reverse("cases:detail", args=[case.pk]), reverse("cases:register"),
        reverse("screening:home"), reverse("screening:hazards"), reverse("warnings:center"),
        reverse("warnings:supervision"), reverse("routing:index"),
        reverse("stats:dashboard") + "?start=2016-01-01&end=2026-12-31", reverse("stats:report"),
        reverse("orgs:list"), reverse("orgs:mediators"), reverse("orgs:trainings"), reverse("orgs:import"),
        reverse("funding:index"), reverse("accounts:security"), reverse("accounts:security") + "?setup=1",
        reverse("accounts:password_change"), "/api/docs",
    ]
    _visit(page, base, paths, problems)
    # the dashboard's charts were drawn (ECharts styles through CSSOM, which CSP allows)
    page.goto(base + reverse("stats:dashboard") + "?start=2016-01-01&end=2026-12-31")
    page.locator("#chart-trend canvas").first.wait_for()
    # Swagger UI from the package's own files rendered its operations
    page.goto(base + "/api/docs")
    page.locator(".opblock").first.wait_for()
    for v in page.evaluate("window.__csp || []"):
        problems.append(f"/api/docs: CSP {v}")
    assert problems == []


def test_no_csp_violation_in_admin_and_audit(world, live_server, page, settings, django_user_model):
    settings.TIAOJIE_2FA_REQUIRED = False
    django_user_model.objects.create_superuser("root", password="Tiaojie#2026-x")
    base = live_server.url
    problems = _collect(page)
    browser_login(page, base, "root", "Tiaojie#2026-x")
    _visit(page, base, [reverse("admin:index"), reverse("admin:accounts_user_changelist"),
                        reverse("admin:accounts_user_change", args=[world.users["v1"].pk]),
                        reverse("admin:cases_disputetype_changelist"), reverse("admin:accounts_loginevent_changelist"),
                        reverse("accounts:audit")], problems)
    assert problems == []
