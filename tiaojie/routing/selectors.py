"""Reads of routing and linkage, all bounded by the one scope rule.

Linked visibility (who sees a case beyond the subtree rule, read-only):
  * an organization that transferred a case away (``Transfer.from_org``) still sees it;
  * the organization that referred a case (``Referral.referring_org``: a court room, a police room,
    an intake point) sees it and its outcome;
  * the court room named on a judicial-confirmation application sees that case.
``linked_case_ids(path)`` gives those case ids for a scope path; ``Case.objects.visible_to`` can
union it (see the README of this app). Acting on a case still needs the case's organization in
scope: transitions check ``org_in_scope(user, case.organization)``.
"""
import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from tiaojie.accounts.scope import org_in_scope, scope_path
from tiaojie.cases.models import SOURCE_REPORT_GROUP, Agreement, Case, Source, Status
from tiaojie.routing import conf
from tiaojie.routing.models import JudicialConfirmation, Referral, Transfer


def linked_case_ids(path: str):
    """Ids of cases linked to organizations under ``path`` (a subquery, not evaluated)."""
    return (Case.objects.filter(
        Q(transfers__from_org__path__startswith=path)
        | Q(referral__referring_org__path__startswith=path)
        | Q(judicial_confirmation__court_org__path__startswith=path))
        .values("pk"))


def cases_seen_by(user):
    """Cases in the user's scope plus the linked ones (what ``visible_to`` should return)."""
    path = scope_path(user)
    if path is None:
        return Case.objects.none()
    if path == "":
        return Case.objects.all()
    return Case.objects.filter(Q(organization__path__startswith=path) | Q(pk__in=linked_case_ids(path)))


def can_see_case(user, case: Case) -> bool:
    return org_in_scope(user, case.organization) or cases_seen_by(user).filter(pk=case.pk).exists()


def visible_transfers(user):
    path = scope_path(user)
    qs = Transfer.objects.select_related("case", "from_org", "to_org", "sent_by", "answered_by")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(Q(from_org__path__startswith=path) | Q(to_org__path__startswith=path))


def incoming_transfers(user):
    """Pending transfers the user's organization (or one below it) must accept or return."""
    path = scope_path(user)
    qs = visible_transfers(user).filter(status=Transfer.Status.PENDING)
    return qs if not path else qs.filter(to_org__path__startswith=path)


def visible_referrals(user):
    """Referrals made by the user's organization (subtree) or handled in it."""
    path = scope_path(user)
    qs = Referral.objects.select_related("case", "case__organization", "case__dispute_type", "referring_org")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(Q(referring_org__path__startswith=path) | Q(case__organization__path__startswith=path))


def police_feedback_due(user, now=None):
    now = now or timezone.now()
    return visible_referrals(user).filter(kind=Referral.Kind.POLICE, feedback_at__isnull=True).order_by(
        "feedback_due_at")


def revisit_due(user):
    """Closed police referrals with no 回访 yet (neither a case follow-up nor a referral revisit)."""
    closed = [Status.REJECTED, Status.SUCCEEDED, Status.FAILED, Status.TERMINATED, Status.FOLLOWED_UP,
              Status.ARCHIVED]
    return (visible_referrals(user).filter(kind=Referral.Kind.POLICE, case__status__in=closed)
            .annotate(n_rev=Count("revisits", distinct=True), n_fu=Count("case__follow_ups", distinct=True))
            .filter(n_rev=0, n_fu=0))


def confirmation_window_closing(user, today=None):
    """Cases with a written agreement whose judicial-confirmation window closes within the warning
    days and no application yet: [(case, closes_on, days_left)]."""
    today = today or timezone.localdate()
    window, warn = conf.get("TIAOJIE_JC_WINDOW_DAYS"), conf.get("TIAOJIE_JC_WARN_DAYS")
    oldest = today - dt.timedelta(days=window)
    newest = today - dt.timedelta(days=window - warn)
    excluded = list(conf.get("TIAOJIE_JC_EXCLUDED_TYPES"))
    path = scope_path(user)
    if path is None:
        return []
    qs = (Case.objects.filter(agreement__kind=Agreement.Kind.WRITTEN, agreement__effective_on__gte=oldest,
                              agreement__effective_on__lte=newest, judicial_confirmation__isnull=True)
          .exclude(dispute_type__code__in=excluded).exclude(dispute_type__parent__code__in=excluded)
          .select_related("agreement", "organization"))
    if path:
        qs = qs.filter(organization__path__startswith=path)
    out = []
    for c in qs.order_by("agreement__effective_on"):
        closes = c.agreement.effective_on + dt.timedelta(days=window)
        out.append((c, closes, (closes - today).days))
    return out


def visible_confirmations(user):
    path = scope_path(user)
    qs = JudicialConfirmation.objects.select_related("case", "case__organization", "court_org")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(Q(case__organization__path__startswith=path) | Q(court_org__path__startswith=path)
                     | Q(case__referral__referring_org__path__startswith=path))


def outcome_of(case: Case) -> dict:
    """What the referrer gets back: status, outcome and the documents' data (plain JSON types)."""
    data = {
        "case_number": case.number, "status": case.status, "status_label": case.get_status_display(),
        "handling_organization": case.organization.name, "outcome": case.outcome or None,
        "outcome_label": case.get_outcome_display() if case.outcome else None,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "close_reason": case.close_reason or None, "agreement": None, "judicial_confirmation": None,
    }
    try:
        ag = case.agreement
    except Agreement.DoesNotExist:
        ag = None
    if ag is not None:
        data["agreement"] = {
            "kind": ag.kind, "kind_label": ag.get_kind_display(), "terms": ag.terms, "amount": str(ag.amount),
            "effective_on": ag.effective_on.isoformat(), "performance_method": ag.performance_method or None,
            "performance_deadline": ag.performance_deadline.isoformat() if ag.performance_deadline else None,
        }
    jc = JudicialConfirmation.objects.filter(case=case).first()
    if jc is not None:
        data["judicial_confirmation"] = confirmation_data(jc)
    return data


def confirmation_data(jc: JudicialConfirmation) -> dict:
    return {
        "status": jc.status, "status_label": jc.get_status_display(), "applied_on": jc.applied_on.isoformat(),
        "court_name": jc.court_name, "late": jc.late, "late_reason": jc.late_reason or None,
        "answered_on": jc.answered_on.isoformat() if jc.answered_on else None,
        "decided_on": jc.decided_on.isoformat() if jc.decided_on else None, "number": jc.number or None,
    }


# --- for the reports --------------------------------------------------------------------------

def source_counts(cases) -> dict:
    """Cases by report source group (主动调解 / 申请调解 / 接受委托移送调解) and by source."""
    by_source = dict(cases.values_list("source").annotate(n=Count("id")).order_by())
    groups: dict[str, int] = {}
    for src, n in by_source.items():
        groups[SOURCE_REPORT_GROUP.get(Source(src), src)] = groups.get(SOURCE_REPORT_GROUP.get(Source(src), src), 0) + n
    return {"by_source": by_source, "by_group": groups}


def referral_outcomes(referrals) -> dict:
    """Referrals by kind, with how many closed and how many succeeded: {kind: {total, closed, success}}."""
    rows = referrals.values("kind").annotate(
        total=Count("id"), closed=Count("id", filter=~Q(case__outcome="")),
        success=Count("id", filter=Q(case__outcome="success"))).order_by()
    return {r["kind"]: {"total": r["total"], "closed": r["closed"], "success": r["success"]} for r in rows}
