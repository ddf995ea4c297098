"""排查履职看板: reports owed / filed / late / 零报告 per unit, worst first, drill-down, 催报."""
import pytest
from django.urls import reverse

from tiaojie.screening import compliance, services
from tiaojie.screening.models import Reminder
from tiaojie.screening.periods import period_containing, previous_period

pytestmark = pytest.mark.django_db


def last_week():
    from django.utils import timezone

    return previous_period(period_containing("week", timezone.localdate()))


def file_v1(world, **kw):
    p = last_week()
    return services.file_round(world.users["v1"], world.orgs["v1"], period_key=p.key, screened_from=p.start,
                               screened_to=p.end, screeners="王秀兰", places="全村", zero_report=True, **kw)


def test_board_counts_each_subtree_and_puts_the_worst_first(world):
    file_v1(world)
    b = compliance.board(world.orgs["city"])
    rows = {r.unit.pk: r for r in b.rows}
    weidong, baofeng = rows[world.orgs["weidong"].pk], rows[world.orgs["baofeng"].pk]
    # 卫东: the county centre and its 交调委 (month), 东安 (旬), 东安社区 and 光华社区 (week)
    assert (weidong.owed, weidong.filed, weidong.zero, weidong.missing) == (5, 1, 1, 4)
    assert (baofeng.owed, baofeng.filed, baofeng.missing) == (3, 0, 3)
    assert [r.unit for r in b.rows] == [world.orgs["baofeng"], world.orgs["weidong"]]  # all missing first
    assert (b.total.owed, b.total.filed, b.total.missing) == (8, 1, 7)
    assert weidong.drill and baofeng.drill


def test_drill_down_to_the_villages(world, login):
    file_v1(world)
    page = login(world.users["county"]).get(reverse("screening:board"), {"unit": world.orgs["dongan"].pk})
    assert page.status_code == 200
    rows = {r.unit.pk: r for r in page.context["b"].rows}
    assert rows[world.orgs["v1"].pk].own_state in ("零报告", "逾期上报") and rows[world.orgs["v1"].pk].zero == 1
    assert rows[world.orgs["v2"].pk].own_state in ("逾期未报", "待报")
    assert list(rows)[0] != world.orgs["v1"].pk  # the missing ones come first
    html = page.content.decode()
    assert "光华社区人民调解委员会" in html and "一键催报" in html


def test_board_outside_the_scope_is_404(world, login):
    c = login(world.users["county"])
    assert c.get(reverse("screening:board"), {"unit": world.orgs["baofeng"].pk}).status_code == 404
    assert c.get(reverse("screening:board"), {"unit": "x"}).status_code == 404
    assert c.get(reverse("screening:board")).status_code == 200


def test_one_click_reminder_is_idempotent_and_needs_a_supervisor(world, login):
    file_v1(world)
    c = login(world.users["county"])
    r = c.post(reverse("screening:board") + f"?unit={world.orgs['weidong'].pk}", follow=True)
    assert r.status_code == 200
    about = set(Reminder.objects.values_list("about_id", flat=True))
    assert about == {world.orgs[k].pk for k in ("weidong", "traffic", "dongan", "v2")}   # 东安社区 filed
    n = Reminder.objects.count()
    assert "催报提醒" in r.content.decode()
    c.post(reverse("screening:board") + f"?unit={world.orgs['weidong'].pk}")
    assert Reminder.objects.count() == n
    # a village mediator may not send reminders: refused with the reason, nothing written
    Reminder.objects.all().delete()
    r = login(world.users["v1"]).post(reverse("screening:board") + f"?unit={world.orgs['v1'].pk}")
    assert r.status_code == 403 and not Reminder.objects.exists()
    assert "不能催报排查报告" in r.content.decode()


def test_the_board_is_a_few_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        compliance.board(world.orgs["city"])
