import datetime as dt

from django.utils import timezone

from tiaojie.cases import transitions
from tiaojie.cases.models import Case, DisputeType
from tiaojie.routing import services
from tiaojie.testing import earlier_today, register_case, sample_case_fields, sample_parties, version_of


def register(world, org="v1", user="city", **over):
    fields = sample_case_fields(world, arose_on=timezone.localdate() - dt.timedelta(days=3), **over)
    return register_case(world.users[user], organization=world.orgs[org], parties=sample_parties(),
                                       **fields)


def referral_fields(world, **over):
    data = dict(dispute_type=DisputeType.objects.get(code="02"), region=world.regions["v1"],
                arose_on=timezone.localdate() - dt.timedelta(days=5), facts="原被告系邻居，因排水问题诉至法院。",
                claims="判令被告改建排水沟。", people_count=2, amount_at_stake=3000, place_detail="东安社区3号院")
    data.update(over)
    return data


def court_referral(world, ref="（2026）豫0403民诉前调1号", user="court", **over):
    kw = dict(kind="court", referrer_name="卫东区人民法院", external_ref=ref, parties=sample_parties())
    kw.update(over)
    fields = referral_fields(world, **{k: kw.pop(k) for k in list(kw) if k in (
        "dispute_type", "region", "facts", "claims", "people_count", "amount_at_stake", "arose_on")})
    return services.refer_case(world.users[user], **kw, **fields)


def mediate_to_success(case, user, *, kind="oral", effective_on=None, **extra):
    """Accept, assign, record a session and succeed (a written agreement when kind='written')."""
    from tiaojie.orgs.models import Mediator

    case = Case.objects.get(pk=case.pk)
    transitions.accept(case, user, version=version_of(case))
    held_at = earlier_today(hours=1)
    if effective_on is not None:  # an agreement of the past: the case was accepted before it
        Case.objects.filter(pk=case.pk).update(accepted_on=effective_on - dt.timedelta(days=1))
        held_at = min(timezone.make_aware(dt.datetime.combine(effective_on, dt.time(9, 0))), held_at)
    mediator = Mediator.objects.filter(organization=case.organization).first()
    if mediator is None:
        mediator = Mediator.objects.create(name="临时调解员", organization=case.organization)
    transitions.assign(case, user, version=version_of(case), mediators=[mediator])
    transitions.record_session(case, user, version=version_of(case), held_at=held_at, place="调解室",
                               participants="双方当事人", content="双方陈述并达成一致。")
    data = dict(kind=kind, terms="被申请人赔偿申请人1500元。", amount=1500, effective_on=effective_on)
    if kind == "written":
        data.update(facts="事实", issues="争议", responsibilities="责任", performance_method="现金",
                    performance_deadline=timezone.localdate() + dt.timedelta(days=10))
    data.update(extra)
    return transitions.succeed(case, user, version=version_of(case), **data)
