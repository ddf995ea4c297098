from tiaojie.cases import transitions
from tiaojie.cases.models import Status
from tiaojie.testing import register_case, sample_case_fields, sample_parties


def test_register_and_accept(world):
    u = world.users["v1"]
    case = register_case(u, organization=world.orgs["v1"], parties=sample_parties(),
                                  **sample_case_fields(world))
    assert case.number == "（2026）东安社区调字第0001号" or case.number.endswith("调字第0001号")
    case = transitions.accept(case, u, version=case.version)
    assert case.status == Status.ACCEPTED
    assert case.events.count() == 3  # 登记, 分流, 受理
