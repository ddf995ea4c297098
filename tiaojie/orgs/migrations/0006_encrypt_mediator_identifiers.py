"""Mediators' ID numbers and phones, step 2 of 3: existing values encrypted under the newest data
key, hashed and masked; backwards, decrypted into the clear columns again."""
from django.db import migrations

from tiaojie.security.migration_ops import encrypt_column


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0005_mediator_protected_columns"),
    ]

    operations = [
        encrypt_column("orgs", "Mediator", clear="id_number", enc="id_number_enc", hash="id_hash", masked="id_masked",
                       mask="id", upper=True),
        encrypt_column("orgs", "Mediator", clear="phone", enc="phone_enc", hash="phone_hash", masked="phone_masked",
                       mask="phone"),
    ]
