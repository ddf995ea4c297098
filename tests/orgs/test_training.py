"""Training sessions, attendance, the shortfall list and its export; honours pages."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.funding.helpers import make_case
from tiaojie.orgs.models import Honour, Mediator, Training, TrainingAttendance
from tiaojie.orgs.training import shortfalls

YEAR = timezone.localdate().year


def training(world, kind="annual", days="4", org="weidong", start=None, **over):
    start = start or dt.date(YEAR, 1, 5)
    return Training.objects.create(kind=kind, topic="人民调解法与调解技巧", organizer=world.orgs[org],
                                   start_on=start, end_on=start + dt.timedelta(days=9), days=Decimal(days),
                                   hours=Decimal(days) * 6, **over)


def attend(t, *mediators, days=None):
    for m in mediators:
        TrainingAttendance.objects.create(training=t, mediator=m, days=Decimal(days) if days else t.days)


def test_shortfall_rules(world):
    M = world.mediators
    Mediator.objects.filter(pk=M["mt"].pk).update(joined_on=dt.date(YEAR, 3, 1))   # new full-time
    Mediator.objects.filter(pk=M["m1"].pk).update(joined_on=dt.date(2015, 3, 1))   # old full-time
    Mediator.objects.filter(pk=M["m3"].pk).update(status=Mediator.Status.LEFT)      # off the register
    a, b = training(world, days="6"), training(world, days="4", start=dt.date(YEAR, 6, 1))
    pre = training(world, kind="prejob", days="5", start=dt.date(YEAR, 3, 2))
    attend(a, M["m1"], M["m1b"], M["mt"])
    attend(b, M["m1"], M["mt"])
    attend(b, M["m1b"], days="2")
    attend(pre, M["mt"])
    last_year = training(world, days="10", start=dt.date(YEAR - 1, 5, 1))
    attend(last_year, M["m2"])
    rows = {s.mediator.name: s for s in shortfalls(Mediator.objects.all(), YEAR)}
    assert "王秀兰" not in rows                       # 10 days
    assert rows["赵建国"].total_days == 8 and rows["赵建国"].missing_days == 2
    assert rows["李国强"].total_days == 0             # last year's training doesn't count
    assert "张红梅" not in rows                       # left
    mt = rows["陈志刚"]                                # 15 days in all but only 5 pre-job
    assert mt.total_days == 15 and mt.prejob_days == 5 and mt.missing_days == 2
    assert mt.reasons == ["新任专职调解员岗前培训5天，不足7天"]


def test_shortfall_requirement_is_configurable(world):
    from tiaojie.core import dates
    from tiaojie.core.models import TimeLimit

    TimeLimit.objects.filter(code="training_per_year").update(value=4)
    dates.clear_calendar_cache()
    t = training(world, days="4")
    attend(t, *world.mediators.values())
    assert shortfalls(Mediator.objects.all(), YEAR) == []


def test_shortfall_page_scope_and_export(world, login):
    attend(training(world, days="10"), world.mediators["m1"])
    c = login(world.users["county2"])
    r = c.get(reverse("orgs:training_shortfalls"), {"year": YEAR})
    names = [s.mediator.name for s in r.context["rows"]]
    assert names == ["张红梅"]                         # only 宝丰's mediator
    c = login(world.users["county"])
    r = c.get(reverse("orgs:training_shortfall_export"), {"year": YEAR})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "姓名"
    assert {row[0] for row in rows[1:]} == {"赵建国", "李国强", "陈志刚"}
    for row in rows[1:]:
        assert row[1] in ("", None) or "*" in row[1]


def test_training_crud_in_scope(world, login):
    c = login(world.users["county"])
    data = {"kind": "annual", "topic": "年度业务培训", "organizer": world.orgs["weidong"].pk,
            "start_on": f"{YEAR}-04-01", "end_on": f"{YEAR}-04-03", "days": "3", "hours": "18", "place": "区司法局"}
    r = c.post(reverse("orgs:training_new"), data)
    t = Training.objects.get(topic="年度业务培训")
    assert r.status_code == 302 and t.created_by == world.users["county"]
    r = c.post(reverse("orgs:training", args=[t.pk]), {"mediators": [world.mediators["m1"].pk, world.mediators["m2"].pk]})
    assert r.status_code == 302
    assert set(t.attendance.values_list("days", flat=True)) == {Decimal("3")}
    # a mediator of the other county cannot be added
    r = c.post(reverse("orgs:training", args=[t.pk]), {"mediators": [world.mediators["m3"].pk]})
    assert "所选调解员不在您的管辖范围内" in r.content.decode()
    # partial attendance over the training's days is refused at the field
    r = c.post(reverse("orgs:training", args=[t.pk]), {"mediators": [world.mediators["m1"].pk], "days": "5"})
    assert "计入天数不能超过本次培训的3" in r.content.decode()
    # bad dates at the field
    r = c.post(reverse("orgs:training_new"), {**data, "end_on": f"{YEAR}-03-01"})
    assert "结束日期不能早于开始日期" in r.content.decode()
    r = c.post(reverse("orgs:training_new"), {**data, "days": "9"})
    assert "培训天数不能超过起止日期之间的3天" in r.content.decode()
    r = c.post(reverse("orgs:training_new"), {**data, "organizer": world.orgs["baofeng"].pk})
    assert "请选择您管辖范围内的单位" in r.content.decode()
    # other county: 404; mediator role cannot manage
    assert login(world.users["county2"]).get(reverse("orgs:training", args=[t.pk])).status_code == 404
    assert login(world.users["county2"]).post(reverse("orgs:training_void", args=[t.pk])).status_code == 404
    assert login(world.users["v1"]).get(reverse("orgs:training_new")).status_code == 403
    assert login(world.users["city"]).get(reverse("orgs:trainings"), {"year": YEAR}).status_code == 200
    r = login(world.users["county"]).post(reverse("orgs:training_void", args=[t.pk]), {"reason": ""})
    assert Training.objects.get().voided_at is None  # a reason is required
    r = login(world.users["county"]).post(reverse("orgs:training_void", args=[t.pk]), {"reason": "重复录入"})
    t.refresh_from_db()
    assert r.status_code == 302 and t.voided_at and t.void_reason == "重复录入"
    assert t.attendance.exists()  # kept, but credits nobody any more
    assert all(s.total_days == 0 for s in shortfalls(Mediator.objects.all(), YEAR))


def test_roster_shows_figures_and_exports_them(world, login):
    make_case(world, performance="full", days=4)
    make_case(world, outcome="failed", days=8)
    c = login(world.users["county"])
    r = c.get(reverse("orgs:mediators"))
    m1 = next(m for m in r.context["page"] if m.name == "王秀兰")
    assert m1.fig.caseload == 2 and m1.fig.success_rate == 0.5 and m1.fig.avg_days == 6
    assert "50%" in r.content.decode()
    r = c.get(reverse("orgs:mediator_export"))
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    row = next(x for x in rows if x[0] == "王秀兰")
    assert row[12] == 2 and row[13] == "50.0%" and row[14] == "6.0"
    assert "*" in row[3]
    assert c.get(reverse("orgs:mediator_detail", args=[world.mediators["m1"].pk])).status_code == 200


@pytest.mark.parametrize("user", ["county", "city"])
def test_honours_page_awards_a_candidate(world, login, user):
    make_case(world, performance="full")
    c = login(world.users[user])
    url = reverse("orgs:honours") + f"?year={YEAR}&min_cases=1"
    r = c.get(url)
    assert [x.mediator.name for x in r.context["candidates"]] == ["王秀兰"]
    r = c.post(url, {"mediator": world.mediators["m1"].pk, "title": "gold"})
    assert r.status_code == 302
    h = Honour.objects.get()
    assert (h.year, h.title, h.awarded_by) == (YEAR, "gold", world.users[user].organization)
    c.post(url, {"mediator": world.mediators["m1"].pk, "title": "gold"})
    assert Honour.objects.count() == 1


def test_honours_scope(world, login):
    make_case(world, performance="full")
    c = login(world.users["county2"])
    url = reverse("orgs:honours") + f"?year={YEAR}&min_cases=1"
    assert c.get(url).context["candidates"] == []
    assert c.post(url, {"mediator": world.mediators["m1"].pk, "title": "gold"}).status_code == 404
    assert login(world.users["v1"]).post(url, {"mediator": world.mediators["m1"].pk, "title": "gold"}).status_code == 403
    assert not Honour.objects.exists()


def test_honours_export_ranked_masked_and_scoped(world, login):
    import io

    import openpyxl

    make_case(world, performance="full")
    Honour.objects.create(mediator=world.mediators["m1"], year=YEAR, title="gold",
                          awarded_by=world.orgs["weidong"])
    url = reverse("orgs:honours_export") + f"?year={YEAR}&min_cases=1"
    r = login(world.users["county"]).get(url)
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    data = [x for x in rows if x and x[1] == "王秀兰"]
    assert data and data[0][0] == 1 and "金牌" in data[0][8]
    assert world.mediators["m1"].id_number == "" or "*" in (data[0][2] or "*")
    r = login(world.users["county2"]).get(url)
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert not [x for x in rows if x and x[1] == "王秀兰"]


def test_training_list_and_screening_rounds_export(world, login):
    import io

    import openpyxl

    c = login(world.users["county"])
    r = c.get(reverse("orgs:trainings") + f"?year={YEAR}&export=xlsx")
    assert r.status_code == 200 and openpyxl.load_workbook(io.BytesIO(r.content)).active["A1"].value == "类别"
    r = c.get(reverse("screening:home") + "?export=xlsx")
    assert r.status_code == 200 and openpyxl.load_workbook(io.BytesIO(r.content)).active["A1"].value == "单位"
