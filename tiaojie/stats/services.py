"""Writes of the statistics part: aggregate reports and report submissions."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from tiaojie.cases.models import Case
from tiaojie.core import permissions
from tiaojie.core.errors import Refused
from tiaojie.core.scope import Scope
from tiaojie.stats import figures
from tiaojie.stats.models import AggregateReport, ReportSubmission
from tiaojie.stats.rollups import next_month


def individual_cases_in_month(org, month):
    """Cases of ``org`` registered or accepted in ``month`` (they would be counted twice)."""
    end = next_month(month)
    return Case.objects.filter(organization=org).filter(
        Q(accepted_on__gte=month, accepted_on__lt=end) | Q(registered_at__date__gte=month, registered_at__date__lt=end))


@transaction.atomic
def save_aggregate(user, *, organization, month, accepted, successful, amount, by_type) -> AggregateReport:
    """Record (or replace) a committee's monthly aggregate; refuse a double count."""
    permissions.require(user, "stats.aggregate")
    if not Scope.of(user).sees(organization):
        raise Refused("该单位不在您的管辖范围内")
    n = individual_cases_in_month(organization, month).count()
    if n:
        raise ValidationError({"month": f"{organization.name}{month:%Y年%m月}已逐案录入{n}件纠纷，"
                                        "不能再按汇总上报（会重复统计）。请在案件中补录，或删除该月汇总。"})
    report, _ = AggregateReport.objects.update_or_create(
        organization=organization, month=month,
        defaults={"accepted": accepted, "successful": successful, "amount": amount, "by_type": by_type,
                  "submitted_by": user})
    return report


def aggregate_only_committees(node, period):
    """Committees under ``node`` with aggregate reports in the period and no case accepted in it."""
    from tiaojie.orgs.models import Organization

    agg = set(AggregateReport.objects.filter(organization__path__startswith=node.path, month__gte=period.start.replace(day=1),
                                             month__lte=period.end).values_list("organization_id", flat=True))
    online = set(Case.objects.filter(organization_id__in=agg, accepted_on__gte=period.start,
                                     accepted_on__lte=period.end).values_list("organization_id", flat=True))
    return Organization.objects.filter(pk__in=agg - online).order_by("path")


def latest_submission(node, period):
    return (ReportSubmission.objects.filter(organization=node, start=period.start, end=period.end)
            .order_by("-version").first())


@transaction.atomic
def submit_report(user, node, period, *, reason: str = "") -> ReportSubmission:
    """Freeze the report's figures as they are now (counted live); a later one is a correction."""
    permissions.require(user, "stats.submit")
    if not Scope.of(user).sees(node):
        raise Refused("该单位不在您的管辖范围内")
    from django.utils import timezone

    if period.end >= timezone.localdate():
        raise ValidationError("统计期间尚未结束，不能报送")
    last = (ReportSubmission.objects.select_for_update().filter(organization=node, start=period.start, end=period.end)
            .aggregate(v=Max("version"))["v"])
    if last and not reason.strip():
        raise ValidationError({"reason": "更正已报送的报表须填写理由"})
    fig = figures.compute(node, period, live=True)
    return ReportSubmission.objects.create(organization=node, start=period.start, end=period.end,
                                           version=(last or 0) + 1, figures=fig.as_json(), reason=reason.strip(),
                                           submitted_by=user)


def figures_from_submission(sub: ReportSubmission) -> figures.Figures:
    fig = figures.Figures(node=sub.organization, period=figures.Period(sub.start, sub.end), source="submitted")
    for facet, key, data in sub.figures["cells"]:
        fig.cells[(facet, key)] = data
    return fig
