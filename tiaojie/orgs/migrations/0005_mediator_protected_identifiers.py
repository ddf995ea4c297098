"""Mediators' ID numbers and phones: encrypted, found by keyed hash, shown masked (issue 11).
Existing values are encrypted under the newest data key; reversible (decrypted back)."""
from django.db import migrations, models

from tiaojie.security.migration_ops import encrypt_column


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0004_training_void"),
    ]

    operations = [
        migrations.AddField("mediator", "id_number_enc", models.TextField(blank=True, editable=False)),
        migrations.AddField("mediator", "id_hash",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
        migrations.AddField("mediator", "id_masked",
                            models.CharField(blank=True, editable=False, max_length=30, verbose_name="身份证号")),
        migrations.AddField("mediator", "phone_enc", models.TextField(blank=True, editable=False)),
        migrations.AddField("mediator", "phone_hash",
                            models.CharField(blank=True, db_index=True, editable=False, max_length=64)),
        migrations.AddField("mediator", "phone_masked",
                            models.CharField(blank=True, editable=False, max_length=20, verbose_name="联系电话")),
        encrypt_column("orgs", "Mediator", clear="id_number", enc="id_number_enc", hash="id_hash", masked="id_masked",
                       mask="id", upper=True),
        encrypt_column("orgs", "Mediator", clear="phone", enc="phone_enc", hash="phone_hash", masked="phone_masked",
                       mask="phone"),
        migrations.RemoveField("mediator", "id_number"),
        migrations.RemoveField("mediator", "phone"),
    ]
