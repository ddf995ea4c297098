"""Fixed queries compiled once per process.

A query that runs on every registration with the same shape (the duplicate-ID look-up, the
risk's count of earlier failed mediations, the case-number check) is written with the ORM as
everywhere else, but building and compiling a QuerySet costs the client more than the database
spends answering it (≈ 0.5–1 ms of CPU against 0.05 ms for the same SELECT through a cursor).
``rows`` compiles the ORM's query the first time a ``key`` is seen and keeps its SQL; later calls
run that SQL with their own parameters.

The caller names in ``key`` everything that changes the SQL's text (the length of an ``__in``
list, typically) and gives the parameters in the order of the SQL. The first compile checks that
order against the ORM's own parameters and refuses (``ValueError``) a key whose parameters differ,
so a wrong order fails the first call, in the tests, never a later one silently. Rows are what
the database cursor returns (tuples), so only for columns Django does not convert on reading
(text, integers).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connections, router

_compiled: dict = {}


def rows(key, model, queryset: Callable, params: Sequence, *, count: bool = False) -> list[tuple]:
    """The rows of the query ``queryset()`` (a QuerySet of ``model``, built only on the first call
    of ``key`` on the database the router reads ``model`` from), run with ``params``; ``count``:
    one row, the number of rows it returns (``SELECT COUNT(*)`` over it, as ``QuerySet.count()``
    of a distinct query)."""
    params = list(params)
    alias = router.db_for_read(model)
    sql = _compiled.get((key, alias))
    if sql is None:
        qs = queryset().using(alias)
        sql, orm_params = qs.query.get_compiler(using=alias).as_sql()
        if list(orm_params) != params:
            raise ValueError(f"fixed query {key!r}: parameters {params!r} are not the ORM's {list(orm_params)!r}")
        if count:
            sql = f"SELECT COUNT(*) FROM ({sql}) subquery"
        _compiled[(key, alias)] = sql
    with connections[alias].cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def clear() -> None:
    """Forget the compiled queries (a test that changes the database backend)."""
    _compiled.clear()
