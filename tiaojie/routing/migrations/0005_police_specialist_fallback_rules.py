"""Issue 9 (routing keeps its reasons), as data in the admin-editable table:

- specialist committees keep their cases whatever the risk level: the trade rules now come
  before the red-level and cross-township rules, and a red case there is supervised by the
  county center (``supervise_level``) instead of being transferred;
- where neither the county nor the city has a committee of the trade, the dispute goes to the
  township committee and the proposal says so (``fallback_kind``), never to a village;
- consumer and intellectual-property disputes have their trade rules;
- a police referral stays in the 警民联调室 that took it in, unless an earlier rule moves it
  (疑难重大, a specialist type, red risk, cross-township, 10+ people, 100,000 yuan+).

Rows an official already edited (another sort order) keep their edits.
"""
from django.db import migrations

TRADE_CODES = ("trade-medical", "trade-traffic", "trade-labour", "trade-family", "trade-property",
               "trade-environment", "trade-land")
# code, old sort order (as seeded), new sort order: after the trade rules
MOVED = [("red-level", 30, 116), ("cross-township", 40, 118)]
NEW = [
    ("trade-consumer", "消费纠纷由消费纠纷调委会承办", {"dispute_types": "12"}, 112, "trade", "消费", "", "township", "red"),
    ("trade-ip", "知识产权纠纷由知识产权纠纷调委会承办", {"dispute_types": "16"}, 114, "trade", "知识产权", "", "township",
     "red"),
    ("police-room", "公安移交的纠纷由移送的警民联调室调解", {"sources": "police"}, 135, "police_room", "",
     "110移交的纠纷留在警民联调室就地化解。", "", ""),
]


def seed(apps, schema_editor):
    RoutingRule = apps.get_model("routing", "RoutingRule")
    RoutingRule.objects.filter(code__in=TRADE_CODES, fallback_kind="").update(fallback_kind="township")
    RoutingRule.objects.filter(code__in=TRADE_CODES, supervise_level="").update(supervise_level="red")
    for code, old, new in MOVED:
        RoutingRule.objects.filter(code=code, sort_order=old).update(sort_order=new)
    for code, name, cond, order, kind, trade, text, fallback, supervise in NEW:
        RoutingRule.objects.get_or_create(code=code, defaults=dict(
            name=name, sort_order=order, target_kind=kind, target_trade=trade, explanation=text,
            fallback_kind=fallback, supervise_level=supervise, **cond))


def unseed(apps, schema_editor):
    RoutingRule = apps.get_model("routing", "RoutingRule")
    RoutingRule.objects.filter(code__in=[r[0] for r in NEW]).delete()
    for code, old, new in MOVED:
        RoutingRule.objects.filter(code=code, sort_order=new).update(sort_order=old)
    RoutingRule.objects.filter(code__in=TRADE_CODES).update(fallback_kind="", supervise_level="")


class Migration(migrations.Migration):
    dependencies = [("routing", "0004_rule_fallback_supervision")]
    operations = [migrations.RunPython(seed, unseed)]
