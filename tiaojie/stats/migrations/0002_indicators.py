from django.db import migrations

INDICATORS = [
    # code, weight, target
    ("success_rate", 30, "0.95"),
    ("entry_rate", 20, "0.90"),
    ("screening_on_time", 15, "1"),
    ("follow_up_rate", 15, "0.90"),
    ("not_overdue", 10, "1"),
    ("warnings_on_time", 10, "1"),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("stats", "Indicator")
    for i, (code, weight, target) in enumerate(INDICATORS):
        Indicator.objects.get_or_create(code=code, defaults={"weight": weight, "target": target, "sort_order": i})


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
