"""Five cases like the ones the documents were checked on against the Ministry of Justice formats.

Each is taken through the real transitions (no row written by hand):

- ``long_agreement``: a village committee, two neighbours, a written agreement with many numbered
  terms and long facts, so that a page break falls just before the signatures;
- ``county_maintenance``: the county's 人民调解中心, a 赡养 dispute (a sub-type of 婚姻家庭),
  three children against their father, a non-monetary written agreement;
- ``many_parties``: two applicants, three respondents, an agent, two mediators assigned and a third
  replaced on a party's request (回避) — the replaced one must not sign;
- ``trade_long_name``: a trade committee with a long name, a company as respondent;
- ``police_oral``: an oral agreement at a police room (警民联调室).
"""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tiaojie.cases import transitions
from tiaojie.cases.models import Case, DisputeType
from tiaojie.orgs.models import Mediator
from tiaojie.testing import earlier_today, make_id, register_case, sample_case_fields, version_of

LONG_TERMS = [
    "被申请人孙小梅于本协议生效之日起十日内，自费将其院墙外东侧的排水沟改建至院墙北侧，新排水沟的走向、坡度及出水口位置以双方现场确认的草图为准，"
    "改建期间不得占用申请人院门前的通道",
    "改建完成后，被申请人负责排水沟的日常清淤，每年雨季前至少清理一次，保证雨水不再流入申请人院内",
    "被申请人赔偿申请人因积水造成的院墙修缮费、地面硬化修复费及室内家具损失共计人民币壹万贰仟叁佰肆拾伍元陆角，"
    "于本协议生效之日起十日内以银行转账方式一次性支付至申请人指定账户",
    "申请人刘大海在被申请人改建排水沟期间给予必要的配合，允许施工人员在白天经过其院门前通道运送材料",
    "双方共用的院墙由双方共同维护，任何一方不得擅自加高、拆除或在墙上开设排水孔",
    "今后如因排水、院墙等相邻关系再发生争议，双方应当先行协商，协商不成的，可以再次申请东安社区人民调解委员会调解",
    "双方在本协议履行完毕后，不再就本次排水纠纷向对方提出任何其他主张",
    "被申请人逾期未改建排水沟的，申请人可以自行委托施工单位改建，所需费用由被申请人承担",
    "被申请人逾期未支付赔偿款的，每逾期一日按未付金额的万分之五向申请人支付违约金",
    "本协议履行过程中，东安社区人民调解委员会进行回访，督促双方履行",
    "双方确认，本协议系在人民调解员主持下自愿达成，内容真实，不存在欺诈、胁迫等情形",
    "双方同意，排水沟改建完成后由东安社区网格员会同双方现场验收，验收合格的，双方在验收单上签字确认",
    "本协议生效后，双方应当互相尊重，和睦相处，不得因本次纠纷对对方及其家人进行辱骂、威胁或者报复",
    "本协议未尽事宜，由双方另行协商，协商一致的内容作为本协议的补充，与本协议具有同等效力",
]
LONG_FACTS = ("申请人刘大海与被申请人孙小梅系东安社区3号院与4号院的邻居。2026年7月以来，被申请人将其院内雨水经院墙外东侧的排水沟排放，"
              "该排水沟地势低于申请人院内地面，连续降雨时雨水经院墙根部渗入申请人院内，致使申请人院墙墙基下沉、院内地面积水、"
              "堂屋内的家具受潮损坏。申请人多次与被申请人协商未果，双方在2026年10月发生口角，经社区网格员劝解后申请人民调解。"
              "人民调解员于2026年11月先后两次到现场察看，查明排水沟的走向、积水范围和损失情况，并听取了双方及周边邻居的意见。")

LONG_RESPONSIBILITIES = (
    "被申请人孙小梅擅自改变院内雨水的排放走向，将雨水经院墙外东侧地势较低的排水沟排放，且未采取任何防渗措施，"
    "是造成申请人院墙墙基下沉、院内积水和家具受潮损坏的主要原因，应当承担主要责任，负责改建排水沟并赔偿申请人的损失。"
    "申请人刘大海在发现积水后未及时采取排水、垫高地面等措施防止损失扩大，且在双方协商过程中与被申请人发生口角，"
    "对损失的扩大和矛盾的激化负有一定责任，应当承担次要责任。双方均表示认可上述责任划分，同意在此基础上协商解决。"
    "人民调解员向双方释明了《中华人民共和国民法典》关于相邻关系的规定：不动产的相邻权利人应当按照有利生产、方便生活、"
    "团结互助、公平合理的原则，正确处理相邻关系；不动产权利人不得违反国家规定弃置固体废物，排放大气污染物、水污染物等。")


