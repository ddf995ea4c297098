"""Users' phones, step 2 of 3: existing values encrypted under the newest data key, hashed and
masked; backwards, decrypted into the clear column again."""
from django.db import migrations

from tiaojie.security.migration_ops import encrypt_column


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_user_phone_columns"),
    ]

    operations = [
        encrypt_column("accounts", "User", clear="phone", enc="phone_enc", hash="phone_hash", masked="phone_masked",
                       mask="phone"),
    ]
