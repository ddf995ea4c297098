"""Hand-built statistics data through the real services and transitions."""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tiaojie.cases import transitions
from tiaojie.cases.models import Case, Source
from tiaojie.testing import earlier_today, register_case, sample_case_fields, sample_parties, version_of

WRITTEN = dict(kind="written", terms="被申请人赔偿申请人损失。", facts="双方系邻居。", issues="排水沟位置。",
               responsibilities="被申请人承担主要责任。", performance_method="现金一次性支付")


def make_case(world, *, org="v1", mediator="m1", outcome="success", agreement="written", amount="1000",
              performance=None, user="city", source=Source.APPLICATION, type_code="02") -> Case:
    from tiaojie.cases.models import DisputeType

    u = world.users[user]
    case = register_case(u, organization=world.orgs[org], parties=sample_parties(),
                                  **sample_case_fields(world, source=source,
                                                       dispute_type=DisputeType.objects.get(code=type_code)))
    if outcome == "registered":
        return case
    transitions.accept(case, u, version=version_of(case))
    transitions.assign(case, u, version=version_of(case), mediators=[world.mediators[mediator]], lead=world.mediators[mediator])
    transitions.record_session(case, u, version=version_of(case), held_at=earlier_today(hours=1), place="调解室",
                               participants="双方", content="调解过程。")
    if outcome == "success":
        kw = dict(WRITTEN) if agreement == "written" else {"kind": "oral", "terms": "口头约定赔偿。"}
        if agreement == "written":
            kw["performance_deadline"] = timezone.localdate() + dt.timedelta(days=10)
        transitions.succeed(case, u, version=version_of(case), amount=Decimal(amount), **kw)
        if performance:
            transitions.follow_up(case, u, version=version_of(case), visited_on=timezone.localdate(), visitor="回访人",
                                  performance=performance, satisfaction="satisfied")
    elif outcome == "failed":
        transitions.fail(case, u, version=version_of(case), reason="双方分歧较大。", routes_informed=True)
    case.refresh_from_db()
    return case


def this_year():
    from tiaojie.stats.figures import Period

    return Period.year(timezone.localdate().year)
