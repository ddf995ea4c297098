"""Smaller indexes for the full-text search and the timeline (issue 13: the demo city's file).

* SQLite: the FTS5 index of ``cases_casesearch`` keeps which column holds a word but no longer its
  positions (``detail=column``): the searches ask for single words in a column (``body : (…)``,
  ``keys : (…)``) and rank with bm25, never for a phrase, and the body holds each word once
  (``search.index_words``). The index is rebuilt from the content table. PostgreSQL is unchanged.
* The timeline (``CaseEvent``) is indexed by case alone instead of (case, time).
* The "who recorded it" keys (登记人, 编号单位, the recorder of sessions, investigations, agreements
  and follow-ups) lose their indexes: nothing looks records up by them. A party's 被代理人 is
  indexed only where set. Indexes are dropped by name (the same on SQLite and PostgreSQL), the
  fields' state changed apart, so that SQLite does not rebuild the tables.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

UNINDEXED = [  # (model, field, table, index)
    ("case", "numbered_by", "cases_case", "cases_case_numbered_by_id_a7fb5b51"),
    ("case", "registered_by", "cases_case", "cases_case_registered_by_id_baa64d7e"),
    ("mediationsession", "recorded_by", "cases_mediationsession", "cases_mediationsession_recorded_by_id_fee52bca"),
    ("investigation", "recorded_by", "cases_investigation", "cases_investigation_recorded_by_id_3e1de609"),
    ("agreement", "recorded_by", "cases_agreement", "cases_agreement_recorded_by_id_f052b71b"),
    ("followup", "recorded_by", "cases_followup", "cases_followup_recorded_by_id_52a2b0f4"),
    ("party", "agent_for", "cases_party", "cases_party_agent_for_id_7d6e52d5"),
]


def _field(model: str, name: str):
    if name == "numbered_by":
        return models.ForeignKey("orgs.Organization", verbose_name="编号单位", on_delete=django.db.models.deletion.PROTECT,
                                 related_name="+", help_text="案号所属的编号序列；移交后承办单位可变，案号不变",
                                 db_index=False)
    if name == "registered_by":
        return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                 on_delete=django.db.models.deletion.SET_NULL, related_name="+", db_index=False)
    if name == "agent_for":
        return models.ForeignKey("cases.party", verbose_name="被代理人", null=True, blank=True,
                                 on_delete=django.db.models.deletion.CASCADE, related_name="agents", db_index=False)
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=django.db.models.deletion.SET_NULL,
                             related_name="+", db_index=False)


def _unindex(model, name, table, index):
    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunSQL(f"DROP INDEX IF EXISTS {index}",
                                               f"CREATE INDEX {index} ON {table} ({name}_id)")],
        state_operations=[migrations.AlterField(model_name=model, name=name, field=_field(model, name))],
    )

FTS_TRIGGERS = [
    "CREATE TRIGGER cases_search_ai AFTER INSERT ON cases_casesearch BEGIN "
    "INSERT INTO cases_search_fts(rowid, body, keys) VALUES (new.case_id, new.body, new.keys); END",
    "CREATE TRIGGER cases_search_ad AFTER DELETE ON cases_casesearch BEGIN "
    "INSERT INTO cases_search_fts(cases_search_fts, rowid, body, keys) "
    "VALUES ('delete', old.case_id, old.body, old.keys); END",
    "CREATE TRIGGER cases_search_au AFTER UPDATE ON cases_casesearch BEGIN "
    "INSERT INTO cases_search_fts(cases_search_fts, rowid, body, keys) "
    "VALUES ('delete', old.case_id, old.body, old.keys); "
    "INSERT INTO cases_search_fts(rowid, body, keys) VALUES (new.case_id, new.body, new.keys); END",
]
FTS_DROP = ["DROP TRIGGER IF EXISTS cases_search_au", "DROP TRIGGER IF EXISTS cases_search_ad",
            "DROP TRIGGER IF EXISTS cases_search_ai", "DROP TABLE IF EXISTS cases_search_fts"]


def _fts(detail: str):
    options = ", detail=column" if detail == "column" else ""
    statements = [
        *FTS_DROP,
        "CREATE VIRTUAL TABLE cases_search_fts USING fts5(body, keys, content='cases_casesearch', "
        f"content_rowid='case_id', tokenize='unicode61'{options})",
        *FTS_TRIGGERS,
        "INSERT INTO cases_search_fts(cases_search_fts) VALUES ('rebuild')",
    ]

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0010_one_active_assignment_per_mediator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("orgs", "0007_remove_mediator_clear_identifiers"),
    ]

    operations = [
        migrations.RunPython(_fts("column"), _fts("full")),
        migrations.RemoveIndex(model_name="caseevent", name="cases_casee_case_id_d4909f_idx"),
        migrations.AddIndex(model_name="caseevent",
                            index=models.Index(fields=["case"], name="cases_caseevent_case_idx")),
        *(_unindex(*row) for row in UNINDEXED),
        migrations.AddIndex(model_name="party",
                            index=models.Index(condition=models.Q(agent_for__isnull=False), fields=["agent_for"],
                                               name="cases_party_agent_for_idx")),
    ]
