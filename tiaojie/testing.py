"""A small but complete world for tests and quick demos: two counties, their townships and
villages, a court room, a police room, mediators and one user per role.

Used by tests (``tests/conftest.py``) and never by production code paths.
"""
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from tiaojie.accounts.models import Role, User
from tiaojie.cases.models import Channel, DisputeType, Source
from tiaojie.orgs.models import Mediator, Organization, OrgKind, Region, RegionLevel

PASSWORD = "tiaojie-test-1"


@dataclass
class World:
    regions: dict = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    mediators: dict = field(default_factory=dict)


def build_world() -> World:
    w = World()
    R = w.regions
    R["city"] = Region.objects.create(code="410400", name="平顶山市", level=RegionLevel.CITY)
    R["weidong"] = Region.objects.create(code="410403", name="卫东区", level=RegionLevel.COUNTY, parent=R["city"])
    R["baofeng"] = Region.objects.create(code="410421", name="宝丰县", level=RegionLevel.COUNTY, parent=R["city"])
    R["dongan"] = Region.objects.create(code="410403001", name="东安路街道", level=RegionLevel.TOWNSHIP, parent=R["weidong"])
    R["zhoucun"] = Region.objects.create(code="410421100", name="周庄镇", level=RegionLevel.TOWNSHIP, parent=R["baofeng"])
    R["v1"] = Region.objects.create(code="410403001001", name="东安社区", level=RegionLevel.VILLAGE, parent=R["dongan"])
    R["v2"] = Region.objects.create(code="410403001002", name="光华社区", level=RegionLevel.VILLAGE, parent=R["dongan"])
    R["v3"] = Region.objects.create(code="410421100201", name="周庄村", level=RegionLevel.VILLAGE, parent=R["zhoucun"])

    ORG = w.orgs
    ORG["city"] = Organization.objects.create(name="平顶山市司法局", abbr="平", kind=OrgKind.CITY_BUREAU, region=R["city"])
    ORG["weidong"] = Organization.objects.create(name="卫东区人民调解中心", abbr="卫东", kind=OrgKind.COUNTY_CENTER,
                                               region=R["weidong"], parent=ORG["city"])
    ORG["baofeng"] = Organization.objects.create(name="宝丰县人民调解中心", abbr="宝丰", kind=OrgKind.COUNTY_CENTER,
                                               region=R["baofeng"], parent=ORG["city"])
    ORG["dongan"] = Organization.objects.create(name="东安路街道人民调解委员会", abbr="卫东东安", kind=OrgKind.TOWNSHIP,
                                              region=R["dongan"], parent=ORG["weidong"])
    ORG["zhoucun"] = Organization.objects.create(name="周庄镇人民调解委员会", abbr="宝丰周庄", kind=OrgKind.TOWNSHIP,
                                               region=R["zhoucun"], parent=ORG["baofeng"])
    ORG["v1"] = Organization.objects.create(name="东安社区人民调解委员会", abbr="东安社区", kind=OrgKind.VILLAGE,
                                          region=R["v1"], parent=ORG["dongan"])
    ORG["v2"] = Organization.objects.create(name="光华社区人民调解委员会", abbr="光华社区", kind=OrgKind.VILLAGE,
                                          region=R["v2"], parent=ORG["dongan"])
    ORG["v3"] = Organization.objects.create(name="周庄村人民调解委员会", abbr="周庄村", kind=OrgKind.VILLAGE,
                                          region=R["v3"], parent=ORG["zhoucun"])
    ORG["traffic"] = Organization.objects.create(name="卫东区道路交通事故纠纷人民调解委员会", abbr="卫东交调",
                                               kind=OrgKind.TRADE, trade="道路交通", region=R["weidong"],
                                               parent=ORG["weidong"])
    ORG["court"] = Organization.objects.create(name="卫东区人民法院诉前人民调解工作室", abbr="卫东诉前",
                                             kind=OrgKind.COURT_ROOM, region=R["weidong"], parent=ORG["weidong"])
    ORG["police"] = Organization.objects.create(name="东安路派出所警民联调室", abbr="东安警调",
                                              kind=OrgKind.POLICE_ROOM, region=R["dongan"], parent=ORG["dongan"])

    M = w.mediators
    for key, name, org in [("m1", "王秀兰", "v1"), ("m1b", "赵建国", "v1"), ("m2", "李国强", "v2"),
                           ("m3", "张红梅", "v3"), ("mt", "陈志刚", "dongan")]:
        M[key] = Mediator.objects.create(name=name, organization=ORG[org], full_time=key in ("mt", "m1"),
                                         employment=Mediator.Employment.PURCHASED, phone="13800000000")

    U = w.users
    for key, role, org, med in [
        ("city", Role.CITY_ADMIN, "city", None),
        ("county", Role.COUNTY_STAFF, "weidong", None),
        ("county2", Role.COUNTY_STAFF, "baofeng", None),
        ("township", Role.TOWNSHIP_STAFF, "dongan", "mt"),
        ("v1", Role.MEDIATOR, "v1", "m1"),
        ("v2", Role.MEDIATOR, "v2", "m2"),
        ("v3", Role.MEDIATOR, "v3", "m3"),
        ("court", Role.COURT_LIAISON, "court", None),
        ("police", Role.POLICE_LIAISON, "police", None),
    ]:
        U[key] = User.objects.create_user(username=f"t_{key}", password=PASSWORD, role=role, organization=ORG[org],
                                          display_name=f"测试{key}", mediator=M.get(med) if med else None)
    return w


