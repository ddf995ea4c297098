"""The one scope rule (DESIGN.md): a user sees the subtree of their own organization."""
import pytest
from django.contrib.auth.models import AnonymousUser

from tiaojie.accounts.models import Role, User
from tiaojie.cases.models import Case
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Organization
from tiaojie.testing import register_case, sample_case_fields, sample_parties


def org_in_scope(user, org):
    return Scope.of(user).sees(org)


def visible_orgs(user):
    return Scope.of(user).orgs()


def scope_path(user):
    return Scope.of(user).path


def seen_keys(world, user):
    return {k for k, o in world.orgs.items() if org_in_scope(user, o)}


def test_matrix_follows_the_path_prefix(world):
    """For every user and every organization: in scope ⇔ org.path starts with the user's org path."""
    assert len(world.users) >= 9 and len(world.orgs) >= 11
    for ukey, user in world.users.items():
        visible = set(visible_orgs(user).values_list("pk", flat=True))
        for okey, org in world.orgs.items():
            expected = org.path.startswith(user.organization.path)
            assert org_in_scope(user, org) == expected, (ukey, okey)
            assert (org.pk in visible) == expected, (ukey, okey)


def test_paths_are_materialized(world):
    o = world.orgs
    assert o["city"].path == f"/{o['city'].pk}/"
    assert o["v1"].path == f"{o['dongan'].path}{o['v1'].pk}/"
    assert Organization.objects.get(pk=o["v1"].pk).path == o["v1"].path


EXPECTED = {
    "city": {"city", "weidong", "baofeng", "dongan", "zhoucun", "v1", "v2", "v3", "traffic", "court", "police"},
    "county": {"weidong", "dongan", "v1", "v2", "traffic", "court", "police"},
    "county2": {"baofeng", "zhoucun", "v3"},
    "township": {"dongan", "v1", "v2", "police"},
    "v1": {"v1"},
    "v2": {"v2"},
    "v3": {"v3"},
    "court": {"court"},
    "police": {"police"},
}


@pytest.mark.parametrize("ukey", sorted(EXPECTED))
def test_explicit_scopes(world, ukey):
    assert seen_keys(world, world.users[ukey]) == EXPECTED[ukey]


def test_superuser_without_org_sees_all(world):
    su = User.objects.create_superuser(username="root", password="x" * 12, email="r@example.com")
    assert su.organization is None and scope_path(su) == ""
    assert seen_keys(world, su) == set(world.orgs)
    assert visible_orgs(su).count() == Organization.objects.count()


def test_superuser_with_org_is_bounded_by_it(world):
    su = User.objects.create_superuser(username="root2", password="x" * 12, email="r@example.com",
                                       organization=world.orgs["baofeng"])
    assert seen_keys(world, su) == EXPECTED["county2"]


def test_user_without_org_sees_nothing(world):
    u = User.objects.create_user(username="lost", password="x" * 12, role=Role.CITY_ADMIN)
    assert scope_path(u) is None and seen_keys(world, u) == set()
    assert not visible_orgs(u).exists()


def test_inactive_and_anonymous_see_nothing(world):
    u = world.users["city"]
    u.is_active = False
    u.save()
    for who in (u, AnonymousUser(), None):
        assert scope_path(who) is None
        assert seen_keys(world, who) == set()
        assert not visible_orgs(who).exists()


def test_org_none_is_never_in_scope(world):
    assert not org_in_scope(world.users["city"], None)


def test_sibling_path_prefix_is_not_confused(world):
    """Paths end with "/": organization 1 must not see organization 12 or 13."""
    city = world.orgs["city"]
    made = {}
    for i in range(15):
        made[i] = Organization.objects.create(name=f"测试调委会{i}", abbr=f"测{i}", kind="village",
                                              region=world.regions["v1"], parent=city)
    for a in made.values():
        user = User(username=f"u{a.pk}", organization=a, role=Role.MEDIATOR)
        for b in made.values():
            assert org_in_scope(user, b) == (a.pk == b.pk)
    # the prefix as a range ("/…/1/" up to "/…/10" exclusive) keeps 12 and 13 out too
    for org in made.values():
        case = register_case(world.users["city"], organization=org, parties=sample_parties(), **sample_case_fields(world))
        user = User(username=f"r{org.pk}", organization=org, role=Role.MEDIATOR, is_active=True)
        assert list(Case.objects.visible_to(user, listing=True, ranged=True).values_list("pk", flat=True)) == [case.pk]


