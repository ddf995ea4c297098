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

``insert`` is ``obj.save(force_insert=True)`` of a new record with the INSERT compiled once per
model: each field's value is prepared as the ORM prepares it (``pre_save``, ``get_db_prep_save``)
and the columns the database returns (the id) are set on ``obj``. A model with its own ``save``,
with ``pre_save``/``post_save`` receivers, with parents, or a value that is an expression, goes
through ``save`` itself. The first compile checks its parameters against the ORM's.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

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


_inserts: dict = {}


def _same(a, b) -> bool:
    """The ORM's parameter and ours are the same value (an adapter such as psycopg's ``Jsonb``
    wraps its value in ``obj`` and has no equality of its own; PostgreSQL's bulk insert passes
    columns as lists)."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (type(a) is type(b) and hasattr(a, "obj") and a.obj == b.obj)


def insert(obj: Model, using: str | None = None) -> Model:
    """Insert the new record ``obj`` (its ``pk`` unset) as ``obj.save(force_insert=True)`` does,
    with the statement compiled once per model and database; returns ``obj``, saved."""
    model = type(obj)
    meta = model._meta
    alias = using or router.db_for_write(model, instance=obj)
    if (model.save is not Model.save or meta.parents or obj.pk is not None or meta.auto_field is None
            or pre_save.has_listeners(model) or post_save.has_listeners(model)):
        obj.save(force_insert=True, using=alias)
        return obj
    obj._prepare_related_fields_for_save(operation_name="save")
    connection = connections[alias]
    entry = _inserts.get((model, alias))
    fields = entry[0] if entry else [f for f in meta.local_concrete_fields
                                     if not f.generated and f is not meta.auto_field]
    values = [f.pre_save(obj, True) for f in fields]
    if any(hasattr(v, "resolve_expression") for v in values):
        obj.save(force_insert=True, using=alias)
        return obj
    params = [f.get_db_prep_save(v, connection=connection) for f, v in zip(fields, values, strict=True)]
    if entry is None:
        query = InsertQuery(model)
        query.insert_values(fields, [obj], raw=True)     # the values pre_save gave above
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = returning = meta.db_returning_fields
        [(sql, orm_params)] = compiler.as_sql()
        returning_params = getattr(compiler, "returning_params", ())
        if len(orm_params) != len(params) + len(returning_params) or not all(
                _same(a, b) for a, b in zip(orm_params, params, strict=False)):
            raise ValueError(f"insert of {meta.label}: parameters differ from the ORM's")
        converters = compiler.get_converters([f.get_col(meta.db_table) for f in returning])
        entry = _inserts[(model, alias)] = (fields, sql, returning, tuple(returning_params), converters)
    fields, sql, returning, returning_params, converters = entry
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *returning_params])
        if returning and connection.features.can_return_columns_from_insert:
            row = connection.ops.fetch_returned_insert_columns(cur, returning_params)
        else:
            row = [connection.ops.last_insert_id(cur, meta.db_table, meta.pk.column)]
    if converters:
        row = list(row)
        for pos, (convs, expr) in converters.items():
            for conv in convs:
                row[pos] = conv(row[pos], expr, connection)
    for value, field in zip(row, returning or [meta.pk], strict=False):
        setattr(obj, field.attname, value)
    obj._state.db = alias
    obj._state.adding = False
    return obj


_bulk: dict = {}


def insert_many(objs: list, using: str | None = None) -> list:
    """``bulk_create(objs)`` of new records of one model (their ``pk`` unset), with the statement
    compiled once per model, database and number of rows; the ids the database returns are set
    on ``objs`` (as ``bulk_create``, no signals are sent). Returns ``objs``."""
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if (meta.parents or not connection.features.can_return_rows_from_bulk_insert or meta.auto_field is None
            or any(type(o) is not model or o.pk is not None for o in objs)):
        return model._default_manager.using(alias).bulk_create(objs)
    for o in objs:
        o._prepare_related_fields_for_save(operation_name="bulk_create")
    key = (model, alias, len(objs))
    entry = _bulk.get(key)
    fields = entry[0] if entry else [f for f in meta.concrete_fields if not f.generated and f is not meta.auto_field]
    rows_ = [[f.pre_save(o, True) for f in fields] for o in objs]
    if any(hasattr(v, "resolve_expression") for row in rows_ for v in row):
        return model._default_manager.using(alias).bulk_create(objs)
    rows_ = [[f.get_db_prep_save(v, connection=connection) for f, v in zip(fields, row, strict=True)] for row in rows_]
    if entry is None:
        query = InsertQuery(model)
        query.insert_values(fields, objs, raw=True)     # the values pre_save gave above
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = returning = meta.db_returning_fields
        [(sql, orm_params)] = compiler.as_sql()
        entry = (fields, sql, compiler, returning, tuple(getattr(compiler, "returning_params", ())),
                 compiler.get_converters([f.get_col(meta.db_table) for f in returning]))
        if not _same(list(orm_params), _bulk_params(entry, rows_)):
            raise ValueError(f"bulk insert of {meta.label}: parameters differ from the ORM's")
        _bulk[key] = entry
    _fields, sql, _compiler, returning, _rp, converters = entry
    with connection.cursor() as cur:
        cur.execute(sql, _bulk_params(entry, rows_))
        returned = connection.ops.fetch_returned_insert_rows(cur)
    for o, row in zip(objs, returned, strict=True):
        row = list(row)
        for pos, (convs, expr) in converters.items():
            for conv in convs:
                row[pos] = conv(row[pos], expr, connection)
        for value, field in zip(row, returning, strict=False):
            setattr(o, field.attname, value)
        o._state.db = alias
        o._state.adding = False
    return objs


def _bulk_params(entry, rows_) -> list:
    """The parameters of a compiled bulk insert for these prepared rows (as ``as_sql`` lays them
    out: the backend's ``assemble_as_sql``, e.g. PostgreSQL's columns for ``UNNEST``)."""
    fields, _sql, compiler, _returning, returning_params, _conv = entry
    _placeholders, param_rows = compiler.assemble_as_sql(fields, rows_)
    return [p for row in param_rows for p in row] + list(returning_params)


def clear() -> None:
    """Forget the compiled queries (a test that changes the database backend)."""
    _compiled.clear()
    _inserts.clear()
    _bulk.clear()
