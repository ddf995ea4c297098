"""Reads of routing and linkage, all bounded by the one scope rule (``tiaojie.core.scope``).

Linked visibility is decided once, in the models' ``ScopeRule``: the organization that
transferred a case away, the court room or police room that referred it and the court named on
its 司法确认 see the case read-only.
"""
import datetime as dt

from django.db.models import Count, Q

from tiaojie.cases.models import SOURCE_REPORT_GROUP, Agreement, Case, Source, Status
from tiaojie.cases.rules import confirmation_window
from tiaojie.core import dates
from tiaojie.core.scope import Scope
from tiaojie.routing.models import JudicialConfirmation, Referral, Transfer


def visible_transfers(user):
    return Transfer.objects.visible_to(user).select_related("case", "from_org", "to_org", "sent_by", "answered_by")


def incoming_transfers(user):
    """Pending transfers the user's organization (or one below it) must accept or return."""
    scope = Scope.of(user)
    qs = visible_transfers(user).filter(status=Transfer.Status.PENDING)
    return qs if scope.everything else qs.filter(to_org__in=scope.orgs())


def visible_referrals(user):
    """Referrals made by the user's organization (subtree) or handled in it."""
    return Referral.objects.visible_to(user).select_related("case", "case__organization", "case__dispute_type",
                                                            "referring_org")


def police_feedback_due(user, now=None):
    now = now or dates.now()
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
    today = today or dates.today()
    window, warn = dates.limit("jc_window"), dates.limit("jc_warn")
    oldest = today - dt.timedelta(days=window)
    newest = today - dt.timedelta(days=window - warn)
    excluded = list(confirmation_window.EXCLUDED_TYPES)
    qs = (Case.objects.visible_to(user, acting=True)
          .filter(agreement__kind=Agreement.Kind.WRITTEN, agreement__effective_on__gte=oldest,
                  agreement__effective_on__lte=newest, judicial_confirmation__isnull=True)
          .exclude(status=Status.ARCHIVED)
          .exclude(dispute_type__code__in=excluded).exclude(dispute_type__parent__code__in=excluded)
          .select_related("agreement", "organization"))
    out = []
    for c in qs.order_by("agreement__effective_on"):
        closes = confirmation_window.closes_on(c.agreement.effective_on)
        out.append((c, closes, (closes - today).days))
    return out


def visible_confirmations(user):
    return JudicialConfirmation.objects.visible_to(user).select_related("case", "case__organization", "court_org")


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
