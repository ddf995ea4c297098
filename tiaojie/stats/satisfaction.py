"""群众满意度: the parties' own ratings given on the public side after a case closed.

``satisfaction(node, period)``: ratings of cases handled in ``node``'s subtree given within
``period`` — how many, the average score, and the satisfaction rate (share rated 4 or 5).
"""
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from tiaojie.public.models import Rating

# A rating of 4 or 5 (out of 5) counts as satisfied.
SATISFIED = Q(score__gte=4)


@dataclass
class Satisfaction:
    ratings: int
    satisfied: int
    average: float | None

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None


def satisfaction(node, period) -> Satisfaction:
    qs = Rating.objects.filter(case__organization__path__startswith=node.path,
                               rated_at__date__gte=period.start, rated_at__date__lte=period.end)
    row = qs.aggregate(n=Count("id"), ok=Count("id", filter=SATISFIED), avg=Avg("score"))
    return Satisfaction(row["n"], row["ok"], float(row["avg"]) if row["avg"] is not None else None)
