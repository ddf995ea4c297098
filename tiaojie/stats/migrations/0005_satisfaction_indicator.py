"""群众满意率 as an assessment indicator (issue 12): seeded inactive; the city turns it on in admin."""
from django.db import migrations, models


def seed(apps, schema_editor):
    Indicator = apps.get_model("stats", "Indicator")
    Indicator.objects.get_or_create(code="satisfaction",
                                    defaults={"weight": 10, "target": "0.90", "sort_order": 6, "is_active": False})


class Migration(migrations.Migration):
    dependencies = [("stats", "0004_aggregate_by_type")]
    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="code",
            field=models.CharField(choices=[("success_rate", "调解成功率"), ("entry_rate", "信息化录入率"),
                                            ("screening_on_time", "排查报告按时率"), ("follow_up_rate", "回访率"),
                                            ("not_overdue", "案件未超期率"), ("warnings_on_time", "预警按时处置率"),
                                            ("satisfaction", "群众满意率")],
                                   max_length=30, unique=True, verbose_name="指标"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