def test_case_visibility_follows_the_scope(world):
    cases = {}
    for okey in ("v1", "v2", "v3", "weidong", "court", "police", "dongan", "zhoucun", "traffic"):
        cases[okey] = register_case(world.users["city"], organization=world.orgs[okey],
                                             parties=sample_parties(), **sample_case_fields(world))
    for ukey, user in world.users.items():
        visible = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        expected = {c.pk for okey, c in cases.items() if org_in_scope(user, world.orgs[okey])}
        assert visible == expected, ukey
        assert expected == {c.pk for okey, c in cases.items() if okey in EXPECTED[ukey]}
    assert not Case.objects.visible_to(AnonymousUser()).exists()
    su = User.objects.create_superuser(username="root", password="x" * 12, email="r@example.com")
    assert Case.objects.visible_to(su).count() == len(cases)
    # composes with other filters and counts
    assert Case.objects.filter(status="registered").visible_to(world.users["township"]).count() == 4
    assert Case.objects.visible_to(world.users["county2"]).search("刘大海").count() == 2


def test_moving_an_organization_moves_its_subtree(world):
    """Re-parenting a township under the other county moves its villages with it."""
    dongan = world.orgs["dongan"]
    dongan.parent = world.orgs["baofeng"]
    dongan.save()
    v1 = Organization.objects.get(pk=world.orgs["v1"].pk)
    county2 = world.users["county2"]
    assert org_in_scope(county2, v1)
    assert not org_in_scope(User.objects.get(pk=world.users["county"].pk), v1)


def _cases_with_links(world):
    """Cases in several subtrees, two of them transferred out of their first committee's subtree."""
    from tiaojie.routing import services
    from tiaojie.testing import version_of

    made = [register_case(world.users["city"], organization=world.orgs[k], parties=sample_parties(),
                          **sample_case_fields(world)) for k in ("v1", "v2", "v3", "weidong", "court", "zhoucun")]
    up = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                       **sample_case_fields(world))
    services.transfer_out(up, world.users["v1"], version=version_of(up), to_org=world.orgs["dongan"], reason="上交街道")
    across = register_case(world.users["city"], organization=world.orgs["v3"], parties=sample_parties(),
                           **sample_case_fields(world))
    services.transfer_out(across, world.users["city"], version=version_of(across), to_org=world.orgs["v1"],
                          reason="跨县移交")
    return made + [up, across]


def test_listing_form_shows_exactly_the_same_rows(world):
    """The lists' form of the scope (ids read first) and the default form (subqueries) agree for
    every user, acting or not, with cases linked from outside the owner's subtree."""
    _cases_with_links(world)
    su = User.objects.create_superuser(username="root", password="x" * 12, email="r@example.com")
    for user in [*world.users.values(), su, AnonymousUser()]:
        for acting in (False, True):
            plain = set(Case.objects.visible_to(user, acting=acting).values_list("pk", flat=True))
            listed = set(Case.objects.visible_to(user, acting=acting, listing=True).values_list("pk", flat=True))
            assert plain == listed, (getattr(user, "username", "anonymous"), acting)
            # the path prefix also as a range (SQLite: the scope index serves it): the same rows
            ranged = set(Case.objects.visible_to(user, acting=acting, listing=True, ranged=True)
                         .values_list("pk", flat=True))
            assert ranged == plain, (getattr(user, "username", "anonymous"), acting)
    # the committee that handed a case across counties still sees it, read-only, in its list
    v3 = world.users["v3"]
    across = Case.objects.filter(organization=world.orgs["v1"], transfers__from_org=world.orgs["v3"]).get()
    assert Case.objects.visible_to(v3, listing=True).filter(pk=across.pk).exists()
    assert not Case.objects.visible_to(v3, acting=True, listing=True).filter(pk=across.pk).exists()


