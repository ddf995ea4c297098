"""Mediators' ID numbers and phones, step 3 of 3: the clear columns go."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0006_encrypt_mediator_identifiers"),
    ]

    operations = [
        migrations.RemoveField("mediator", "id_number"),
        migrations.RemoveField("mediator", "phone"),
    ]
