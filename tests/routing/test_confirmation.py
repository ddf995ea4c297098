"""司法确认: the 30-day window, late applications with a reason, refusals, the court's answer."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tiaojie.cases.models import Case, DisputeType
from tiaojie.core.errors import DomainError
from tiaojie.routing import selectors, services
from tiaojie.routing.models import JudicialConfirmation
from tiaojie.testing import version_of

from .helpers import court_referral, mediate_to_success, register

TODAY = timezone.localdate


def succeeded(world, days_ago=0, code="02", kind="written"):
    case = register(world, "v1", "v1", dispute_type=DisputeType.objects.get(code=code))
    mediate_to_success(case, world.users["v1"], kind=kind, effective_on=TODAY() - dt.timedelta(days=days_ago))
    return Case.objects.get(pk=case.pk)


def apply(world, case, applied_on=None, **kw):
    data = dict(applied_on=applied_on or TODAY(), applicants="刘大海、孙小梅", court_name="卫东区人民法院",
                court_org=world.orgs["court"])
    data.update(kw)
    return services.apply_confirmation(case, world.users["v1"], version=version_of(case), **data)


def test_apply_within_window(world):
    case = succeeded(world, days_ago=10)
    jc = apply(world, case)
    assert jc.status == "applied" and not jc.late and jc.effective_on == TODAY() - dt.timedelta(days=10)
    assert case.events.filter(kind="jc_apply").exists()
    with pytest.raises(DomainError, match="已记录"):
        apply(world, case)


def test_day_30_is_still_in_time_day_31_needs_reason(world):
    assert not apply(world, succeeded(world, days_ago=30)).late
    late_case = succeeded(world, days_ago=31)
    with pytest.raises(DomainError) as exc:
        apply(world, late_case)
    assert exc.value.field == "late_reason" and "须记录逾期申请的理由" in exc.value.message
    assert not JudicialConfirmation.objects.filter(case=late_case).exists()
    jc = apply(world, late_case, late_reason="当事人住院治疗，无法按期申请")
    assert jc.late and "住院" in jc.late_reason
    assert "逾期" in late_case.events.get(kind="jc_apply").label


def test_warning_as_day_30_nears(world):
    near = succeeded(world, days_ago=27)
    far = succeeded(world, days_ago=5)
    closing = selectors.confirmation_window_closing(world.users["v1"])
    assert [(c.pk, left) for c, _, left in closing] == [(near.pk, 3)]
    assert far.pk not in [c.pk for c, _, _ in closing]
    apply(world, near)
    assert selectors.confirmation_window_closing(world.users["v1"]) == []


@pytest.mark.parametrize("code", ["01", "0101", "0102", "0103", "0104"])
def test_marriage_adoption_identity_refused(world, trades, code):
    case = succeeded_family(world, trades, code)
    with pytest.raises(DomainError) as exc:
        apply(world, case, **{})
    assert "婚姻、收养、身份关系" in exc.value.message
    assert not selectors.confirmation_window_closing(world.users["city"])


def succeeded_family(world, trades, code):
    from tiaojie.testing import register_case, sample_case_fields, sample_parties

    case = register_case(world.users["city"], organization=world.orgs["v1"], parties=sample_parties(),
                                       **sample_case_fields(world, arose_on=TODAY(),
                                                            dispute_type=DisputeType.objects.get(code=code)))
    mediate_to_success(case, world.users["v1"], kind="written")
    return Case.objects.get(pk=case.pk)


def test_oral_agreement_refused(world):
    case = succeeded(world, kind="oral")
    with pytest.raises(DomainError, match="口头协议"):
        apply(world, case)


def test_dates_checked(world):
    case = succeeded(world, days_ago=3)
    with pytest.raises(DomainError) as exc:
        apply(world, case, applied_on=TODAY() - dt.timedelta(days=4))
    assert exc.value.field == "applied_on"
    with pytest.raises(DomainError) as exc:
        apply(world, case, applied_on=TODAY() + dt.timedelta(days=1))
    assert exc.value.field == "applied_on"


def test_court_answers_accept_then_confirm(world):
    case = succeeded(world, days_ago=3)
    jc = apply(world, case, applied_on=TODAY() - dt.timedelta(days=2))
    court = world.users["court"]
    jc = services.record_court_result(jc, court, version=version_of(jc), accepted=True, answered_on=TODAY() - dt.timedelta(days=1))
    assert jc.status == "accepted"
    with pytest.raises(DomainError) as exc:
        services.record_court_result(jc, court, version=version_of(jc), accepted=True, answered_on=None, decision="confirmed",
                                     decided_on=TODAY(), number="")
    assert exc.value.field == "number"
    jc = services.record_court_result(jc, court, version=version_of(jc), accepted=True, answered_on=None, decision="confirmed",
                                      decided_on=TODAY(), number="（2026）豫0403民特调确字第12号")
    assert jc.status == "confirmed" and jc.number.endswith("第12号")
    labels = list(case.events.filter(kind="jc_result").values_list("label", flat=True))
    assert labels[0] == "法院受理司法确认申请" and "确认调解协议有效" in labels[1]
    with pytest.raises(DomainError, match="已有结果"):
        services.record_court_result(jc, court, version=version_of(jc), accepted=True, answered_on=None, decision="rejected",
                                     decided_on=TODAY(), number="x")
    assert selectors.outcome_of(case)["judicial_confirmation"]["status"] == "confirmed"


def test_court_not_accepting_needs_reason(world):
    case = succeeded(world)
    jc = apply(world, case)
    with pytest.raises(DomainError) as exc:
        services.record_court_result(jc, world.users["v1"], version=version_of(jc), accepted=False, answered_on=TODAY())
    assert exc.value.field == "note"
    jc = services.record_court_result(jc, world.users["v1"], version=version_of(jc), accepted=False, answered_on=TODAY(), note="不属本院管辖")
    assert jc.status == "not_accepted"


def test_other_court_liaison_cannot_answer(world):
    from tiaojie.accounts.models import Role, User
    from tiaojie.orgs.models import Organization, OrgKind

    room = Organization.objects.create(name="宝丰县人民法院诉前调解室", abbr="宝丰诉前", kind=OrgKind.COURT_ROOM,
                                       region=world.regions["baofeng"], parent=world.orgs["baofeng"])
    other = User.objects.create_user(username="other_court", role=Role.COURT_LIAISON, organization=room)
    jc = apply(world, succeeded(world))
    with pytest.raises(PermissionDenied):
        services.record_court_result(jc, other, version=version_of(jc), accepted=True, answered_on=TODAY())


def test_court_referral_confirmation_answerable_by_referring_court(world):
    r = court_referral(world)
    mediate_to_success(r.case, world.users["v1"], kind="written")
    jc = apply(world, Case.objects.get(pk=r.case_id), court_org=None)
    jc = services.record_court_result(jc, world.users["court"], version=version_of(jc), accepted=True, answered_on=TODAY())
    assert jc.status == "accepted"


def test_a_pending_confirmation_holds_the_archive_and_nothing_changes_after_it(world):
    """归档 waits for the court's answer; after 归档 nothing about the case changes (not even 司法确认)."""
    from tiaojie.cases import transitions
    from tiaojie.testing import provide_identity_proofs

    case = succeeded(world, days_ago=1)
    transitions.follow_up(case, world.users["v1"], version=version_of(case), visited_on=TODAY(), visitor="王秀兰",
                          performance="full", satisfaction="satisfied")
    provide_identity_proofs(case, world.users["v1"])
    jc = apply(world, Case.objects.get(pk=case.pk))
    with pytest.raises(DomainError, match="司法确认结果"):
        transitions.archive(case, world.users["v1"], version=version_of(case))
    services.record_court_result(jc, world.users["court"], version=version_of(case), accepted=True, answered_on=TODAY(),
                                 decision="confirmed", decided_on=TODAY(), number="（2026）豫0403民特1号")
    transitions.archive(case, world.users["v1"], version=version_of(case))
    with pytest.raises(DomainError, match="已归档"):
        services.apply_confirmation(Case.objects.get(pk=case.pk), world.users["v1"], version=version_of(case),
                                    applied_on=TODAY(), applicants="双方", court_name="卫东区人民法院")