def test_owns_path_agrees_with_the_owner_condition(world):
    """``Scope.owns_path`` (a prefix test on a path already read, no query) says of every case what
    the acting condition in SQL says: owned rows only, links not (they need the query)."""
    _cases_with_links(world)
    su = User.objects.create_superuser(username="root", password="x" * 12, email="r@example.com")
    rows = list(Case.objects.values_list("pk", "scope_path"))
    for user in [*world.users.values(), su, AnonymousUser()]:
        scope = Scope.of(user)
        owned = set(Case.objects.visible_to(user, acting=True).values_list("pk", flat=True))
        assert {pk for pk, path in rows if scope.owns_path(Case, path)} == owned, getattr(user, "username", "")
    # a model without a path column is never decided by it
    assert not Scope.of(world.users["city"]).owns_path(Organization, world.orgs["v1"].path)


def test_scope_path_is_kept_by_the_database(world):
    """Every way of writing a case leaves its owner's path on it: registration, transfer,
    ``update()``, ``bulk_create`` and moving an organization in the tree."""
    def path_of(case):
        return Case.objects.values_list("scope_path", flat=True).get(pk=case.pk)

    case = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                         **sample_case_fields(world))
    assert path_of(case) == world.orgs["v1"].path
    Case.objects.filter(pk=case.pk).update(organization=world.orgs["v3"], scope_path="/forged/")
    assert path_of(case) == world.orgs["v3"].path
    case.refresh_from_db()
    case.organization = world.orgs["v2"]
    case.save()
    assert path_of(case) == world.orgs["v2"].path
    copy = Case.objects.get(pk=case.pk)
    copy.pk, copy.number, copy.seq, copy.scope_path = None, "（2099）复制第1号", 99999, ""
    copy.organization = world.orgs["v1"]
    [made] = Case.objects.bulk_create([copy])
    assert path_of(Case.objects.get(number="（2099）复制第1号")) == world.orgs["v1"].path
    # a row inserted with another organization's path (or a forged one) gets its own; one inserted
    # with the right path is left as it is (SQLite's trigger rewrites only a wrong path)
    for n, written in enumerate(["/forged/", world.orgs["v3"].path, world.orgs["v1"].path]):
        other = Case.objects.get(pk=case.pk)
        other.pk, other.number, other.seq, other.scope_path = None, f"（2099）复制第{n + 2}号", 99990 + n, written
        other.organization = world.orgs["v1"]
        Case.objects.bulk_create([other])
        assert path_of(Case.objects.get(number=f"（2099）复制第{n + 2}号")) == world.orgs["v1"].path
    dongan = world.orgs["dongan"]
    dongan.parent = world.orgs["baofeng"]
    dongan.save()
    moved = Organization.objects.get(pk=world.orgs["v2"].pk).path
    assert moved.startswith(world.orgs["baofeng"].path) and path_of(case) == moved
    county2 = User.objects.get(pk=world.users["county2"].pk)
    assert Case.objects.visible_to(county2, listing=True).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(User.objects.get(pk=world.users["county"].pk), listing=True).filter(
        pk=case.pk).exists()


def test_the_only_top_organization_sees_everything_without_a_condition(world):
    city = world.users["city"]
    assert Organization.objects.filter(parent__isnull=True).count() == 1
    assert Scope(city).whole_tree and Scope(city).q(Case, listing=True) is None
    assert Scope(city).q(Case) is not None  # the default form asks nothing before the statement
    assert not Scope(world.users["county"]).whole_tree
    Organization.objects.create(name="另一个市司法局", abbr="另", kind="city_bureau", region=world.regions["city"])
    assert not Scope(city).whole_tree and Scope(city).q(Case, listing=True) is not None


def test_the_scope_path_triggers_and_index_exist_after_migrating(db):
    """A migration that rebuilds ``cases_case`` on SQLite drops its triggers and raw indexes: they
    must be there after every migration (see cases/migrations/0009_case_scope_path.py)."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")
            names = {r[0] for r in cur.fetchall()}
            assert {"cases_case_scope_path_ai", "cases_case_scope_path_au", "orgs_organization_path_cases",
                    "cases_case_scope_list"} <= names
        else:
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            triggers = {r[0] for r in cur.fetchall()}
            cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case'")
            indexes = {r[0] for r in cur.fetchall()}
            assert {"cases_case_scope_path", "orgs_organization_path_cases"} <= triggers
            assert "cases_case_scope_list" in indexes
