"""Text signals (tiaojie.intake) take over from the keyword rules; 涉诉/涉访 become a yellow
factor (orange only with another sign); one police report counts; two orange factors make red only
when one of them is a severe sign; combination names no longer say the level (the explanation
says it once). ``RULES`` and ``COMBOS`` are the tables as they stand after this migration."""
from django.db import migrations, models

SEVERE = "text-violence、text-weapon、text-group、text-threat、text-suicide、text-death、people-10、abnormal-death"
RULES = [
    # code, name, kind, level, threshold, values, active
    ("people-5", "涉及5人以上", "people_gte", "yellow", 5, "", True),
    ("people-10", "群体性纠纷（10人以上）", "people_gte", "orange", 10, "", True),
    ("amount-100k", "涉及金额10万元以上", "amount_gte", "yellow", 100000, "", True),
    ("type-high-risk", "民转刑高风险纠纷类型（婚恋、欠薪、债务）", "dispute_type", "yellow", 0, "0104、1001、0401", True),
    ("words-escalate", "扬言闹事、群体性过激言行", "keywords", "orange", 0,
     "扬言、上访、堵路、围堵、堵门、闹事、静坐、拉横幅、打砸", False),
    ("words-violence", "扬言极端行为（人身危险）", "keywords", "red", 0,
     "同归于尽、拼命、持刀、带刀、砍人、杀了、轻生、自杀、跳楼、喝药、服毒、寻死、报复", False),
    ("failed-2", "多次调解未成", "failed_gte", "yellow", 2, "", True),
    ("police-1", "有报警记录", "police_calls_gte", "yellow", 1, "", True),
    ("police-2", "多次报警", "police_calls_gte", "orange", 2, "", True),
    ("vulnerable", "涉及弱势群体", "flag", "yellow", 0, "vulnerable", True),
    ("linked", "涉诉涉访", "flag", "yellow", 0, "litigation、petition", True),
    ("abnormal-death", "涉及非正常死亡", "flag", "red", 0, "abnormal_death", True),
]
COMBOS = [
    # name, min_count, at_level, result_level, requires
    ("两项及以上橙色因素且其中有严重情形", 2, "orange", "red", SEVERE),
    ("三项及以上黄色及以上因素", 3, "yellow", "orange", ""),
    ("涉诉涉访且另有风险因素", 2, "yellow", "orange", "linked"),
]
RENAMED = {"两项及以上橙色因素，定为红色": COMBOS[0][0], "三项及以上黄色及以上因素，定为橙色": COMBOS[1][0]}


def update(apps, schema_editor):
    RiskRule = apps.get_model("warnings", "RiskRule")
    RiskCombination = apps.get_model("warnings", "RiskCombination")
    for i, (code, name, kind, level, threshold, values, active) in enumerate(RULES):
        RiskRule.objects.update_or_create(code=code, defaults=dict(name=name, kind=kind, level=level,
                                                                   threshold=threshold, values=values,
                                                                   is_active=active, sort_order=i * 10))
    for old, new in RENAMED.items():
        RiskCombination.objects.filter(name=old).update(name=new)
    for name, n, at, result, requires in COMBOS:
        RiskCombination.objects.update_or_create(name=name, defaults=dict(min_count=n, at_level=at,
                                                                          result_level=result, requires=requires))


class Migration(migrations.Migration):
    dependencies = [("warnings", "0002_seed_rules")]
    operations = [
        migrations.AddField(
            model_name="riskcombination", name="requires",
            field=models.TextField(blank=True, verbose_name="须含以下因素之一",
                                   help_text="因素代码，用顿号、逗号或换行分隔（如 text-violence 暴力伤害、people-10 群体性纠纷、"
                                             "linked 涉诉涉访）；留空则不限")),
        migrations.RunPython(update, migrations.RunPython.noop),
    ]
