"""Pages: the public library at /gk/ (no login, published only, search by type and words), and
the staff pages (nominate from the case page's panel, edit, the city's review queue)."""
import pytest
from django.urls import reverse

from tests.portal.conftest import texts
from tests.routing.helpers import register
from tiaojie.cases.models import DisputeType
from tiaojie.portal import services
from tiaojie.portal.models import TypicalCase

S = TypicalCase.Status


# --- public -------------------------------------------------------------------------------

def test_public_pages_need_no_login_and_show_published_cases(client, published):
    r = client.get(reverse("gk:index"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "邻里排水纠纷调解案" in html
    assert 'class="navbar' not in html and "我的待办" not in html  # no staff navigation
    r = client.get(reverse("gk:case", args=[published.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "刘某某" in html and "1500元" in html
    for gone in ("刘大海", "孙小梅", "13912345678", published.case.number):
        assert gone not in html


@pytest.mark.parametrize("state", ["draft", "pending", "returned"])
def test_unpublished_cases_are_never_visible(client, world, nominated, state):
    v1, city = world.users["v1"], world.users["city"]
    t = nominated
    t.title = "未发布的案例标题"
    if state != "draft":
        t = services.save(v1, t, version=t.version, submit=True, **texts(t, title="未发布的案例标题"))
    if state == "returned":
        t = services.send_back(city, t, version=t.version, reason="重写")
    assert t.status == state
    missing = client.get(reverse("gk:case", args=[t.pk + 1000]))
    got = client.get(reverse("gk:case", args=[t.pk]))
    assert got.status_code == missing.status_code == 404
    for url in (reverse("gk:index"), reverse("gk:index") + "?q=未发布", reverse("gk:index") + "?q=排水"):
        assert "未发布的案例标题" not in client.get(url).content.decode()
    # not even for a logged-in member of the committee: the public pages show published cases only
    client.force_login(v1)
    assert client.get(reverse("gk:case", args=[t.pk])).status_code == 404


def test_search_by_words_and_type(client, world, published):
    other_type = DisputeType.objects.filter(parent__isnull=True).exclude(pk=published.dispute_type.top.pk).first()
    idx = reverse("gk:index")

    def titles(query):
        r = client.get(idx + query)
        assert r.status_code == 200
        return r.content.decode()

    assert "邻里排水纠纷调解案" in titles("?q=排水沟")
    assert "邻里排水纠纷调解案" in titles("?q=排水 赔偿")  # every word
    assert "邻里排水纠纷调解案" not in titles("?q=排水 彩礼")
    assert "没有找到相关案例" in titles("?q=彩礼")
    assert "邻里排水纠纷调解案" in titles(f"?type={published.dispute_type.top.code}")
    assert "邻里排水纠纷调解案" not in titles(f"?type={other_type.code}")
    assert titles("?q=" + "长" * 60).count("邻里排水纠纷调解案") == 1  # too long: all cases, no error
    assert client.get(idx + "?type=nonsense&page=abc").status_code == 200
    assert client.post(idx).status_code == 405


def test_public_page_is_mobile_first_without_inline_code(client, published):
    html = client.get(reverse("gk:case", args=[published.pk])).content.decode()
    assert 'name="viewport"' in html and "portal/gk.css" in html
    assert "<script>" not in html and "style=" not in html


# --- staff ----------------------------------------------------------------------------------

def test_nominate_from_the_case_page(client, world, closed_case):
    client.force_login(world.users["v1"])
    page = client.get(reverse("cases:detail", args=[closed_case.pk])).content.decode()
    assert 'id="typical-panel"' in page and 'id="typical-nominate"' in page
    r = client.post(reverse("portal:nominate", args=[closed_case.pk]))
    t = TypicalCase.objects.get()
    assert r.status_code == 302 and r.url == reverse("portal:edit", args=[t.pk])
    page = client.get(reverse("cases:detail", args=[closed_case.pk])).content.decode()
    assert 'id="typical-nominate"' not in page and "草稿" in page


def test_the_panel_is_absent_for_other_committees_and_open_cases(client, world, closed_case):
    client.force_login(world.users["court"])  # no link to this case: 404, nothing shown
    assert client.get(reverse("cases:detail", args=[closed_case.pk])).status_code == 404
    open_case = register(world, "v1", "v1")
    client.force_login(world.users["v1"])
    assert 'id="typical-panel"' not in client.get(reverse("cases:detail", args=[open_case.pk])).content.decode()


def test_open_cases_show_typical_cases_of_their_type(client, world, published):
    open_case = register(world, "v1", "v1", dispute_type=published.dispute_type)
    client.force_login(world.users["v1"])
    page = client.get(reverse("cases:detail", args=[open_case.pk])).content.decode()
    assert 'id="typical-similar"' in page and "邻里排水纠纷调解案" in page


def test_edit_submit_and_review_pages(client, world, nominated):
    client.force_login(world.users["v1"])
    url = reverse("portal:edit", args=[nominated.pk])
    assert client.get(url).status_code == 200
    data = texts(nominated, title="院墙排水纠纷", dispute_type=nominated.dispute_type_id)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    # bad input: a Chinese message at the field, nothing written
    r = client.post(url, {**data, "facts": "", "version": nominated.version})
    assert r.status_code == 400 and "请填写基本案情" in r.content.decode()
    # a name left in the text is caught before submitting
    r = client.post(url, {**data, "facts": data["facts"] + "刘大海同意。", "version": nominated.version,
                          "submit": "1"})
    assert r.status_code == 400 and "刘大海" in r.content.decode() and 'name="confirm"' in r.content.decode()
    assert TypicalCase.objects.get().status == S.DRAFT
    r = client.post(url, {**data, "version": nominated.version, "submit": "1"})
    assert r.status_code == 302
    t = TypicalCase.objects.get()
    assert t.status == S.PENDING and t.title == "院墙排水纠纷"
    # the township sees it but cannot approve
    client.force_login(world.users["township"])
    detail = client.get(reverse("portal:detail", args=[t.pk])).content.decode()
    assert 'id="typical-approve"' not in detail
    assert client.post(reverse("portal:approve", args=[t.pk]), {"version": t.version}).status_code == 403
    # the city: the queue, then approve
    client.force_login(world.users["city"])
    index = client.get(reverse("portal:index")).content.decode()
    assert 'id="review-queue"' in index and "院墙排水纠纷" in index
    assert 'id="typical-approve"' in client.get(reverse("portal:detail", args=[t.pk])).content.decode()
    r = client.post(reverse("portal:return", args=[t.pk]), {"version": t.version, "reason": ""})
    assert r.status_code == 400 and "请填写退回原因" in r.content.decode()
    r = client.post(reverse("portal:approve", args=[t.pk]), {"version": t.version})
    assert r.status_code == 302
    assert TypicalCase.objects.get().status == S.PUBLISHED
    client.logout()
    assert client.get(reverse("gk:case", args=[t.pk])).status_code == 200


def test_staff_pages_need_login(client, nominated):
    r = client.get(reverse("portal:index"))
    assert r.status_code == 302 and "/login/" in r.url
    assert client.get(reverse("portal:detail", args=[nominated.pk])).status_code == 302
