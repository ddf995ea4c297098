"""The scope matrix, generated from the URLconf: every page that takes a record's id, for every
kind of user, against records inside and outside their scope, and through a link.

Every URL pattern with an integer id must be listed in ``PAGES`` (which record it takes, and
whether it only shows or also writes); a new page that is not listed fails
``test_every_id_page_is_in_the_matrix``, so no page can escape the scope rule unseen.

Users: the handling committee (v1) and its township own the records; another village (v2), the
other county (county2) and the police room see nothing of them (404, the record's existence is
not revealed); the court room that referred the case sees it read-only: showing pages answer,
writing pages refuse (403).
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tiaojie.cases import transitions
from tiaojie.cases.models import DisputeType
from tiaojie.orgs.models import Training, TrainingAttendance
from tiaojie.routing import services as routing
from tiaojie.screening import services as screening
from tiaojie.testing import effects, provide_identity_proofs, sample_parties, version_of
from tiaojie.warnings import services as warnings_services

READ, WRITE = "read", "write"

# url name: (record key, read or write, extra kwargs; "@key" is the id of another record)
PAGES = {
    "cases:detail": ("case", READ, {}),
    "cases:unmask": ("case", WRITE, {"party_pk": "@party"}),
    "cases:act": ("case", WRITE, {"name": "record_session"}),
    "cases:correct": ("case", WRITE, {}),
    "warnings:case_risk": ("case", WRITE, {}),
    "warnings:escalate": ("case", WRITE, {}),
    "warnings:case_prevention": ("case", WRITE, {}),
    "warnings:detail": ("warning", READ, {}),
    "warnings:escalation": ("escalation", READ, {}),
    "routing:case": ("case", READ, {}),
    "routing:case_panel": ("case", READ, {}),
    "routing:transfer_new": ("case", WRITE, {}),
    "routing:confirmation_apply": ("case", WRITE, {}),
    "routing:transfer_accept": ("transfer", WRITE, {}),
    "routing:transfer_return": ("transfer", WRITE, {}),
    "routing:referral": ("referral", READ, {}),
    "routing:referral_feedback": ("referral", WRITE, {}),
    "routing:referral_revisit": ("referral", WRITE, {}),
    "routing:confirmation_result": ("confirmation", WRITE, {}),
    "documents:case_documents": ("case", READ, {}),
    "public:sign_ready": ("case", WRITE, {}),
    "public:schedule": ("case", WRITE, {}),
    "documents:document": ("case", READ, {"code": "registration", "fmt": "docx"}),
    "documents:document_item": ("case", READ, {"code": "session", "item": "@session", "fmt": "docx"}),
    "documents:casefile": ("case", READ, {}),
    "documents:upload": ("case", WRITE, {}),
    "documents:attachment": ("attachment", READ, {}),
    "documents:void": ("attachment", WRITE, {}),
    "documents:batch_status": ("batch", READ, {}),
    "documents:batch_download": ("batch", READ, {}),
    "screening:round": ("round", READ, {}),
    "screening:add_finding": ("round", WRITE, {}),
    "screening:hazard": ("hazard", READ, {}),
    "orgs:detail": ("org", READ, {}),
    "orgs:mediator_detail": ("mediator", READ, {}),
    "orgs:training": ("training", READ, {}),
    "orgs:training_edit": ("training", WRITE, {}),
    "orgs:training_void": ("training", WRITE, {}),
    "orgs:training_remove_attendee": ("training", WRITE, {"attendance_pk": "@attendance"}),
    "funding:run": ("run", READ, {}),
    "funding:run_approve": ("run", WRITE, {}),
    "funding:run_recompute": ("run", WRITE, {}),
    "funding:run_discard": ("run", WRITE, {}),
    "funding:run_export": ("run", READ, {}),
    "portal:nominate": ("case", WRITE, {}),
    "portal:detail": ("typical", READ, {}),
    "portal:edit": ("typical", WRITE, {}),
    "portal:approve": ("typical", WRITE, {}),
    "portal:return": ("typical", WRITE, {}),
}
# Not in the matrix, with the reason: the API answers with its own token and scope
# (tests/api), and Django admin is for superusers only (tests/core/test_admin_read_only.py).
EXEMPT_NAMESPACES = {"api", "admin"}
# Pages of a record that belongs to one user, not to an organization: only its owner sees it.
OWN_RECORDS = {"orgs:import_job": "an import's progress and report: only who started it (tests/orgs/test_import_views.py)"}
# Public pages: what they show is public by design, for everyone (tests/portal/test_public.py: only
# published typical cases answer, drafts, pending and returned ones are 404 like a missing id).
PUBLIC = {"gk:case": "a published typical case (anonymised)"}


def _id_patterns():
    """(namespaced name, route) of every URL pattern that takes an integer (or id) argument."""
    out = []

    def walk(patterns, prefix, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<int:" in route or "_id>" in route or "<path:object_id>" in route:
                    out.append((f"{ns}:{p.name}", route))
    walk(get_resolver().url_patterns, "", "")
    return out


def test_every_id_page_is_in_the_matrix():
    missing = [(name, route) for name, route in _id_patterns()
               if name.split(":")[0] not in EXEMPT_NAMESPACES and name not in PAGES and name not in OWN_RECORDS
               and name not in PUBLIC]
    assert missing == [], f"pages that take an id must be listed in PAGES (scope matrix): {missing}"


@pytest.fixture
def records(world):
    """One record of every kind, owned by 东安社区 (v1) or its county; the case was referred by
    the court room (linked, read-only)."""
    from tiaojie.documents.batch import request_batch
    from tiaojie.funding.services import compute

    u = world.users["v1"]
    fields = dict(dispute_type=DisputeType.objects.get(code="02"), region=world.regions["v1"],
                  arose_on=timezone.localdate() - dt.timedelta(days=5), people_count=2, amount_at_stake=3000,
                  facts="原被告系邻居，因排水问题诉至法院，被告扬言要堵路。", claims="改建排水沟。")
    with effects():
        referral = routing.refer_case(world.users["court"], kind="court", referrer_name="卫东区人民法院",
                                      external_ref="（2026）豫0403民诉前调9号", parties=sample_parties(), **fields)
    case = referral.case
    assert case.organization == world.orgs["v1"]
    with effects():
        transitions.accept(case, u, version=version_of(case))
        transitions.assign(case, u, version=version_of(case), mediators=[world.mediators["m1"]])
        session = transitions.record_session(case, u, version=version_of(case), held_at=timezone.now(),
                                             place="调解室", participants="双方", content="双方陈述。")
    escalation = warnings_services.escalate_case(case, u, version=version_of(case), target="county_center",
                                                 reason="涉及堵路", leader="张主任",
                                                 deadline=timezone.localdate() + dt.timedelta(days=10))
    provide_identity_proofs(case, u)
    attachment = case.attachments.first()
    # a second case, succeeded with a written agreement and a 司法确认 application naming the court
    from tests.routing.helpers import mediate_to_success, register

    other = register(world, "v1", "v1")
    mediate_to_success(other, u, kind="written")
    confirmation = routing.apply_confirmation(other, u, version=version_of(other), applied_on=timezone.localdate(),
                                              applicants="刘大海、孙小梅", court_name="卫东区人民法院",
                                              court_org=world.orgs["court"])
    # a third, transferred from the township to v1 and waiting to be accepted
    third = register(world, "dongan", "township")
    transfer = routing.transfer_out(third, world.users["township"], version=version_of(third),
                                    to_org=world.orgs["v1"], reason="由社区就地化解")
    from tiaojie.screening.periods import Cadence, period_containing

    p = period_containing(Cadence.WEEK, timezone.localdate())
    rnd = screening.file_round(u, world.orgs["v1"], period_key=p.key, screened_from=p.start,
                               screened_to=timezone.localdate(), screeners="王秀兰", places="东安社区",
                               findings=[{"facts": "两户因通道扬言要打架", "disposition": "hazard",
                                          "dispute_type": DisputeType.objects.get(code="02"),
                                          "parties_desc": "张家、李家", "region": world.regions["v1"],
                                          "responsible_person": "王秀兰", "emergency_plan": "专人盯守",
                                          "review_on": timezone.localdate() + dt.timedelta(days=3)}])
    hazard = rnd.findings.get().hazard
    from tiaojie.warnings.models import Warning

    warning = Warning.objects.filter(assessment__hazard=hazard).first()
    assert warning is not None
    training = Training.objects.create(kind="annual", topic="调解技巧", organizer=world.orgs["dongan"],
                                       start_on=timezone.localdate(), end_on=timezone.localdate(),
                                       days=Decimal("1"), hours=Decimal("6"))
    attendance = TrainingAttendance.objects.create(training=training, mediator=world.mediators["m1"], days=1)
    run = compute(world.users["county"], world.orgs["weidong"], timezone.localdate().year, timezone.localdate().month)
    batch = request_batch(u, organization=world.orgs["v1"], month=timezone.localdate().replace(day=1))
    from tiaojie.documents.batch import run_job

    run_job(batch.pk)  # what the worker does
    batch.refresh_from_db()
    from tiaojie.portal.services import nominate

    typical = nominate(u, other)
    return {
        "case": case, "party": case.parties.first(), "session": session, "escalation": escalation,
        "attachment": attachment, "confirmation": confirmation, "transfer": transfer, "referral": referral,
        "round": rnd, "hazard": hazard, "warning": warning, "training": training, "attendance": attendance,
        "run": run, "batch": batch, "org": world.orgs["v1"], "mediator": world.mediators["m1"],
        "typical": typical,
    }


class _Missing:
    pk = 987654


def _url(name, records):
    key, _kind, extra = PAGES[name]
    kwargs = {"pk": records[key].pk}
    for k, v in extra.items():
        kwargs[k] = records[v[1:]].pk if v.startswith("@") else v
    return reverse(name, kwargs=kwargs)


OWNERS = ("v1", "township", "city")
# records organized above the village: the township or the county owns them
OWNERS_OF = {"training": ("township", "county", "city"), "run": ("county", "city")}
OUTSIDERS = ("v2", "county2", "police")
# records the court room sees through a link (the referral, the 司法确认 naming it)
COURT_LINKED = {"case", "referral", "confirmation", "session", "attachment", "escalation", "typical"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_outsiders_get_404_everywhere(client, world, records, name):
    url = _url(name, records)
    missing = _url(name, {**records, PAGES[name][0]: _Missing()})
    for key in OUTSIDERS:
        client.force_login(world.users[key])
        got, posted = client.get(url).status_code, client.post(url, {}).status_code
        # Never the record; and the same answer as for an id that does not exist (a role refusal,
        # 403, or a wrong method, 405, says nothing about the record either)
        assert got not in (200, 302) and posted not in (200, 302), (key, name, got, posted)
        assert (got, posted) == (client.get(missing).status_code, client.post(missing, {}).status_code), \
            (key, name, got, posted)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_owners_reach_every_page(client, world, records, name):
    url = _url(name, records)
    for key in OWNERS_OF.get(PAGES[name][0], OWNERS):
        client.force_login(world.users[key])
        status = client.get(url).status_code
        # 403: the role may not (a mediator on funding or training pages); 405: POST-only
        assert status in (200, 302, 403, 405, 409), (key, name, status)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_referring_court_sees_but_never_writes(client, world, records, name):
    key, kind, _extra = PAGES[name]
    url = _url(name, records)
    client.force_login(world.users["court"])
    status = client.get(url).status_code
    if key not in COURT_LINKED:
        missing = _url(name, {**records, key: _Missing()})
        assert status not in (200, 302) and status == client.get(missing).status_code, (name, status)
    elif kind == READ:
        assert status == 200, (name, status)
    elif name != "routing:confirmation_result":  # the court liaison records the court's answer
        assert status in (403, 405), (name, status)
        post = client.post(url, {"version": version_of(records["case"])})
        assert post.status_code in (403, 405), (name, post.status_code)


def test_the_sending_committee_sees_a_transferred_case_read_only(client, world, records):
    """Linked visibility decided once: after a transfer, the sender sees every page of the case
    (the same rule for the case page and the linkage page) and can act on none."""
    case = records["transfer"].case
    client.force_login(world.users["township"])
    routing.accept_transfer(records["transfer"], world.users["v1"], version=version_of(case))
    # the township is above v1 anyway; use a sibling sender: v1 hands the case across to v2
    routing.transfer_out(case, world.users["v1"], version=version_of(case), to_org=world.orgs["v2"], reason="按地域")
    client.force_login(world.users["v1"])
    for name in ("cases:detail", "routing:case", "documents:case_documents"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 200, name
    for name in ("cases:correct", "routing:transfer_new", "warnings:escalate"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 403, name
    r = client.post(reverse("cases:act", args=[case.pk, "accept"]), {"version": version_of(case)})
    assert r.status_code == 403
    upload = SimpleUploadedFile("x.png", b"\x89PNG", content_type="image/png")
    assert client.post(reverse("documents:upload", args=[case.pk]), {"file": upload, "kind": "evidence",
                                                                      "version": version_of(case)}).status_code == 403
