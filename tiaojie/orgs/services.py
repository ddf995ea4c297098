"""Writes of the organization part: training sessions and their attendance, honours.

Each function checks the role (``orgs.training`` / ``orgs.honour``) and that the organization
concerned is in the user's scope. A training is never deleted: a training entered by mistake is
voided with a reason and stops counting towards anyone's yearly days (nothing lost).
"""
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tiaojie.core import permissions, validators
from tiaojie.core.errors import DomainError, Refused
from tiaojie.core.scope import Scope
from tiaojie.orgs.models import Honour, Mediator, OrgKind, Training, TrainingAttendance

TRAINING_FIELDS = ("kind", "topic", "organizer", "start_on", "end_on", "days", "hours", "place", "notes")


def _require(user, action: str, org) -> None:
    permissions.require(user, action)
    if org is None or not Scope.of(user).sees(org):
        raise Refused("该单位不在您的管辖范围内")


@transaction.atomic
def save_training(user, training: Training | None, **fields) -> Training:
    """Create a training, or change one (not a voided one)."""
    organizer = fields.get("organizer")
    _require(user, "orgs.training", organizer)
    if organizer.kind == OrgKind.VILLAGE:
        raise DomainError("培训须由乡镇（街道）及以上单位组织", "organizer")
    if training is not None:
        training = Training.objects.select_for_update(of=("self",)).get(pk=training.pk)
        _require(user, "orgs.training", training.organizer)
        if training.voided_at:
            raise DomainError("该培训已作废，不能修改")
    else:
        training = Training(created_by=user)
    for k in TRAINING_FIELDS:
        if k in fields:
            setattr(training, k, fields[k])
    training.topic = validators.text(training.topic, "topic", "培训主题", limit_name="short")
    training.notes = validators.text(training.notes, "notes", "备注", required=False, limit_name="note")
    training.full_clean(exclude=["created_by", "voided_by"])
    training.save()
    return training


@transaction.atomic
def record_attendance(user, training: Training, mediators, days: Decimal | None = None) -> int:
    """登记参训: credit each mediator with ``days`` (the whole session when None); returns how
    many were new."""
    training = Training.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=training.pk)
    _require(user, "orgs.training", training.organizer)
    if training.voided_at:
        raise DomainError("该培训已作废，不能登记参训")
    days = training.days if days is None else days
    if days < 0 or days > training.days:
        raise DomainError(f"计入天数应在0到{training.days}天之间", "days")
    visible = set(Mediator.objects.visible_to(user).filter(pk__in=[m.pk for m in mediators]).values_list("pk", flat=True))
    hours = round(training.hours * days / training.days, 1) if training.days else Decimal(0)
    added = 0
    for m in mediators:
        if m.pk not in visible:
            raise Refused(f"调解员{m.name}不在您的管辖范围内")
        _obj, created = TrainingAttendance.objects.update_or_create(
            training=training, mediator=m, defaults={"days": days, "hours": hours})
        added += created
    return added


@transaction.atomic
def remove_attendee(user, training: Training, attendance_pk: int) -> None:
    """Take a mediator off a session's list (entered by mistake); the training itself stays."""
    training = Training.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=training.pk)
    _require(user, "orgs.training", training.organizer)
    if training.voided_at:
        raise DomainError("该培训已作废，不能修改")
    deleted, _ = TrainingAttendance.objects.filter(training=training, pk=attendance_pk).delete()
    if not deleted:
        raise DomainError("该参训记录不存在")


@transaction.atomic
def void_training(user, training: Training, reason: str) -> Training:
    training = Training.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=training.pk)
    _require(user, "orgs.training", training.organizer)
    if training.voided_at:
        raise DomainError("该培训已作废")
    training.void_reason = validators.text(reason, "reason", "作废理由", limit_name="short")
    training.voided_at, training.voided_by = timezone.now(), user
    training.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return training


@transaction.atomic
def award_honour(user, mediator: Mediator, *, year: int, title: str, note: str = "") -> Honour:
    """表彰: one title per mediator and year."""
    permissions.require(user, "orgs.honour")
    if not Mediator.objects.visible_to(user).filter(pk=mediator.pk).exists():
        raise Refused("该调解员不在您的管辖范围内")
    if title not in Honour.Title.values:
        raise DomainError("请选择称号", "title")
    note = validators.text(note, "note", "事迹摘要", required=False, limit_name="short")
    awarding = user.organization or mediator.organization.county_center() or mediator.organization
    honour, created = Honour.objects.get_or_create(
        mediator=mediator, year=year, title=title,
        defaults={"awarded_by": awarding, "note": note, "created_by": user})
    if not created:
        raise DomainError(f"{mediator.name}已获{year}年度{honour.get_title_display()}，不能重复表彰")
    return honour