def numbered(terms: list[str]) -> str:
    marks = "一二三四五六七八九十"
    out = []
    for i, t in enumerate(terms, start=1):
        mark = marks[i - 1] if i <= 10 else "十" + marks[i - 11]
        out.append(f"{mark}、{t}；" if i < len(terms) else f"{mark}、{t}。")
    return "\n".join(out)


def person(role, name, gender="男", birth=dt.date(1980, 1, 1), seq="001", **more):
    d = {"role": role, "kind": "person", "name": name, "gender": gender, "ethnicity": "汉族", "birth_date": birth,
         "id_type": "resident", "id_number": make_id(birth=birth.strftime("%Y%m%d"), seq=seq),
         "phone": "13912345678", "address": "卫东区东安社区3号院"}
    d.update(more)
    return d


def _mediate(case, user, mediators, sessions=1, recorder="王秀兰"):
    transitions.accept(case.pk, user, version=version_of(case.pk))
    transitions.assign(case.pk, user, version=version_of(case.pk), mediators=mediators)
    transitions.record_investigation(case.pk, user, version=version_of(case.pk), held_at=earlier_today(hours=5), place="纠纷现场",
                                     subject="刘大海", investigators=mediators[0].name, content="察看了现场，询问了双方。")
    for i in range(sessions):
        transitions.record_session(case.pk, user, version=version_of(case.pk), held_at=earlier_today(hours=4, minutes=i),
                                   place="调解室", participants="双方当事人及人民调解员",
                                   content=f"第{i + 1}次调解：双方陈述了各自意见，人民调解员释明了相关法律规定。",
                                   recorder=recorder)
    return Case.objects.get(pk=case.pk)


def _written(case, user, terms, amount, facts="双方系邻居，因排水发生纠纷。", **more):
    data = dict(kind="written", terms=terms, amount=amount, facts=facts, issues="排水沟的位置及损失赔偿。",
                responsibilities="被申请人承担主要责任，申请人承担次要责任。", performance_method="银行转账一次性支付",
                performance_deadline=timezone.localdate() + dt.timedelta(days=10))
    data.update(more)
    transitions.succeed(case.pk, user, version=version_of(case.pk), **data)
    transitions.follow_up(case.pk, user, version=version_of(case.pk), visited_on=timezone.localdate(), visitor="王秀兰", performance="full",
                          satisfaction="satisfied", notes="已按协议履行，双方满意。")
    return Case.objects.get(pk=case.pk)


def long_agreement(world, n_terms: int | None = None) -> Case:
    """Fourteen terms and long facts and responsibilities: without keeping the last clause with the
    signatures, the whole signature block would go to page 3 alone."""
    u = world.users["township"]
    parties = [person("applicant", "刘大海"), person("respondent", "孙小梅", "女", dt.date(1985, 5, 5), "002")]
    case = register_case(world.users["city"], organization=world.orgs["v1"], parties=parties,
                                  **sample_case_fields(world, facts=LONG_FACTS))
    case = _mediate(case, u, [world.mediators["m1"]])
    return _written(case, u, numbered(LONG_TERMS[:n_terms or len(LONG_TERMS)]), Decimal("12345.60"), facts=LONG_FACTS,
                    responsibilities=LONG_RESPONSIBILITIES)


def county_maintenance(world) -> Case:
    org = world.orgs["weidong"]
    med = Mediator.objects.create(name="周文华", organization=org, full_time=True,
                                  employment=Mediator.Employment.PURCHASED, phone="13800000001")
    u = world.users["county"]
    parties = [person("applicant", "郑德福", birth=dt.date(1944, 3, 8), seq="011"),
               person("respondent", "郑建军", birth=dt.date(1968, 6, 1), seq="013"),
               person("respondent", "郑建华", "女", dt.date(1971, 9, 9), "024"),
               person("respondent", "郑建民", birth=dt.date(1975, 2, 2), seq="035")]
    fields = sample_case_fields(world, dispute_type=DisputeType.objects.get(code="0101"), region=world.regions["weidong"],
                                facts="申请人年迈多病，三名子女对赡养方式有分歧。", claims="请求三名子女轮流赡养。",
                                amount_at_stake=Decimal("0"), place_detail="东安路12号")
    case = register_case(u, organization=org, parties=parties, **fields)
    case = _mediate(case, u, [med], recorder="李晓燕")
    terms = numbered(["自2027年1月起，郑建军、郑建华、郑建民三人按月轮流接父亲郑德福到各自家中居住，照料其日常起居",
                      "父亲患病住院期间，由当月负责照料的子女陪护，其他两人轮流探望",
                      "三名子女每周至少探望父亲一次，逢年过节共同团聚"])
    return _written(case, u, terms, Decimal("0"), facts="申请人系三名被申请人的父亲，年迈多病，需要子女照料。",
                    issues="赡养方式及照料安排。", responsibilities="三名被申请人均负有赡养义务。",
                    performance_method="按月轮流照料", performance_deadline=timezone.localdate() + dt.timedelta(days=30))


