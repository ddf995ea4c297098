"""Build cases through the real services and transitions, to any end state."""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.testing import (
    earlier_today,
    provide_identity_proofs,
    register_case,
    sample_case_fields,
    sample_parties,
    version_of,
)

WRITTEN = dict(kind="written", terms="被申请人于十日内改建排水沟并赔偿申请人损失。", amount=Decimal("1500.00"),
               facts="双方系邻居。", issues="排水沟位置。", responsibilities="被申请人承担主要责任。",
               performance_method="现金一次性支付")


def make_case(world, *, org="v1", mediators=("m1",), lead=None, outcome="success", agreement="written",
              performance=None, satisfaction="satisfied", archive=False, user="city", days=None, **fields) -> Case:
    """A case of ``org`` mediated by ``mediators`` (world keys) ending in ``outcome``.

    outcome: "success", "failed", "mediating" (left open); ``performance`` adds a follow-up;
    ``days`` rewrites accepted_on so that the case took that many days to close.
    """
    u = world.users[user]
    case = register_case(u, organization=world.orgs[org], parties=sample_parties(),
                                  **sample_case_fields(world, **fields))
    transitions.accept(case, u, version=version_of(case))
    meds = [world.mediators[k] for k in mediators]
    transitions.assign(case, u, version=version_of(case), mediators=meds, lead=world.mediators[lead] if lead else meds[0])
    transitions.record_session(case, u, version=version_of(case), held_at=earlier_today(hours=1), place="调解室",
                               participants="双方", content="调解过程。")
    if outcome == "success":
        kw = dict(WRITTEN) if agreement == "written" else {"kind": "oral", "terms": "口头约定赔偿。"}
        if agreement == "written":
            kw["performance_deadline"] = timezone.localdate() + dt.timedelta(days=10)
        transitions.succeed(case, u, version=version_of(case), **kw)
        if performance:
            transitions.follow_up(case, u, version=version_of(case), visited_on=timezone.localdate(), visitor="回访人",
                                  performance=performance, satisfaction=satisfaction)
            if archive:
                provide_identity_proofs(case, u)
                transitions.archive(case, u, version=version_of(case))
    elif outcome == "failed":
        transitions.fail(case, u, version=version_of(case), reason="双方分歧较大。", routes_informed=True)
        if archive:
            provide_identity_proofs(case, u)
            transitions.archive(case, u, version=version_of(case))
    case.refresh_from_db()
    if days is not None and case.closed_on:
        Case.objects.filter(pk=case.pk).update(accepted_on=case.closed_on - dt.timedelta(days=days))
        case.refresh_from_db()
    return case
