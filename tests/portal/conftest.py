import pytest

from tests.routing.helpers import mediate_to_success, register
from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.cases.models import Party as PartyModel
from tiaojie.portal import services
from tiaojie.testing import version_of


def texts(t, **over):
    data = dict(title=t.title, dispute_type=t.dispute_type, facts=t.facts, process=t.process, outcome=t.outcome,
                comment=t.comment, amount=t.amount)
    data.update(over)
    return data


@pytest.fixture
def closed_case(world):
    """A case of 东安社区 (v1) mediated to success with a written agreement and followed up, whose
    texts name the parties, their phones, ID numbers and addresses."""
    u = world.users["v1"]
    case = register(world, "v1", "v1", facts="刘大海（电话13912345678）与孙小梅系邻居，住东安社区3号院，孙小梅家"
                                            "排水沟堵塞致刘大海家院墙受损。刘大海要求赔偿3000元。")
    p = PartyModel.objects.filter(case=case, name="刘大海").get()
    mediate_to_success(case, u, kind="written", terms="孙小梅于十日内赔偿刘大海1500元，刘大海身份证号"
                       + p.id_number + "，孙小梅电话13987654321。", amount=1500)
    case = Case.objects.get(pk=case.pk)
    transitions.follow_up(case, u, version=version_of(case), visited_on=case.closed_on, visitor="王秀兰",
                          performance="full", satisfaction="satisfied")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def nominated(world, closed_case):
    return services.nominate(world.users["v1"], closed_case)


@pytest.fixture
def published(world, nominated):
    t = services.save(world.users["v1"], nominated, version=nominated.version, submit=True,
                      **texts(nominated, title="邻里排水纠纷调解案"))
    return services.approve(world.users["city"], t, version=t.version)
