"""Seed the coded dispute-type list of DOMAIN.md §3 (admin-editable afterwards).

The list is imported from ``tiaojie.core.dispute_types``, the one place it is written, rather
than frozen here: the seed only creates rows that are missing (``get_or_create`` by code), and
codes are permanent (cases, routing rules and the intake corpus refer to them), so a fresh
database always gets the current list. Any later change to the list comes with a new data
migration that applies it to databases already migrated (both then hold the same rows).
"""
from django.db import migrations

from tiaojie.core.dispute_types import TYPES


def seed(apps, schema_editor):
    DisputeType = apps.get_model("cases", "DisputeType")
    for order, (code, name, subs) in enumerate(TYPES):
        top, _ = DisputeType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})
        for j, (scode, sname) in enumerate(subs):
            DisputeType.objects.get_or_create(code=scode, defaults={"name": sname, "parent": top,
                                                                   "sort_order": order * 10 + j + 1})


def unseed(apps, schema_editor):
    apps.get_model("cases", "DisputeType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
