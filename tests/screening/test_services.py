import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.cases.models import DisputeType, Source
from tiaojie.screening import services
from tiaojie.screening.models import HiddenDanger, Reminder, ScreeningRound
from tiaojie.screening.periods import Cadence, period_containing, previous_period
from tiaojie.warnings.models import Warning


def today():
    return timezone.localdate()


def hazard_finding(world, **over):
    f = dict(disposition="hazard", facts="村民张某因宅基地边界扬言要堵村委会大门", dispute_type=DisputeType.objects.get(code="03"),
             parties_desc="张某、李某两户", region=world.regions["v1"], people_count=3, measures="村调委会上门劝解",
             emergency_plan="安排专人盯守，必要时报告派出所", responsible_person="王秀兰",
             review_on=today() + dt.timedelta(days=7))
    f.update(over)
    return f


def file(world, user="v1", org="v1", **over):
    p = period_containing(Cadence.WEEK, today())
    kw = dict(period_key=p.key, screened_from=p.start, screened_to=today(), screeners="王秀兰、赵建国",
              places="东安社区3号院、菜市场", findings=[hazard_finding(world)])
    kw.update(over)
    return services.file_round(world.users[user], world.orgs[org], **kw)


def test_file_round_with_hazard_raises_orange_warning_at_township(world):
    r = file(world)
    assert r.findings.count() == 1
    h = r.findings.get().hazard
    assert h.risk.level in ("orange", "red")
    assert "扬言" in h.risk.explanation
    w = Warning.objects.get(assessment=h.risk)
    assert w.responsible == world.orgs["dongan"]  # orange goes to the township


def test_file_round_with_case_finding_registers_case(world):
    f = dict(disposition="case", facts="两户因排水沟发生争执", dispute_type=DisputeType.objects.get(code="02"),
             region=world.regions["v1"], parties=[{"role": "applicant", "kind": "person", "name": "刘大海"}])
    r = file(world, findings=[f])
    case = r.findings.get().case
    assert case.source == Source.INITIATIVE and case.organization == world.orgs["v1"]


def test_zero_report(world):
    r = file(world, findings=[], zero_report=True)
    assert r.is_zero_report


def test_second_report_same_period_refused_with_offer(world):
    first = file(world, findings=[], zero_report=True)
    with pytest.raises(services.ScreeningError) as e:
        file(world, findings=[], zero_report=True)
    assert e.value.existing == first and "已于" in e.value.message and e.value.field == "period_key"


def test_future_period_refused(world):
    nxt = period_containing(Cadence.WEEK, today() + dt.timedelta(days=14))
    with pytest.raises(services.ScreeningError, match="尚未开始"):
        file(world, period_key=nxt.key, findings=[], zero_report=True)


def test_red_hazard_without_plan_refused_and_nothing_saved(world):
    f = hazard_finding(world, facts="当事人扬言要同归于尽", emergency_plan="")
    with pytest.raises(services.ScreeningError) as e:
        file(world, findings=[f])
    assert "应急预案" in e.value.message and e.value.field == "findings-1-emergency_plan"
    assert not ScreeningRound.objects.exists() and not HiddenDanger.objects.exists()


def test_finding_without_facts_refused(world):
    with pytest.raises(services.ScreeningError) as e:
        file(world, findings=[hazard_finding(world, facts="  ")])
    assert e.value.field == "findings-1-facts"
    assert not ScreeningRound.objects.exists()


def test_zero_report_and_findings_contradict(world):
    with pytest.raises(services.ScreeningError):
        file(world, zero_report=True)


def test_liaison_cannot_file(world):
    with pytest.raises(PermissionDenied, match="不能填报排查报告"):
        file(world, user="court", org="court", findings=[], zero_report=True)


def test_overdue_job_is_idempotent_and_reminds_supervisor(world):
    n1 = services.check_overdue_rounds()
    n2 = services.check_overdue_rounds()
    assert n1 > 0 and n2 == 0
    about_v1 = Reminder.objects.filter(about=world.orgs["v1"])
    assert {r.organization for r in about_v1} == {world.orgs["v1"], world.orgs["dongan"]}


def test_filed_round_not_overdue(world):
    p = previous_period(period_containing(Cadence.WEEK, today()))
    if today() <= p.due(2):
        p = previous_period(p)
    services.file_round(world.users["v1"], world.orgs["v1"], period_key=p.key, screened_from=p.start,
                        screened_to=p.end, screeners="王秀兰", places="全村", zero_report=True)
    services.check_overdue_rounds()
    assert not Reminder.objects.filter(about=world.orgs["v1"], key=p.key).exists()
    assert Reminder.objects.filter(about=world.orgs["v2"], key=p.key).exists()
    late = [ch for ch, _ in services.overdue_children(world.orgs["dongan"])]
    assert world.orgs["v2"] in late and world.orgs["v1"] not in late


def test_close_hazard_resolved_with_prevention(world):
    h = file(world).findings.get().hazard
    services.close_hazard(world.users["v1"], h, outcome="resolved", note="双方和解", version=h.version,
                          prevention={"petition": True, "petition_persons": 3})
    h.refresh_from_db()
    assert h.status == "resolved" and h.prevention.petition_persons == 3


def test_lowering_needs_reason(world):
    from tiaojie.core.errors import DomainError

    h = file(world).findings.get().hazard
    with pytest.raises(DomainError, match="调低风险等级必须说明理由"):
        services.set_hazard_level(world.users["township"], h, level="blue", reason="")
    a = services.set_hazard_level(world.users["township"], h, level="blue", reason="双方已达成谅解，经核实不存在过激行为")
    assert a.level == "blue"
