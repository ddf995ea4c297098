"""Seed the routing table of issue 4 (admin-editable afterwards). Evaluated in order; first match wins."""
from django.db import migrations

# code, name, conditions, target kind, target trade, explanation
RULES = [
    ("court-keeps", "法院自留的委派调解由诉前调解工作室承办", {"sources": "court", "court_keeps": True},
     "court_room", "", "法院委派并自留的纠纷，由移送法院的诉前人民调解工作室调解。"),
    ("major", "疑难重大纠纷由县级调解中心承办", {"major": True}, "county_center", "",
     "疑难重大纠纷上移县级人民调解中心，领导包案。"),
    ("red-level", "红色风险纠纷由县级调解中心承办", {"min_risk_level": "red"}, "county_center", "",
     "红色预警纠纷须立即上报，由县级人民调解中心牵头化解。"),
    ("cross-township", "跨乡镇（街道）纠纷由县级调解中心承办", {"spans_townships": True}, "county_center", "", ""),
    ("trade-medical", "医疗纠纷由医疗纠纷调委会承办", {"dispute_types": "13"}, "trade", "医疗", ""),
    ("trade-traffic", "道路交通事故纠纷由交通事故调委会承办", {"dispute_types": "14"}, "trade", "道路交通", ""),
    ("trade-labour", "劳动争议由劳动争议调委会承办", {"dispute_types": "10"}, "trade", "劳动", ""),
    ("trade-family", "婚姻家庭纠纷由婚姻家庭调委会承办", {"dispute_types": "01"}, "trade", "婚姻家庭", ""),
    ("trade-property", "物业管理纠纷由物业纠纷调委会承办", {"dispute_types": "15"}, "trade", "物业", ""),
    ("trade-environment", "环境污染纠纷由环境保护调委会承办", {"dispute_types": "09"}, "trade", "环境", ""),
    ("trade-land", "山林土地纠纷由土地纠纷调委会承办", {"dispute_types": "07"}, "trade", "土地", ""),
    ("group-10", "群体性纠纷（10人以上）由县级调解中心承办", {"min_people": 10}, "county_center", "",
     "涉及10人以上属疑难重大纠纷。"),
    ("amount-100k", "涉及金额10万元以上由县级调解中心承办", {"min_amount": 100000}, "county_center", "",
     "涉及金额10万元以上属疑难重大纠纷。"),
    ("cross-village", "跨村（社区）纠纷由乡镇（街道）调委会承办", {"spans_villages": True}, "township", "", ""),
    ("village-failed", "村（社区）调解未成的由乡镇（街道）调委会承办", {"village_failed": True}, "township", "", ""),
    ("village", "一般纠纷由发生地村（社区）调委会就地化解", {}, "village", "", "小事不出村，就地化解。"),
    ("township-place", "发生地无村级调委会的由乡镇（街道）调委会承办", {}, "township", "", ""),
    ("county-place", "发生地无乡镇级调委会的由县级调解中心承办", {}, "county_center", "", ""),
]


def seed(apps, schema_editor):
    RoutingRule = apps.get_model("routing", "RoutingRule")
    for i, (code, name, cond, kind, trade, text) in enumerate(RULES, start=1):
        RoutingRule.objects.get_or_create(code=code, defaults=dict(
            name=name, sort_order=i * 10, target_kind=kind, target_trade=trade, explanation=text, **cond))


def unseed(apps, schema_editor):
    apps.get_model("routing", "RoutingRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