# A valid resident ID number (checksum correct) for tests: 410403 19800101 001 ?
def make_id(area="410403", birth="19800101", seq="001") -> str:
    from tiaojie.core.identifiers import id_check_char

    first = f"{area}{birth}{seq}"
    return first + id_check_char(first)


def sample_case_fields(world: World, **over) -> dict:
    data = dict(
        source=Source.APPLICATION, channel=Channel.WINDOW,
        dispute_type=DisputeType.objects.get(code="02"),
        facts="申请人与被申请人系邻居，因院墙排水问题发生争执。", claims="请求被申请人改建排水沟。",
        region=world.regions["v1"], place_detail="东安社区3号院", arose_on=dt.date(2026, 11, 1),
        people_count=2, amount_at_stake=Decimal("3000"),
    )
    data.update(over)
    return data


def sample_parties() -> list[dict]:
    return [
        {"role": "applicant", "kind": "person", "name": "刘大海", "gender": "男", "ethnicity": "汉族",
         "birth_date": dt.date(1980, 1, 1), "id_type": "resident", "id_number": make_id(), "phone": "13912345678",
         "address": "卫东区东安社区3号院"},
        {"role": "respondent", "kind": "person", "name": "孙小梅", "gender": "女", "ethnicity": "汉族",
         "birth_date": dt.date(1985, 5, 5), "id_type": "resident", "id_number": make_id(birth="19850505", seq="002"),
         "phone": "13987654321", "address": "卫东区东安社区4号院"},
    ]


def reseed() -> None:
    """Run every data migration's ``seed`` again (idempotent), in app and migration order.

    Transactional tests (browser tests) start from a flushed database, which loses the rule
    tables that migrations seed (dispute types, risk and routing rules, cadences…).
    """
    import importlib
    import pkgutil

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("tiaojie."):
            continue
        try:
            pkg = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{pkg.__name__}.{info.name}")
            if hasattr(module, "seed"):
                module.seed(apps, None)


def register_case(user, *, organization, parties, via: str = "desk", routing_reason: str = "测试登记", **fields):
    """Register through the one intake function, as the desk form does (tests and quick demos).

    A reason is given for choosing ``organization`` (it is recorded only when routing proposed
    another one)."""
    from tiaojie.cases import intake

    app = intake.Application(via=via, organization=organization, parties=parties, routing_reason=routing_reason,
                             **fields)
    return intake.register(user, app)


def version_of(case) -> int:
    """The current version of a case (tests pass it as the form would); ``case`` may also be a
    record that belongs to a case (a transfer, a referral, a 司法确认, an escalation)."""
    from tiaojie.cases.models import Case

    pk = getattr(case, "case_id", None) or getattr(case, "pk", case)  # a case, its id, or a record of it
    return Case.objects.values_list("version", flat=True).get(pk=pk)


def effects():
    """Run what the platform does after commit (risk, rollups, referral feedback …) at the end of
    the ``with`` block: tests run inside a transaction that never commits."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def provide_identity_proofs(case, user) -> None:
    """Upload a (tiny, real) identity proof for each principal party through the documents
    service, so that the case file is complete for 归档."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from tiaojie.cases.models import Case, Party
    from tiaojie.documents.models import Attachment
    from tiaojie.documents.services import save_attachment

    case = Case.objects.get(pk=getattr(case, "pk", case))
    for p in case.parties.exclude(role=Party.Role.AGENT):
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (120, 120, 120)).save(buf, "PNG")
        upload = SimpleUploadedFile(f"身份证-{p.name}.png", buf.getvalue(), content_type="image/png")
        save_attachment(case, user, upload, Attachment.Kind.IDENTITY, p, "身份证复印件", version=version_of(case))


def browser_login(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page in a Playwright page, typing the TOTP code when the account
    needs a second factor (a confirmed device is made for it if it has none)."""
    import base64
    import re

    import pyotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/accounts/login/otp/" in page.url:
        user = User.objects.get(username=username)
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        page.fill("#id_token", pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now())
        page.get_by_role("button", name=re.compile("登录")).click()
        page.wait_for_load_state()


def earlier_today(hours: float = 0, minutes: float = 0) -> dt.datetime:
    """A moment ``hours``/``minutes`` before now, but not before today's local midnight: a session
    or investigation of a case accepted today cannot be dated before the acceptance day, so in the
    first hours after midnight the moment is today's first second instead of yesterday evening."""
    from django.utils import timezone

    now = timezone.now()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(0, 0, 1)))
    return max(now - dt.timedelta(hours=hours, minutes=minutes), min(start, now))


def assigned_attributes(tree):
    """Every ``x.attr = …`` / ``x.attr += …`` in a parsed module, tuple targets unpacked: pairs
    (line, ast.Attribute). The code scans of the tests (who may write a status, an agreement, a
    copy on the case) look for the attributes they guard in it."""
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for el in t.elts if isinstance(t, ast.Tuple) else [t]:
                    if isinstance(el, ast.Attribute):
                        yield node.lineno, el
