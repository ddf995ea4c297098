"""Indexes of the case list and its keyword search at province scale.

- ``(registered_at, id)``: the list's order read from the index (replaces ``registered_at``).
- PostgreSQL only: trigram GIN indexes (``pg_trgm``) on the expressions Django's ``icontains``
  compares (``UPPER(col::text)``) for a party's name, a case's facts and its number, and a
  ``varchar_pattern_ops`` btree on a party's name for names matched from their start (keywords
  of one or two characters; ``CaseQuerySet.search``). SQLite keeps scanning (small data).
"""
from django.db import migrations, models

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cases_party_name_trgm ON cases_party USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_party_name_prefix ON cases_party (name varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_facts_trgm ON cases_case USING gin (UPPER(facts) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cases_case_number_trgm ON cases_case USING gin (UPPER(number::text) gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS cases_case_number_trgm",
    "DROP INDEX IF EXISTS cases_case_facts_trgm",
    "DROP INDEX IF EXISTS cases_party_name_prefix",
    "DROP INDEX IF EXISTS cases_party_name_trgm",
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_intake_record_routing_inputs_archive_forced"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="cases_case_registe_cd4419_idx"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["registered_at", "id"], name="cases_case_list_order_idx"),
        ),
        migrations.RunPython(_on_postgres(POSTGRES), _on_postgres(POSTGRES_DROP)),
    ]
