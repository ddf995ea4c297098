"""Keyset paging of the case list (``tiaojie.core.paging``): 下一页/上一页 carry the boundary row,
a page number alone is read by offset; every row once, in order, inside the scope, whatever the
cursor says."""
import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from tiaojie.cases.models import Case
from tiaojie.core.paging import CappedPaginator
from tiaojie.testing import register_case, sample_case_fields, sample_parties

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"（2099）页测第(\d+)号")


@pytest.fixture
def many(world):
    """80 cases in 卫东 (v1, v2) and 10 in 宝丰 (v3), registered three to a minute (ties broken by id)."""
    seed = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                         **sample_case_fields(world))
    base = timezone.now() - dt.timedelta(days=1)
    made = []
    for i in range(90):
        c = Case.objects.get(pk=seed.pk)
        c.pk, c.seq, c.scope_path = None, 1000 + i, ""
        c.number = f"（2099）页测第{i:03d}号"
        c.organization = world.orgs["v3"] if i % 9 == 4 else world.orgs["v1" if i % 2 else "v2"]
        c.registered_at = base - dt.timedelta(minutes=i // 3)
        made.append(c)
    Case.objects.bulk_create(made)
    Case.objects.filter(pk=seed.pk).delete()
    return world


def expected_for(user):
    qs = Case.objects.visible_to(user, listing=True).filter(number__contains="页测")
    return [int(NUMBER.search(n).group(1)) for n in qs.values_list("number", flat=True)]  # -registered_at, -id


def numbers(resp) -> list[int]:
    assert resp.status_code == 200
    return [int(m) for m in NUMBER.findall(resp.content.decode())]


def link(resp, rel):
    m = re.search(rf'rel="{rel}" href="([^"]+)"', resp.content.decode())
    return html.unescape(m.group(1)) if m else None


def test_next_and_previous_walk_every_row_once_in_order(many, login):
    user = many.users["county"]
    want = expected_for(user)
    assert len(want) == 80 and len(set(want)) == 80
    client = login(user)
    resp = client.get("/cases/")
    pages, seen = [], []
    while True:
        pages.append(numbers(resp))
        seen += pages[-1]
        nxt = link(resp, "next")
        if not nxt:
            break
        assert "after=" in nxt and f"page={len(pages) + 1}" in nxt
        resp = client.get("/cases/" + nxt)
        assert f"第 {len(pages) + 1}/3 页" in resp.content.decode()
    assert seen == want and [len(p) for p in pages] == [30, 30, 20]
    # and back: 上一页 from page 3 reads page 2 before its first row, then page 1 from the start
    prev = link(resp, "prev")
    assert "before=" in prev and "page=2" in prev
    resp = client.get("/cases/" + prev)
    assert numbers(resp) == pages[1]
    prev = link(resp, "prev")
    assert "before=" not in prev and prev.endswith("page=1")
    assert numbers(client.get("/cases/" + prev)) == pages[0]


def test_page_numbers_jump_by_offset_and_agree_with_the_cursor(many, login):
    client = login(many.users["county"])
    by_number = numbers(client.get("/cases/?page=2"))
    first = client.get("/cases/")
    assert numbers(client.get("/cases/" + link(first, "next"))) == by_number
    # the neighbours among the numbered links carry the cursor too, the others do not
    body = html.unescape(client.get("/cases/?page=2").content.decode())
    assert re.search(r'href="\?page=3&after=\d+_\d+"', body) and 'href="?page=1"' in body


def test_the_cursor_keeps_the_filters_and_they_stay_in_the_links(many, login):
    client = login(many.users["county"])
    want = [n for n in expected_for(many.users["county"]) if n % 2]  # v1's cases
    org = many.orgs["v1"].pk
    resp = client.get(f"/cases/?organization={org}")
    seen = numbers(resp)
    nxt = link(resp, "next")
    assert f"organization={org}" in nxt
    seen += numbers(client.get("/cases/" + nxt))
    assert seen == want


def test_a_crafted_cursor_shows_nothing_outside_the_scope(many, login):
    """A cursor naming another county's case, or before every case, still lists only the user's own."""
    user = many.users["county"]
    mine = set(expected_for(user))
    outside = Case.objects.filter(organization=many.orgs["v3"]).order_by("-registered_at", "-id").first()
    pag = CappedPaginator(Case.objects.all(), 30)
    token = pag.cursor_token((outside.registered_at, outside.pk))
    client = login(user)
    far_future = pag.cursor_token((timezone.now() + dt.timedelta(days=3650), 10**9))
    for q in (f"?page=2&after={token}", f"?page=2&before={token}", f"?page=2&after={far_future}",
              f"?page=3&before={far_future}"):
        got = numbers(client.get("/cases/" + q))
        assert got and set(got) <= mine, q


@pytest.mark.parametrize("query", [
    "?page=2&after=abc", "?page=2&after=1_2_3", "?page=2&after=-5_-1", "?page=2&after=99999999999999999999999_1",
    "?page=2&after=1_99999999999999999999999", "?page=2&before=%EF%BC%91_2", "?page=2&after=1_2&before=1_2",
    "?page=x&after=1_2", "?page=999&after=1_2", "?page=-1&before=1_2", "?page=2&after=" + "9" * 200,
    "?page=2&after=", "?page=2&before=253402300799999999_1",
])
def test_a_bad_cursor_falls_back_to_the_page_number(many, login, query):
    client = login(many.users["county"])
    resp = client.get("/cases/" + query)
    got = numbers(resp)
    assert len(got) in (20, 30) and set(got) <= set(expected_for(many.users["county"]))


def test_keyset_only_for_orders_ending_with_the_primary_key(many):
    assert CappedPaginator(Case.objects.all(), 30).keys is not None
    assert CappedPaginator(Case.objects.order_by("number"), 30).keys is None
    assert CappedPaginator(Case.objects.order_by("-registered_at"), 30).keys is None
    assert CappedPaginator(Case.objects.order_by("organization__name", "id"), 30).keys is None
    pag = CappedPaginator(Case.objects.order_by("number"), 30)
    assert pag.parse_cursor("1_2") is None and pag.get_page(1).number == 1


def test_cursor_round_trip():
    pag = CappedPaginator(Case.objects.none(), 30)
    at = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC)
    cur = pag.parse_cursor(pag.cursor_token((at, 42)), before=True)
    assert cur.values == (at, 42) and cur.before


def test_a_page_past_the_end_with_a_cursor_is_the_last_page_as_without(many, login):
    client = login(many.users["county"])
    assert numbers(client.get("/cases/?page=999&after=1_2")) == numbers(client.get("/cases/?page=999")) \
        == expected_for(many.users["county"])[60:]
