"""Writes of typical cases (典型案例): nominate (automatic anonymisation), edit, submit, approve and
publish, return. Each checks the role (``core.permissions``), the scope (``core.scope``) and the
version the user edited; nothing else writes a ``TypicalCase``. Nominating, submitting,
publishing and returning (or withdrawing) each write a line on the source case's timeline.
"""
from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from tiaojie.cases.models import Case, Outcome, Party, Status
from tiaojie.cases.transitions import system_note
from tiaojie.core import validators
from tiaojie.core.errors import DomainError, Refused, StaleRecord
from tiaojie.core.permissions import require
from tiaojie.core.scope import Scope
from tiaojie.portal.anonymise import Known, anonymise
from tiaojie.portal.models import TypicalCase

# A case may be nominated once it closed with a success (调解成功, 已回访 or 已归档).
CLOSED_SUCCESS = (Status.SUCCEEDED, Status.FOLLOWED_UP, Status.ARCHIVED)
TITLE_MAX = 100
TEXTS = {"facts": ("基本案情", "facts"), "process": ("调解过程", "content"), "outcome": ("调解结果", "terms"),
         "comment": ("典型意义", "note")}
_SPLIT = re.compile(r"[、，,；;/\s]+")


def nominable(case: Case) -> str | None:
    """Why ``case`` cannot be nominated (None: it can)."""
    if case.status not in CLOSED_SUCCESS or case.outcome != Outcome.SUCCESS:
        return "只有调解成功并已结案的案件才能推荐为典型案例"
    return None


def known_for(case: Case) -> Known:
    """What the record tells about the people, private organizations and places of ``case``."""
    people, orgs, addresses = [], [], [case.place_detail]
    for p in case.parties.all():
        if p.kind == Party.Kind.ORG:
            orgs.append(p.name)
        else:
            people.append(p.name)
        people.append(p.legal_rep)
        addresses.append(p.address)
    people += [a.mediator.name for a in case.assignments.select_related("mediator")]
    for s in case.sessions.all():
        people += _SPLIT.split(s.recorder)
    for i in case.investigations.all():
        people += _SPLIT.split(i.subject) + _SPLIT.split(i.investigators)
    people += [f.visitor for f in case.follow_ups.all()]
    return Known(people=[p for p in people if p], organizations=orgs, addresses=[a for a in addresses if a])


def draft_texts(case: Case) -> dict:
    """The anonymised first draft of a typical case from its source case."""
    known = known_for(case)
    facts = case.facts + (f"\n\n申请事项：{case.claims}" if case.claims else "")
    process = "\n\n".join(s.content for s in case.sessions.all())
    agreement = getattr(case, "agreement", None)
    outcome = agreement.terms if agreement else ""
    follow = case.follow_ups.last()
    if follow:
        outcome += f"\n\n回访：协议{follow.get_performance_display()}。"
    return {
        "title": f"{case.dispute_type.top.name}调解案例"[:TITLE_MAX],
        "dispute_type": case.dispute_type,
        "facts": anonymise(facts, known),
        "process": anonymise(process, known),
        "outcome": anonymise(outcome, known) or "双方达成调解协议。",
        "amount": agreement.amount if agreement else case.amount_at_stake,
    }


def _owned(user, obj, what: str) -> None:
    if not Scope.of(user).owns(obj):
        raise Refused(f"{what}不在您的管辖范围内")


def _locked(typical: TypicalCase, version) -> TypicalCase:
    locked = TypicalCase.objects.select_for_update().get(pk=typical.pk)
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise StaleRecord("页面已过期，请刷新后重试")
    if locked.version != version:
        raise StaleRecord("该典型案例已被他人修改，请刷新后重试")
    return locked


