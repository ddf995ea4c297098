"""The one scope rule (DESIGN.md), decided once for every kind of record.

A user sees the records of their own organization's subtree (a village mediator: their
committee; a township: its villages; a county: its townships and villages; the city: all).
A superuser without an organization sees everything; the three administrator roles of 等保
(三员分立) and disabled or anonymous accounts see no business record at all.

Every scoped model declares how its rows fall into a scope with a ``ScopeRule``:

``owners``  lookups to an ``Organization`` whose subtree *owns* the row: a user whose scope
            holds one of them sees the row and may act on it (``acting=True``);
``links``   lookups to an ``Organization`` that may *see* the row without acting on it
            (linked visibility, read-only), e.g. the committee that transferred a case away,
            the court room or police room that referred it, the court named on a 司法确认;
``via``     foreign keys to scoped parents: the row is seen and acted on as its parent is
            (a party, a session or an attachment as its case), plus its own owners/links;
``path``    a column of the row holding the path of its first owner, kept by the database
            (a case's ``scope_path``): the owner condition is then a prefix of that column, one
            index range, instead of a list of organizations.

``Model.objects.visible_to(user, acting=False)`` (``ScopedQuerySet``) and ``Scope(user)`` apply
the rule; ``tiaojie.core.access`` fetches one object for a view through it. Nothing else
filters by organization path.

Two forms of the same condition: by default subqueries (no query before the statement; right
for a look-up of a few rows); with ``listing=True`` (long lists: ordered, paged, counted) the
organizations in scope and the rows linked from outside them are read first (one query, kept
for the request) and handed over as lists of ids. PostgreSQL estimates a list of ids well;
a subquery OR-ed with the links it takes for half the table each, and so walked the whole
list order of a million cases for a city's page. In the listing form a user of the only top
organization (the province) sees every organization, so the condition is dropped altogether
(that costs the one query instead).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q, Value

# Above this many ids the listing form falls back to a subquery for that part.
LISTING_MAX_IDS = 20_000


@dataclass(frozen=True)
class ScopeRule:
    owners: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    # the row is an Organization (its own path decides)
    is_org: bool = False
    path: str = ""

    def __init__(self, *owners: str, links: tuple[str, ...] = (), via: str | tuple[str, ...] = (),
                 is_org: bool = False, path: str = ""):
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "owners", tuple(owners))
        object.__setattr__(self, "links", tuple(links))
        object.__setattr__(self, "via", (via,) if isinstance(via, str) else tuple(via))
        object.__setattr__(self, "is_org", is_org)


def _org_model():
    return apps.get_model("orgs", "Organization")


def _path_of(user) -> str | None:
    """The organization path prefix the user may see; "" means everything, None nothing."""
    from tiaojie.core.permissions import ADMINISTRATORS

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None  # anonymous, or a disabled account whose session or token is still around
    if getattr(user, "role", None) in ADMINISTRATORS and not user.is_superuser:
        return None
    if user.is_superuser and user.organization_id is None:
        return ""
    if user.organization_id is None:
        return None
    return user.organization.path


@dataclass
class Scope:
    """What one user may see: ``path`` is "" (everything), None (nothing) or a path prefix."""

    user: object
    path: str | None = field(default=None)

    def __init__(self, user):
        self.user = user
        self.path = _path_of(user)
        self._lists: dict = {}

    @classmethod
    def of(cls, user_or_scope) -> Scope:
        if isinstance(user_or_scope, Scope):
            return user_or_scope
        key = _key(user_or_scope)
        cached = getattr(user_or_scope, "_tiaojie_scope", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        scope = cls(user_or_scope)
        try:
            user_or_scope._tiaojie_scope = (key, scope)
        except AttributeError:
            pass
        return scope

    @property
    def everything(self) -> bool:
        return self.path == ""

    @property
    def nothing(self) -> bool:
        return self.path is None

    # --- organizations ------------------------------------------------------------------

    def sees(self, org) -> bool:
        """Is ``org`` (an Organization, or None) inside this scope?"""
        if self.path is None or org is None:
            return False
        return org.path.startswith(self.path)

    def orgs(self):
        """The organizations in scope (the user's subtree)."""
        return self.filter(_org_model().objects.all())

    def home(self):
        """The organization a user's pages start from: their own, or for a superuser without one
        the top of the tree (the city bureau); None when the scope is empty."""
        if self.path is None:
            return None
        org = getattr(self.user, "organization", None)
        if org is not None:
            return org
        return _org_model().objects.filter(parent__isnull=True).order_by("path").first()

    # --- querysets ---------------------------------------------------------------------

    def q(self, model, acting: bool = False, prefix: str = "", listing: bool = False,
          ranged: bool = False) -> Q | None:
        """The condition a row of ``model`` must meet (None: no condition, every row).

        ``prefix`` is the lookup from the queried model to ``model`` (used for ``via``);
        ``listing``: the form for long lists (module docstring); ``ranged``: the path column's
        prefix also as a range (``_by_org``)."""
        if self.path is None:
            return Q(pk__in=[])
        if self.path == "" or (listing and self.whole_tree):
            return None
        rule = scope_rule(model)
        if rule.is_org:
            return Q(**{f"{prefix}path__startswith": self.path})
        if listing and not rule.via:
            return self._listed(model, acting, prefix, ranged)
        parts = [self._by_org(model, lookup, prefix, ranged)
                 for lookup in (rule.owners if acting else rule.owners + rule.links)]
        for via in rule.via:
            parent = model._meta.get_field(via).related_model
            parts.append(self.q(parent, acting=acting, prefix=f"{prefix}{via}__", listing=listing, ranged=ranged))
        return _any(parts)

    @property
    def whole_tree(self) -> bool:
        """Is the user's organization the only top of the tree (its subtree is every organization)?"""
        if "whole_tree" not in self._lists:
            org = getattr(self.user, "organization", None) if self.path else None
            self._lists["whole_tree"] = bool(
                org is not None and org.parent_id is None
                and not _org_model().objects.filter(parent__isnull=True).exclude(pk=org.pk).exists())
        return self._lists["whole_tree"]

    def _by_org(self, model, lookup: str, prefix: str, ranged: bool = False) -> Q:
        """Rows of ``model`` whose organization at ``lookup`` is in scope.

        The organizations in scope are one subquery by path prefix (its index), not a join from
        every row to its organization: at a million cases the join cost ~1 s per count. A lookup
        through a reverse relation (a case's transfers, its referral, a mediator's committees)
        asks a subquery of ids so rows are neither repeated nor outer-joined.

        ``ranged``: the path column's prefix test also written as the range it is (``path >= p``
        and ``path < p`` with its last character, "/", raised to "0": the same rows, as strings
        compare by code point), which SQLite can read from an index on the column — its ``LIKE``
        is case-insensitive and uses none. Only on SQLite (``ScopedQuerySet.visible_to``):
        PostgreSQL's prefix ``LIKE`` has its own index, and a column collated by a language
        orders "/" apart from the code points."""
        rule = scope_rule(model)
        if rule.path and rule.owners and lookup == rule.owners[0]:
            cond = Q(**{f"{prefix}{rule.path}__startswith": self.path})
            if ranged:
                above = self.path[:-1] + chr(ord(self.path[-1]) + 1)
                cond &= Q(**{f"{prefix}{rule.path}__gte": self.path, f"{prefix}{rule.path}__lt": above})
            return cond
        orgs = _org_model().objects.filter(path__startswith=self.path).values("pk")
        if _through_reverse(model, lookup):
            return Q(**{f"{prefix}pk__in": model._default_manager.filter(**{f"{lookup}__in": orgs}).values("pk")})
        return Q(**{f"{prefix}{lookup}__in": orgs})

    def _listed(self, model, acting: bool, prefix: str, ranged: bool = False) -> Q:
        """The listing form: an owner in scope (by the path column, or among the organization
        ids in scope), or the row among the rows linked from the scope that it does not own.
        The ids are read here in one query, afresh each time (a step taken earlier in the
        request may have moved a row)."""
        rule = scope_rule(model)
        direct = [lk for lk in rule.owners if not _through_reverse(model, lk)]
        others = [lk for lk in rule.owners if lk not in direct] + ([] if acting else list(rule.links))
        orgs = _org_model().objects.filter(path__startswith=self.path).order_by()
        sub = orgs.values("pk")
        by_path = [lk for lk in direct if rule.path and lk == rule.owners[0]]
        by_ids = [lk for lk in direct if lk not in by_path]
        queries = [orgs.annotate(_t=Value(0)).values_list("_t", "pk")] if by_ids else []
        owned = (self._by_org(model, direct[0], "") if len(direct) == 1 else None)
        if owned is not None:  # the rows linked from the scope, less those it owns anyway
            queries += [model._default_manager.filter(**{f"{lk}__in": sub}).exclude(owned).order_by()
                        .annotate(_t=Value(1)).values_list("_t", "pk") for lk in others]
        org_ids, linked_ids = [], set()
        if queries:
            rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
            for tag, pk in rows:
                (org_ids.append if tag == 0 else linked_ids.add)(pk)
        ids = org_ids if len(org_ids) <= LISTING_MAX_IDS else sub
        parts = [self._by_org(model, lk, prefix, ranged) for lk in by_path]
        parts += [Q(**{f"{prefix}{lk}__in": ids}) for lk in by_ids]
        if owned is None or len(linked_ids) > LISTING_MAX_IDS:
            parts += [self._by_org(model, lk, prefix) for lk in others]
        elif linked_ids:
            parts.append(Q(**{f"{prefix}pk__in": sorted(linked_ids)}))
        return _any(parts)

    def filter(self, qs, acting: bool = False, listing: bool = False, ranged: bool = False):
        if self.path is None:
            return qs.none()
        cond = self.q(qs.model, acting=acting, listing=listing, ranged=ranged)
        return qs if cond is None else qs.filter(cond)

    # --- one object ----------------------------------------------------------------------

    def owns(self, obj) -> bool:
        """May the user act on ``obj`` (its owners are in scope)? No query for direct owners."""
        if self.path is None:
            return False
        if self.path == "":
            return True
        rule = scope_rule(type(obj))
        if rule.is_org:
            return obj.path.startswith(self.path)
        for lookup in rule.owners:
            if _multi_valued(type(obj), lookup):
                if type(obj)._default_manager.filter(pk=obj.pk, **{f"{lookup}__path__startswith": self.path}).exists():
                    return True
                continue
            org = _follow(obj, lookup)
            if org is not None and org.path.startswith(self.path):
                return True
        for via in rule.via:
            parent = _follow(obj, via)
            if parent is not None and self.owns(parent):
                return True
        return False

    def owns_path(self, model, path: str) -> bool:
        """Is a row of ``model`` whose path column (``ScopeRule.path``) holds ``path`` owned in this
        scope? The prefix test the condition of ``q`` makes in SQL, on a value already read: no
        query. False for a model without a path column (ask ``filter``)."""
        if self.path is None:
            return False
        if self.path == "":
            return True
        return bool(scope_rule(model).path) and (path or "").startswith(self.path)

    def can_see(self, obj) -> bool:
        if self.owns(obj):
            return True
        if self.path is None:
            return False
        return self.filter(type(obj)._default_manager.filter(pk=obj.pk)).exists()


def _any(parts: list[Q]) -> Q:
    cond = parts[0]
    for part in parts[1:]:
        cond |= part
    return cond


def _key(user) -> tuple:
    """What the scope of a user depends on (a cached scope is reused while it is unchanged)."""
    return (getattr(user, "pk", None), getattr(user, "organization_id", None), getattr(user, "role", None),
            getattr(user, "is_superuser", False), getattr(user, "is_active", False),
            getattr(user, "is_authenticated", False))


def _multi_valued(model, lookup: str) -> bool:
    for name in lookup.split("__"):
        f = model._meta.get_field(name)
        if f.many_to_many or f.one_to_many:
            return True
        model = f.related_model
    return False


def _through_reverse(model, lookup: str) -> bool:
    """Does ``lookup`` pass through a reverse relation (many rows, or an outer join)?"""
    for name in lookup.split("__"):
        f = model._meta.get_field(name)
        if f.many_to_many or f.one_to_many or f.auto_created and not f.concrete:
            return True
        model = f.related_model
    return False


def _follow(obj, lookup: str):
    for part in lookup.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def scope_rule(model) -> ScopeRule:
    rule = getattr(model, "scope", None)
    if not isinstance(rule, ScopeRule):
        raise TypeError(f"{model.__name__} declares no ScopeRule (class attribute ``scope``)")
    return rule


class ScopedQuerySet(models.QuerySet):
    """The queryset of every scoped model: ``visible_to(user, acting=False)``."""

    def visible_to(self, user, acting: bool = False, listing: bool = False, ranged: bool = False):
        """The rows ``user`` may see (``acting``: act on); ``listing`` for long lists (module
        docstring: the same rows, a condition PostgreSQL estimates well); ``ranged``: on SQLite,
        the path column's prefix also as a range, for a statement that should read the scope's
        rows from the path index (``Scope._by_org``)."""
        from django.db import connections

        ranged = ranged and connections[self.db].vendor == "sqlite"
        return Scope.of(user).filter(self, acting=acting, listing=listing, ranged=ranged)
