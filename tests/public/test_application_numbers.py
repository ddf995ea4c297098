"""An online application is numbered when its committee accepts it (issue 12): while it awaits
acceptance it carries an application reference (申请编号), not a number of the committee's series;
accepting takes the next number, declining takes none, and numbering stays gapless under
concurrency with the desk registrations of the same series."""
import re
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from tiaojie.cases import intake, transitions
from tiaojie.cases.models import Case, CaseEvent, CaseNumberCounter, DisputeType
from tiaojie.public import services
from tiaojie.testing import effects, register_case, sample_case_fields, sample_parties, version_of

PHONE = "13912345678"
REFERENCE = re.compile(r"网申\d{8}-[2-9A-HJ-NP-Z]{6}")


def apply(world, name="刘大海"):
    with effects():
        return services.apply(phone=PHONE, address=None, me={"name": name},
                              other={"name": "孙小梅", "phone": "13987654321"}, facts="邻里排水纠纷，多次协商未果。",
                              claims="疏通排水沟", region=world.regions["v1"], place_detail="",
                              arose_on="2026-11-01", dispute_type=DisputeType.objects.get(code="02"), consent=True)


def desk(world):
    with effects():
        return register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                             **sample_case_fields(world))


def series(org) -> list[int]:
    return list(Case.objects.filter(numbered_by=org, seq__isnull=False).order_by("seq").values_list("seq", flat=True))


def test_an_application_awaiting_acceptance_has_no_case_number(world):
    year = timezone.localdate().year
    first = desk(world)
    app = apply(world)
    assert app.seq is None and not app.numbered and REFERENCE.fullmatch(app.number)
    assert app.number_label == "申请编号"
    # the series did not move: the next desk case takes number 2
    assert CaseNumberCounter.objects.get(organization=world.orgs["v1"], year=year).last == 1
    assert desk(world).number == f"（{year}）东安社区调字第0002号" and first.seq == 1


def test_acceptance_takes_the_next_number(world):
    year = timezone.localdate().year
    app = apply(world)
    desk(world)
    reference = app.number
    with effects():
        accepted = transitions.accept(app, world.users["v1"], version=version_of(app))
    case = Case.objects.get(pk=app.pk)
    assert accepted.number == case.number == f"（{year}）东安社区调字第0002号"
    assert (case.seq, case.year, case.numbered_by) == (2, year, world.orgs["v1"]) and case.numbered
    event = case.events.get(kind="accept")
    assert event.label == f"受理（案号{case.number}）"
    assert event.data["reference"] == reference and event.data["number"] == case.number
    assert series(world.orgs["v1"]) == [1, 2]
    # and the case is found by its number, no longer by its reference
    assert list(Case.objects.search(case.number[-8:])) == [case]
    assert not Case.objects.filter(number=reference).exists()


def test_a_warning_raised_on_an_application_takes_the_case_number_on_acceptance(world):
    from tiaojie.warnings.models import Warning

    with effects():
        app = services.apply(phone=PHONE, address=None, me={"name": "刘大海"}, other={"name": "孙小梅"},
                             facts="邻居孙小梅因排水沟与我家争吵，她丈夫把我父亲打倒在地，我们报了警，对方扬言要烧我家房子。",
                             claims="赔偿医药费", region=world.regions["v1"], place_detail="", arose_on="2026-11-01",
                             dispute_type=DisputeType.objects.get(code="02"), consent=True)
    w = Warning.objects.get(assessment__case=app)
    assert w.title.startswith(app.number + " ")  # the application reference, while it waits
    desk_user = next(u for u in world.users.values() if u.organization_id == app.organization_id and u.role != "viewer")
    with effects():
        transitions.accept(app, desk_user, version=version_of(app))
    case = Case.objects.get(pk=app.pk)
    w.refresh_from_db()
    assert w.title.startswith(case.number + " ") and "网申" not in w.title


def test_a_declined_application_leaves_no_gap(world):
    year = timezone.localdate().year
    desk(world)
    declined = apply(world)
    with effects():
        transitions.reject(declined, world.users["v1"], version=version_of(declined),
                           reason="该纠纷已由人民法院立案受理")
    declined.refresh_from_db()
    assert declined.seq is None and REFERENCE.fullmatch(declined.number)
    accepted = apply(world, "王秀兰")
    with effects():
        transitions.accept(accepted, world.users["v1"], version=version_of(accepted))
    third = desk(world)
    assert series(world.orgs["v1"]) == [1, 2, 3]
    assert Case.objects.get(pk=accepted.pk).number == f"（{year}）东安社区调字第0002号"
    assert third.number == f"（{year}）东安社区调字第0003号"
    assert CaseNumberCounter.objects.get(organization=world.orgs["v1"], year=year).last == 3


