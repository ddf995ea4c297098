"""Reads of organizations and mediators, always through the scope rule (``core.scope``)."""
from django.db.models import Count, F, Q

from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Mediator, Organization


def visible_orgs(user):
    return Scope.of(user).orgs()


def visible_mediators(user):
    """Mediators whose own organization or any committee they serve on is in the user's subtree."""
    return Mediator.objects.visible_to(user)


def mediators_of_subtree(qs, org: Organization):
    """Narrow a mediator queryset to those serving ``org`` or an organization under it."""
    through = Mediator.committees.through.objects.filter(organization__path__startswith=org.path)
    return qs.filter(Q(organization__path__startswith=org.path) | Q(pk__in=through.values("mediator_id")))


def mediators_serving(org: Organization):
    """Mediators of this very organization: its own staff first, then those serving concurrently."""
    return Mediator.objects.filter(Q(organization=org) | Q(committees=org)).distinct()


def active_mediator_counts(org_ids) -> dict[int, dict[str, int]]:
    """For each organization id: active mediators serving it (own + concurrent), and full-time ones."""
    counts = {pk: {"active": 0, "full_time": 0} for pk in org_ids}
    active = Mediator.objects.filter(status=Mediator.Status.ACTIVE)
    for row in (active.filter(organization_id__in=org_ids).values("organization_id")
                .annotate(n=Count("id"), ft=Count("id", filter=Q(full_time=True)))):
        counts[row["organization_id"]]["active"] += row["n"]
        counts[row["organization_id"]]["full_time"] += row["ft"]
    through = Mediator.committees.through.objects.filter(
        organization_id__in=org_ids, mediator__status=Mediator.Status.ACTIVE
    ).exclude(mediator__organization_id=F("organization_id"))
    for row in through.values("organization_id").annotate(
            n=Count("mediator_id"), ft=Count("mediator_id", filter=Q(mediator__full_time=True))):
        counts[row["organization_id"]]["active"] += row["n"]
        counts[row["organization_id"]]["full_time"] += row["ft"]
    return counts


__all__ = ["visible_orgs", "visible_mediators", "mediators_of_subtree", "mediators_serving",
           "active_mediator_counts"]
