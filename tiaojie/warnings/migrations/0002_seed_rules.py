"""Seed the risk rules, combinations and level policies from DOMAIN.md §6 (admin-editable)."""
from django.db import migrations

RULES = [
    # code, name, kind, level, threshold, values
    ("people-5", "涉及5人以上", "people_gte", "yellow", 5, ""),
    ("people-10", "群体性纠纷（10人以上）", "people_gte", "orange", 10, ""),
    ("amount-100k", "涉及金额10万元以上", "amount_gte", "yellow", 100000, ""),
    ("type-high-risk", "民转刑高风险纠纷类型（婚恋、欠薪、债务）", "dispute_type", "yellow", 0, "0104、1001、0401"),
    ("words-escalate", "扬言闹事、群体性过激言行", "keywords", "orange", 0,
     "扬言、上访、堵路、围堵、堵门、闹事、静坐、拉横幅、打砸"),
    ("words-violence", "扬言极端行为（人身危险）", "keywords", "red", 0,
     "同归于尽、拼命、持刀、带刀、砍人、杀了、轻生、自杀、跳楼、喝药、服毒、寻死、报复"),
    ("failed-2", "多次调解未成", "failed_gte", "yellow", 2, ""),
    ("police-2", "多次报警", "police_calls_gte", "orange", 2, ""),
    ("vulnerable", "涉及弱势群体", "flag", "yellow", 0, "vulnerable"),
    ("linked", "涉诉涉访", "flag", "orange", 0, "litigation、petition"),
    ("abnormal-death", "涉及非正常死亡", "flag", "red", 0, "abnormal_death"),
]
COMBOS = [
    ("两项及以上橙色因素，定为红色", 2, "orange", "red"),
    ("三项及以上黄色及以上因素，定为橙色", 3, "yellow", "orange"),
]
POLICIES = [
    ("red", 2, "立即报告县级人民调解中心和党委政府，明确包案领导，可能引发治安案件、刑事案件的，"
               "按人民调解法第25条立即报告公安机关", True),
    ("orange", 24, "由乡镇（街道）调委会当日介入处置", True),
    ("yellow", 72, "由本级调委会就地化解", True),
    ("blue", 168, "关注，纳入日常回访", False),
]


def seed(apps, schema_editor):
    RiskRule = apps.get_model("warnings", "RiskRule")
    RiskCombination = apps.get_model("warnings", "RiskCombination")
    LevelPolicy = apps.get_model("warnings", "LevelPolicy")
    for i, (code, name, kind, level, threshold, values) in enumerate(RULES):
        RiskRule.objects.get_or_create(code=code, defaults=dict(name=name, kind=kind, level=level, threshold=threshold,
                                                                values=values, sort_order=i * 10))
    for name, n, at, result in COMBOS:
        RiskCombination.objects.get_or_create(name=name, defaults=dict(min_count=n, at_level=at, result_level=result))
    for level, hours, text, raise_warning in POLICIES:
        LevelPolicy.objects.get_or_create(level=level, defaults=dict(respond_within_hours=hours, response=text,
                                                                     raise_warning=raise_warning))


class Migration(migrations.Migration):
    dependencies = [("warnings", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
