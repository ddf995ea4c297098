"""The linkage API: auth, permissions per client, idempotency, duplicates, field-named errors, rate limit."""
import datetime as dt

import pytest
from django.utils import timezone

from tiaojie.api.models import ApiClient, IdempotencyRecord, hash_token
from tiaojie.cases.models import Case
from tiaojie.routing.models import JudicialConfirmation, Referral
from tiaojie.testing import make_id, version_of

from ..routing.helpers import mediate_to_success


def court_body(ref="（2026）豫0403民诉前调100号", **over):
    body = {
        "external_ref": ref, "dispute_type": "02", "region": "410403001001",
        "arose_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "facts": "原被告系邻居，因院墙排水问题诉至法院。", "claims": "判令被告改建排水沟",
        "people_count": 2, "amount_at_stake": "3000.00", "mode": "delegated",
        "parties": [{"role": "applicant", "name": "刘大海", "id_number": make_id(), "phone": "13912345678"},
                    {"role": "respondent", "name": "孙小梅"}],
    }
    body.update(over)
    return body


def test_schema_and_docs_are_public(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert {"/api/referrals", "/api/referrals/{referral_id}", "/api/judicial-confirmations"} <= set(schema["paths"])
    assert client.get("/api/docs").status_code == 200


def test_token_stored_hashed_and_service_account(tokens):
    c, token = tokens["court"]
    assert c.token_hash == hash_token(token) and token not in (c.token_hash, c.token_prefix)
    assert c.user.organization == c.organization and not c.user.has_usable_password()


@pytest.mark.parametrize("token", [None, "wrong", "tj_" + "x" * 40])
def test_auth_required(api, tokens, token):
    r = api("post", "/api/referrals", token, court_body())
    assert r.status_code == 401 and "令牌" in r.json()["detail"]
    assert not Case.objects.exists()


def test_inactive_client_refused(api, tokens):
    c, token = tokens["court"]
    c.is_active = False
    c.save()
    assert api("get", "/api/referrals?external_ref=x", token).status_code == 401


def test_reissued_token_replaces_old(api, tokens):
    c, old = tokens["court"]
    new = c.issue_token()
    c.save()
    assert api("get", "/api/referrals?external_ref=x", old).status_code == 401
    assert api("get", "/api/referrals?external_ref=x", new).status_code == 200


def test_court_refers_routes_and_reads_outcome(api, tokens, world):
    _, token = tokens["court"]
    r = api("post", "/api/referrals", token, court_body())
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["handling_organization"] == "东安社区人民调解委员会"
    assert "「一般纠纷由发生地村（社区）调委会就地化解」" in data["routing_explanation"]
    assert data["due_on"] == (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    case = Case.objects.get(number=data["case_number"])
    assert case.source == "court" and case.channel == "online"
    assert case.events.get(kind="register").actor_name == "court系统（接口）"
    mediate_to_success(case, world.users["v1"])
    r = api("get", f"/api/referrals/{data['id']}", token)
    assert r.status_code == 200
    out = r.json()["outcome"]
    assert out["outcome"] == "success" and out["agreement"]["terms"] and out["agreement"]["amount"] == "1500.00"
    found = api("get", "/api/referrals?external_ref=（2026）豫0403民诉前调100号", token).json()
    assert [f["id"] for f in found] == [data["id"]]


def test_permissions_per_client(api, tokens):
    _, court = tokens["court"]
    _, police = tokens["police"]
    _, readonly = tokens["readonly"]
    rid = api("post", "/api/referrals", court, court_body()).json()["id"]
    assert api("get", f"/api/referrals/{rid}", police).status_code == 404  # not its referral
    r = api("post", "/api/referrals", readonly, court_body(ref="另一个"))
    assert r.status_code == 403 and "移送案件" in r.json()["detail"]
    assert api("get", f"/api/referrals/{rid}", readonly).status_code == 200  # same court room
    r = api("post", "/api/judicial-confirmations", police, {"case_number": "x", "accepted": True})
    assert r.status_code == 403


def test_idempotent_replay(api, tokens):
    _, token = tokens["court"]
    body = court_body()
    first = api("post", "/api/referrals", token, body, key="req-0001")
    again = api("post", "/api/referrals", token, body, key="req-0001")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Case.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    other = api("post", "/api/referrals", token, court_body(ref="新案号"), key="req-0001")
    assert other.status_code == 409 and other.json()["field"] == "Idempotency-Key"
    assert Case.objects.count() == 1


def test_duplicate_court_reference_answers_existing_case(api, tokens, world):
    _, token = tokens["court"]
    first = api("post", "/api/referrals", token, court_body()).json()
    second = api("post", "/api/referrals", token, court_body(facts="重复提交"))
    assert second.status_code == 200
    assert second.json()["id"] == first["id"] and second.json()["duplicate"] is True
    assert Case.objects.count() == 1
    # another court's system with the same reference is told, not given the case
    other = ApiClient(name="另一法院", kind="court", organization=world.orgs["weidong"], operations="refer,read")
    other.save()
    r = api("post", "/api/referrals", other.clear_token, court_body())
    assert r.status_code == 409 and r.json()["field"] == "external_ref"


@pytest.mark.parametrize(("over", "field"), [
    ({"dispute_type": "88"}, "dispute_type"),
    ({"region": "410403999999"}, "region"),
    ({"external_ref": ""}, "external_ref"),
    ({"facts": ""}, "facts"),
    ({"parties": []}, "parties"),
    ({"people_count": 0}, "people_count"),
    ({"amount_at_stake": "-1"}, "amount_at_stake"),
    ({"arose_on": "2026-02-30"}, "arose_on"),
    ({"arose_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}, "arose_on"),
    ({"mode": "other"}, "mode"),
    ({"parties": [{"name": "刘大海", "id_number": "410403198001010011"}]}, "parties"),
    ({"parties": [{"role": "applicant"}]}, "parties.0.name"),
    ({"facts": "含\u0000空字符"}, "facts"),
])
def test_bad_input_is_400_naming_the_field(api, tokens, over, field):
    _, token = tokens["court"]
    r = api("post", "/api/referrals", token, court_body(**over))
    assert r.status_code == 400, r.content
    data = r.json()
    assert data["field"] == field, data
    assert data["detail"]
    assert not Case.objects.exists()


def test_missing_field_named(api, tokens):
    _, token = tokens["court"]
    body = court_body()
    del body["region"]
    r = api("post", "/api/referrals", token, body)
    assert r.status_code == 400 and r.json()["field"] == "region" and "必填" in r.json()["detail"]


def test_malformed_json_is_400(client, tokens):
    _, token = tokens["court"]
    r = client.post("/api/referrals", data="{not json", content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 400


def test_police_referral_through_api(api, tokens, world):
    _, token = tokens["police"]
    body = court_body(ref="110-20261128-0009", mode=None)
    r = api("post", "/api/referrals", token, body)
    assert r.status_code == 400 and r.json()["field"] == "call_time"
    body.update(call_time=(timezone.now() - dt.timedelta(hours=1)).isoformat(), caller="刘大海", place="东安社区")
    r = api("post", "/api/referrals", token, body)
    assert r.status_code == 201
    ref = Referral.objects.get()
    assert ref.kind == "police" and ref.feedback_due_at - ref.referred_at == dt.timedelta(hours=24)
    assert r.json()["feedback_due_at"]


def test_department_referral_through_api(api, tokens):
    _, token = tokens["hotline"]
    r = api("post", "/api/referrals", token, court_body(ref="12345-77", mode=None, dispute_type="14"))
    assert r.status_code == 201
    assert r.json()["handling_organization"] == "卫东区道路交通事故纠纷人民调解委员会"
    assert Case.objects.get().source == "department"


def test_rate_limit(api, tokens):
    c, token = tokens["court"]
    c.rate_per_minute = 3
    c.save()
    codes = [api("get", "/api/referrals?external_ref=x", token).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = api("get", "/api/referrals?external_ref=x", token)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and "频繁" in r.json()["detail"]
    # another client is not affected
    assert api("get", "/api/referrals?external_ref=x", tokens["police"][1]).status_code == 200


def test_judicial_confirmation_result_through_api(api, tokens, world):
    from tiaojie.routing import services

    _, token = tokens["court"]
    data = api("post", "/api/referrals", token, court_body()).json()
    case = Case.objects.get(number=data["case_number"])
    mediate_to_success(case, world.users["v1"], kind="written")
    r = api("post", "/api/judicial-confirmations", token, {"case_number": case.number, "accepted": True,
                                                           "answered_on": timezone.localdate().isoformat()})
    assert r.status_code == 404 and r.json()["field"] == "case_number"
    services.apply_confirmation(Case.objects.get(pk=case.pk), world.users["v1"], version=version_of(Case.objects.get(pk=case.pk)), applied_on=timezone.localdate(),
                                applicants="刘大海、孙小梅", court_name="卫东区人民法院")
    body = {"case_number": case.number, "accepted": True, "answered_on": timezone.localdate().isoformat(),
            "decision": "confirmed", "decided_on": timezone.localdate().isoformat(), "number": ""}
    r = api("post", "/api/judicial-confirmations", token, body)
    assert r.status_code == 400 and r.json()["field"] == "number"
    body["number"] = "（2026）豫0403民特调确字第5号"
    r = api("post", "/api/judicial-confirmations", token, body, key="jc-1")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert api("post", "/api/judicial-confirmations", token, body, key="jc-1").json() == r.json()
    assert api("post", "/api/judicial-confirmations", token, body).status_code == 409
    assert JudicialConfirmation.objects.get().number.endswith("第5号")
    out = api("get", f"/api/referrals/{data['id']}", token).json()["outcome"]
    assert out["judicial_confirmation"]["number"].endswith("第5号")


def test_confirmation_for_a_case_of_another_court_is_404(api, tokens, world):
    from tiaojie.routing import services

    from ..routing.helpers import register

    case = register(world, "v2", "v2")
    mediate_to_success(case, world.users["v2"], kind="written")
    services.apply_confirmation(Case.objects.get(pk=case.pk), world.users["v2"], version=version_of(Case.objects.get(pk=case.pk)), applied_on=timezone.localdate(),
                                applicants="甲、乙", court_name="宝丰县人民法院")
    r = api("post", "/api/judicial-confirmations", tokens["court"][1],
            {"case_number": case.number, "accepted": True, "answered_on": timezone.localdate().isoformat()})
    assert r.status_code == 404


def test_huge_path_id_is_not_a_server_error(api, tokens):
    r = api("get", "/api/referrals/99999999999999999999999", tokens["court"][1])
    assert r.status_code == 400
