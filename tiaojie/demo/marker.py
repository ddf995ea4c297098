"""The marker of a database built by the demo generator (``demo --reset`` empties only such a one).

A table of its own, created with plain SQL so that it exists whatever apps are installed; the
demo writes one row when it builds a city. A production database never has it.
"""
from django.db import connections
from django.utils import timezone

TABLE = "tiaojie_demo_marker"


def has_marker(using: str = "default") -> bool:
    conn = connections[using]
    if TABLE not in conn.introspection.table_names():
        return False
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(TABLE)}")
        return cur.fetchone()[0] > 0


def set_marker(using: str = "default", note: str = "") -> None:
    conn = connections[using]
    q = conn.ops.quote_name(TABLE)
    with conn.cursor() as cur:
        if TABLE not in conn.introspection.table_names():
            cur.execute(f"CREATE TABLE {q} (built_at VARCHAR(40) NOT NULL, note VARCHAR(200) NOT NULL)")
        cur.execute(f"DELETE FROM {q}")
        cur.execute(f"INSERT INTO {q} (built_at, note) VALUES (%s, %s)", [timezone.now().isoformat(), note[:200]])
