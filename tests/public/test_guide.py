"""Guidance pages (调解指南, 调解组织查询): the routing rules as they are, committees searchable."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_guide_lists_the_active_routing_rules_in_order(world, client):
    from tiaojie.routing.models import RoutingRule

    r = client.get(reverse("public:guide"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "免费" in html and "自愿" in html and "保密" in html and "30日内" in html
    names = [x.name for x in RoutingRule.objects.filter(is_active=True).order_by("sort_order", "id")]
    assert names and html.index(names[0]) < html.index(names[-1])
    RoutingRule.objects.filter(name=names[0]).update(is_active=False)
    assert names[0] not in client.get(reverse("public:guide")).content.decode()


def test_offices_search_by_words_county_and_kind(world, client):
    o = world.orgs["traffic"]
    o.address, o.contact_phone = "卫东区建设路18号", "0375-1234567"
    o.save()
    r = client.get(reverse("public:offices"), {"q": "交通"})
    assert r.status_code == 200
    found = list(r.context["page"])
    assert found == [o] and "0375-1234567" in r.content.decode() and "建设路18号" in r.content.decode()
    assert list(client.get(reverse("public:offices"), {"q": "建设路"}).context["page"]) == [o]
    in_baofeng = list(client.get(reverse("public:offices"), {"county": "410421"}).context["page"])
    assert world.orgs["v3"] in in_baofeng and o not in in_baofeng
    villages = list(client.get(reverse("public:offices"), {"kind": "village"}).context["page"])
    assert {x.kind for x in villages} == {"village"}
    assert world.orgs["city"] not in list(client.get(reverse("public:offices")).context["page"])
    # odd input: no error page
    for q in ({"q": "x" * 500}, {"county": "abc"}, {"kind": "<b>"}, {"page": "9999"}):
        assert client.get(reverse("public:offices"), q).status_code == 200
