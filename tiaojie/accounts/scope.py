"""The one scope rule (DESIGN.md): a user sees the subtree of their own organization.

Every view, export, count and API call reaches records through these functions or through
the ``visible_to(user)`` queryset methods that call them.
"""
from django.core.exceptions import PermissionDenied

from tiaojie.orgs.models import Organization


def scope_path(user) -> str | None:
    """The organization path prefix the user may see; ``""`` means everything, None nothing."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None  # anonymous, or a disabled account whose session or token is still around
    if user.is_superuser and user.organization_id is None:
        return ""
    if user.organization_id is None:
        return None
    return user.organization.path


def visible_orgs(user):
    path = scope_path(user)
    if path is None:
        return Organization.objects.none()
    if path == "":
        return Organization.objects.all()
    return Organization.objects.filter(path__startswith=path)


def org_in_scope(user, org) -> bool:
    path = scope_path(user)
    if path is None or org is None:
        return False
    return org.path.startswith(path)


def require_org_in_scope(user, org) -> None:
    if not org_in_scope(user, org):
        raise PermissionDenied("该单位不在您的管辖范围内")
