"""On PostgreSQL the audit tables refuse UPDATE and DELETE in the database itself (a trigger), so
that not even raw SQL from the application's account changes the record. The one update allowed
is detaching a removed user (user_id set to NULL, the username stays). TRUNCATE (used only by
test databases) is not a row operation and stays possible for the database owner."""
from django.db import migrations

TABLES = ["accounts_loginevent", "accounts_personaldataaccess"]

FUNCTION = """
CREATE OR REPLACE FUNCTION tiaojie_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL AND OLD.user_id IS NOT NULL
     AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '审计记录只能新增，不能修改或删除（%%）', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for t in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")
        schema_editor.execute(f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                              f"FOR EACH ROW EXECUTE FUNCTION tiaojie_audit_append_only()")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for t in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")
    schema_editor.execute("DROP FUNCTION IF EXISTS tiaojie_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_security")]
    operations = [migrations.RunPython(forwards, backwards)]
