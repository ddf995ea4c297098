"""Users' phones, step 1 of 3 (issue 11): the protected columns. (Three migrations, each its own
transaction: PostgreSQL refuses to alter a table in the transaction that updated its rows while
deferred foreign-key checks are pending.)"""
from django.db import migrations, models


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
    ]
