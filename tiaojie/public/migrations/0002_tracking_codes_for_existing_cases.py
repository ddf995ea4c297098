import secrets

from django.db import migrations

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    TrackingCode = apps.get_model("public", "TrackingCode")
    have = set(TrackingCode.objects.values_list("case_id", flat=True))
    used = set(TrackingCode.objects.values_list("code", flat=True))
    rows = []
    for pk in Case.objects.exclude(pk__in=have).values_list("pk", flat=True).iterator():
        code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        while code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        used.add(code)
        rows.append(TrackingCode(case_id=pk, code=code))
        if len(rows) >= 1000:
            TrackingCode.objects.bulk_create(rows)
            rows = []
    TrackingCode.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
