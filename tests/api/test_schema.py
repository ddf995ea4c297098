"""Schemathesis against /api/openapi.json: whatever a client sends, never a server error."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tiaojie.api.models import ApiClient
from tiaojie.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """As Django's test client does: the WSGI app must not close the test transaction's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def court_token(world):
    c = ApiClient(name="模糊测试法院系统", kind="court", organization=world.orgs["court"],
                  operations="refer,read,confirm", rate_per_minute=100000)
    c.save()
    return c.clear_token


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, court_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {court_token}"}, checks=[not_a_server_error])


@schema.parametrize()
@settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_without_token(case, db):
    case.call_and_validate(checks=[not_a_server_error])
