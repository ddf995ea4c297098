"""Seed the case tier rules (案件等级认定规则); officials edit them in admin."""
from decimal import Decimal

from django.db import migrations

RULES = [
    # priority, tier, fields, note
    (10, "major", {"requires_escalation": True}, "已上报疑难重大（领导包案、挂牌督办）的纠纷"),
    (20, "major", {"min_risk": "red"}, "红色风险"),
    (30, "difficult", {"min_risk": "orange"}, "橙色风险"),
    (40, "difficult", {"min_people": 10}, "涉及10人以上"),
    (50, "difficult", {"min_amount": Decimal("100000")}, "涉及金额10万元以上"),
    (60, "simple", {"max_amount": Decimal("5000"), "max_people": 2}, "两人之间、涉及金额5000元以下"),
]


def seed(apps, schema_editor):
    TierRule = apps.get_model("funding", "TierRule")
    for priority, tier, fields, note in RULES:
        TierRule.objects.create(priority=priority, tier=tier, note=note, **fields)


def unseed(apps, schema_editor):
    apps.get_model("funding", "TierRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
