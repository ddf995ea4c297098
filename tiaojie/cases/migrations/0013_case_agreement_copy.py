"""The agreement's form and amount kept on the case (``Case.agreement_kind``, ``Case.agreement_amount``).

Written by ``transitions.succeed``, the one step that records an agreement, in the same locked
transaction; NULL on a case without an agreement. The statistics count the successes of a day
range (the dashboard's partial months) from the case rows alone: at 1,000,000 cases the look-up
of every successful case's agreement was 71,000 of the 88,844 buffers of an odd-period dashboard.

Both columns are nullable without a default, so that SQLite adds them with ``ALTER TABLE ADD
COLUMN`` (a rebuilt ``cases_case`` would lose the triggers and the raw index of 0009). The
existing agreements are copied here, in one statement (at 1,000,000 cases on PostgreSQL: 918,275
rows in ~10 minutes under load, every index of the table updated; run it at a quiet hour).

On PostgreSQL the accepted-date index (``Case.Meta.indexes``, same name) is made covering: it
includes the columns a live count of a few days reads (outcome, source, organization, type,
scope path, the agreement's copy), so those days are read from the index alone.
"""
from django.db import migrations, models

COPY = {
    "postgresql": "UPDATE cases_case c SET agreement_kind = a.kind, agreement_amount = a.amount "
                  "FROM cases_agreement a WHERE a.case_id = c.id",
    "sqlite": "UPDATE cases_case SET "
              "agreement_kind = (SELECT a.kind FROM cases_agreement a WHERE a.case_id = cases_case.id), "
              "agreement_amount = (SELECT a.amount FROM cases_agreement a WHERE a.case_id = cases_case.id) "
              "WHERE id IN (SELECT case_id FROM cases_agreement)",
}


ACCEPTED_INDEX = "cases_case_accepte_bbf233_idx"
COVERING = [
    f"DROP INDEX IF EXISTS {ACCEPTED_INDEX}",
    f"CREATE INDEX {ACCEPTED_INDEX} ON cases_case (accepted_on) INCLUDE (id, outcome, source, organization_id, "
    "dispute_type_id, scope_path, agreement_kind, agreement_amount)",
]
PLAIN = [f"DROP INDEX IF EXISTS {ACCEPTED_INDEX}", f"CREATE INDEX {ACCEPTED_INDEX} ON cases_case (accepted_on)"]


def _index(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


def copy_agreements(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in COPY:
        raise RuntimeError(f"协议副本的迁移不支持该数据库：{vendor}（支持 SQLite 和 PostgreSQL）")
    schema_editor.execute(COPY[vendor])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0012_party_id_hash_one_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="agreement_kind",
            field=models.CharField(blank=True, editable=False, max_length=10, null=True,
                                   verbose_name="协议形式（协议的副本）"),
        ),
        migrations.AddField(
            model_name="case",
            name="agreement_amount",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True,
                                      verbose_name="协议金额（协议的副本）"),
        ),
        migrations.RunPython(copy_agreements, migrations.RunPython.noop),
        migrations.RunPython(_index(COVERING), _index(PLAIN)),
    ]
