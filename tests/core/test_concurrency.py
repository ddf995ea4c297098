"""Nothing lost under concurrency (issue 10): two users acting on one case at once, and a rollup
rebuild racing a write. Real threads and real transactions (``transaction=True``)."""
import threading

import pytest
from django.db import connection, connections

from tiaojie.cases import transitions
from tiaojie.cases.models import Case, CaseEvent, DisputeType, Status
from tiaojie.cases.transitions import StaleCase
from tiaojie.stats import rollups
from tiaojie.stats.models import RollupChange
from tiaojie.testing import register_case, sample_case_fields, sample_parties


@pytest.fixture
def dispute_types(db):
    """Transactional tests may start after another one flushed the data migrations' rows."""
    DisputeType.objects.get_or_create(code="02", defaults={"name": "邻里"})


def _in_thread(fn, results, barrier):
    def run():
        try:
            barrier.wait(timeout=30)
            results.append(("ok", fn()))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results.append(("error", exc))
        finally:
            connections.close_all()
    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_two_users_act_on_one_case_one_wins_the_other_is_told(dispute_types, world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set DATABASE_URL); SQLite serializes whole writes")
    case = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                         **sample_case_fields(world))
    seen = Case.objects.get(pk=case.pk).version
    results, barrier = [], threading.Barrier(2)
    threads = [
        _in_thread(lambda: transitions.accept(case.pk, world.users["v1"], version=seen), results, barrier),
        _in_thread(lambda: transitions.reject(case.pk, world.users["township"], version=seen,
                                              reason="不属于民间纠纷"), results, barrier),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    oks = [r for kind, r in results if kind == "ok"]
    errors = [r for kind, r in results if kind == "error"]
    assert len(oks) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], StaleCase) and "旧版本" in errors[0].message
    case.refresh_from_db()
    assert case.status in (Status.ACCEPTED, Status.REJECTED) and case.version == seen + 1
    assert CaseEvent.objects.filter(case=case, kind__in=["accept", "reject"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_during_a_rebuild_is_not_forgotten(dispute_types, world, monkeypatch):
    """The rebuild reads the change rows before counting and removes only those: a write that
    commits while it counts leaves its own row, so its month is rebuilt next time."""
    register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                  **sample_case_fields(world))
    assert RollupChange.objects.exists()  # the registration noted its month after commit
    counting, written = threading.Event(), threading.Event()
    real_rebuild = rollups.rebuild

    def slow_rebuild(months, progress=None):
        counting.set()
        assert written.wait(timeout=30)  # a write commits while the rebuild counts
        return real_rebuild(months, progress)

    monkeypatch.setattr(rollups, "rebuild", slow_rebuild)
    results = []

    def rebuild():
        try:
            results.append(rollups.rebuild_due())
        finally:
            connections.close_all()

    t = threading.Thread(target=rebuild)
    t.start()
    assert counting.wait(timeout=30)
    seen_before = set(RollupChange.objects.values_list("pk", flat=True))
    register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                         **sample_case_fields(world))
    newest = RollupChange.objects.order_by("-id").first()
    assert newest is not None
    written.set()
    t.join(timeout=60)
    assert results, "the rebuild did not finish"
    # the change committed during the rebuild survives it; the ones it had read are gone
    left = set(RollupChange.objects.values_list("pk", flat=True))
    assert newest.pk in left and not (left & seen_before)
