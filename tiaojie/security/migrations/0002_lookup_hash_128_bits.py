"""Look-up hashes are 128 bits (``crypto.HASH_CHARS``, 32 hex characters) instead of 256: the stored
ones keep their first 32 characters, which is what ``crypto.lookup_hash`` now gives for the same
value and key. Columns keep their width (no table rebuild); their values and indexes halve."""
from django.db import migrations

COLUMNS = [
    ("cases_party", "id_hash"),
    ("orgs_mediator", "id_hash"),
    ("orgs_mediator", "phone_hash"),
    ("accounts_user", "phone_hash"),
    ("public_onetimecode", "phone_hash"),
    ("public_onlineapplication", "phone_hash"),
]


def shorten(apps, schema_editor):
    for table, column in COLUMNS:
        schema_editor.execute(f"UPDATE {table} SET {column} = substr({column}, 1, 32) WHERE length({column}) > 32")


class Migration(migrations.Migration):

    dependencies = [
        ("security", "0001_initial"),
        ("cases", "0011_leaner_search_and_timeline"),
        ("orgs", "0007_remove_mediator_clear_identifiers"),
        ("accounts", "0006_remove_user_clear_phone"),
        ("public", "0004_next_session"),
    ]

    # the full hashes cannot be recomputed without the values: going back keeps the short ones,
    # which a reverted ``lookup_hash`` would no longer match (rerun ``reindex_cases`` and re-save)
    operations = [migrations.RunPython(shorten, migrations.RunPython.noop)]
