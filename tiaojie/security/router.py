"""Reads of statistics and exports from a streaming replica (``DATABASE_REPLICA_URL``).

``ReplicaRouter`` sends a read to the ``replica`` alias only inside ``replica_reads()`` (which
``ReplicaReadsMiddleware`` opens for GET requests of the statistics pages and of every export)
and only for the domain's tables; sessions, accounts, lockouts, second factors, tasks and the
security app always read from ``default``, like every write. Without a replica it does nothing.
Migrations run on ``default`` only (the replica follows it).
"""
import contextvars
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("tiaojie_replica_reads", default=False)
PRIMARY_ONLY_APPS = {"sessions", "auth", "accounts", "axes", "otp_totp", "django_otp", "django_q", "security",
                     "contenttypes", "admin"}


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of default

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


def is_replica_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    return (path.startswith("/stats/") or "export" in request.GET or path.endswith((".xlsx", "/export", "/export/")))


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if replica_configured() and is_replica_request(request):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
