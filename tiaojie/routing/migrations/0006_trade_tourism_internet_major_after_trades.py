"""Issue 9 (routing keeps its reasons), as data in the admin-editable table:

- tourism (11) and internet (17) disputes get their trade rules. The committee is found as for
  the other trades: the county's, else the city's (a neighbouring county's committee is not
  used: it has no standing outside its county). Where neither exists the proposal says so
  plainly and the case does not go to a village: a tourism dispute goes to the township where
  it arose (it is settled on the spot, before the visitors leave); an internet dispute goes to
  the county center (its parties seldom live in one village or township, and the platform,
  market regulation and cyberspace offices it needs are county-level). The internet rule's
  行业 lists several words (互联网、网络、电商、电子商务): a committee whose 行业 contains any
  of them matches.
- 疑难重大 no longer pulls a case away from a specialist committee: the ``major`` rule moves
  from before the trade rules (20) to after them (115, before red-level 116). A specialist
  committee (医调委, 交调委…) keeps its case whatever the risk level and however major; the
  county center supervises it (督办, the trade rule's ``supervise_level``), and the proposal
  says so ("虽属疑难重大纠纷，仍由专业调委会承办、不移交，由……督办"). The reason: a 疑难重大
  case needs more expertise, and for these disputes the specialist committee (with its medical
  or traffic experts) has more of it than the county center; moving the case would also break
  the link with the insurers and the hospital or police that the trade committee works with.
  A 疑难重大 case whose trade has no committee anywhere still goes to the county center.

Rows an official already edited (another sort order) keep their edits.
"""
from django.db import migrations, models


NEW = [
    # code, name, dispute types, sort order, trade words, fallback
    ("trade-tourism", "旅游纠纷由旅游纠纷调委会承办", "11", 111, "旅游", "township"),
    ("trade-internet", "互联网纠纷由互联网（电子商务）纠纷调委会承办", "17", 113, "互联网、网络、电商、电子商务", "county_center"),
]
MOVED = [("major", 20, 115)]


def seed(apps, schema_editor):
    RoutingRule = apps.get_model("routing", "RoutingRule")
    for code, name, types, order, trade, fallback in NEW:
        RoutingRule.objects.get_or_create(code=code, defaults=dict(
            name=name, sort_order=order, target_kind="trade", target_trade=trade, dispute_types=types,
            fallback_kind=fallback, supervise_level="red"))
    for code, old, new in MOVED:
        RoutingRule.objects.filter(code=code, sort_order=old).update(sort_order=new)


def unseed(apps, schema_editor):
    RoutingRule = apps.get_model("routing", "RoutingRule")
    RoutingRule.objects.filter(code__in=[r[0] for r in NEW]).delete()
    for code, old, new in MOVED:
        RoutingRule.objects.filter(code=code, sort_order=new).update(sort_order=old)


class Migration(migrations.Migration):

    dependencies = [
        ('routing', '0005_police_specialist_fallback_rules'),
    ]

    operations = [
        migrations.AlterField(
            model_name='routingrule',
            name='supervise_level',
            field=models.CharField(blank=True, choices=[('blue', '蓝色'), ('yellow', '黄色'), ('orange', '橙色'), ('red', '红色')], help_text='专业调委会保留案件：风险达到此等级或属疑难重大纠纷时不移交，由县级人民调解中心督办', max_length=10, verbose_name='风险达到此等级时县级督办'),
        ),
        migrations.AlterField(
            model_name='routingrule',
            name='target_trade',
            field=models.CharField(blank=True, help_text='分流至行业性专业性调委会时填写，按调委会的“行业/专业领域”包含此词匹配；可填几个词，用顿号分隔，包含其中任一词即匹配', max_length=40, verbose_name='行业/专业领域'),
        ),
        migrations.RunPython(seed, unseed),
    ]
