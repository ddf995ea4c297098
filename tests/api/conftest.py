import json

import pytest

from tiaojie.api.models import ApiClient


@pytest.fixture
def tokens(world):
    """One external system per kind; {key: (ApiClient, clear token)}."""
    out = {}
    for key, kind, org, ops in [
        ("court", "court", "court", "refer,read,confirm"),
        ("police", "police", "police", "refer,read"),
        ("hotline", "department", "weidong", "refer,read"),
        ("readonly", "court", "court", "read"),
    ]:
        c = ApiClient(name=f"{key}系统", kind=kind, organization=world.orgs[org], operations=ops)
        c.save()
        out[key] = (c, c.clear_token)
    return out


@pytest.fixture
def api(client):
    def call(method, path, token=None, body=None, key=None):
        headers = {}
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        fn = getattr(client, method.lower())
        if body is not None:
            return fn(path, data=json.dumps(body, ensure_ascii=False), content_type="application/json", **headers)
        return fn(path, **headers)

    return call
