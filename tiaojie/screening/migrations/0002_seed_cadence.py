"""Seed the screening cadence of DOMAIN.md §1: villages weekly, townships every 旬, counties monthly."""
from django.db import migrations

ROWS = [("village", "week", 2), ("township", "xun", 2), ("county_center", "month", 3), ("trade", "month", 3)]


def seed(apps, schema_editor):
    C = apps.get_model("screening", "ScreeningCadence")
    for kind, cadence, grace in ROWS:
        C.objects.get_or_create(org_kind=kind, defaults={"cadence": cadence, "grace_days": grace})


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
