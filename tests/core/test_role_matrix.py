"""The role × action matrix over every service that writes (issue 10): each write checks the role
itself, so no view can forget. For every action of ``core.permissions.ACTIONS`` and every role,
a user of that role whose scope holds the record (bound to the city bureau) calls the service:
the roles of the table succeed, every other role is refused with a Chinese 403, and a refusal
changes nothing. Each call runs in a savepoint that is rolled back, so all start from the same
records.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tests.routing.helpers import mediate_to_success, register
from tiaojie.accounts.models import User
from tiaojie.cases import intake, transitions
from tiaojie.cases.models import Case, DisputeType
from tiaojie.core.errors import DomainError
from tiaojie.core.permissions import ACTIONS, Role, roles_for
from tiaojie.documents import batch as batchmod
from tiaojie.documents import services as documents
from tiaojie.funding import services as funding
from tiaojie.orgs import services as orgs
from tiaojie.orgs.models import Training
from tiaojie.portal import services as portal
from tiaojie.routing import services as routing
from tiaojie.screening import services as screening
from tiaojie.screening.periods import Cadence, period_containing
from tiaojie.stats import services as stats
from tiaojie.stats.figures import Period
from tiaojie.testing import provide_identity_proofs, sample_case_fields, sample_parties, version_of
from tiaojie.warnings import services as warnings

TODAY = timezone.localdate


class _Rollback(Exception):
    pass


def attempt(fn):
    """Run ``fn`` in a savepoint that is always rolled back; return the exception or None."""
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        return None
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        return exc


def png(name="x.png"):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def V(obj):
    return version_of(obj)


@pytest.fixture
def r(world):
    """Records in every state the writes start from (all in 东安社区, v1)."""
    u = world.users["v1"]
    m = world.mediators

    def case_at(status):
        c = register(world, "v1", "v1")
        if status == "registered":
            return c
        transitions.accept(c, u, version=V(c))
        if status == "accepted":
            return Case.objects.get(pk=c.pk)
        transitions.assign(c, u, version=V(c), mediators=[m["m1"]])
        if status == "mediating":
            return Case.objects.get(pk=c.pk)
        transitions.record_session(c, u, version=V(c), held_at=timezone.now(), place="调解室", participants="双方",
                                   content="陈述")
        if status == "session":
            return Case.objects.get(pk=c.pk)
        if status == "failed":
            transitions.fail(c, u, version=V(c), reason="分歧大", routes_informed=True)
            return Case.objects.get(pk=c.pk)
        transitions.succeed(c, u, version=V(c), kind="oral", terms="口头约定")
        if status == "succeeded":
            return Case.objects.get(pk=c.pk)
        transitions.follow_up(c, u, version=V(c), visited_on=TODAY(), visitor="王", performance="full",
                              satisfaction="satisfied")
        provide_identity_proofs(c, u)
        return Case.objects.get(pk=c.pk)

    out = {s: case_at(s) for s in ("registered", "accepted", "mediating", "session", "succeeded", "followed_up",
                                   "failed")}
    written = register(world, "v1", "v1")
    mediate_to_success(written, u, kind="written")
    out["written"] = Case.objects.get(pk=written.pk)
    jc_case = register(world, "v1", "v1")
    mediate_to_success(jc_case, u, kind="written")
    out["jc"] = routing.apply_confirmation(jc_case, u, version=V(jc_case), applied_on=TODAY(), applicants="双方",
                                           court_name="卫东区人民法院", court_org=world.orgs["court"])
    moving = register(world, "v1", "v1")
    out["transfer"] = routing.transfer_out(moving, u, version=V(moving), to_org=world.orgs["dongan"], reason="上交")
    fields = dict(dispute_type=DisputeType.objects.get(code="02"), region=world.regions["v1"],
                  arose_on=TODAY() - dt.timedelta(days=2), facts="邻里排水纠纷。", people_count=2, amount_at_stake=0)
    out["referral"] = routing.refer_case(world.users["police"], kind="police", referrer_name="东安路派出所",
                                         parties=sample_parties(), call_time=timezone.now(), caller="刘大海",
                                         place="东安社区", **fields)
    pc = out["referral"].case
    room = world.users["township"]  # the 警民联调室 keeps a police referral (routing rule police-room)
    transitions.accept(pc, room, version=V(pc))
    transitions.terminate(pc, room, version=V(pc), reason="一方拒绝", routes_informed=True)
    out["escalation"] = warnings.escalate_case(out["mediating"], u, version=V(out["mediating"]),
                                               target="county_center", reason="群体", leader="张主任",
                                               deadline=TODAY() + dt.timedelta(days=5))
    p = period_containing(Cadence.WEEK, TODAY())
    out["round"] = screening.file_round(
        u, world.orgs["v1"], period_key=p.key, screened_from=p.start, screened_to=TODAY(), screeners="王",
        places="社区", findings=[{"facts": "两户因通道扬言要打架", "disposition": "hazard",
                                "dispute_type": DisputeType.objects.get(code="02"), "parties_desc": "张家、李家",
                                "region": world.regions["v1"], "responsible_person": "王",
                                "emergency_plan": "专人盯守", "review_on": TODAY() + dt.timedelta(days=3)}])
    out["hazard"] = out["round"].findings.get().hazard
    out["warning"] = out["hazard"].risk.warnings.first()
    out["attachment"] = out["followed_up"].attachments.first()
    out["training"] = Training.objects.create(kind="annual", topic="调解技巧", organizer=world.orgs["dongan"],
                                              start_on=TODAY(), end_on=TODAY(), days=Decimal(1), hours=Decimal(6))
    out["run"] = funding.compute(world.users["county"], world.orgs["weidong"], TODAY().year, TODAY().month)
    out["typical_draft"] = portal.nominate(u, out["written"])
    nominated = register(world, "v1", "v1")
    mediate_to_success(nominated, u)
    t = portal.nominate(u, nominated)
    out["typical_pending"] = portal.save(u, t, version=t.version, submit=True, **typical_texts(t))
    return out


def typical_texts(t):
    return dict(title=t.title, dispute_type=t.dispute_type, facts=t.facts, process=t.process, outcome=t.outcome,
                comment=t.comment, amount=t.amount)


def calls(world, r):
    """action → what a user does for it (every write service, one call each)."""
    w = world
    m = w.mediators
    fields = sample_case_fields(w)
    refer = dict(referrer_name="某单位", parties=sample_parties(), dispute_type=fields["dispute_type"],
                 region=fields["region"], arose_on=fields["arose_on"], facts="邻里纠纷。")
    hazard_fields = dict(facts="扬言堵路", dispute_type=fields["dispute_type"], parties_desc="两户",
                         region=fields["region"], responsible_person="王", emergency_plan="盯守",
                         review_on=TODAY() + dt.timedelta(days=3))
    c = r
    return {
        "case.register": lambda u: intake.register(u, intake.Application(
            via="desk", organization=w.orgs["v1"], routing_reason="测试", parties=sample_parties(), **fields)),
        "case.accept": lambda u: transitions.accept(c["registered"], u, version=V(c["registered"])),
        "case.reject": lambda u: transitions.reject(c["registered"], u, version=V(c["registered"]), reason="不属民间纠纷"),
        "case.assign": lambda u: transitions.assign(c["accepted"], u, version=V(c["accepted"]), mediators=[m["m1"]]),
        "case.replace_mediator": lambda u: transitions.replace_mediator(
            c["mediating"], u, version=V(c["mediating"]), old=m["m1"], new=m["m1b"], reason="回避"),
        "case.record_session": lambda u: transitions.record_session(
            c["mediating"], u, version=V(c["mediating"]), held_at=timezone.now(), place="室", participants="双方",
            content="陈述"),
        "case.record_investigation": lambda u: transitions.record_investigation(
            c["mediating"], u, version=V(c["mediating"]), held_at=timezone.now(), place="现场", subject="刘",
            investigators="王", content="查看"),
        "case.extend": lambda u: transitions.extend(c["mediating"], u, version=V(c["mediating"]), days=10,
                                                    reason="鉴定"),
        "case.succeed": lambda u: transitions.succeed(c["session"], u, version=V(c["session"]), kind="oral",
                                                      terms="口头约定"),
        "case.fail": lambda u: transitions.fail(c["mediating"], u, version=V(c["mediating"]), reason="分歧",
                                                routes_informed=True),
        "case.terminate": lambda u: transitions.terminate(c["mediating"], u, version=V(c["mediating"]),
                                                          reason="申请终止", routes_informed=True),
        "case.follow_up": lambda u: transitions.follow_up(c["succeeded"], u, version=V(c["succeeded"]),
                                                          visited_on=TODAY(), visitor="王", performance="full",
                                                          satisfaction="satisfied"),
        "case.archive": lambda u: transitions.archive(c["followed_up"], u, version=V(c["followed_up"])),
        "case.archive_forced": lambda u: transitions.archive(c["failed"], u, version=V(c["failed"]),
                                                             force_reason="当事人拒绝提供身份证明"),
        "case.correct": lambda u: transitions.correct_record(c["registered"], u, version=V(c["registered"]),
                                                             reason="录入错误", fields={"people_count": 3}),
        "case.transfer_out": lambda u: routing.transfer_out(c["registered"], u, version=V(c["registered"]),
                                                            to_org=w.orgs["v2"], reason="按地域"),
        "case.transfer_accept": lambda u: routing.accept_transfer(c["transfer"], u, version=V(c["transfer"])),
        "case.transfer_return": lambda u: routing.return_transfer(c["transfer"], u, version=V(c["transfer"]),
                                                                  reason="不属本单位"),
        "referral.court": lambda u: routing.refer_case(u, kind="court", external_ref="（2026）豫民诉前1号",
                                                       organization=w.orgs["court"], **refer),
        "referral.police": lambda u: routing.refer_case(u, kind="police", call_time=timezone.now(), caller="刘",
                                                        place="某地", organization=w.orgs["police"], **refer),
        "referral.petition": lambda u: routing.refer_case(u, kind="petition", organization=w.orgs["weidong"], **refer),
        "referral.department": lambda u: routing.refer_case(u, kind="department", organization=w.orgs["weidong"],
                                                            **refer),
        "case.referral_feedback": lambda u: routing.record_feedback(c["referral"], u, version=V(c["referral"]),
                                                                    text="已联系双方"),
        "case.referral_revisit": lambda u: routing.record_revisit(c["referral"], u, version=V(c["referral"]),
                                                                  visited_on=TODAY(), visitor="王", notes="无冲突"),
        "case.jc_apply": lambda u: routing.apply_confirmation(c["written"], u, version=V(c["written"]),
                                                              applied_on=TODAY(), applicants="双方",
                                                              court_name="卫东区人民法院"),
        "case.jc_result": lambda u: routing.record_court_result(c["jc"], u, version=V(c["jc"]), accepted=True,
                                                                answered_on=TODAY()),
        "case.risk_level": lambda u: warnings.set_case_level(c["registered"], u, version=V(c["registered"]),
                                                             level="red", reason="扬言报复"),
        "case.risk_inputs": lambda u: warnings.set_case_inputs(c["registered"], u, version=V(c["registered"]),
                                                               police_calls=2),
        "case.escalate": lambda u: warnings.escalate_case(c["accepted"], u, version=V(c["accepted"]),
                                                          target="county_center", reason="群体", leader="张",
                                                          deadline=TODAY() + dt.timedelta(days=5)),
        "case.escalation_note": lambda u: warnings.add_escalation_note(c["escalation"], u,
                                                                       version=V(c["escalation"]), text="已约谈"),
        "case.escalation_close": lambda u: warnings.add_escalation_note(c["escalation"], u,
                                                                        version=V(c["escalation"]), text="化解",
                                                                        close=True),
        "case.prevention": lambda u: warnings.record_prevention(c["failed"], u, version=V(c["failed"]),
                                                                values={"criminal": True, "criminal_persons": 2}),
        "warning.handle": lambda u: warnings.acknowledge(c["warning"], u),
        "screening.file": lambda u: screening.file_round(
            u, w.orgs["v2"], period_key=period_containing(Cadence.WEEK, TODAY()).key,
            screened_from=period_containing(Cadence.WEEK, TODAY()).start, screened_to=TODAY(), screeners="李",
            places="光华社区", zero_report=True),
        "screening.amend": lambda u: screening.amend_round(u, c["round"], version=c["round"].version,
                                                           screeners="王、李", places="社区"),
        "screening.remind": lambda u: screening.remind_missing(u, w.orgs["city"]),
        "hazard.create": lambda u: screening.create_hazard(u, w.orgs["v1"], **hazard_fields),
        "hazard.update": lambda u: screening.update_hazard(u, c["hazard"], version=c["hazard"].version,
                                                           measures="走访"),
        "hazard.close": lambda u: screening.close_hazard(u, c["hazard"], version=c["hazard"].version,
                                                         outcome="resolved", note="已化解"),
        "hazard.risk_level": lambda u: screening.set_hazard_level(u, c["hazard"], level="red", reason="升级"),
        "case.attach": lambda u: documents.save_attachment(c["registered"], u, png(), "evidence",
                                                           version=V(c["registered"])),
        "case.attachment_void": lambda u: documents.void_attachment(c["attachment"], u,
                                                                    version=V(c["attachment"]), reason="上传错误"),
        "documents.batch": lambda u: batchmod.request_batch(u, organization=w.orgs["v1"],
                                                            month=TODAY().replace(day=1)),
        "orgs.training": lambda u: orgs.save_training(
            u, None, kind="annual", topic="法律培训", organizer=w.orgs["dongan"], start_on=TODAY(), end_on=TODAY(),
            days=Decimal(1), hours=Decimal(6), place="", notes=""),
        "orgs.honour": lambda u: orgs.award_honour(u, m["m1"], year=TODAY().year, title="gold"),
        "funding.compute": lambda u: funding.compute(u, w.orgs["weidong"], TODAY().year, TODAY().month),
        "funding.approve": lambda u: funding.approve(u, c["run"]),
        "stats.submit": lambda u: stats.submit_report(u, w.orgs["v1"], Period.year(TODAY().year - 1)),
        "stats.aggregate": lambda u: stats.save_aggregate(u, organization=w.orgs["v2"],
                                                          month=TODAY().replace(day=1) - dt.timedelta(days=400),
                                                          accepted=3, successful=2, amount=Decimal(100), by_type={}),
        "typical.nominate": lambda u: portal.nominate(u, c["followed_up"]),
        "typical.edit": lambda u: portal.save(u, c["typical_draft"], version=c["typical_draft"].version,
                                              **typical_texts(c["typical_draft"])),
        "typical.approve": lambda u: portal.approve(u, c["typical_pending"], version=c["typical_pending"].version),
        "typical.return": lambda u: portal.send_back(u, c["typical_pending"], version=c["typical_pending"].version,
                                                     reason="人名未隐去"),
    }


# Actions whose check is in a view only, with the reason (a page, no service writes).
VIEW_ONLY = {
    "case.unmask": "showing an identifier writes only the access log (tests/cases/test_views.py)",
    "case.route": "routing is part of registration and referral (case.register / referral.*)",
    "referral.api": "the API's service accounts (tests/api)",
    "funding.standards": "a form save (tests/funding/test_views.py)",
    "funding.budget": "budget rows are read-only figures",
    "stats.refresh": "rebuilding rollups changes no record (tests/stats)",
    "orgs.import": "the import (tests/orgs/test_import_views.py, test_commands.py)",
}


# Refused at the form's field rather than with a 403: the user may take the step (归档) but not
# this variant of it (forcing an incomplete file), and the form says who may.
AT_THE_FIELD = {"case.archive_forced"}


def test_the_matrix_covers_every_action(world, r):
    assert set(calls(world, r)) | set(VIEW_ONLY) == set(ACTIONS)


def test_role_action_matrix(world, r):
    city = world.orgs["city"]
    users = {role: User.objects.create_user(username=f"m_{role}", role=role, organization=city, display_name=role)
             for role in Role.values}
    table = calls(world, r)
    wrong = []
    for action, call in sorted(table.items()):
        for role, user in users.items():
            exc = attempt(lambda call=call, user=user: call(user))
            if role in roles_for(action):
                if exc is not None:
                    wrong.append((action, role, "refused", repr(exc)[:160]))
            elif action in AT_THE_FIELD and isinstance(exc, DomainError) and "只有" in exc.message:
                pass
            elif not isinstance(exc, PermissionDenied):
                wrong.append((action, role, "allowed", repr(exc)[:160]))
            elif "角色" not in str(exc) and "管辖" not in str(exc):
                wrong.append((action, role, "message", str(exc)))
    assert wrong == [], "\n".join(map(str, wrong))
