import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tiaojie.cases.models import DisputeType
from tiaojie.screening.models import HiddenDanger, ScreeningRound
from tiaojie.screening.periods import Cadence, period_containing
from tiaojie.warnings.models import Warning


def _post_data(world, **over):
    today = timezone.localdate()
    p = period_containing(Cadence.WEEK, today)
    data = {
        "period_key": p.key, "screened_from": p.start.isoformat(), "screened_to": today.isoformat(),
        "screeners": "王秀兰", "places": "东安社区各楼院", "notes": "",
        "findings-TOTAL_FORMS": "1", "findings-INITIAL_FORMS": "0", "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "30",
        "findings-0-facts": "张某扬言要堵村委会大门", "findings-0-disposition": "hazard",
        "findings-0-dispute_type": str(DisputeType.objects.get(code="03").pk),
        "findings-0-region": str(world.regions["v1"].pk), "findings-0-people_count": "3",
        "findings-0-amount_at_stake": "0", "findings-0-parties_desc": "张某、李某",
        "findings-0-measures": "上门劝解", "findings-0-emergency_plan": "专人盯守",
        "findings-0-responsible_person": "王秀兰",
        "findings-0-review_on": (today + dt.timedelta(days=7)).isoformat(), "findings-0-police_calls": "0",
    }
    data.update(over)
    return data


def test_file_weekly_report_and_township_sees_warning(client, world):
    client.force_login(world.users["v1"])
    assert client.get(reverse("screening:file")).status_code == 200
    r = client.post(reverse("screening:file"), _post_data(world))
    assert r.status_code == 302, r.content.decode()[:2000]
    h = HiddenDanger.objects.get()
    client.force_login(world.users["township"])
    page = client.get(reverse("warnings:center")).content.decode()
    assert "张某扬言要堵村委会大门"[:10] in page
    w = Warning.objects.get(assessment__hazard=h)
    r = client.post(reverse("warnings:detail", args=[w.pk]), {"action": "ack", "note": "已安排"})
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.status == "acknowledged"


def test_second_report_offers_amend(client, world):
    client.force_login(world.users["v1"])
    client.post(reverse("screening:file"), _post_data(world, **{"zero_report": "on", "findings-TOTAL_FORMS": "0"}))
    r = client.post(reverse("screening:file"), _post_data(world, **{"zero_report": "on", "findings-TOTAL_FORMS": "0"}))
    assert r.status_code == 200
    body = r.content.decode()
    assert "已上报" in body and reverse("screening:round", args=[ScreeningRound.objects.get().pk]) in body
    assert ScreeningRound.objects.count() == 1


def test_red_without_plan_error_at_field(client, world):
    client.force_login(world.users["v1"])
    r = client.post(reverse("screening:file"), _post_data(world, **{
        "findings-0-facts": "当事人扬言要同归于尽", "findings-0-emergency_plan": ""}))
    assert r.status_code == 200
    assert "须制定应急预案" in r.content.decode()
    assert not HiddenDanger.objects.exists() and not ScreeningRound.objects.exists()


def test_finding_without_facts(client, world):
    client.force_login(world.users["v1"])
    r = client.post(reverse("screening:file"), _post_data(world, **{"findings-0-facts": ""}))
    assert r.status_code == 200 and "请填写纠纷情况" in r.content.decode()


def test_scope_of_hazards_and_warnings(client, world):
    client.force_login(world.users["v1"])
    client.post(reverse("screening:file"), _post_data(world))
    h = HiddenDanger.objects.get()
    w = Warning.objects.get()
    client.force_login(world.users["v2"])
    assert client.get(reverse("screening:hazard", args=[h.pk])).status_code == 404
    assert client.get(reverse("warnings:detail", args=[w.pk])).status_code == 404
    assert "扬言" not in client.get(reverse("warnings:center")).content.decode()
    client.force_login(world.users["city"])
    assert client.get(reverse("warnings:detail", args=[w.pk])).status_code == 200


def test_pages_render(client, world):
    for key in ("v1", "township", "county", "city", "court"):
        client.force_login(world.users[key])
        for name in ("screening:home", "screening:hazards", "screening:reminders", "warnings:center",
                     "warnings:supervision"):
            assert client.get(reverse(name)).status_code == 200, (key, name)


def test_lowering_level_without_reason_on_hazard_page(client, world):
    client.force_login(world.users["v1"])
    client.post(reverse("screening:file"), _post_data(world))
    h = HiddenDanger.objects.get()
    client.force_login(world.users["township"])
    r = client.post(reverse("screening:hazard", args=[h.pk]), {"action": "level", "level": "blue", "reason": ""})
    assert r.status_code == 200 and "调低风险等级必须说明理由" in r.content.decode()
    h.risk.refresh_from_db()
    assert h.risk.level != "blue"
