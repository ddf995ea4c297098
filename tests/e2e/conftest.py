"""Browser tests: Playwright for Python driving Debian's /usr/bin/chromium (never `playwright install`)."""
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 375, "height": 812}


@pytest.fixture(autouse=True)
def seed_data(transactional_db):
    """Transactional tests start from a flushed database: put back the seeded rule tables the
    pages need (the migration's own idempotent seed function). ``serialized_rollback`` is not
    used because it clashes with other transactional tests that recreate content types."""
    from tiaojie.testing import reseed

    reseed()


@pytest.fixture
def browser():
    """One browser per test, not per session: while Playwright's loop lives, Django hands this
    thread other database connections (asgiref's Local follows the running event loop), so the
    loop must not outlive the test that started it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (bin/setup installs it)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
        connections.close_all()  # the connections opened while the loop ran


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _context(browser, **kw):
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **kw)
    ctx.set_default_timeout(15_000)
    return ctx


@pytest.fixture
def page(browser):
    ctx = _context(browser, viewport={"width": 1280, "height": 900})
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def phone_page(browser):
    ctx = _context(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield ctx.new_page()
    ctx.close()
