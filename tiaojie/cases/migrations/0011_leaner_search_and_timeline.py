"""Smaller indexes for the full-text search and the timeline (issue 13: the demo city's file).

* SQLite: the FTS5 index of ``cases_casesearch`` keeps which column holds a word but no longer its
  positions (``detail=column``): the searches ask for single words in a column (``body : (…)``,
  ``keys : (…)``) and rank with bm25, never for a phrase, and the body holds each word once
  (``search.index_words``). The index is rebuilt from the content table. PostgreSQL is unchanged.
* The timeline (``CaseEvent``) is indexed by case alone instead of (case, time).
"""
from django.db import migrations, models

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
    ]

    operations = [
        migrations.RunPython(_fts("column"), _fts("full")),
        migrations.RemoveIndex(model_name="caseevent", name="cases_casee_case_id_d4909f_idx"),
        migrations.AddIndex(model_name="caseevent",
                            index=models.Index(fields=["case"], name="cases_caseevent_case_idx")),
    ]
