"""The owning organization's path on each case (``Case.scope_path``), kept by the database.

The scope of a case (``tiaojie.core.scope``) is its owning organization's subtree; with the path
on the row a city's cases are one range of an index (``scope_path LIKE '/1/2/%'``) instead of a
list of 2,700 organization ids. Triggers keep it, whatever writes the row (save, bulk_create,
update, COPY): on every insert or update of a case it is read from the organization; when an
organization's path changes (it moves in the tree), its cases follow. The existing rows are
filled here.

Indexes: ``(scope_path, registered_at, id)`` for a subtree's list; on PostgreSQL with the pattern
operator class (prefix LIKE) and the list's filter columns included, and the list order index
``(registered_at, id)`` made covering, so that the ids of a page are read from an index alone.

On SQLite a later migration that alters a column of ``cases_case`` makes Django rebuild the table,
which drops these triggers and the raw index: such a migration must install them again (the SQL
below); ``tests/accounts/test_scope.py`` checks that they exist after migrating.
"""
from django.db import migrations, models

SQLITE = [
    "UPDATE cases_case SET scope_path = (SELECT path FROM orgs_organization o WHERE o.id = cases_case.organization_id)",
    "CREATE TRIGGER cases_case_scope_path_ai AFTER INSERT ON cases_case BEGIN "
    "UPDATE cases_case SET scope_path = (SELECT path FROM orgs_organization WHERE id = NEW.organization_id) "
    "WHERE id = NEW.id; END",
    "CREATE TRIGGER cases_case_scope_path_au AFTER UPDATE OF organization_id, scope_path ON cases_case BEGIN "
    "UPDATE cases_case SET scope_path = (SELECT path FROM orgs_organization WHERE id = NEW.organization_id) "
    "WHERE id = NEW.id; END",
    "CREATE TRIGGER orgs_organization_path_cases AFTER UPDATE OF path ON orgs_organization "
    "WHEN OLD.path IS NOT NEW.path BEGIN "
    "UPDATE cases_case SET scope_path = NEW.path WHERE organization_id = NEW.id; END",
    "CREATE INDEX cases_case_scope_list ON cases_case (scope_path, registered_at, id)",
]
SQLITE_DROP = [
    "DROP INDEX IF EXISTS cases_case_scope_list",
    "DROP TRIGGER IF EXISTS orgs_organization_path_cases",
    "DROP TRIGGER IF EXISTS cases_case_scope_path_au",
    "DROP TRIGGER IF EXISTS cases_case_scope_path_ai",
]
POSTGRES = [
    # filled before the triggers exist (one join, no trigger per row)
    "UPDATE cases_case c SET scope_path = o.path FROM orgs_organization o WHERE o.id = c.organization_id",
    "CREATE FUNCTION cases_case_scope_path() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.scope_path := (SELECT path FROM orgs_organization WHERE id = NEW.organization_id); RETURN NEW; END $$",
    "CREATE TRIGGER cases_case_scope_path BEFORE INSERT OR UPDATE ON cases_case "
    "FOR EACH ROW EXECUTE FUNCTION cases_case_scope_path()",
    "CREATE FUNCTION orgs_organization_path_cases() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE cases_case SET scope_path = NEW.path WHERE organization_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER orgs_organization_path_cases AFTER UPDATE OF path ON orgs_organization "
    "FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION orgs_organization_path_cases()",
    "CREATE INDEX cases_case_scope_list ON cases_case (scope_path varchar_pattern_ops, registered_at, id) "
    "INCLUDE (dispute_type_id, status)",
    "DROP INDEX IF EXISTS cases_case_list_order_idx",
    "CREATE INDEX cases_case_list_order_idx ON cases_case (registered_at, id) "
    "INCLUDE (scope_path, organization_id, dispute_type_id, status)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS cases_case_list_order_idx",
    "CREATE INDEX cases_case_list_order_idx ON cases_case (registered_at, id)",
    "DROP INDEX IF EXISTS cases_case_scope_list",
    "DROP TRIGGER IF EXISTS orgs_organization_path_cases ON orgs_organization",
    "DROP FUNCTION IF EXISTS orgs_organization_path_cases()",
    "DROP TRIGGER IF EXISTS cases_case_scope_path ON cases_case",
    "DROP FUNCTION IF EXISTS cases_case_scope_path()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        todo = statements.get(vendor)
        if todo is None:
            raise RuntimeError(f"案件的管辖路径不支持该数据库：{vendor}（支持 SQLite 和 PostgreSQL）")
        for sql in todo:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0008_applications_numbered_on_acceptance"),
        ("orgs", "0007_remove_mediator_clear_identifiers"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="scope_path",
            field=models.CharField(blank=True, default="", editable=False, max_length=255,
                                   verbose_name="承办单位路径（数据库维护）"),
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
