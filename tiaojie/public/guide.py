"""Public guidance (调解指南): which committee handles what — read from the routing rule table,
so the page says what routing actually does — and where the committees are (the organization
tree: name, address, office phone), searchable. Reads only; nothing personal is shown."""
from django.core.paginator import Paginator
from django.db.models import Q

from tiaojie.orgs.models import Organization, OrgKind, Region, RegionLevel

PUBLIC_KINDS = [k for k in OrgKind.values if k != OrgKind.CITY_BUREAU]


def routing_steps() -> list[dict]:
    """The active routing rules in the order routing applies them, in plain words."""
    from tiaojie.routing.models import RoutingRule

    out = []
    for r in RoutingRule.objects.filter(is_active=True).order_by("sort_order", "id"):
        out.append({"name": r.name, "explanation": r.explanation, "target": r.get_target_kind_display(),
                    "trade": r.target_trade})
    return out


def counties() -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))


def offices(q: str = "", county: str = "", kind: str = "", page: str | int = 1, per_page: int = 20):
    """Committees matching the words (name, address, place or trade), optionally in one county
    and of one kind; a page of them with their region."""
    qs = Organization.objects.filter(is_active=True, kind__in=PUBLIC_KINDS).select_related("region")
    if county.isdigit():
        place = Region.objects.filter(code=county).first()
        qs = qs.filter(region__path__startswith=place.path) if place else qs.none()
    if kind in PUBLIC_KINDS:
        qs = qs.filter(kind=kind)
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(address__icontains=word) | Q(region__name__icontains=word)
                       | Q(trade__icontains=word))
    return Paginator(qs.order_by("path"), per_page).get_page(page)
