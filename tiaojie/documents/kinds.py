"""The documents (文书) Tiaojie produces, in the filing order of DOMAIN.md §5, and when each is allowed.

``KINDS`` is the one list: its code names the Django HTML template (``documents/pdf/<code>.html``)
and the default .docx template (``docx_defaults.BUILDERS[code]``); ``required`` are the
placeholders a replacement .docx uploaded in admin must keep; ``per`` names the record a
document is made once for (one 调解记录 per session).
"""
import datetime as dt
from dataclasses import dataclass

from tiaojie.cases.models import Agreement, Case, Outcome, Party, Status
from tiaojie.cases.rules import confirmation_window


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    required: frozenset
    per: str | None = None  # "session" | "investigation" | "follow_up"


_BASE = {"case_number", "org_name"}


def _k(code, label, extra=(), per=None):
    return Kind(code, label, frozenset(_BASE | set(extra)), per)


KINDS: dict[str, Kind] = {k.code: k for k in [
    _k("cover", "卷宗封面", ["mediators", "closed_on"]),
    _k("contents", "卷内目录", ["entries"]),
    _k("application", "人民调解申请书", ["applicants", "respondents", "facts", "claims"]),
    _k("registration", "人民调解受理登记表", ["parties", "dispute_type", "source", "facts"]),
    _k("rights_notice", "当事人权利义务告知书", ["principal_names"]),
    _k("investigation", "人民调解调查记录", ["item"], per="investigation"),
    _k("session", "人民调解记录", ["item", "parties"], per="session"),
    _k("agreement", "人民调解协议书", ["principals", "facts_main", "issues", "responsibilities", "terms",
                                 "amount", "amount_upper", "performance_method", "performance_deadline"]),
    _k("oral_agreement", "口头协议登记表", ["principals", "terms", "amount", "amount_upper"]),
    _k("follow_up", "人民调解回访记录", ["item", "principal_names"], per="follow_up"),
    _k("judicial_confirmation", "司法确认申请书", ["principals", "terms", "effective_on"]),
    _k("rejection_notice", "不予受理告知书", ["principal_names", "close_reason", "routes"]),
    _k("termination_notice", "终止调解告知书", ["principal_names", "close_reason", "routes"]),
    _k("back_cover", "封底", ["document_count", "page_count"]),
]}

PER_MODELS = {"session": "sessions", "investigation": "investigations", "follow_up": "follow_ups"}


class DocumentRefused(Exception):
    """The case's state does not allow this document; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _agreement(case: Case) -> Agreement | None:
    try:
        return case.agreement
    except Agreement.DoesNotExist:
        return None


def refusal(case: Case, kind: Kind, today: dt.date | None = None) -> str | None:
    """Why ``kind`` cannot be produced for ``case`` now, or None when it can."""
    code = kind.code
    status = case.status
    ag = _agreement(case)
    if code == "application":
        if not case.parties.filter(role=Party.Role.APPLICANT).exists():
            return f"本案来源为“{case.get_source_display()}”，没有申请人，没有人民调解申请书；请使用受理登记表"
    elif code == "rights_notice":
        if case.accepted_on is None:
            return ("本案不予受理，不送达权利义务告知书" if case.outcome == Outcome.REJECTED
                    else "案件尚未受理，受理后才送达当事人权利义务告知书")
    elif code in ("agreement", "oral_agreement", "judicial_confirmation"):
        label = kind.label
        if ag is None:
            if case.outcome in (Outcome.FAILED, Outcome.TERMINATED, Outcome.REJECTED):
                return f"本案{case.get_outcome_display()}，没有调解协议，不能制作{label}"
            return f"案件当前状态为“{case.get_status_display()}”，尚未达成调解协议，不能制作{label}"
        if code == "oral_agreement" and ag.kind != Agreement.Kind.ORAL:
            return "本案为书面调解协议，请制作人民调解协议书"
        if code in ("agreement", "judicial_confirmation") and ag.kind != Agreement.Kind.WRITTEN:
            return f"本案为口头协议，不能制作{label}" + ("，请制作口头协议登记表" if code == "agreement" else "")
        if code == "judicial_confirmation":
            # the same rule as the 申请司法确认 step: a late application is possible with a reason
            return confirmation_window.refusal(case)
    elif code == "rejection_notice":
        if case.outcome != Outcome.REJECTED:
            return "只有不予受理的案件才制作不予受理告知书"
    elif code == "termination_notice":
        if case.outcome not in (Outcome.FAILED, Outcome.TERMINATED):
            return "只有调解不成或终止调解的案件才制作终止调解告知书"
    elif kind.per and status == Status.REGISTERED:
        return "案件尚未受理"
    return None


def items_for(case: Case, kind: Kind):
    """The records a per-record kind is made for (sessions, investigations, follow-ups)."""
    return list(getattr(case, PER_MODELS[kind.per]).all()) if kind.per else []
