"""Paging of long lists at province scale: a count that stops at a cap, a page fetched by its ids.

An exact ``COUNT(*)`` over a city's or a province's cases costs more than fetching the page
itself. ``CappedPaginator`` counts at most ``cap`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT
cap + 1)``): below the cap the count is exact, above it the list says "超过 cap 件" and offers the
pages up to the cap (narrowing the filters reaches the rest), so no query ever skips more than
``cap`` rows.

A page is read in two steps: the ids of its rows in the list's order (only the columns of the
order and of the filters, which an index can answer without visiting the rows), then those rows
with what the list shows. Skipping 6,000 rows to page 200 thus walks index entries, not rows.
"""
from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000


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

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs = self.object_list
        if not hasattr(qs, "values_list"):
            return self._get_page(qs[bottom:top], number, self)
        ids = list(qs.values_list("pk", flat=True)[bottom:top])
        rows = {o.pk: o for o in qs.filter(pk__in=ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