def many_parties(world) -> Case:
    u = world.users["township"]
    parties = [person("applicant", "刘大海"), person("applicant", "刘二海", seq="003"),
               person("respondent", "孙小梅", "女", dt.date(1985, 5, 5), "002"),
               person("respondent", "孙小兰", "女", dt.date(1987, 7, 7), "004"),
               person("respondent", "孙小菊", "女", dt.date(1989, 9, 9), "006"),
               person("agent", "周律师", seq="005", agent_for=0)]
    case = register_case(world.users["city"], organization=world.orgs["v1"], parties=parties,
                                  **sample_case_fields(world))
    m = world.mediators
    transitions.accept(case.pk, u, version=version_of(case.pk))
    transitions.assign(case.pk, u, version=version_of(case.pk), mediators=[m["m1"], m["mt"]])
    transitions.replace_mediator(case.pk, u, version=version_of(case.pk), old=m["mt"], new=m["m1b"], reason="被申请人申请回避")
    transitions.record_session(case.pk, u, version=version_of(case.pk), held_at=earlier_today(hours=2), place="东安社区调解室",
                               participants="全体当事人", content="双方陈述了意见。", recorder="")
    case = Case.objects.get(pk=case.pk)
    return _written(case, u, numbered(["三名被申请人于十日内共同改建排水沟", "三名被申请人共同赔偿两名申请人损失"]),
                    Decimal("6000"))


LONG_ORG_NAME = "平顶山市卫东区道路交通事故损害赔偿纠纷人民调解委员会"


def trade_long_name(world) -> Case:
    org = world.orgs["traffic"]
    org.name = LONG_ORG_NAME
    org.save()
    med = Mediator.objects.create(name="高原", organization=org, full_time=True,
                                  employment=Mediator.Employment.PURCHASED, phone="13800000002")
    u = world.users["county"]
    parties = [person("applicant", "马小军", seq="041"),
               {"role": "respondent", "kind": "org", "name": "平顶山市安顺物流有限公司", "legal_rep": "钱进",
                "address": "卫东区建设路88号"}]
    fields = sample_case_fields(world, dispute_type=DisputeType.objects.filter(name__contains="交通").first(),
                                region=world.regions["weidong"], facts="2026年10月，被申请人的货车与申请人的电动车相撞。",
                                claims="请求赔偿医疗费、误工费及车辆损失。")
    case = register_case(u, organization=org, parties=parties, **fields)
    case = _mediate(case, u, [med], recorder="林芳")
    return _written(case, u, numbered(["被申请人赔偿申请人医疗费、误工费、车辆损失共计人民币28600元",
                                       "申请人放弃其他赔偿请求"]), Decimal("28600"),
                    facts="2026年10月5日，被申请人的驾驶员驾驶货车与申请人驾驶的电动车相撞，申请人受伤。",
                    issues="赔偿数额。", responsibilities="被申请人的驾驶员负事故全部责任。")


def police_oral(world) -> Case:
    org = world.orgs["police"]
    med = Mediator.objects.create(name="韩冰", organization=org, full_time=False,
                                  employment=Mediator.Employment.PURCHASED, phone="13800000003")
    u = world.users["township"]
    parties = [person("applicant", "冯强", seq="051"), person("respondent", "褚亮", seq="053")]
    fields = sample_case_fields(world, region=world.regions["dongan"], facts="双方因停车发生口角并推搡。",
                                claims="请求对方赔礼道歉。", amount_at_stake=Decimal("0"))
    case = register_case(u, organization=org, parties=parties, **fields)
    case = _mediate(case, u, [med], recorder="")
    transitions.succeed(case.pk, u, version=version_of(case.pk), kind="oral", terms="褚亮当面向冯强赔礼道歉，双方握手言和。", amount=0)
    return Case.objects.get(pk=case.pk)


REAL_CASES = {"long_agreement": long_agreement, "county_maintenance": county_maintenance,
              "many_parties": many_parties, "trade_long_name": trade_long_name, "police_oral": police_oral}
