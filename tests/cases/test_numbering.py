"""Case numbers (案号): per organization per year, configurable, gapless, unique under concurrency."""
import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from tiaojie.cases import intake
from tiaojie.cases.models import Case, CaseNumberCounter, DisputeType
from tiaojie.testing import register_case, sample_case_fields, sample_parties


def register(world, org="v1", user="city", **over):
    return register_case(world.users[user], organization=world.orgs[org], parties=sample_parties(),
                                  **sample_case_fields(world, **over))


def at(monkeypatch, when: dt.datetime):
    """Pretend the clock reads ``when`` (the registration year comes from it)."""
    monkeypatch.setattr(timezone, "now", lambda: when)


def test_numbers_run_per_organization(world):
    year = timezone.localdate().year
    a1, a2, b1, a3 = register(world, "v1"), register(world, "v1"), register(world, "v2"), register(world, "v1")
    assert [a1.seq, a2.seq, a3.seq, b1.seq] == [1, 2, 3, 1]
    assert a2.number == f"（{year}）东安社区调字第0002号"
    assert b1.number == f"（{year}）光华社区调字第0001号"
    assert register(world, "weidong").number == f"（{year}）卫东调字第0001号"


def test_numbers_restart_each_year(world, monkeypatch):
    tz = timezone.get_current_timezone()
    at(monkeypatch, dt.datetime(2025, 6, 1, 10, tzinfo=tz))
    first = [register(world, arose_on=dt.date(2025, 5, 1)) for _ in range(3)]
    assert [c.number for c in first][-1] == "（2025）东安社区调字第0003号"
    at(monkeypatch, dt.datetime(2026, 1, 2, 10, tzinfo=tz))
    c = register(world, arose_on=dt.date(2025, 5, 1))
    assert (c.year, c.seq, c.number) == (2026, 1, "（2026）东安社区调字第0001号")
    assert dict(CaseNumberCounter.objects.filter(organization=world.orgs["v1"]).values_list("year", "last")) == \
        {2025: 3, 2026: 1}


def test_year_is_the_local_year(world, monkeypatch):
    """2026-12-31 17:00 UTC is already 2027-01-01 in Beijing: the case belongs to 2027."""
    at(monkeypatch, dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC))
    c = register(world, arose_on=dt.date(2026, 12, 1))
    assert c.year == 2027 and c.number.startswith("（2027）")


def test_pattern_is_configurable_per_organization(world, settings):
    org = world.orgs["v1"]
    org.case_number_pattern = "{abbr}调〔{year}〕{seq}号"
    org.full_clean()
    org.save()
    year = timezone.localdate().year
    assert register(world, "v1").number == f"东安社区调〔{year}〕1号"
    # the default pattern comes from settings
    settings.TIAOJIE_CASE_NUMBER_PATTERN = "{abbr}{year}-{seq:05d}"
    assert register(world, "v2").number == f"光华社区{year}-00001"
    assert register(world, "v1").number == f"东安社区调〔{year}〕2号"


def test_format_number(world):
    org = world.orgs["weidong"]
    assert intake.format_number(org, 2026, 1) == "（2026）卫东调字第0001号"
    assert intake.format_number(org, 2026, 12345) == "（2026）卫东调字第12345号"


def test_bad_pattern_is_refused_by_the_model(world):
    from django.core.exceptions import ValidationError

    org = world.orgs["v1"]
    org.case_number_pattern = "{year}{abbr}{number}"
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "案号格式无效" in str(exc.value)


def test_failed_registration_leaves_no_gap(world, monkeypatch):
    assert register(world).seq == 1
    # fails after the number was taken: Case() does not know the field
    with pytest.raises(TypeError):
        register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                               bogus_field=1, **sample_case_fields(world))

    # fails later still, while saving the parties
    def broken(case, data):
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "build_party", broken)
    with pytest.raises(RuntimeError):
        register(world)
    monkeypatch.undo()
    assert CaseNumberCounter.objects.get(organization=world.orgs["v1"]).last == 1
    assert Case.objects.count() == 1
    assert register(world).seq == 2


# --- concurrency --------------------------------------------------------------------------------

def _register_concurrently(world, threads: int, per_thread: int) -> list[Case]:
    fields = sample_case_fields(world)
    user, org = world.users["v1"], world.orgs["v1"]
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait(timeout=30)
            for _ in range(per_thread):
                register_case(user, organization=org, parties=sample_parties(), **fields)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool), "a registration thread hung"
    assert errors == []
    return list(Case.objects.filter(organization=org).order_by("seq"))


def _assert_gapless(cases: list[Case], n: int):
    assert len(cases) == n
    assert [c.seq for c in cases] == list(range(1, n + 1))
    assert len({c.number for c in cases}) == n
    year = cases[0].year
    assert cases[-1].number == f"（{year}）东安社区调字第{n:04d}号"
    assert CaseNumberCounter.objects.get(organization=cases[0].organization, year=year).last == n
    for c in cases:
        assert c.parties.count() == 2 and c.events.count() == 2  # 登记, 分流


@pytest.fixture
def dispute_types(db):
    """Transactional tests may start after another one flushed the data migrations' rows."""
    DisputeType.objects.get_or_create(code="02", defaults={"name": "邻里纠纷"})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_postgres(dispute_types, world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent numbering is tested on PostgreSQL (set DATABASE_URL)")
    _assert_gapless(_register_concurrently(world, threads=8, per_thread=10), 80)


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_sqlite(dispute_types, world):
    """SQLite: IMMEDIATE transactions with a 30 s busy timeout serialize the writers."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant")
    _assert_gapless(_register_concurrently(world, threads=4, per_thread=5), 20)
