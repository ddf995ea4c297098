import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.testing import (
    earlier_today,
    make_id,
    register_case,
    sample_case_fields,
    sample_parties,
    version_of,
)

TERMS = "一、被申请人于十日内改建排水沟；二、被申请人赔偿申请人损失。"
AMOUNT = Decimal("12345.60")
AMOUNT_UPPER = "壹万贰仟叁佰肆拾伍元陆角整"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def register(world, parties=None, org="v1"):
    return register_case(world.users["city"], organization=world.orgs[org],
                                  parties=parties or sample_parties(), **sample_case_fields(world))


def to_mediating(world, case, sessions=1):
    u = world.users["township"]
    transitions.accept(case.pk, u, version=version_of(case.pk))
    transitions.assign(case.pk, u, version=version_of(case.pk), mediators=[world.mediators["m1"]])
    transitions.record_investigation(case.pk, u, version=version_of(case.pk), held_at=earlier_today(hours=3), place="申请人家中",
                                     subject="刘大海", investigators="王秀兰", content="察看了排水沟现场，院墙外积水。")
    for i in range(sessions):
        transitions.record_session(case.pk, u, version=version_of(case.pk), held_at=earlier_today(hours=2, minutes=i),
                                   place="东安社区调解室", participants="刘大海、孙小梅、王秀兰",
                                   content=f"第{i + 1}次调解：双方陈述了排水沟的位置及损失情况。")
    return Case.objects.get(pk=case.pk)


def full_case(world, parties=None, sessions=1) -> Case:
    """Registered, accepted, assigned, investigated, mediated, written agreement, followed up."""
    u = world.users["township"]
    case = to_mediating(world, register(world, parties), sessions)
    transitions.succeed(case.pk, u, version=version_of(case.pk), kind="written", terms=TERMS, amount=AMOUNT,
                        facts="双方系邻居，被申请人院墙排水流入申请人院内。", issues="排水沟位置及损失赔偿。",
                        responsibilities="被申请人承担主要责任。", performance_method="银行转账一次性支付",
                        performance_deadline=timezone.localdate() + dt.timedelta(days=10))
    transitions.follow_up(case.pk, u, version=version_of(case.pk), visited_on=timezone.localdate(), visitor="王秀兰", performance="full",
                          satisfaction="satisfied", notes="已按协议履行，双方满意。")
    return Case.objects.get(pk=case.pk)


def failed_case(world) -> Case:
    case = to_mediating(world, register(world))
    transitions.fail(case.pk, world.users["township"], version=version_of(case.pk), reason="双方对赔偿数额分歧过大", routes_informed=True)
    return Case.objects.get(pk=case.pk)


def rare_parties():
    ps = sample_parties()
    ps[0]["name"] = "𠮷䶮"
    ps[1]["name"] = "王堃喆"
    return ps


def png_bytes(color=(200, 30, 30), size=(400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg_bytes(color=(30, 120, 200), size=(1200, 900)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def pdf_bytes(pages=2, text="证据PDF") -> bytes:
    from tiaojie.documents.render import html_to_pdf, page_html

    return html_to_pdf(page_html([f'<section class="doc"><h1>{text}{i + 1}</h1></section>' for i in range(pages)],
                                 text, footer=False))


@pytest.fixture
def full(world):
    return full_case(world)


__all__ = ["make_id", "AMOUNT", "AMOUNT_UPPER", "TERMS"]