def nominate(user, case: Case) -> TypicalCase:
    """A committee nominates its closed, successful case: a draft with anonymised texts."""
    require(user, "typical.nominate")
    _owned(user, case, "该案件")
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("dispute_type__parent").get(pk=case.pk)
        reason = nominable(case)
        if reason:
            raise DomainError(reason)
        if TypicalCase.objects.filter(case=case).exists():
            raise DomainError("该案件已推荐为典型案例")
        try:
            with transaction.atomic():
                typical = TypicalCase.objects.create(case=case, nominated_by=user, nominated_org=case.organization,
                                                     **draft_texts(case))
        except IntegrityError:
            raise DomainError("该案件已推荐为典型案例")
        _timeline(typical, case, user, "typical_nominate", f"推荐为典型案例（{case.organization.name}）")
        return typical


def _timeline(typical: TypicalCase, case: Case, user, kind: str, label: str, reason: str = "") -> None:
    """A line on the source case's timeline (a note: the case itself does not change, even archived)."""
    system_note(case, kind, label, reason=reason, actor=user, data={"typical": typical.pk})


def _clean(title, dispute_type, facts, process, outcome, comment, amount) -> dict:
    title = validators.text(title, "title", "标题")
    if len(title) > TITLE_MAX:
        raise DomainError(f"标题不能超过{TITLE_MAX}字（现有{len(title)}字）", "title")
    if dispute_type is None:
        raise DomainError("请选择纠纷类型", "dispute_type")
    out = {"title": title, "dispute_type": dispute_type, "amount": validators.amount(amount, "amount", "协议金额")}
    values = {"facts": facts, "process": process, "outcome": outcome, "comment": comment}
    for name, (label, limit_name) in TEXTS.items():
        out[name] = validators.text(values[name], name, label, required=name in ("facts", "outcome"),
                                    limit_name=limit_name)
    return out


def save(user, typical: TypicalCase, *, version, title, dispute_type, facts, process="", outcome, comment="",
         amount=0, submit: bool = False) -> TypicalCase:
    """Save the hand-edited texts of a draft (or a returned one); ``submit`` sends it to the city."""
    require(user, "typical.edit")
    _owned(user, typical, "该典型案例")
    data = _clean(title, dispute_type, facts, process, outcome, comment, amount)
    with transaction.atomic():
        locked = _locked(typical, version)
        if not locked.editable:
            raise DomainError(f"该典型案例{locked.get_status_display()}，不能修改")
        for k, v in data.items():
            setattr(locked, k, v)
        if submit:
            locked.status = TypicalCase.Status.PENDING
            locked.submitted_at = timezone.now()
        locked.version += 1
        locked.save()
        if submit:
            _timeline(locked, locked.case, user, "typical_submit", "典型案例报送审核")
    return locked


def approve(user, typical: TypicalCase, *, version) -> TypicalCase:
    """The city approves a submitted typical case: it is published at /gk/."""
    require(user, "typical.approve")
    _owned(user, typical, "该典型案例")
    with transaction.atomic():
        locked = _locked(typical, version)
        if locked.status != TypicalCase.Status.PENDING:
            raise DomainError("只有待审核的典型案例才能发布")
        locked.status = TypicalCase.Status.PUBLISHED
        locked.approved_by = user
        locked.published_at = timezone.now()
        locked.return_reason = ""
        locked.version += 1
        locked.save()
        _timeline(locked, locked.case, user, "typical_publish", "典型案例经审核发布")
    return locked


def send_back(user, typical: TypicalCase, *, version, reason: str) -> TypicalCase:
    """The city returns a submitted typical case (or withdraws a published one) with a reason."""
    require(user, "typical.return")
    _owned(user, typical, "该典型案例")
    reason = validators.text(reason, "reason", "退回原因")
    with transaction.atomic():
        locked = _locked(typical, version)
        if locked.status not in (TypicalCase.Status.PENDING, TypicalCase.Status.PUBLISHED):
            raise DomainError("只有待审核或已发布的典型案例才能退回")
        withdrawn = locked.status == TypicalCase.Status.PUBLISHED
        locked.status = TypicalCase.Status.RETURNED
        locked.return_reason = reason
        locked.published_at = None
        locked.version += 1
        locked.save()
        _timeline(locked, locked.case, user, "typical_withdraw" if withdrawn else "typical_return",
                  "典型案例撤回发布" if withdrawn else "典型案例退回修改", reason)
    return locked
