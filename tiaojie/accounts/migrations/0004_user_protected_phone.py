"""Users' phones: encrypted, found by keyed hash, shown masked (issue 11). Existing values are
encrypted under the newest data key; reversible (decrypted back)."""
from django.db import migrations, models

from tiaojie.security.migration_ops import encrypt_column


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_audit_append_only_pg"),
    ]

    operations = [
        migrations.AddField("user", "phone_enc", models.TextField(blank=True, editable=False)),
        migrations.AddField("user", "phone_hash",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
        migrations.AddField("user", "phone_masked",
                            models.CharField(blank=True, editable=False, max_length=20, verbose_name="手机")),
        encrypt_column("accounts", "User", clear="phone", enc="phone_enc", hash="phone_hash", masked="phone_masked",
                       mask="phone"),
        migrations.RemoveField("user", "phone"),
    ]
