"""Training requirements (培训学时要求) and who falls short of them.

The rule (DOMAIN.md §1, one province's practice), configurable in the time-limit table
(``core.TimeLimit``, admin):
- ``training_per_year`` (default 10): every mediator on the register (在岗) needs this many
  training days credited in the calendar year, all kinds counted;
- ``training_prejob`` (default 7): a full-time (专职) mediator who joined in the year also
  needs this many days of 岗前培训 in it.
A voided training (作废) credits nobody.
Days are credited per attendance (``TrainingAttendance.days``) and a training belongs to the
year it starts in.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from tiaojie.core import dates
from tiaojie.orgs.models import Mediator, Training, TrainingAttendance


def required_days() -> tuple[Decimal, Decimal]:
    """(days per year for everyone, pre-job days for new full-time mediators)."""
    return Decimal(dates.limit("training_per_year")), Decimal(dates.limit("training_prejob"))


@dataclass
class Shortfall:
    mediator: Mediator
    total_days: Decimal
    prejob_days: Decimal
    required_total: Decimal
    required_prejob: Decimal | None  # None: pre-job training not required of this mediator
    reasons: list[str] = field(default_factory=list)

    @property
    def missing_days(self) -> Decimal:
        missing = max(self.required_total - self.total_days, Decimal(0))
        if self.required_prejob is not None:
            missing = max(missing, self.required_prejob - self.prejob_days)
        return missing


def _fmt(d: Decimal) -> str:
    return f"{d.normalize():f}"


def shortfalls(mediators, year: int) -> list[Shortfall]:
    """Mediators on the register in ``mediators`` (a queryset) short of the year's requirement.

    Two queries: the mediators, and their credited days of the year grouped by mediator.
    """
    per_year, prejob = required_days()
    meds = list(mediators.filter(status=Mediator.Status.ACTIVE).select_related("organization")
                .order_by("organization__path", "name"))
    credited = {
        row["mediator_id"]: row for row in TrainingAttendance.objects.filter(
            mediator_id__in=[m.pk for m in meds], training__start_on__year=year, training__voided_at__isnull=True)
        .values("mediator_id").annotate(
            total=Sum("days"), prejob=Sum("days", filter=Q(training__kind=Training.Kind.PREJOB)))
    }
    out = []
    for m in meds:
        row = credited.get(m.pk, {})
        total = row.get("total") or Decimal(0)
        pre = row.get("prejob") or Decimal(0)
        needs_prejob = m.full_time and m.joined_on is not None and m.joined_on.year == year
        s = Shortfall(m, total, pre, per_year, prejob if needs_prejob else None)
        if total < per_year:
            s.reasons.append(f"全年培训{_fmt(total)}天，不足{_fmt(per_year)}天")
        if needs_prejob and pre < prejob:
            s.reasons.append(f"新任专职调解员岗前培训{_fmt(pre)}天，不足{_fmt(prejob)}天")
        if s.reasons:
            out.append(s)
    return out


def this_year() -> int:
    return dates.today().year
