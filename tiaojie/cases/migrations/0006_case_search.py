"""The full-text index of cases (tiaojie.cases.search): a plain table both databases share, and
each database's own machinery over it — SQLite: an FTS5 external-content table kept in step by
triggers; PostgreSQL: stored ``tsvector`` columns (configuration 'simple' over the space-joined
jieba words) with GIN indexes. Rows are filled on save; ``manage.py reindex_cases`` fills them
for existing cases."""
import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE cases_search_fts USING fts5(body, keys, content='cases_casesearch', "
    "content_rowid='case_id', tokenize='unicode61')",
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
SQLITE_DROP = ["DROP TRIGGER IF EXISTS cases_search_au", "DROP TRIGGER IF EXISTS cases_search_ad",
               "DROP TRIGGER IF EXISTS cases_search_ai", "DROP TABLE IF EXISTS cases_search_fts"]
POSTGRES = [
    "ALTER TABLE cases_casesearch ADD COLUMN doc tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED",
    "ALTER TABLE cases_casesearch ADD COLUMN keydoc tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, keys)) STORED",
    "CREATE INDEX cases_search_doc_gin ON cases_casesearch USING gin (doc)",
    "CREATE INDEX cases_search_keydoc_gin ON cases_casesearch USING gin (keydoc)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS cases_search_keydoc_gin", "DROP INDEX IF EXISTS cases_search_doc_gin",
                 "ALTER TABLE cases_casesearch DROP COLUMN IF EXISTS keydoc",
                 "ALTER TABLE cases_casesearch DROP COLUMN IF EXISTS doc"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        todo = statements.get(vendor)
        if todo is None:
            raise RuntimeError(f"案件全文检索不支持该数据库：{vendor}（支持 SQLite 和 PostgreSQL）")
        for sql in todo:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseSearch",
            fields=[
                ("case", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                              related_name="search_row", serialize=False, to="cases.case")),
                ("body", models.TextField(blank=True)),
                ("keys", models.TextField(blank=True)),
            ],
            options={"verbose_name": "案件检索索引", "verbose_name_plural": "案件检索索引"},
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
