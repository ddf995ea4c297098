"""Writes that create cases: numbering and registration (登记).

Status changes after registration live in ``transitions``.
"""
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tiaojie.accounts.scope import require_org_in_scope
from tiaojie.cases import crypto
from tiaojie.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseNumberCounter, Party, Status
from tiaojie.cases.signals import case_changed
from tiaojie.cases.transitions import LABEL_MAX, TransitionError, clean_amount, clean_date, fit_text
from tiaojie.orgs.validators import check_credit_code, check_id_number


def format_number(org, year: int, seq: int) -> str:
    pattern = org.case_number_pattern or settings.TIAOJIE_CASE_NUMBER_PATTERN
    return pattern.format(year=year, abbr=org.abbr, seq=seq)


def next_case_number(org, year: int) -> tuple[int, str]:
    """Take the next number of ``org`` for ``year``; call inside a transaction.

    The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transactions serialize writers), so concurrent registrations get unique, gapless numbers:
    a registration that fails rolls its number back with it.
    """
    try:
        with transaction.atomic():
            CaseNumberCounter.objects.create(organization=org, year=year, last=0)
    except IntegrityError:
        pass
    counter = CaseNumberCounter.objects.select_for_update().get(organization=org, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    number = format_number(org, year, counter.last)
    if Case.objects.filter(number=number).exists():
        raise TransitionError(f"案号“{number}”已被其他单位使用，请管理员检查{org.name}的简称或案号格式", "organization")
    return counter.last, number


PARTY_FIELDS = ("role", "kind", "name", "gender", "ethnicity", "birth_date", "occupation", "id_type",
                "address", "credit_code", "legal_rep")


def build_party(case: Case, data: dict) -> Party:
    p = Party(case=case, **{k: data.get(k) or ("" if k not in ("birth_date",) else None) for k in PARTY_FIELDS})
    p.id_number = data.get("id_number", "")
    p.phone = data.get("phone", "")
    return p


def _clean_party(index: int, data: dict) -> dict:
    """Check one party's identifiers (DOMAIN.md §8); hard errors name the party and the field."""
    data = dict(data)
    who = f"第{index}名当事人"
    name = (data.get("name") or "").strip()
    if not name:
        raise TransitionError(f"{who}：请填写姓名或名称", "parties")
    who = f"{who}（{name}）"
    data["name"] = name
    idn = (data.get("id_number") or "").strip().upper()
    if idn and data.get("id_type", Party.IdType.RESIDENT) in (Party.IdType.RESIDENT, "", None):
        try:
            idn, _warnings = check_id_number(idn)
        except ValidationError as exc:
            raise TransitionError(f"{who}：{exc.messages[0]}", "parties")
    data["id_number"] = idn
    code = (data.get("credit_code") or "").strip().upper()
    if code:
        try:
            code, _warnings = check_credit_code(code)
        except ValidationError as exc:
            raise TransitionError(f"{who}：{exc.messages[0]}", "parties")
    data["credit_code"] = code
    return data


@transaction.atomic
def register_case(user, *, organization, parties: list[dict], **fields) -> Case:
    """Register a dispute (登记) with its parties; the case gets its number here.

    ``parties`` are dicts of Party fields (``id_number`` and ``phone`` in clear); an agent names
    the index of the party it represents in ``agent_for``.
    """
    require_org_in_scope(user, organization)
    principals = [p for p in parties if p.get("role") != Party.Role.AGENT]
    if not principals:
        raise TransitionError("请至少填写一名当事人", "parties")
    if not any(p.get("role") == Party.Role.APPLICANT for p in principals) and fields.get("source") == "application":
        raise TransitionError("当事人申请的纠纷须至少有一名申请人", "parties")
    fields["amount_at_stake"] = clean_amount(fields.get("amount_at_stake"), "amount_at_stake", "涉及金额")
    arose = clean_date(fields.get("arose_on"), "arose_on", "纠纷发生日期")
    if arose > timezone.localdate():
        raise TransitionError("纠纷发生日期不能晚于今天", "arose_on")
    fields["arose_on"] = arose
    parties = [_clean_party(i, p) for i, p in enumerate(parties, start=1)]
    now = timezone.now()
    year = timezone.localtime(now).year
    seq, number = next_case_number(organization, year)
    case = Case.objects.create(
        number=number, year=year, seq=seq, organization=organization, numbered_by=organization, registered_by=user,
        registered_at=now, time_limit_days=settings.TIAOJIE_CASE_TIME_LIMIT_DAYS, **fields,
    )
    created: list[Party] = []
    for data in parties:
        p = build_party(case, data)
        idx = data.get("agent_for")
        if p.role == Party.Role.AGENT and idx is not None and 0 <= int(idx) < len(created):
            p.agent_for = created[int(idx)]
        p.save()
        created.append(p)
    CaseEvent.objects.create(case=case, kind="register", label="登记", to_status=Status.REGISTERED,
                             actor=user, actor_name=fit_text(user.label, LABEL_MAX),
                             data={"source": case.source, "parties": [p.name for p in created]})
    case_changed.send(sender=Case, case=case, actor=user, kind="register")
    return case


def open_cases_with_id(id_number: str, user=None, exclude_case: Case | None = None) -> tuple[list[str], int]:
    """Open cases in which a party has this ID number: (numbers the user may see, count of others)."""
    h = crypto.lookup_hash(id_number)
    if not h:
        return [], 0
    qs = Case.objects.filter(status__in=OPEN_STATUSES, parties__id_hash=h).distinct()
    if exclude_case is not None:
        qs = qs.exclude(pk=exclude_case.pk)
    all_ids = set(qs.values_list("pk", flat=True))
    if user is None:
        return [], len(all_ids)
    visible = list(qs.visible_to(user).values_list("number", flat=True))
    return visible, len(all_ids) - len(visible)


def duplicate_id_warnings(parties: list[dict], user) -> list[str]:
    """Warnings (not errors) for parties whose ID number appears in an open case."""
    out = []
    for p in parties:
        idn = (p.get("id_number") or "").strip()
        if not idn:
            continue
        numbers, others = open_cases_with_id(idn, user)
        if numbers or others:
            where = "、".join(numbers) if numbers else ""
            extra = f"{'，另有' if numbers else ''}{others}件其他单位的案件" if others else ""
            out.append(f"当事人{p.get('name', '')}的证件号码已出现在未结案件中：{where}{extra}，请核实是否重复登记")
    return out


def today() -> dt.date:
    return timezone.localdate()
