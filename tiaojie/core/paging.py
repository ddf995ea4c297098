"""Paging of long lists at province scale: a count that stops at a cap.

An exact ``COUNT(*)`` over a city's or a province's cases costs more than fetching the page
itself. ``CappedPaginator`` counts at most ``cap`` + 1 rows (``SELECT COUNT(*) FROM (… LIMIT
cap + 1)``): below the cap the count is exact, above it the list says "超过 cap 件" and offers the
pages up to the cap (narrowing the filters reaches the rest), so no query ever skips more than
``cap`` rows.
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
