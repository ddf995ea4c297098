"""群众满意度: the parties' own ratings given on the public side after a case closed.

``satisfaction(node, period)``: ratings of cases handled in ``node``'s subtree given within
``period`` — how many, the average score, and the satisfaction rate (share rated 4 or 5).
``ratings_in(path, period)``: those ratings as a query (the assessment groups them by unit).
"""
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from tiaojie.public.models import Rating


@dataclass
class Satisfaction:
    ratings: int
    satisfied: int
    average: float | None

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None


SATISFIED = Q(score__gte=4)


def ratings_in(path: str, period):
    return Rating.objects.filter(case__organization__path__startswith=path,
                                 rated_at__date__gte=period.start, rated_at__date__lte=period.end)


def satisfaction(node, period) -> Satisfaction:
    row = ratings_in(node.path, period).aggregate(n=Count("id"), ok=Count("id", filter=SATISFIED), avg=Avg("score"))
    return Satisfaction(row["n"], row["ok"], float(row["avg"]) if row["avg"] is not None else None)
