"""Mediators' ID numbers and phones, step 1 of 3 (issue 11): the protected columns.
(Three migrations, each its own transaction: PostgreSQL refuses to alter a table in the
transaction that updated its rows while deferred foreign-key checks are pending.)"""
from django.db import migrations, models


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
    ]
