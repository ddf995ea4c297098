
"""Keep referral linkage data in step with the case (feedback and outcome returned to the referrer)."""
from django.dispatch import receiver

from tiaojie.cases.archiving import requirement
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


@requirement
def police_referral_revisited(case) -> list[str]:
    """Every police referral gets a 回访 (警民联调) before its case is archived."""
    from tiaojie.routing.models import Referral

    referral = Referral.objects.filter(case=case, kind=Referral.Kind.POLICE).first()
    if referral is not None and not referral.revisits.exists():
        return ["公安移交案件的回访记录（警民联调：每件公安移交的纠纷均须回访）"]
    return []


@requirement
def confirmation_settled(case) -> list[str]:
    """A 司法确认 under way is settled (the court's decision recorded) before the file is closed:
    nothing changes after 归档."""
    from tiaojie.routing.models import JudicialConfirmation

    S = JudicialConfirmation.Status
    if JudicialConfirmation.objects.filter(case=case, status__in=(S.APPLIED, S.ACCEPTED)).exists():
        return ["司法确认结果（法院尚未作出裁定，请记录结果后再归档）"]
    return []
