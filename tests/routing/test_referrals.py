"""Referrals in from courts, police and departments; feedback and 回访; reports data."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.cases import transitions
from tiaojie.cases.models import Case, DisputeType, Source, Status
from tiaojie.core import dates
from tiaojie.core.errors import DomainError
from tiaojie.core.models import TimeLimit
from tiaojie.routing import selectors, services
from tiaojie.routing.models import Referral, RoutingDecision
from tiaojie.testing import effects, sample_parties, version_of

from .helpers import court_referral, mediate_to_success, referral_fields


def test_court_referral_is_routed_and_limited(world):
    r = court_referral(world)
    case = Case.objects.get(pk=r.case_id)
    assert case.source == Source.COURT and case.organization == world.orgs["v1"]
    assert "东安社区" in case.number  # numbered in the series of the committee that handles it
    assert r.due_on == timezone.localdate() + dt.timedelta(days=30)
    assert r.referring_org == world.orgs["court"] and r.mode == Referral.Mode.DELEGATED
    d = RoutingDecision.objects.get(case=case)
    assert d.rule_code == "village" and d.chosen_org == world.orgs["v1"]
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["register", "route"]
    assert case.events.get(kind="register").label == "接收法院委派委托：卫东区人民法院（（2026）豫0403民诉前调1号）"
    assert "东安社区人民调解委员会承办" in case.events.get(kind="route").label


def test_court_limit_is_configurable(world):
    TimeLimit.objects.filter(code="court_referral").update(value=20)
    dates.clear_calendar_cache()
    assert court_referral(world).due_on == timezone.localdate() + dt.timedelta(days=20)


def test_court_keeps_goes_to_court_room(world):
    r = court_referral(world, court_keeps=True)
    assert Case.objects.get(pk=r.case_id).organization == world.orgs["court"]


def test_duplicate_court_reference_answers_existing(world):
    r = court_referral(world)
    with pytest.raises(services.DuplicateReferral) as exc:
        court_referral(world)
    assert exc.value.referral == r and exc.value.same_referrer
    assert Case.objects.count() == 1


def test_court_reference_required(world):
    with pytest.raises(DomainError) as exc:
        court_referral(world, ref="")
    assert exc.value.field == "external_ref"


def test_outcome_visible_to_court_liaison(world):
    r = court_referral(world)
    court = world.users["court"]
    assert r in selectors.visible_referrals(court)
    assert Case.objects.visible_to(court).filter(pk=r.case.pk).exists()
    assert selectors.outcome_of(r.case)["outcome"] is None
    with effects():
        mediate_to_success(r.case, world.users["v1"])
    r.refresh_from_db()
    assert r.outcome_returned_at is not None
    out = selectors.outcome_of(Case.objects.get(pk=r.case_id))
    assert out["outcome"] == "success" and out["agreement"]["amount"] == "1500.00"
    assert r.feedback_at is not None and r.feedback == "已受理，正在调解"
    # the court liaison may see but not act
    with pytest.raises(PermissionDenied):
        transitions.follow_up(r.case, court, version=version_of(r.case), visited_on=timezone.localdate(), visitor="x", performance="full",
                              satisfaction="satisfied")
    assert not selectors.visible_referrals(world.users["police"]).exists()


def test_liaison_roles_limited_to_their_kind(world):
    with pytest.raises(PermissionDenied):
        services.refer_case(world.users["court"], kind="police", referrer_name="x", parties=sample_parties(),
                            call_time=timezone.now(), caller="张三", place="某地", **referral_fields(world))
    with pytest.raises(PermissionDenied):
        services.refer_case(world.users["v1"], kind="court", referrer_name="x", external_ref="1",
                            parties=sample_parties(), **referral_fields(world))


def police(world, **over):
    kw = dict(kind="police", referrer_name="东安路派出所", external_ref="110-20261128-0001", parties=sample_parties(),
              call_time=timezone.now() - dt.timedelta(hours=2), caller="刘大海", caller_phone="13912345678",
              place="东安社区3号院门口")
    kw.update(over)
    return services.refer_case(world.users["police"], **kw, **referral_fields(world))


def test_police_referral_feedback_deadlines(world):
    r = police(world)
    assert r.case.organization == world.orgs["police"]  # the 警民联调室 keeps it (rule police-room)
    due = r.feedback_due_at - r.referred_at
    assert due == dt.timedelta(hours=24)
    c = police(world, external_ref="110-2", complex=True)
    # complex: the end of the 5th working day (法定节假日 and 调休 counted from the holiday table)
    assert c.feedback_due_at == dates.deadline_at("police_complex_feedback", c.referred_at)
    assert dates.working_days_between(timezone.localdate(), timezone.localtime(c.feedback_due_at).date()) == 5
    assert set(selectors.police_feedback_due(world.users["police"])) == {r, c}
    services.record_feedback(r, world.users["township"], version=version_of(r), text="已联系双方，定于明日调解")
    r.refresh_from_db()
    assert r.feedback_at and "明日调解" in r.feedback
    assert list(selectors.police_feedback_due(world.users["police"])) == [c]


def test_police_deadlines_configurable(world):
    TimeLimit.objects.filter(code="police_feedback").update(value=12)
    TimeLimit.objects.filter(code="police_complex_feedback").update(value=3)
    dates.clear_calendar_cache()
    assert police(world).feedback_due_at - timezone.now() < dt.timedelta(hours=12, minutes=1)
    assert police(world, external_ref="x2", complex=True).feedback_due_at - timezone.now() > dt.timedelta(days=2)


def test_police_referral_requires_call_data(world):
    for field, over in [("call_time", {"call_time": None}), ("caller", {"caller": " "}), ("place", {"place": ""})]:
        with pytest.raises(DomainError) as exc:
            police(world, **over)
        assert exc.value.field == field
    assert not Case.objects.exists()


def test_every_police_referral_gets_a_revisit(world):
    r = police(world)
    case = Case.objects.get(pk=r.case_id)
    transitions.accept(case, world.users["township"], version=version_of(case))
    transitions.terminate(case, world.users["township"], version=version_of(case), reason="一方拒绝调解", routes_informed=True)
    assert list(selectors.revisit_due(world.users["police"])) == [r]
    with pytest.raises(DomainError) as exc:
        services.record_revisit(r, world.users["township"], version=version_of(r), visited_on=timezone.localdate() + dt.timedelta(days=1),
                                visitor="王秀兰", notes="x")
    assert exc.value.field == "visited_on"
    # Archiving asks for the 回访 first (a supervisor could override with a recorded reason).
    from tiaojie.cases.archiving import missing_items

    case.refresh_from_db()
    assert any("公安移交案件的回访" in m for m in missing_items(case))
    with pytest.raises(DomainError, match="公安移交案件的回访"):
        transitions.archive(case, world.users["township"], version=case.version)
    services.record_revisit(r, world.users["township"], version=version_of(r), visited_on=timezone.localdate(), visitor="王秀兰",
                            notes="双方已无冲突")
    assert not selectors.revisit_due(world.users["police"]).exists()
    case.refresh_from_db()
    assert not any("公安移交" in m for m in missing_items(case))


def test_revisit_not_before_closing(world):
    r = police(world)
    with pytest.raises(DomainError, match="不能办理"):
        services.record_revisit(r, world.users["township"], version=version_of(r), visited_on=timezone.localdate(), visitor="x", notes="y")


def test_department_and_petition_referrals(world):
    r = services.refer_case(world.users["county"], kind="department", referrer_name="12345政务服务便民热线",
                            external_ref="12345-0001", parties=sample_parties(), **referral_fields(world))
    p = services.refer_case(world.users["county"], kind="petition", referrer_name="卫东区信访局",
                            parties=sample_parties(),
                            **referral_fields(world, dispute_type=DisputeType.objects.get(code="14")))
    assert r.case.source == "department" and r.case.organization == world.orgs["v1"]
    assert p.case.source == "petition" and p.case.organization == world.orgs["traffic"]
    with pytest.raises(PermissionDenied):
        services.refer_case(world.users["court"], kind="department", referrer_name="x", parties=sample_parties(),
                            **referral_fields(world))


def test_report_counts_by_source_and_referral_outcomes(world):
    r = court_referral(world)
    police(world)
    from .helpers import register

    register(world)
    mediate_to_success(r.case, world.users["v1"])
    counts = selectors.source_counts(Case.objects.all())
    assert counts["by_source"] == {"court": 1, "police": 1, "application": 1}
    assert counts["by_group"] == {"接受委托移送调解": 2, "申请调解": 1}
    outcomes = selectors.referral_outcomes(Referral.objects.all())
    assert outcomes["court"] == {"total": 1, "closed": 1, "success": 1}
    assert outcomes["police"] == {"total": 1, "closed": 0, "success": 0}


def test_red_level_referral_goes_to_county(world):
    with effects():
        r = court_referral(world, facts="被告扬言要同归于尽，持刀威胁。")
    case = Case.objects.get(pk=r.case_id)
    assert case.risk.level == "red"
    assert case.organization == world.orgs["weidong"]
    assert RoutingDecision.objects.get(case=case).rule_code == "red-level"


def test_status_unchanged_by_linkage(world):
    r = court_referral(world)
    assert Case.objects.get(pk=r.case_id).status == Status.REGISTERED


def test_referral_list_pages_and_exports_in_scope(client, world):
    import io

    import openpyxl
    from django.urls import reverse

    r = police(world)
    client.force_login(world.users["township"])
    page = client.get(reverse("routing:referrals")).content.decode()
    assert r.case.number in page
    x = client.get(reverse("routing:referrals"), {"export": "xlsx", "kind": "police"})
    cells = {str(c.value) for row in openpyxl.load_workbook(io.BytesIO(x.content)).active.iter_rows() for c in row}
    assert r.case.number in cells and "公安移交" in cells
    client.force_login(world.users["county2"])
    x = client.get(reverse("routing:referrals"), {"export": "xlsx"})
    cells = {str(c.value) for row in openpyxl.load_workbook(io.BytesIO(x.content)).active.iter_rows() for c in row}
    assert r.case.number not in cells
    assert client.get(reverse("routing:transfers")).status_code == 200
