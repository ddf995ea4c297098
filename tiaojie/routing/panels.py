"""The routing part of the case page (``cases.panels``): the routing inputs kept on the case,
each routing decision with its reasons, and the current proposal when it differs."""
from tiaojie.cases import transitions
from tiaojie.routing import engine
from tiaojie.routing.models import Referral


def routing_inputs(case, referral=None) -> list[tuple[str, str]]:
    """The facts routing reads that a person states (the 分流 boxes, the source, the court's
    choice to keep the case), as (label, value) for display."""
    out = [("案件来源", case.get_source_display())]
    out += [(label, "是" if getattr(case, flag) else "否") for flag, label in (
        ("spans_villages", "跨村（社区）"), ("spans_townships", "跨乡镇（街道）"),
        ("village_failed", "村（社区）调解未成"), ("major", "疑难重大"))]
    if referral is not None and referral.kind == Referral.Kind.COURT:
        out.append(("法院自留", "是" if referral.court_keeps else "否"))
    return out


def case_panel(case, user) -> dict:
    referral = Referral.objects.filter(case=case).select_related("referring_org").first()
    decisions = list(case.routing_decisions.select_related("proposed_org", "chosen_org").order_by("-decided_at", "-id"))
    proposal = supervised_by = None
    kept_because: tuple[str, ...] = ()
    if case.status in transitions.OPEN:
        from tiaojie.routing.services import proposal_to_offer

        p = engine.propose_for_case(case)
        if p.org is not None and p.org.pk == case.organization_id:
            # a specialist committee keeps a red or 疑难重大 case; the county supervises
            supervised_by, kept_because = p.supervised_by, p.kept_because
        if transitions.may(case, user, "transfer_out"):
            proposal = proposal_to_offer(case, p)
    return {"case": case, "inputs": routing_inputs(case, referral), "decisions": decisions, "proposal": proposal,
            "supervised_by": supervised_by, "kept_because": "且".join(kept_because)}
