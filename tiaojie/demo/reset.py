"""Removing the demo city (``demo --reset``, only on a database that carries the demo marker).

The demo city is the whole organization network, so resetting removes every region,
organization, mediator and case, and the users bound to an organization (plus the demo's fixed
logins). Rule tables seeded by migrations (dispute types, cadences, risk rules) stay. The demo's
screening and warning tables hang entirely on the network, so they are emptied with plain DELETEs
like the big case tables, children first. Rows of other apps that point at anything removed are
removed first through the ORM, so their own cascades and protections apply.

The audit records are never deleted: the personal-data access log (个人信息保护法) and the login
audit keep their rows; the removed users' foreign keys are set to NULL, their names stay as text.
"""
from functools import reduce
from operator import or_

from django.apps import apps
from django.db import DatabaseError, connections, transaction
from django.db.models import ProtectedError, Q, RestrictedError

from tiaojie.accounts.models import LoginEvent, PersonalDataAccess, User
from tiaojie.cases.models import (
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    CaseNumberCounter,
    FollowUp,
    Investigation,
    MediationSession,
    Party,
)
from tiaojie.orgs.models import Mediator, Organization, Region
from tiaojie.public.models import Rating, TrackingCode
from tiaojie.routing.models import JudicialConfirmation, Referral, ReferralRevisit
from tiaojie.screening.models import Finding, HiddenDanger, Reminder, ScreeningRound
from tiaojie.warnings.models import (
    Escalation,
    EscalationNote,
    PreventionOutcome,
    RiskAssessment,
    Warning,
    WarningEvent,
)

# Emptied with plain DELETEs, in this order (children before parents). Every row of these tables
# belongs to the network (an organization, a case or a hidden danger).
SCREENING_TABLES = [WarningEvent, Warning, EscalationNote, Escalation, PreventionOutcome, RiskAssessment, Finding,
                    HiddenDanger, Reminder, ScreeningRound]
CASE_TABLES = [ReferralRevisit, Referral, JudicialConfirmation, CaseEvent, FollowUp, Agreement, Investigation,
               MediationSession, Assignment, Rating, TrackingCode, Party, Case, CaseNumberCounter]
NETWORK_TABLES = [Mediator.committees.through, Mediator, Organization, Region]


AUDIT_MODELS = [PersonalDataAccess, LoginEvent]


def _detach_audit(conn, user_ids: list[int]) -> None:
    """Keep every audit row; only its link to a removed user goes (the username stays as text)."""
    if not user_ids:
        return
    with conn.cursor() as cur:
        for model in AUDIT_MODELS:
            table = conn.ops.quote_name(model._meta.db_table)
            for i in range(0, len(user_ids), 500):
                chunk = user_ids[i:i + 500]
                cur.execute(f"UPDATE {table} SET user_id = NULL WHERE user_id IN ({', '.join(['%s'] * len(chunk))})",
                            chunk)


def demo_users(usernames) -> Q:
    return Q(organization__isnull=False) | Q(username__in=list(usernames))


def has_city(using: str = "default") -> bool:
    return Organization.objects.using(using).exists() or Region.objects.using(using).exists()


def has_data(using: str = "default") -> bool:
    """Anything a reset could remove: organizations, regions, cases or accounts."""
    return has_city(using) or User.objects.using(using).exists() or Case.objects.using(using).exists()


def wipe(usernames, using: str = "default") -> None:
    """Delete the demo city and everything that hangs on it, in one transaction.

    On SQLite, outside any transaction, foreign-key enforcement is switched off for the
    duration so that the DELETEs can drop whole tables instead of visiting every row (the
    order of deletion keeps the data consistent anyway); ``check_constraints`` verifies after.
    """
    conn = connections[using]
    if conn.vendor == "sqlite" and not conn.in_atomic_block:
        with conn.constraint_checks_disabled():
            _wipe(usernames, using)
            conn.check_constraints()
    else:
        _wipe(usernames, using)


def _wipe(usernames, using: str) -> None:
    with transaction.atomic(using=using):
        user_ids = list(User.objects.using(using).filter(demo_users(usernames)).values_list("pk", flat=True))
        _delete_dependents(using, user_ids)
        conn = connections[using]
        existing = set(conn.introspection.table_names())
        with conn.cursor() as cur:
            for model in SCREENING_TABLES:
                if model._meta.db_table in existing:
                    cur.execute(f"DELETE FROM {conn.ops.quote_name(model._meta.db_table)}")
            for model in CASE_TABLES:
                cur.execute(f"DELETE FROM {conn.ops.quote_name(model._meta.db_table)}")
        _detach_audit(conn, user_ids)
        User.objects.using(using).filter(pk__in=user_ids)._raw_delete(using)
        with conn.cursor() as cur:
            for model in NETWORK_TABLES:
                cur.execute(f"DELETE FROM {conn.ops.quote_name(model._meta.db_table)}")


def _delete_dependents(using: str, user_ids: list[int]) -> None:
    """Rows of other models that reference the removed cases, network or users."""
    removed_all = set(CASE_TABLES) | set(NETWORK_TABLES) | set(SCREENING_TABLES)
    own = removed_all | {User} | set(AUDIT_MODELS)
    pending = []
    existing = set(connections[using].introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model in own or model._meta.db_table not in existing:
            continue
        conds = []
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            if f.related_model in removed_all:
                conds.append(Q(**{f"{f.name}__isnull": False}))
            elif f.related_model is User and user_ids:
                conds.append(Q(**{f"{f.name}__in": user_ids}))
        if conds:
            pending.append((model, reduce(or_, conds)))
    for _ in range(len(pending) + 1):
        blocked = []
        for model, q in pending:
            qs = model._base_manager.using(using).filter(q)
            try:
                with transaction.atomic(using=using):
                    qs.delete()
            except (ProtectedError, RestrictedError):
                blocked.append((model, q))
            except DatabaseError:
                # A related model whose table is not migrated yet: delete these rows alone.
                qs._raw_delete(using)
        if not blocked:
            return
        pending = blocked
    names = ", ".join(m._meta.label for m, _ in pending)
    raise RuntimeError(f"无法删除引用演示数据的记录：{names}")
