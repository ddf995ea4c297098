import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.cases.models import DisputeType
from tiaojie.screening.services import create_hazard
from tiaojie.testing import version_of
from tiaojie.warnings import services
from tiaojie.warnings.models import Escalation, Warning


def make_hazard(world, facts="村民扬言要堵路"):
    return create_hazard(world.users["v1"], world.orgs["v1"], facts=facts, dispute_type=DisputeType.objects.get(code="07"),
                         parties_desc="两个村民小组", region=world.regions["v1"], responsible_person="王秀兰",
                         review_on=timezone.localdate() + dt.timedelta(days=3), emergency_plan="专人盯守",
                         people_count=4)


def test_warning_lifecycle(world):
    h = make_hazard(world)
    w = Warning.objects.get(assessment__hazard=h)
    assert w.level == "orange" and w.status == "open"
    with pytest.raises(services.WarningError, match="请先签收"):
        services.record_measures(w, world.users["township"], "上门调解")
    services.acknowledge(w, world.users["township"])
    with pytest.raises(services.WarningError) as e:
        services.record_measures(w, world.users["township"], " ")
    assert e.value.field == "measures"
    services.record_measures(w, world.users["township"], "司法所当日上门，稳控情绪")
    services.resolve(w, world.users["township"], "双方签订协议")
    w.refresh_from_db()
    assert w.status == "resolved"
    assert [e.label for e in w.events.all()][:2][1] == "签收"


def test_out_of_scope_and_liaison_cannot_handle(world):
    w = Warning.objects.get(assessment__hazard=make_hazard(world))
    with pytest.raises(PermissionDenied):
        services.acknowledge(w, world.users["county2"])
    with pytest.raises(PermissionDenied):
        services.acknowledge(w, world.users["v2"])


def test_red_needs_leader_and_police_notification(world):
    h = make_hazard(world, facts="当事人扬言要持刀报复")
    w = Warning.objects.get(assessment__hazard=h, level="red")
    assert w.responsible == world.orgs["weidong"]  # red goes to the county center
    services.acknowledge(w, world.users["county"])
    with pytest.raises(services.WarningError) as e:
        services.record_measures(w, world.users["county"], "约谈当事人")
    assert e.value.field == "leader"
    with pytest.raises(services.WarningError) as e:
        services.record_measures(w, world.users["county"], "约谈当事人", leader="李副区长")
    assert e.value.field == "police_notified"
    services.record_measures(w, world.users["county"], "约谈当事人", leader="李副区长", police_notified=True)


def test_late_warning_escalates_once_per_deadline(world):
    h = make_hazard(world)
    w = Warning.objects.get(assessment__hazard=h)
    Warning.objects.filter(pk=w.pk).update(respond_by=timezone.now() - dt.timedelta(hours=1))
    assert services.escalate_late_warnings() == 1
    assert services.escalate_late_warnings() == 0
    w.refresh_from_db()
    assert w.responsible == world.orgs["weidong"] and w.escalations == 1
    assert "超时未签收，已上报至卫东区人民调解中心" in [e.label for e in w.events.all()]


def test_visible_warnings_scope(world):
    make_hazard(world)
    assert services.visible_warnings(world.users["township"]).count() == 1
    assert services.visible_warnings(world.users["city"]).count() == 1
    assert services.visible_warnings(world.users["v2"]).count() == 0
    assert services.visible_warnings(world.users["county2"]).count() == 0


def test_escalate_case(world):
    from tiaojie.testing import register_case, sample_case_fields, sample_parties

    case = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                            **sample_case_fields(world))
    with pytest.raises(services.WarningError) as e:
        services.escalate_case(case, world.users["v1"], version=version_of(case), target="county_center", reason="", leader="x",
                               deadline=timezone.localdate())
    assert e.value.field == "reason"
    esc = services.escalate_case(case, world.users["v1"], version=version_of(case), target="county_center", reason="涉及群体", leader="张主任",
                                 deadline=timezone.localdate() + dt.timedelta(days=10))
    assert esc.supervisor == world.orgs["weidong"]
    services.add_escalation_note(esc, world.users["county"], version=version_of(esc), text="已召开协调会", close=True)
    esc.refresh_from_db()
    assert esc.closed_at is not None and Escalation.objects.count() == 1


def test_case_risk_recomputed_on_every_change(world):
    from tiaojie.cases import transitions as tr
    from tiaojie.testing import effects, register_case, sample_case_fields, sample_parties

    u = world.users["v1"]
    with effects():
        case = register_case(u, organization=world.orgs["v1"], parties=sample_parties(), **sample_case_fields(world))
    assert case.risk.level == "none"
    with effects():
        case = tr.accept(case, u, version=case.version)
        case = tr.assign(case, u, version=case.version, mediators=[world.mediators["m1"]])
        tr.record_session(case, u, version=case.version, held_at=timezone.now(), place="调解室", participants="双方",
                          content="被申请人情绪激动，扬言要和对方同归于尽")
    case.refresh_from_db()
    assert case.risk.level == "red"
    assert "同归于尽" in case.risk.explanation
    assert case.events.filter(kind="risk").exists()
    w = Warning.objects.get(assessment__case=case)
    assert w.responsible == world.orgs["weidong"] and w.title.startswith(case.number)


def test_case_prevention_outcome_recorded_when_closed(client, world):
    from django.urls import reverse

    from tiaojie.cases import transitions as tr
    from tiaojie.testing import register_case, sample_case_fields, sample_parties
    from tiaojie.warnings.models import PreventionOutcome

    u = world.users["v1"]
    case = register_case(u, organization=world.orgs["v1"], parties=sample_parties(), **sample_case_fields(world))
    client.force_login(u)
    url = reverse("warnings:case_prevention", args=[case.pk])
    assert client.get(url).status_code == 302  # not closed yet
    case = tr.accept(case, u, version=case.version)
    case = tr.assign(case, u, version=case.version, mediators=[world.mediators["m1"]])
    case = tr.fail(case, u, version=case.version, reason="双方分歧大", routes_informed=True)
    r = client.post(url, {"criminal": "on", "criminal_persons": "0", "version": case.version})
    assert r.status_code == 200 and "请填写人数" in r.content.decode()
    r = client.post(url, {"criminal": "on", "criminal_persons": "2", "suicide_persons": "0",
                          "petition_persons": "0", "fight_persons": "0", "version": case.version})
    assert r.status_code == 302
    p = PreventionOutcome.objects.get(case=case)
    assert p.criminal and p.criminal_persons == 2 and not p.petition
    client.force_login(world.users["v2"])
    assert client.get(url).status_code == 404


def test_a_warning_title_never_ends_inside_a_word():
    from tiaojie.warnings.services import short_title

    facts = "网格员走访时了解到平顶山市恒信建筑工程有限公司承建的吴洞村项目拖欠郑萍等10名农民工工资共计八万余元"
    title = short_title(facts)
    assert title.endswith("…") and len(title) <= 41 and facts.startswith(title[:-1])
    assert not title.endswith("农…") and "农民" not in title  # 农民工 is one word: left out whole
    assert short_title("双方因排水沟发生争执，多次协商未果，情绪激动，村调委会介入调解后仍未解决，申请调解") == "双方因排水沟发生争执，多次协商未果，情绪激动，村调委会介入调解后仍未解决…"
    assert short_title("短的事实") == "短的事实"
