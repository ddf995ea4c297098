"""Users' phones, step 3 of 3: the clear column goes."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_encrypt_user_phone"),
    ]

    operations = [
        migrations.RemoveField("user", "phone"),
    ]
