"""Two users nominate the same case at once, and two edits of one typical case race: one wins,
the other is told (PostgreSQL row locks; real threads and transactions)."""
import threading

import pytest
from django.db import connection, connections

from tests.core.test_concurrency import _in_thread
from tests.portal.conftest import texts
from tests.routing.helpers import mediate_to_success, register
from tiaojie.cases.models import DisputeType
from tiaojie.core.errors import DomainError, StaleRecord
from tiaojie.portal import services
from tiaojie.portal.models import TypicalCase

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set DATABASE_URL); SQLite serializes whole writes")
    DisputeType.objects.get_or_create(code="02", defaults={"name": "邻里"})
    case = register(world, "v1", "v1")
    mediate_to_success(case, world.users["v1"])
    return case


def _race(*fns):
    results, barrier = [], threading.Barrier(len(fns))
    threads = [_in_thread(fn, results, barrier) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    connections.close_all()
    return [r for k, r in results if k == "ok"], [r for k, r in results if k == "error"]


def test_one_nomination_per_case(world, closed):
    oks, errors = _race(lambda: services.nominate(world.users["v1"], closed),
                        lambda: services.nominate(world.users["township"], closed))
    assert len(oks) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], DomainError) and "已推荐" in errors[0].message
    assert TypicalCase.objects.count() == 1


def test_two_edits_one_wins(world, closed):
    t = services.nominate(world.users["v1"], closed)
    oks, errors = _race(lambda: services.save(world.users["v1"], t, version=t.version, **texts(t, title="甲")),
                        lambda: services.save(world.users["township"], t, version=t.version, **texts(t, title="乙")))
    assert len(oks) == 1 and len(errors) == 1 and isinstance(errors[0], StaleRecord), errors
    assert TypicalCase.objects.get().version == t.version + 1
