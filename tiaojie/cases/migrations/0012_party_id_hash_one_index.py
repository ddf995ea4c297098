"""A party's ID look-up hash keeps one index (issue 13 §6: the cost of each registration).

``db_index=True`` on a text column gives PostgreSQL two indexes: the b-tree and a second one with
``varchar_pattern_ops`` for prefix ``LIKE``. The hash is only ever looked up by equality (the
duplicate-ID warning, the risk's earlier failed mediations, the search keys), so the second index
was written on every party inserted and never read. The b-tree stays under the name it had (now
declared in ``Party.Meta.indexes``): nothing is rebuilt; only the prefix index is dropped (it does
not exist on SQLite).
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("cases", "0011_leaner_search_and_timeline")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("party", "id_hash", models.CharField(blank=True, editable=False, max_length=64)),
                migrations.AddIndex("party", models.Index(fields=["id_hash"], name="cases_party_id_hash_e1b4fddb")),
            ],
            database_operations=[
                migrations.RunSQL("DROP INDEX IF EXISTS cases_party_id_hash_e1b4fddb_like", migrations.RunSQL.noop),
            ],
        ),
    ]
