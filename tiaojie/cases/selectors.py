"""Reads for the staff workbench: the to-do summary, the filtered case list and its export.

Every queryset here starts from ``Case.objects.visible_to(user)`` (the one scope rule).
"""
import datetime as dt

from django.db.models import Prefetch, Q
from django.utils import timezone

from tiaojie.cases.models import Case, DisputeType, Party, Status, sources_in_group
from tiaojie.core import xlsx
from tiaojie.orgs.models import kinds_in_group

TODO_LIST_SIZE = 5
EXPORT_LIMIT = 50_000


def visible_cases(user):
    """The user's cases with what every list shows, without N+1 queries (the scope in its
    listing form: ``tiaojie.core.scope``)."""
    return (
        Case.objects.visible_to(user, listing=True)
        .select_related("organization", "dispute_type", "dispute_type__parent")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.only(
            "id", "case_id", "role", "kind", "name", "id_masked", "phone_masked", "agent_for_id")))
    )


def todo_summary(user) -> list[dict]:
    """The blocks of 我的待办: key, title, count, a few cases and the list filter they link to."""
    base = visible_cases(user)
    blocks = [
        ("registered", "待受理", base.filter(status=Status.REGISTERED), {"status": Status.REGISTERED}),
        ("accepted", "已受理待指派", base.filter(status=Status.ACCEPTED), {"status": Status.ACCEPTED}),
        ("mediating", "调解中", base.filter(status=Status.MEDIATING), {"status": Status.MEDIATING}),
        ("follow_up", "待回访", base.follow_up_due().order_by("closed_on", "id"), {"follow_up": "1"}),
        ("overdue", "超期", base.overdue().order_by("due_on", "id"), {"overdue": "1"}),
    ]
    out = []
    for key, title, qs, query in blocks:
        out.append({"key": key, "title": title, "count": qs.count(), "cases": list(qs[:TODO_LIST_SIZE]),
                    "query": query})
    return out


def filter_cases(qs, data: dict):
    """Apply the list filters (cleaned data of ``CaseFilterForm``; missing keys are ignored)."""
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    t = data.get("dispute_type")
    if t:
        # the type and its sub-types as a list of ids (no join to the types, no OR across tables)
        qs = qs.filter(dispute_type__in=DisputeType.objects.filter(Q(pk=t.pk) | Q(parent=t)).values("pk"))
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    org = data.get("organization")
    if org:
        qs = qs.filter(scope_path__startswith=org.path)
    if data.get("date_from"):
        qs = qs.filter(registered_at__gte=_start_of(data["date_from"]))
    if data.get("date_to"):
        qs = qs.filter(registered_at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
    if data.get("overdue"):
        qs = qs.overdue()
    if data.get("follow_up"):
        qs = qs.follow_up_due()
    if data.get("q"):
        qs = qs.search(data["q"])
    return _filter_drill(qs, data)


def _filter_drill(qs, data: dict):
    """Conditions of a statistics figure (``tiaojie.stats.figures.drill_url``)."""
    if data.get("accepted_from"):
        qs = qs.filter(accepted_on__gte=data["accepted_from"])
    if data.get("accepted_to"):
        qs = qs.filter(accepted_on__lte=data["accepted_to"])
    if data.get("closed_from"):
        qs = qs.filter(closed_on__gte=data["closed_from"])
    if data.get("closed_to"):
        qs = qs.filter(closed_on__lte=data["closed_to"])
    if data.get("outcome"):
        qs = qs.filter(outcome=data["outcome"])
    if data.get("agreement_kind"):
        qs = qs.filter(agreement_kind=data["agreement_kind"])  # the case's copy (transitions.succeed)
    if data.get("performed"):
        qs = qs.filter(fully_performed=True)  # the case's copy (transitions.follow_up)
    if data.get("confirmed"):
        qs = qs.filter(judicially_confirmed=True)  # the case's copy (routing.services.record_court_result)
    if data.get("with_amount"):
        qs = qs.filter(agreement_amount__gt=0)
    if data.get("source_group"):
        qs = qs.filter(source__in=sources_in_group(data["source_group"]))
    if data.get("org_group"):
        qs = qs.filter(organization__kind__in=kinds_in_group(data["org_group"]))
    return qs


def _start_of(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def party_summary(case: Case) -> str:
    """Parties with masked identifiers, for lists and exports."""
    parts = []
    for p in case.parties.all():
        extra = "，".join(x for x in (p.id_masked, p.phone_masked) if x)
        parts.append(f"{p.get_role_display()}：{p.name}" + (f"（{extra}）" if extra else ""))
    return "；".join(parts)


EXPORT_COLUMNS = [
    ("案号", 26), ("登记时间", 17), ("承办单位", 28), ("纠纷类型", 16), ("案件来源", 18), ("受理渠道", 8),
    ("状态", 12), ("超期", 6), ("当事人（证件号、电话已脱敏）", 60), ("纠纷简要情况", 50), ("涉及金额（元）", 14),
    ("受理日期", 12), ("期限届满日", 12), ("结案日期", 12),
]


def export_xlsx(qs) -> bytes:
    """The filtered list as an .xlsx workbook; personal identifiers stay masked."""
    rows = (
        (c.number, timezone.localtime(c.registered_at), c.organization.name, str(c.dispute_type),
         c.get_source_display(), c.get_channel_display(), c.get_status_display(), "超期" if c.is_overdue else "",
         party_summary(c), c.facts, c.amount_at_stake, c.accepted_on, c.due_on, c.closed_on)
        for c in qs.iterator(chunk_size=2000))
    return xlsx.sheet_bytes("纠纷案件", [n for n, _ in EXPORT_COLUMNS], rows, widths=[w for _, w in EXPORT_COLUMNS])
