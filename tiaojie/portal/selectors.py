"""Reads of typical cases for other pages."""
from tiaojie.portal.models import TypicalCase


def typical_for(dispute_type, limit: int = 3, *, exclude_case=None) -> list[TypicalCase]:
    """Published typical cases of ``dispute_type`` (its top type and sub-types), newest first."""
    qs = TypicalCase.objects.published().of_type(dispute_type).select_related("dispute_type")
    if exclude_case is not None:
        qs = qs.exclude(case=exclude_case)
    return list(qs.order_by("-published_at", "-id")[:limit])


def review_queue(user):
    """What the city reviews: submitted typical cases in the user's scope, oldest first."""
    return (TypicalCase.objects.visible_to(user, acting=True).filter(status=TypicalCase.Status.PENDING)
            .select_related("dispute_type", "nominated_org", "case").order_by("submitted_at", "id"))