def test_a_failed_acceptance_takes_no_number(world, monkeypatch):
    app = apply(world)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CaseEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        transitions.accept(app, world.users["v1"], version=version_of(app))
    monkeypatch.undo()
    app.refresh_from_db()
    assert app.seq is None and not CaseNumberCounter.objects.filter(organization=world.orgs["v1"], last__gt=0).exists()


def test_an_application_transferred_before_acceptance_is_numbered_by_the_receiver(world):
    from tiaojie.routing import services as routing

    year = timezone.localdate().year
    app = apply(world)
    with effects():
        t = routing.transfer_out(app, world.users["v1"], version=version_of(app), to_org=world.orgs["dongan"],
                                 reason="涉及两个社区，请街道调委会处理")
        routing.accept_transfer(t, world.users["township"], version=version_of(app))
    app.refresh_from_db()
    assert app.organization == world.orgs["dongan"] and app.seq is None
    with effects():
        transitions.accept(app, world.users["township"], version=version_of(app))
    app.refresh_from_db()
    assert (app.numbered_by, app.seq, app.number) == (world.orgs["dongan"], 1, f"（{year}）卫东东安调字第0001号")
    assert series(world.orgs["v1"]) == []


def test_the_staff_and_the_applicant_see_the_reference(client, world):
    app = apply(world)
    client.force_login(world.users["v1"])
    page = client.get(reverse("cases:detail", args=[app.pk])).content.decode()
    assert app.number in page and 'id="unnumbered"' in page
    page = client.get(reverse("cases:act", args=[app.pk, "accept"])).content.decode()
    assert "受理时取得东安社区人民调解委员会本年度的下一个案号" in page
    listing = client.get(reverse("cases:list")).content.decode()
    assert app.number in listing


def test_the_migration_gives_back_the_numbers_of_pending_applications(world):
    """Applications registered before this change carry a number: the data migration turns it into
    a reference and gives the counter back what ends the series (a number in the middle stays a
    gap: it was issued); an accepted application keeps its number."""
    import importlib

    from django.apps import apps

    year = timezone.localdate().year
    org = world.orgs["v1"]
    old = []
    for name in ("甲", "乙", "丙"):  # numbered at submission, as before
        c = apply(world, name)
        seq, number = intake.next_case_number(org, year)
        Case.objects.filter(pk=c.pk).update(seq=seq, number=number, year=year)
        old.append(Case.objects.get(pk=c.pk))
    with effects():
        transitions.accept(old[1], world.users["v1"], version=version_of(old[1]))
    migration = importlib.import_module("tiaojie.cases.migrations.0008_applications_numbered_on_acceptance")
    migration.unnumber_pending_applications(apps, None)
    first, accepted, last = (Case.objects.get(pk=c.pk) for c in old)
    assert first.seq is None and REFERENCE.fullmatch(first.number)
    assert last.seq is None and REFERENCE.fullmatch(last.number)
    assert (accepted.seq, accepted.number) == (2, old[1].number)
    assert CaseNumberCounter.objects.get(organization=org, year=year).last == 2  # 3 given back, 1 a gap
    assert desk(world).seq == 3


# --- concurrency ---------------------------------------------------------------------------------

def _accept_and_register_concurrently(world, applications: int, desks: int, threads: int):
    from tiaojie.testing import reseed

    reseed()
    apps_ = [apply(world, f"申请人{i}") for i in range(applications)]
    user, org = world.users["v1"], world.orgs["v1"]
    fields = sample_case_fields(world)
    work = [("accept", a.pk) for a in apps_] + [("desk", None)] * desks
    chunks = [work[i::threads] for i in range(threads)]
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(items):
        try:
            barrier.wait(timeout=30)
            for kind, pk in items:
                if kind == "accept":
                    transitions.accept(pk, user, version=version_of(pk))
                else:
                    register_case(user, organization=org, parties=sample_parties(), **fields)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool), "a thread hung"
    assert errors == []
    n = applications + desks
    assert series(org) == list(range(1, n + 1))
    numbers = list(Case.objects.filter(organization=org).values_list("number", flat=True))
    assert len(set(numbers)) == n and all("调字第" in x for x in numbers)
    year = timezone.localdate().year
    assert CaseNumberCounter.objects.get(organization=org, year=year).last == n


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptance_postgres(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent numbering is tested on PostgreSQL (set DATABASE_URL)")
    _accept_and_register_concurrently(world, applications=20, desks=20, threads=8)


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptance_sqlite(world):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant")
    _accept_and_register_concurrently(world, applications=6, desks=6, threads=4)
