import django.db.models.deletion
from django.db import migrations, models

LEVELS = [("blue", "蓝色"), ("yellow", "黄色"), ("orange", "橙色"), ("red", "红色")]


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="RiskCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=20, unique=True, verbose_name="代码")),
                ("label", models.CharField(max_length=30, verbose_name="名称")),
                ("level", models.CharField(choices=LEVELS, max_length=10, verbose_name="默认风险等级")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
            ],
            options={"verbose_name": "风险信号类别", "verbose_name_plural": "风险信号类别", "ordering": ["sort_order", "id"]},
        ),
        migrations.CreateModel(
            name="RiskPhrase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("phrase", models.CharField(max_length=40, verbose_name="词语")),
                ("kind", models.CharField(choices=[("trigger", "触发词"), ("negation", "否定词"), ("resolution", "化解词")], default="trigger", max_length=12, verbose_name="作用")),
                ("level", models.CharField(blank=True, choices=LEVELS, max_length=10, verbose_name="风险等级（不填则用类别默认等级）")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                ("category", models.ForeignKey(blank=True, help_text="否定词、化解词可不选类别（适用于全部类别）", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="phrases", to="intake.riskcategory", verbose_name="类别")),
            ],
            options={"verbose_name": "风险信号词语", "verbose_name_plural": "风险信号词语", "ordering": ["category__sort_order", "kind", "phrase"]},
        ),
        migrations.AddConstraint(
            model_name="riskphrase",
            constraint=models.UniqueConstraint(fields=("category", "phrase", "kind"), name="intake_phrase_unique"),
        ),
    ]
