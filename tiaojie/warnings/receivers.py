"""After a case changes (``case_changed`` is sent after commit): recompute its risk, and let its
open warnings follow it when it moved to another committee."""
from django.dispatch import receiver

from tiaojie.cases.signals import case_changed

# The steps after which a case sits with another committee (sent, returned) or its new committee
# has taken it on (accepted): its open warnings go with it.
MOVES = {"transfer_out", "transfer_accept", "transfer_return"}


@receiver(case_changed)
def reassess_case(sender, case, actor=None, kind="", **kwargs):
    from tiaojie.warnings.services import reassess

    if kind in MOVES:
        hand_over_warnings(case)
    if kind == "accept":
        retitle_warnings(case)
    reassess(case=case, actor=actor, new=kind == "register")


def retitle_warnings(case) -> int:
    """An online application takes its case number when accepted: warnings raised on it while it
    carried its application reference are titled with the number from then on."""
    from tiaojie.warnings.models import Warning
    from tiaojie.warnings.services import short_title

    title = f"{case.number} {short_title(case.facts)}"
    return Warning.objects.filter(assessment__case=case).exclude(title=title).exclude(
        title__startswith=f"{case.number} ").update(title=title)


def hand_over_warnings(case) -> int:
    """The case's open warnings are re-owned by its handling committee (``services.follow_case``);
    one still waiting to be signed for gets the full response time from now, so the committee
    that now holds it can act before the escalation job sends it up (a warning raised in the
    police room and already late there would otherwise skip the new committee altogether)."""
    import datetime as dt

    from django.utils import timezone

    from tiaojie.warnings.models import Warning, WarningEvent
    from tiaojie.warnings.services import follow_case, level_policy

    waiting = list(Warning.objects.filter(assessment__case=case, status=Warning.Status.OPEN)
                   .exclude(origin=case.organization).values_list("pk", "level"))
    moved = follow_case(case)
    now = timezone.now()
    for pk, level in waiting:
        policy = level_policy(level)
        respond_by = now + dt.timedelta(hours=policy.respond_within_hours if policy else 24)
        Warning.objects.filter(pk=pk).update(respond_by=respond_by)
        WarningEvent.objects.create(warning_id=pk, actor_name="系统",
                                    label=f"随案转至新承办单位，签收时限重新计算（{timezone.localtime(respond_by):%m-%d %H:%M}前）")
    return moved
