import pytest

from tiaojie.testing import PASSWORD, build_world


@pytest.fixture(autouse=True)
def _fresh_tables():
    """The holiday and time-limit tables are cached per process; a test that changes them must
    not leak into the next one."""
    from tiaojie.core import cache, dates

    dates.clear_calendar_cache()
    cache.clear()  # per-process copies (drop-downs, organization maps) of a rolled-back test's rows
    yield
    dates.clear_calendar_cache()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Real hashers cost ~0.3 s a user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Two counties, townships, villages, a court and a police room, one user per role."""
    return build_world()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fresh_security_caches():
    """The security policy is cached per process for 30 s and decrypt failures are reported once
    per place; a test's rolled-back rows must not leak into the next test through them."""
    from tiaojie.security import crypto, policy

    policy.forget()
    crypto._reported.clear()
    yield
    policy.forget()
