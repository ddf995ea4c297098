"""Organization and mediator pages: render, filter, and stay within the user's scope."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tiaojie.accounts.models import PersonalDataAccess
from tiaojie.orgs.models import Mediator
from tiaojie.testing import make_id


def test_org_list_scoped_with_counts(world, login):
    c = login(world.users["county"])
    resp = c.get(reverse("orgs:list"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "东安社区人民调解委员会" in html and "卫东区人民调解中心" in html
    assert "周庄" not in html and "宝丰" not in html
    # 东安路街道 has one active mediator of its own (陈志刚), shown with a link to the roster
    row = next(o for o in resp.context["page"] if o.pk == world.orgs["dongan"].pk)
    assert row.counts == {"active": 1, "full_time": 1}
    v1 = next(o for o in resp.context["page"] if o.pk == world.orgs["v1"].pk)
    assert v1.counts["active"] == 2 and v1.indent == 2


def test_org_list_filters(world, login):
    c = login(world.users["city"])
    page = c.get(reverse("orgs:list"), {"kind": "village"}).context["page"]
    assert {o.name for o in page} == {"东安社区人民调解委员会", "光华社区人民调解委员会", "周庄村人民调解委员会"}
    page = c.get(reverse("orgs:list"), {"q": "交通"}).context["page"]
    assert [o.name for o in page] == ["卫东区道路交通事故纠纷人民调解委员会"]
    page = c.get(reverse("orgs:list"), {"q": "410421"}).context["page"]
    assert {o.name for o in page} == {"宝丰县人民调解中心", "周庄镇人民调解委员会", "周庄村人民调解委员会"}


def test_org_list_paging(world, login, settings):
    from tiaojie.orgs import views

    c = login(world.users["city"])
    old, views.PAGE_SIZE = views.PAGE_SIZE, 4
    try:
        resp = c.get(reverse("orgs:list"), {"page": 2, "q": "委员会"})
    finally:
        views.PAGE_SIZE = old
    assert resp.context["page"].number == 2
    assert "page=1" in resp.content.decode() and "q=%E5%A7%94" in resp.content.decode()


def test_org_detail(world, login):
    c = login(world.users["township"])
    m = world.mediators["m2"]
    m.committees.add(world.orgs["dongan"])
    resp = c.get(reverse("orgs:detail", args=[world.orgs["dongan"].pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "东安路街道" in html and "卫东区人民调解中心" in html  # region and supervising org
    assert "东安社区人民调解委员会" in html and "东安路派出所警民联调室" in html  # children
    assert "陈志刚" in html and "李国强" in html and "兼任" in html  # own and concurrent mediators
    # the township user cannot open the county center above it: the name is shown unlinked
    assert reverse("orgs:detail", args=[world.orgs["weidong"].pk]) not in html


@pytest.mark.parametrize("user, org", [("county2", "dongan"), ("v1", "v2"), ("township", "weidong"),
                                       ("county", "city"), ("court", "v1")])
def test_org_detail_out_of_scope_is_404(world, login, user, org):
    c = login(world.users[user])
    assert c.get(reverse("orgs:detail", args=[world.orgs[org].pk])).status_code == 404


def test_pages_require_login(world, client):
    for name in ("orgs:list", "orgs:mediators", "orgs:mediator_export", "orgs:import"):
        resp = client.get(reverse(name))
        assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_roster_scope(world, login):
    other = Mediator.objects.create(name="宝丰甲", organization=world.orgs["v3"])
    serving = Mediator.objects.create(name="宝丰乙", organization=world.orgs["v3"])
    serving.committees.add(world.orgs["traffic"])  # serves on a 卫东 committee too
    c = login(world.users["county"])
    names = {m.name for m in c.get(reverse("orgs:mediators")).context["page"]}
    assert names == {"王秀兰", "赵建国", "李国强", "陈志刚", "宝丰乙"}
    assert other.name not in names
    assert c.get(reverse("orgs:mediator_detail", args=[other.pk])).status_code == 404
    assert c.get(reverse("orgs:mediator_detail", args=[serving.pk])).status_code == 200
    # a village mediator sees only their own committee
    c = login(world.users["v1"])
    names = {m.name for m in c.get(reverse("orgs:mediators")).context["page"]}
    assert names == {"王秀兰", "赵建国"}
    assert c.get(reverse("orgs:mediator_detail", args=[world.mediators["m2"].pk])).status_code == 404


def test_roster_filters(world, login):
    Mediator.objects.filter(pk=world.mediators["m1b"].pk).update(status=Mediator.Status.LEFT,
                                                                 employment=Mediator.Employment.APPOINTED)
    c = login(world.users["city"])
    url = reverse("orgs:mediators")
    names = lambda **q: {m.name for m in c.get(url, q).context["page"]}  # noqa: E731
    assert names(full_time="1") == {"王秀兰", "陈志刚"}
    assert names(full_time="0") == {"赵建国", "李国强", "张红梅"}
    assert names(status="left") == {"赵建国"}
    assert names(employment="appointed") == {"赵建国"}
    assert names(org=world.orgs["dongan"].pk) == {"王秀兰", "赵建国", "李国强", "陈志刚"}
    assert names(org=world.orgs["v3"].pk) == {"张红梅"}
    assert names(q="红梅") == {"张红梅"}
    assert names(q="光华") == {"李国强"}
    resp = c.get(url, {"full_time": "1"})
    assert {k: resp.context["totals"][k] for k in ("n", "ft", "pt")} == {"n": 2, "ft": 2, "pt": 0}
    # an organization outside the user's scope in the filter yields nothing
    c = login(world.users["county"])
    assert {m.name for m in c.get(url, {"org": world.orgs["v3"].pk}).context["page"]} == set()


def _with_identifiers(world):
    m = world.mediators["m1"]
    m.id_number = make_id(seq="011")
    m.phone = "13912345678"
    m.save()
    return m


def test_roster_masks_for_roles_that_do_not_unmask(world, login):
    m = _with_identifiers(world)
    c = login(world.users["city"])  # the city administrator is not an unmasking role
    html = c.get(reverse("orgs:mediators")).content.decode()
    assert m.id_number not in html and "13912345678" not in html
    assert "139****5678" in html
    html = c.get(reverse("orgs:mediator_detail", args=[m.pk])).content.decode()
    assert m.id_number not in html and "13912345678" not in html
    assert not PersonalDataAccess.objects.exists()


def test_roster_unmasked_for_mediating_roles_and_logged(world, login):
    m = _with_identifiers(world)
    user = world.users["county"]
    c = login(user)
    assert m.id_number in c.get(reverse("orgs:mediators")).content.decode()
    assert m.id_number in c.get(reverse("orgs:mediator_detail", args=[m.pk])).content.decode()
    assert PersonalDataAccess.objects.filter(user=user).count() == 2


def test_export_is_masked_filtered_and_scoped(world, login):
    m = _with_identifiers(world)
    Mediator.objects.create(name="宝丰甲", organization=world.orgs["v3"], phone="13700001111")
    c = login(world.users["county"])  # even an unmasking role gets a masked export
    resp = c.get(reverse("orgs:mediator_export"), {"org": world.orgs["dongan"].pk})
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(resp.content), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "性别", "身份证号", "联系电话")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"王秀兰", "赵建国", "李国强", "陈志刚"}
    assert by_name["王秀兰"][2] == m.id_number[:3] + "*" * 11 + m.id_number[-4:]
    assert by_name["王秀兰"][3] == "139****5678"
    flat = " ".join(str(v) for r in rows for v in r)
    assert m.id_number not in flat and "13912345678" not in flat
    resp = c.get(reverse("orgs:mediator_export"))
    names = {r[0] for r in list(load_workbook(io.BytesIO(resp.content)).worksheets[0].values)[1:]}
    assert "宝丰甲" not in names and "张红梅" not in names


def test_export_of_empty_roster(world, login):
    c = login(world.users["v1"])
    resp = c.get(reverse("orgs:mediator_export"), {"q": "没有这个人"})
    rows = list(load_workbook(io.BytesIO(resp.content)).worksheets[0].values)
    assert len(rows) == 1
