"""Paging of long lists at province scale: a count that stops at a cap, a page fetched by its ids,
and the next and previous pages found from a row of the current one (keyset paging).

An exact ``COUNT(*)`` over a city's or a province's cases costs more than fetching the page
itself. ``CappedPaginator`` counts at most ``cap`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT
cap + 1)``): below the cap the count is exact, above it the list says "超过 cap 件" and offers the
pages up to the cap (narrowing the filters reaches the rest), so no query ever skips more than
``cap`` rows.

A page is read in two steps: the ids of its rows in the list's order (only the columns of the
order and of the filters, which an index can answer without visiting the rows), then those rows
with what the list shows.

Keyset paging: 下一页 and 上一页 carry the list-order values of the current page's last (first)
row as a cursor (``after`` / ``before``), and the page they open is the ``per_page`` rows that
follow (precede) that row — one index range from the cursor, whatever the depth, instead of
skipping ``(number - 1) × per_page`` rows. The page number travels with the link and is shown as
is. A page number typed or clicked without a cursor (a jump) is read by offset as before. The
cursor only narrows the user's own list (it is one more condition on the already scoped and
filtered queryset), so a crafted cursor can show nothing the list would not; one that does not
parse, or that leads nowhere, is ignored and the page is read by its number.

Keyset paging applies to lists ordered by plain columns (date/time or integer) ending with the
primary key, e.g. the case list's ``-registered_at, -id``; any other order pages by offset only.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.paginator import InvalidPage, Page, Paginator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000
PAGING_PARAMS = ("page", "after", "before")  # the pager's own query parameters (not filters)
# a cursor value outside these bounds is refused (it could only be crafted)
_MAX_INT = 2**63 - 1
_MAX_EPOCH_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z


@dataclass(frozen=True)
class Cursor:
    """A page boundary: the list-order values of one row; ``before``: the rows before it
    (上一页), otherwise the rows after it (下一页)."""

    values: tuple
    before: bool = False


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap: int = DEFAULT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        n = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False

    @property
    def count_label(self) -> str:
        n = self.count
        return f"超过{self.cap}" if self.capped else str(n)

    # --- keyset -------------------------------------------------------------------------

    @cached_property
    def keys(self) -> list[tuple[models.Field, bool]] | None:
        """The list order as (field, descending) pairs when keyset paging applies to it, else None."""
        qs = self.object_list
        if not isinstance(qs, models.QuerySet):
            return None
        order = list(qs.query.order_by) or (list(qs.model._meta.ordering) if qs.query.default_ordering else [])
        out, meta = [], qs.model._meta
        for item in order:
            if not isinstance(item, str) or item == "?" or "__" in item.lstrip("-"):
                return None
            name = item.lstrip("-")
            try:
                f = meta.pk if name == "pk" else meta.get_field(name)
            except models.FieldDoesNotExist:
                return None
            if not f.concrete or f.null or not isinstance(f, (models.DateField, models.IntegerField, models.AutoField)):
                return None
            out.append((f, item.startswith("-")))
        if not out or out[-1][0] != meta.pk or len({f.name for f, _ in out}) != len(out):
            return None  # the primary key last makes the order total: no row is skipped or repeated
        return out

    def cursor_token(self, values: tuple) -> str:
        """The text of a cursor for the row whose order values are ``values`` ("" if not paging by keys)."""
        if not self.keys:
            return ""
        parts = []
        for (f, _), v in zip(self.keys, values, strict=True):
            if isinstance(f, models.DateTimeField):
                v = (v - _EPOCH) // dt.timedelta(microseconds=1)
            elif isinstance(f, models.DateField):
                v = v.toordinal()
            parts.append(str(int(v)))
        return "_".join(parts)

    def parse_cursor(self, token, before: bool = False) -> Cursor | None:
        """The cursor written by ``cursor_token``, or None for anything else."""
        if not self.keys or not token or not isinstance(token, str) or len(token) > 100:
            return None
        parts = token.split("_")
        if len(parts) != len(self.keys):
            return None
        values = []
        for (f, _), p in zip(self.keys, parts, strict=True):
            if not p.isascii() or not p.lstrip("-").isdigit():
                return None
            n = int(p)
            try:
                if isinstance(f, models.DateTimeField):
                    if not 0 <= n <= _MAX_EPOCH_US:
                        return None
                    values.append(_EPOCH + dt.timedelta(microseconds=n))
                elif isinstance(f, models.DateField):
                    values.append(dt.date.fromordinal(n))
                else:
                    if not -_MAX_INT <= n <= _MAX_INT:
                        return None
                    values.append(n)
            except (ValueError, OverflowError):
                return None
        return Cursor(tuple(values), before)

    def _beyond(self, cursor: Cursor) -> Q:
        """Rows after (before) the cursor in the list order: (a, b, pk) beyond (x, y, z)
        lexicographically, plus the first key's bound alone so that an index range starts there."""
        cond = None
        for i, (f, desc) in enumerate(self.keys):
            later = "lt" if desc != cursor.before else "gt"
            same = {g.attname: cursor.values[j] for j, (g, _) in enumerate(self.keys[:i])}
            part = Q(**{f"{f.attname}__{later}": cursor.values[i]}, **same)
            cond = part if cond is None else cond | part
        first, desc = self.keys[0]
        bound = Q(**{f"{first.attname}__{'lte' if desc != cursor.before else 'gte'}": cursor.values[0]})
        return bound & cond

    def _order(self, reverse: bool) -> list[str]:
        return [("-" if desc != reverse else "") + f.attname for f, desc in self.keys]

    # --- pages --------------------------------------------------------------------------

    def get_page(self, number, cursor: Cursor | None = None):
        """The page ``number``, read from ``cursor`` when one is given and leads to rows
        (otherwise by its number, as ``Paginator.get_page``)."""
        if cursor is not None and self.keys:
            try:
                valid = self.validate_number(number)
            except InvalidPage:
                valid = None
            if valid is not None:
                page = self._page_from(valid, cursor)
                if page is not None:
                    return page
        return super().get_page(number)

    def _fetch(self, qs, lo: int | None = None, hi: int | None = None) -> tuple[list, list]:
        """(rows, order-value tuples) of a slice of ``qs``: the ids first, then the rows."""
        if self.keys:
            cols = [f.attname for f, _ in self.keys]
            keyed = list(qs.values_list(*cols)[lo:hi])
            ids = [k[-1] for k in keyed]
        else:
            keyed = []
            ids = list(qs.values_list("pk", flat=True)[lo:hi])
        rows = {o.pk: o for o in self.object_list.filter(pk__in=ids)} if ids else {}
        return [rows[pk] for pk in ids if pk in rows], keyed

    def _page_from(self, number: int, cursor: Cursor) -> Page | None:
        qs = self.object_list.filter(self._beyond(cursor)).order_by(*self._order(cursor.before))
        rows, keyed = self._fetch(qs, 0, self.per_page)
        if cursor.before:
            rows.reverse()
            keyed.reverse()
            if len(rows) < self.per_page or number == 1:
                return None  # back at the top: page 1, read from the start
        elif not rows:
            return None  # past the end (a stale or made-up cursor): read by number
        page = self._get_page(rows, number, self)
        page.keyed = keyed
        return page

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs = self.object_list
        if not hasattr(qs, "values_list"):
            return self._get_page(qs[bottom:top], number, self)
        rows, keyed = self._fetch(qs, bottom, top)
        page = self._get_page(rows, number, self)
        page.keyed = keyed
        return page

    # --- links --------------------------------------------------------------------------

    def links(self, page, query: str = "") -> dict:
        """The pager's links for ``page``: ``previous`` and ``next`` (hrefs or None) carry the
        cursor of the page's first or last row; ``numbers`` is a list of (number, href, current)
        with None for an ellipsis; numbers other than the neighbours are read by offset."""
        base = f"?{query}&" if query else "?"
        keyed = getattr(page, "keyed", None) or []

        def href(n: int) -> str:
            if n == page.number + 1 and keyed:
                return f"{base}page={n}&after={self.cursor_token(keyed[-1])}"
            if n == page.number - 1 and n > 1 and keyed:
                return f"{base}page={n}&before={self.cursor_token(keyed[0])}"
            return f"{base}page={n}"

        numbers = []
        for n in self.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
            numbers.append((None, None, False) if n == self.ELLIPSIS else (n, href(n), n == page.number))
        return {"previous": href(page.number - 1) if page.has_previous() else None,
                "next": href(page.number + 1) if page.has_next() else None,
                "numbers": numbers}


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def cursor_from(paginator: CappedPaginator, params) -> Cursor | None:
    """The cursor of a request's ``after`` / ``before`` parameter (at most one; None otherwise)."""
    after, before = params.get("after"), params.get("before")
    if bool(after) == bool(before):
        return None
    return paginator.parse_cursor(after or before, before=bool(before))
