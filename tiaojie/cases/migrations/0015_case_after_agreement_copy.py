"""What happened after the agreement, kept on the case: ``Case.followed_up`` (a follow-up
recorded), ``Case.fully_performed`` (one of them 已履行), ``Case.judicially_confirmed`` (the
court's 确认有效).

Written by the one step that records each (``transitions.follow_up``,
``routing.services.record_court_result``) in the case's row lock; set once, never unset. The
statistics counted them per successful case with three look-ups (``EXISTS``): at 1,000,000 cases
with follow-ups recorded, those probes were 24,000 of an odd-period province dashboard's ~60,000
buffers. Like 0013's copy, the columns are nullable without a default (SQLite adds them without
rebuilding ``cases_case``), the existing records are copied here in one statement each (run it at
a quiet hour on a large database), and on PostgreSQL the accepted-date index is made covering for
them too, so the few days of a partial month are still read from the index alone.
"""
from django.db import migrations, models

COPY = {
    # one statement: a row updated twice in the transaction would queue its foreign-key checks,
    # and PostgreSQL refuses the index below while such events are pending
    "postgresql": [
        "UPDATE cases_case c SET followed_up = r.followed, fully_performed = r.performed, judicially_confirmed = r.confirmed "
        "FROM (SELECT case_id, CASE WHEN bool_or(fu) THEN TRUE END AS followed, "
        "CASE WHEN bool_or(pf) THEN TRUE END AS performed, CASE WHEN bool_or(jc) THEN TRUE END AS confirmed "
        "FROM (SELECT case_id, TRUE AS fu, performance = 'full' AS pf, FALSE AS jc FROM cases_followup "
        "UNION ALL SELECT case_id, FALSE, FALSE, TRUE FROM routing_judicialconfirmation WHERE status = 'confirmed'"
        ") x GROUP BY case_id) r WHERE r.case_id = c.id",
    ],
    "sqlite": [
        "UPDATE cases_case SET followed_up = 1 WHERE id IN (SELECT case_id FROM cases_followup)",
        "UPDATE cases_case SET fully_performed = 1 "
        "WHERE id IN (SELECT case_id FROM cases_followup WHERE performance = 'full')",
        "UPDATE cases_case SET judicially_confirmed = 1 "
        "WHERE id IN (SELECT case_id FROM routing_judicialconfirmation WHERE status = 'confirmed')",
    ],
}

ACCEPTED_INDEX = "cases_case_accepte_bbf233_idx"
COLUMNS = "id, outcome, source, organization_id, dispute_type_id, scope_path, agreement_kind, agreement_amount"
COVERING = [
    f"DROP INDEX IF EXISTS {ACCEPTED_INDEX}",
    f"CREATE INDEX {ACCEPTED_INDEX} ON cases_case (accepted_on) INCLUDE ({COLUMNS}, "
    "followed_up, fully_performed, judicially_confirmed)",
]
BEFORE = [
    f"DROP INDEX IF EXISTS {ACCEPTED_INDEX}",
    f"CREATE INDEX {ACCEPTED_INDEX} ON cases_case (accepted_on) INCLUDE ({COLUMNS})",
]


def _postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


def copy_records(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in COPY:
        raise RuntimeError(f"回访与司法确认副本的迁移不支持该数据库：{vendor}（支持 SQLite 和 PostgreSQL）")
    for sql in COPY[vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0014_scope_path_trigger_when_wrong"),
        ("routing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case", name="followed_up",
            field=models.BooleanField(blank=True, editable=False, null=True, verbose_name="已回访（回访记录的副本）"),
        ),
        migrations.AddField(
            model_name="case", name="fully_performed",
            field=models.BooleanField(blank=True, editable=False, null=True, verbose_name="已履行（回访记录的副本）"),
        ),
        migrations.AddField(
            model_name="case", name="judicially_confirmed",
            field=models.BooleanField(blank=True, editable=False, null=True,
                                      verbose_name="司法确认有效（司法确认的副本）"),
        ),
        migrations.RunPython(copy_records, migrations.RunPython.noop),
        migrations.RunPython(_postgres(COVERING), _postgres(BEFORE)),
    ]
