"""Seed the coded dispute-type list of DOMAIN.md §3 (admin-editable afterwards)."""
from django.db import migrations

TYPES = [
    ("01", "婚姻家庭", [("0101", "赡养"), ("0102", "抚养"), ("0103", "继承"), ("0104", "婚恋")]),
    ("02", "邻里", []),
    ("03", "房屋宅基地", []),
    ("04", "合同", [("0401", "民间借贷/债务")]),
    ("05", "生产经营", []),
    ("06", "损害赔偿", []),
    ("07", "山林土地", []),
    ("08", "征地拆迁", []),
    ("09", "环境污染", []),
    ("10", "劳动争议", [("1001", "拖欠农民工工资"), ("1002", "工伤")]),
    ("11", "旅游", []),
    ("12", "消费", []),
    ("13", "医疗", []),
    ("14", "道路交通事故", []),
    ("15", "物业管理", []),
    ("16", "知识产权", []),
    ("17", "互联网", []),
    ("99", "其他", []),
]


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
