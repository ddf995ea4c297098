"""The linkage pages: proposal partial, referral form, transfer, accept/return, confirmation."""
import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tiaojie.cases.models import Case, DisputeType
from tiaojie.routing.models import JudicialConfirmation, Referral, Transfer
from tiaojie.testing import version_of

from .helpers import court_referral, mediate_to_success, register


def test_pages_render_for_every_role(world, login):
    r = court_referral(world)
    for key in ("city", "county", "township", "v1", "court", "police"):
        client = login(world.users[key])
        for name in ("index", "referrals", "transfers", "confirmations"):
            assert client.get(reverse(f"routing:{name}")).status_code == 200, (key, name)
    client = login(world.users["court"])
    html = client.get(reverse("routing:referral", args=[r.pk])).content.decode()
    assert r.case.number in html and "东安社区人民调解委员会" in html


def test_proposal_partial(world, login):
    client = login(world.users["township"])
    dt_ = DisputeType.objects.get(code="14")
    r = client.get(reverse("routing:propose"), {"dispute_type": dt_.pk, "region": "410403001001",
                                                "people_count": "3", "amount_at_stake": "abc"})
    html = r.content.decode()
    assert r.status_code == 200 and "卫东区道路交通事故纠纷人民调解委员会" in html and "道路交通事故纠纷由交通事故调委会承办" in html
    assert 'id="use-proposal"' not in html and "不在本单位管辖范围" in html  # the trade committee is the county's
    r = login(world.users["county"]).get(reverse("routing:propose"), {"dispute_type": dt_.pk, "region": "410403001001"})
    assert 'id="use-proposal"' in r.content.decode()
    r = client.get(reverse("routing:propose"), {"dispute_type": "x", "region": "999"})
    assert "选择纠纷类型和纠纷发生地后显示分流建议" in r.content.decode()


def test_court_liaison_refers_through_the_page(world, login):
    client = login(world.users["court"])
    url = reverse("routing:referral_new", args=["court"])
    assert client.get(url).status_code == 200
    data = {"referrer_name": "卫东区人民法院", "external_ref": "（2026）豫0403民诉前调7号", "mode": "delegated",
            "dispute_type": DisputeType.objects.get(code="02").pk, "region": "410403001002",
            "arose_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(), "people_count": "2",
            "amount_at_stake": "500", "facts": "邻里因停车位发生争执。", "applicant_name": "周某", "respondent_name": "吴某"}
    r = client.post(url, data)
    referral = Referral.objects.get()
    assert r.status_code == 302 and r.url == reverse("routing:referral", args=[referral.pk])
    assert referral.case.organization == world.orgs["v2"]
    r = client.post(url, data)  # the same court reference again: back to the existing one
    assert r.status_code == 302 and Referral.objects.count() == 1
    r = client.post(url, {**data, "external_ref": "", "region": "999"})
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert "external_ref" in errors and "region" in errors


def test_police_form_fields_and_errors(world, login):
    client = login(world.users["police"])
    url = reverse("routing:referral_new", args=["police"])
    html = client.get(url).content.decode()
    assert 'name="call_time"' in html and 'name="mode"' not in html
    r = client.post(url, {"referrer_name": "东安路派出所", "dispute_type": DisputeType.objects.get(code="02").pk,
                          "region": "410403001001", "arose_on": timezone.localdate().isoformat(),
                          "people_count": "2", "facts": "x", "applicant_name": "甲"})
    assert r.status_code == 200 and "请填写接警时间" in r.content.decode()
    assert client.get(reverse("routing:referral_new", args=["court"])).status_code == 403


def test_transfer_pages(world, login):
    case = register(world, "v1", "v1")
    client = login(world.users["v1"])
    url = reverse("routing:transfer_new", args=[case.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"to_org": world.orgs["v3"].pk, "reason": "x", "version": case.version})
    assert r.status_code == 200 and "to_org" in r.context["form"].errors
    r = client.post(url, {"to_org": world.orgs["dongan"].pk, "reason": "村调未成", "version": case.version})
    assert r.status_code == 302
    t = Transfer.objects.get()
    # the sender still sees the case page; the receiver gets the buttons
    html = client.get(reverse("routing:case", args=[case.pk])).content.decode()
    assert "东安路街道人民调解委员会" in html and "btn-transfer-accept" not in html
    tclient = login(world.users["township"])
    html = tclient.get(reverse("routing:case_panel", args=[case.pk])).content.decode()
    assert "btn-transfer-accept" in html
    r = tclient.post(reverse("routing:transfer_return", args=[t.pk]), {"reason": "", "version": version_of(case)})
    assert r.status_code == 200 and r.context["form"].errors
    r = tclient.post(reverse("routing:transfer_return", args=[t.pk]), {"reason": "应由社区先行调解",
                                                                         "version": version_of(case)})
    assert r.status_code == 302
    assert Case.objects.get(pk=case.pk).organization == world.orgs["v1"]


def test_accept_page(world, login):
    case = register(world, "v1", "v1")
    from tiaojie.routing import services

    t = services.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["dongan"], reason="x")
    client = login(world.users["township"])
    r = client.post(reverse("routing:transfer_accept", args=[t.pk]))  # a form without the version is refused
    assert Transfer.objects.get().status == "pending"
    r = client.post(reverse("routing:transfer_accept", args=[t.pk]), {"version": version_of(case)})
    assert r.status_code == 302
    assert Transfer.objects.get().status == "accepted"


def test_out_of_scope_case_is_404(world, login):
    case = register(world, "v1", "v1")
    client = login(world.users["v3"])
    assert client.get(reverse("routing:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("routing:case_panel", args=[case.pk])).status_code == 404
    assert client.get(reverse("routing:transfer_new", args=[case.pk])).status_code == 404


def test_confirmation_pages(world, login):
    case = register(world, "v1", "v1")
    mediate_to_success(case, world.users["v1"], kind="written", effective_on=timezone.localdate() - dt.timedelta(days=28))
    client = login(world.users["v1"])
    html = client.get(reverse("routing:case_panel", args=[case.pk])).content.decode()
    assert "还剩2天" in html and "btn-jc-apply" in html
    url = reverse("routing:confirmation_apply", args=[case.pk])
    case.refresh_from_db()
    r = client.post(url, {"applied_on": timezone.localdate().isoformat(), "applicants": "刘大海、孙小梅",
                          "court_name": "卫东区人民法院", "court_org": world.orgs["court"].pk, "version": case.version})
    assert r.status_code == 302
    jc = JudicialConfirmation.objects.get()
    cclient = login(world.users["court"])
    r = cclient.post(reverse("routing:confirmation_result", args=[jc.pk]),
                     {"accepted": "1", "answered_on": timezone.localdate().isoformat(), "decision": "confirmed",
                      "decided_on": timezone.localdate().isoformat(), "number": "（2026）豫0403民特调确字第3号",
                      "version": version_of(case)})
    assert r.status_code == 302
    assert JudicialConfirmation.objects.get().status == "confirmed"


def test_family_case_panel_says_why_not(world, login, trades):
    from tiaojie.testing import register_case, sample_case_fields, sample_parties

    case = register_case(world.users["city"], organization=world.orgs["v1"], parties=sample_parties(),
                                       **sample_case_fields(world, arose_on=timezone.localdate(),
                                                            dispute_type=DisputeType.objects.get(code="0104")))
    mediate_to_success(case, world.users["v1"], kind="written")
    html = login(world.users["v1"]).get(reverse("routing:case_panel", args=[case.pk])).content.decode()
    assert "婚姻、收养、身份关系" in html and "btn-jc-apply" not in html
