"""``field__among=[ids]``: a column in a list of ids sent as one parameter, however long the list.

Django's ``__in`` writes one placeholder per value and adapts each value on every compile: for a
keyword matching a few thousand cases (a common name in a province) the list page compiles it for
the count and again for the page's ids, and that Python work was most of the request. Here the
list is one array (PostgreSQL: ``= ANY(%s)``) or one JSON text (SQLite: ``IN (SELECT value FROM
json_each(%s))``). Registered on integer columns (primary keys included) when the core app loads.
"""
import json

from django.db.models import IntegerField, Lookup


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(v) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(ids)]
        raise NotImplementedError(f"__among 不支持该数据库：{connection.vendor}")


def register() -> None:
    IntegerField.register_lookup(Among)
