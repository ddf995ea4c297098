"""The risk engine reads the text signals: at registration, and again when the facts, session
records or investigation records change."""
import pytest
from django.utils import timezone

from tiaojie.testing import effects, register_case, sample_case_fields, sample_parties

pytestmark = pytest.mark.django_db


def test_registration_with_a_fight_and_a_police_report(world):
    u = world.users["v1"]
    facts = "申请人与被申请人系邻居，因排水沟堵塞发生争执，被申请人将申请人打伤，申请人当即报警，派出所出警。"
    with effects():
        case = register_case(u, organization=world.orgs["v1"], parties=sample_parties(),
                             **sample_case_fields(world, facts=facts))
    case.refresh_from_db()
    assert case.risk.level == "orange"
    text = case.risk.explanation
    assert "纠纷简要情况中出现“" in text and "打伤" in text and "报警" in text
    assert text.count("定为") <= 1
    codes = {f["code"] for f in case.risk.factors}
    assert {"text-violence", "text-police"} <= codes
    record = case.intake
    assert record.analysis["risk"]["level"] == "orange"
    assert record.analysis["types"] and record.suggested_type


def test_negated_facts_raise_nothing(world):
    u = world.users["v1"]
    with effects():
        case = register_case(u, organization=world.orgs["v1"], parties=sample_parties(),
                             **sample_case_fields(world, facts="双方因院墙排水发生争执，但未动手，也没有报警。"))
    case.refresh_from_db()
    assert case.risk.level == "none"


def test_reassessed_when_records_and_facts_change(world):
    from tiaojie.cases import transitions as tr

    u = world.users["v1"]
    with effects():
        case = register_case(u, organization=world.orgs["v1"], parties=sample_parties(), **sample_case_fields(world))
    case.refresh_from_db()
    assert case.risk.level == "none"
    with effects():
        case = tr.accept(case, u, version=case.version)
        case = tr.assign(case, u, version=case.version, mediators=[world.mediators["m1"]])
        tr.record_session(case, u, version=case.version, held_at=timezone.now(), place="调解室", participants="双方",
                          content="调解中双方情绪激动，被申请人当场将申请人推倒在地。")
    case.refresh_from_db()
    assert case.risk.level == "orange"
    assert "调解记录中出现“" in case.risk.explanation and "推倒" in case.risk.explanation
