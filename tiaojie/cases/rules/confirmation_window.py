"""司法确认 (judicial confirmation) of an agreement — 人民调解法 Art.33.

The parties may jointly apply to a court within 30 days (the ``jc_window`` time limit) after
a *written* agreement takes effect; a late application is recorded only with its reason.
Agreements on marriage, adoption or identity status (婚姻家庭 and its sub-types) cannot be
confirmed. The routing steps, the case page, the documents and the API all ask this module.
"""
from __future__ import annotations

import datetime as dt

from tiaojie.core import dates

# Dispute types whose agreements a court does not confirm (婚姻、收养、身份关系).
EXCLUDED_TYPES = frozenset({"01", "0101", "0102", "0103", "0104"})


def window_days() -> int:
    return dates.limit("jc_window")


def closes_on(effective_on: dt.date) -> dt.date:
    return dates.deadline("jc_window", effective_on)


def is_late(effective_on: dt.date, applied_on: dt.date) -> bool:
    return applied_on > closes_on(effective_on)


def days_left(effective_on: dt.date, today: dt.date | None = None) -> int:
    return (closes_on(effective_on) - (today or dates.today())).days


def closing_soon(effective_on: dt.date, today: dt.date | None = None) -> bool:
    """Within the warning days (``jc_warn``) before the window closes, and not closed yet."""
    left = days_left(effective_on, today)
    return 0 <= left <= dates.limit("jc_warn")


def excluded(dispute_type) -> bool:
    codes = {dispute_type.code, dispute_type.parent.code if dispute_type.parent_id else None}
    return bool(codes & EXCLUDED_TYPES)


def refusal(case) -> str | None:
    """Why this case's agreement cannot be sent for judicial confirmation, or None."""
    from tiaojie.cases.models import Agreement

    if excluded(case.dispute_type):
        return (f"纠纷类型为“{case.dispute_type}”：涉及婚姻、收养、身份关系的调解协议不能申请司法确认"
                "（人民调解法第33条、民事诉讼法司法解释第357条）")
    try:
        agreement = case.agreement
    except Agreement.DoesNotExist:
        return "本案没有调解协议，不能申请司法确认"
    if agreement.kind != Agreement.Kind.WRITTEN:
        return "口头协议不能申请司法确认，请先制作书面调解协议"
    return None
