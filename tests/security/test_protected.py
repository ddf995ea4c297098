"""Mediators' ID numbers and phones and users' phones are protected like parties' identifiers
(issue 11): encrypted at rest, found by keyed hash, masked everywhere including admin, every
unmasking logged; migrations encrypt existing rows (and decrypt them back); rotation covers them."""
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tiaojie.accounts.models import PersonalDataAccess, Role, User
from tiaojie.cases.models import Party
from tiaojie.orgs.models import Mediator
from tiaojie.security import crypto
from tiaojie.security.keys import new_key
from tiaojie.security.protected import Protected, protected_fields, reveal
from tiaojie.testing import make_id

IDN = make_id(seq="011")
PHONE = "13912345678"


def _raw_row(table: str, pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return " ".join(str(v) for v in cur.fetchone())


@pytest.fixture
def mediator(world):
    m = world.mediators["m1"]
    m.id_number = IDN.lower()  # normalised to upper case like parties'
    m.phone = PHONE
    m.save()
    return m


# --- storage ------------------------------------------------------------------------------------

def test_one_declaration_serves_parties_mediators_and_users():
    assert set(protected_fields(Party)) == {"id_number", "phone"}
    assert set(protected_fields(Mediator)) == {"id_number", "phone"}
    assert set(protected_fields(User)) == {"phone"}
    assert all(isinstance(p, Protected) for m in (Party, Mediator, User) for p in protected_fields(m).values())


def test_mediator_identifiers_are_stored_encrypted_hashed_and_masked(mediator):
    raw = _raw_row("orgs_mediator", mediator.pk)
    assert IDN not in raw and PHONE not in raw  # nothing in clear in any column
    m = Mediator.objects.get(pk=mediator.pk)
    assert m.id_number == IDN and m.phone == PHONE
    assert m.id_hash == crypto.lookup_hash(IDN) and m.phone_hash == crypto.lookup_hash(PHONE)
    assert m.id_masked == IDN[:3] + "*" * 11 + IDN[-4:] and m.phone_masked == "139****5678"
    assert Mediator.objects.get(Mediator.id_number.q(IDN.lower())) == m
    assert Mediator.objects.get(Mediator.phone.q(f" {PHONE} ")) == m
    assert not Mediator.objects.filter(Mediator.id_number.q("")).exists()


def test_user_phone_is_stored_encrypted(world):
    u = User.objects.create_user("phoney", password="x", phone=PHONE)
    assert PHONE not in _raw_row("accounts_user", u.pk)
    u = User.objects.get(pk=u.pk)
    assert u.phone == PHONE and u.phone_masked == "139****5678"
    assert User.objects.get(User.phone.q(PHONE)) == u


def test_reveal_logs_and_skips_empty_values(world, mediator):
    user = world.users["county"]
    assert reveal(user, mediator, what="测试") == {"id_number": IDN, "phone": PHONE}
    log = PersonalDataAccess.objects.get()
    assert log.user == user and log.what == "测试" and mediator.name in log.object_repr
    empty = world.mediators["m2"]
    empty.phone = ""
    empty.save()
    assert reveal(user, empty) == {"id_number": "", "phone": ""}
    assert PersonalDataAccess.objects.count() == 1  # nothing shown, nothing logged


# --- rotation -----------------------------------------------------------------------------------

def test_rotation_covers_mediators_and_users(world, settings):
    cols = {(m._meta.label, f) for m, f in crypto.encrypted_columns()}
    assert {("orgs.Mediator", "id_number_enc"), ("orgs.Mediator", "phone_enc"), ("accounts.User", "phone_enc"),
            ("cases.Party", "id_number_enc"), ("cases.Party", "phone_enc")} <= cols
    old, new = settings.TIAOJIE_DATA_KEY, new_key()  # the world was made under the current keys
    hash_key = crypto.data_keys()[-1]
    m = world.mediators["m1"]
    m.id_number, m.phone = IDN, PHONE
    m.save()
    u = world.users["v1"]
    u.phone = PHONE
    u.save()
    before = (m.id_number_enc, m.phone_enc, u.phone_enc)
    settings.TIAOJIE_DATA_KEY = f"{new},{old}"
    call_command("rotate_data_key", "--batch", "2", stdout=StringIO(), stderr=open(os.devnull, "w"))
    m, u = Mediator.objects.get(pk=m.pk), User.objects.get(pk=u.pk)
    after = (m.id_number_enc, m.phone_enc, u.phone_enc)
    assert all(a != b and crypto.is_current(a) for a, b in zip(after, before, strict=True))
    settings.TIAOJIE_DATA_KEY, settings.TIAOJIE_HASH_KEY = new, hash_key  # the old keys are gone
    m, u = Mediator.objects.get(pk=m.pk), User.objects.get(pk=u.pk)
    assert (m.id_number, m.phone, u.phone) == (IDN, PHONE, PHONE)
    assert Mediator.objects.filter(Mediator.id_number.q(IDN)).get() == m  # hashes unchanged


# --- migrations ---------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_migrations_encrypt_existing_rows_and_decrypt_them_back():
    executor = MigrationExecutor(connection)
    before = [("orgs", "0004_training_void"), ("accounts", "0003_audit_append_only_pg")]
    after = [("orgs", "0007_remove_mediator_clear_identifiers"), ("accounts", "0006_remove_user_clear_phone")]
    try:
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        Region, Org = apps.get_model("orgs", "Region"), apps.get_model("orgs", "Organization")
        region = Region.objects.create(code="410403000000", name="卫东区", level="county")
        org = Org.objects.create(name="测试调委会", abbr="测试", kind="village", region=region)
        old_m = apps.get_model("orgs", "Mediator").objects.create(name="老张", organization=org,
                                                                  id_number=IDN.lower(), phone=PHONE)
        blank_m = apps.get_model("orgs", "Mediator").objects.create(name="老李", organization=org)
        old_u = apps.get_model("accounts", "User").objects.create(username="olduser", phone=PHONE)

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        m, u = Mediator.objects.get(pk=old_m.pk), User.objects.get(pk=old_u.pk)
        assert (m.id_number, m.phone, m.id_masked, u.phone, u.phone_masked) == (IDN, PHONE, m.id_masked, PHONE,
                                                                                "139****5678")
        assert m.id_hash == crypto.lookup_hash(IDN) and "*" in m.id_masked
        assert IDN not in _raw_row("orgs_mediator", m.pk) and PHONE not in _raw_row("accounts_user", u.pk)
        b = Mediator.objects.get(pk=blank_m.pk)
        assert (b.id_number_enc, b.id_hash, b.id_masked, b.phone_enc) == ("", "", "", "")

        executor = MigrationExecutor(connection)
        executor.migrate(before)  # reversible: the clear columns come back filled
        apps = executor.loader.project_state(before).apps
        back_m = apps.get_model("orgs", "Mediator").objects.get(pk=old_m.pk)
        assert (back_m.id_number, back_m.phone) == (IDN, PHONE)
        assert apps.get_model("accounts", "User").objects.get(pk=old_u.pk).phone == PHONE
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- admin --------------------------------------------------------------------------------------

@pytest.fixture
def sys_admin(db, django_user_model):
    return django_user_model.objects.create_user("sysadm", password="x", role=Role.SYS_ADMIN, is_staff=True)


def test_admin_shows_mediators_masked_and_finds_them_by_hash(mediator, sys_admin, client):
    client.force_login(sys_admin)
    url = reverse("admin:orgs_mediator_changelist")
    html = client.get(url).content.decode()
    assert IDN not in html and PHONE not in html and mediator.id_masked in html and "139****5678" in html
    found = client.get(url, {"q": IDN})  # (the page repeats only what was typed into the search box)
    assert found.context["cl"].result_count == 1 and mediator.id_masked in found.content.decode()
    assert client.get(url, {"q": PHONE}).context["cl"].result_count == 1
    page = client.get(reverse("admin:orgs_mediator_change", args=[mediator.pk])).content.decode()
    assert IDN not in page and PHONE not in page and mediator.id_masked in page
    assert "查看完整号码" not in page  # the system administrator does not unmask
    r = client.get(reverse("admin:orgs_mediator_reveal", args=[mediator.pk]))
    assert r.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def _change_data(m, **over):
    data = {"name": m.name, "gender": m.gender, "organization": m.organization_id, "employment": m.employment,
            "status": m.status, "title": m.title, "qualifications": m.qualifications, "joined_on": "",
            "id_number": "", "phone": ""}
    if m.full_time:
        data["full_time"] = "on"
    data.update(over)
    return data


def test_admin_edits_identifiers_without_showing_them(mediator, world, sys_admin, client):
    client.force_login(sys_admin)
    url = reverse("admin:orgs_mediator_change", args=[mediator.pk])
    r = client.post(url, _change_data(mediator, name="王秀兰改"))  # empty inputs keep the stored values
    assert r.status_code == 302
    m = Mediator.objects.get(pk=mediator.pk)
    assert (m.name, m.id_number, m.phone) == ("王秀兰改", IDN, PHONE)
    other = make_id(seq="021")
    assert client.post(url, _change_data(m, id_number=other, phone_clear="on")).status_code == 302
    m = Mediator.objects.get(pk=mediator.pk)
    assert m.id_number == other and m.phone == "" and m.phone_masked == ""
    # a bad or duplicate ID is refused at the field, in Chinese, nothing saved
    r = client.post(url, _change_data(m, id_number=other[:-1] + ("0" if other[-1] != "0" else "1")))
    assert r.status_code == 200 and "校验位" in r.content.decode()
    m2 = world.mediators["m2"]
    r = client.post(reverse("admin:orgs_mediator_change", args=[m2.pk]), _change_data(m2, id_number=other))
    assert r.status_code == 200 and "已在名册中" in r.content.decode()
    assert Mediator.objects.get(pk=m2.pk).id_masked == ""


def test_admin_reveal_is_confirmed_by_post_and_logged(mediator, world, client):
    from django.contrib.auth.models import Permission

    staff = world.users["county"]  # a role that may unmask, given admin access to the roster
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_mediator"))
    client.force_login(staff)
    page = client.get(reverse("admin:orgs_mediator_change", args=[mediator.pk])).content.decode()
    assert "查看完整号码" in page and IDN not in page
    url = reverse("admin:orgs_mediator_reveal", args=[mediator.pk])
    r = client.get(url)
    assert r.status_code == 200 and IDN not in r.content.decode() and not PersonalDataAccess.objects.exists()
    r = client.post(url)
    assert r.status_code == 200 and IDN in r.content.decode() and PHONE in r.content.decode()
    log = PersonalDataAccess.objects.get()
    assert log.user == staff and "调解员" in log.what and mediator.name in log.object_repr


def test_user_admin_shows_phones_masked(world, sys_admin, client):
    u = world.users["v1"]
    u.phone = PHONE
    u.save()
    client.force_login(sys_admin)
    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert PHONE not in html and "139****5678" in html
    assert client.get(reverse("admin:accounts_user_changelist"), {"q": PHONE}).context["cl"].result_count == 1
    page = client.get(reverse("admin:accounts_user_change", args=[u.pk])).content.decode()
    assert PHONE not in page and "139****5678" in page and 'name="phone"' in page
    sec = User.objects.create_user("secadm", password="x", role=Role.SEC_ADMIN, is_staff=True)
    client.force_login(sec)  # views users only: no input, and never the decrypted value as read-only text
    page = client.get(reverse("admin:accounts_user_change", args=[u.pk])).content.decode()
    assert PHONE not in page and "139****5678" in page and 'name="phone"' not in page


# --- pages --------------------------------------------------------------------------------------

def test_roster_search_by_full_id_uses_the_hash(mediator, world, login):
    c = login(world.users["county"])
    page = c.get(reverse("orgs:mediators"), {"q": IDN}).context["page"]
    assert [m.pk for m in page] == [mediator.pk]
    c = login(world.users["city"])  # a role that does not unmask cannot probe by identifier
    assert list(c.get(reverse("orgs:mediators"), {"q": IDN}).context["page"]) == []
