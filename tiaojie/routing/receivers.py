"""Keep referral linkage data in step with the case (feedback and outcome returned to the referrer)."""
from django.dispatch import receiver

from tiaojie.cases.signals import case_changed

CLOSING = {"succeed", "fail", "terminate", "reject"}


@receiver(case_changed)
def sync_referral(sender, case, actor=None, kind="", **kwargs):
    if case.source not in ("court", "police", "petition", "department"):
        return
    from tiaojie.routing import services

    if kind in ("accept", "reject"):
        services.auto_feedback(case, kind)
    if kind in CLOSING:
        services.mark_outcome_returned(case)
