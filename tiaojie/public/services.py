"""The public side's rules: one-time codes, rate limits, tracking codes, online applications,
online signatures and ratings. Every refusal is a ``DomainError`` with a Chinese message; no
answer tells whether a phone number or a tracking code exists.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tiaojie.cases import intake
from tiaojie.cases.models import Agreement, Case, Channel, DisputeType, Party, Source, Status
from tiaojie.core import fixedsql, validators
from tiaojie.core.errors import DomainError
from tiaojie.notify import services as notify
from tiaojie.public.models import (
    Hit,
    NextSession,
    OneTimeCode,
    OnlineApplication,
    Rating,
    Signature,
    SigningRequest,
    TrackingCode,
    new_tracking_code,
)
from tiaojie.security import crypto

OTP_MINUTES = 5
OTP_TRIES = 5
CONSENT_VERSION = "2026-01"


def _h(kind: str, value: str) -> str:
    return crypto.lookup_hash(f"{kind}:{value}")


# --- rate limits -------------------------------------------------------------------------------

def limits() -> dict:
    """(events, minutes) per key kind; settings may tighten them."""
    base = {
        "otp_phone": (5, 60),      # codes sent to one phone per hour
        "otp_phone_burst": (1, 1),  # and at most one a minute
        "otp_addr": (20, 60),      # codes asked from one address per hour
        "track_addr": (20, 60),    # tracking look-ups from one address per hour
        "track_code": (10, 60),    # look-ups of one tracking code per hour
        "apply_addr": (5, 60 * 24),  # online applications from one address per day
        "help_phone": (120, 60),   # suggestions asked while typing, per verified phone per hour
        "help_addr": (600, 60),    # and per address (a village's shared connection)
        "fail_addr": (1000, 60),   # failed checks (only counted, for the CAPTCHA)
    }
    base.update(getattr(settings, "TIAOJIE_PUBLIC_LIMITS", {}))
    return base


def _key(kind: str, value: str) -> str:
    return f"{kind}:{_h(kind, value)[:64]}"


def over_limit(kind: str, value: str) -> bool:
    n, minutes = limits()[kind]
    since = timezone.now() - dt.timedelta(minutes=minutes)
    return Hit.objects.filter(key=_key(kind, value), at__gte=since).count() >= n


def hit(kind: str, value: str) -> None:
    Hit.objects.create(key=_key(kind, value))


TOO_MANY = "操作过于频繁，请稍后再试"


def needs_captcha(address: str) -> bool:
    """An address that asked for several codes (or failed checks) within the hour must solve a CAPTCHA."""
    from tiaojie.public.captcha import threshold

    since = timezone.now() - dt.timedelta(hours=1)
    keys = [_key("otp_addr", address), _key("fail_addr", address)]
    return Hit.objects.filter(key__in=keys, at__gte=since).count() >= threshold()


def failed(address: str) -> None:
    """Count a failed check from ``address`` (towards the CAPTCHA)."""
    if address:
        hit("fail_addr", address)


def check_limit(kind: str, value: str, message: str = TOO_MANY) -> None:
    if over_limit(kind, value):
        raise DomainError(message)


# --- one-time codes ----------------------------------------------------------------------------

def _code_hash(phone: str, purpose: str, code: str) -> str:
    return hmac.new(crypto.lookup_hash("otp-key").encode(), f"{phone}|{purpose}|{code}".encode(),
                    hashlib.sha256).hexdigest()


def send_code(phone: str, purpose: str, address: str, *, what: str = "身份验证") -> None:
    """Send a 6-digit code to ``phone`` for ``purpose`` (rate-limited per phone and address)."""
    phone = validators.mobile(phone)
    check_limit("otp_addr", address)
    check_limit("otp_phone_burst", phone, "验证码已发送，请1分钟后再重新获取")
    check_limit("otp_phone", phone)
    hit("otp_addr", address)
    hit("otp_phone_burst", phone)
    hit("otp_phone", phone)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    now = timezone.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(phone_hash=_h("phone", phone), purpose=purpose, used_at__isnull=True).update(used_at=now)
        OneTimeCode.objects.create(phone_hash=_h("phone", phone), purpose=purpose, code_hash=_code_hash(phone, purpose, code),
                                   expires_at=now + dt.timedelta(minutes=OTP_MINUTES))
        notify.queue("otp", phone, urgent=True, code=code, purpose=what, minutes=OTP_MINUTES)


def check_code(phone: str, purpose: str, code: str) -> None:
    """Accept the latest code sent to ``phone`` for ``purpose`` once; 5 tries, 5 minutes."""
    code = (code or "").strip()
    now = timezone.now()
    error = None
    with transaction.atomic():  # the failed try is counted (committed) before the refusal is raised
        otp = (OneTimeCode.objects.select_for_update().filter(phone_hash=_h("phone", phone), purpose=purpose,
                                                              used_at__isnull=True).order_by("-created_at").first())
        if otp is None or otp.expires_at < now:
            error = "验证码无效或已过期，请重新获取"
        elif otp.tries >= OTP_TRIES:
            error = "验证码错误次数过多，请重新获取"
        elif not hmac.compare_digest(otp.code_hash, _code_hash(phone, purpose, code)):
            otp.tries += 1
            otp.save(update_fields=["tries"])
            left = OTP_TRIES - otp.tries
            error = f"验证码不正确，还可尝试{left}次" if left else "验证码错误次数过多，请重新获取"
        else:
            otp.used_at = now
            otp.save(update_fields=["used_at"])
    if error:
        raise DomainError(error, "code")


# --- tracking codes (一案一码) -------------------------------------------------------------------

def ensure_tracking_code(case: Case, *, new: bool = False) -> TrackingCode:
    """The case's tracking code, drawn when it has none (``new``: just registered, skip the look-up)."""
    existing = None if new else TrackingCode.objects.filter(case=case).first()
    if existing:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return fixedsql.insert(TrackingCode(case=case, code=new_tracking_code()))  # compiled once
        except IntegrityError:
            existing = TrackingCode.objects.filter(case=case).first()
            if existing:
                return existing
    raise RuntimeError("could not draw a unique tracking code")


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]


def qr_svg(text: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def qr_data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode()).decode()


def track_url(code: str) -> str:
    base = getattr(settings, "TIAOJIE_PUBLIC_URL", "").rstrip("/")
    return f"{base}/p/track/?code={code}"


def parties_with_phone(case: Case, phone: str) -> list[Party]:
    return [p for p in case.parties.all() if p.phone_enc and p.phone.replace("-", "").replace(" ", "") == phone]


GENERIC_SENT = "如果查询码与手机号码相符，验证码已发送到该手机，请在5分钟内输入"


def start_tracking(code: str, phone: str, address: str) -> None:
    """Send a code to ``phone`` if it belongs to a party of the case of ``code``; the answer is
    the same either way (and so is the counting), so neither can be probed."""
    code = normalize_code(code)
    phone = validators.mobile(phone)
    check_limit("track_addr", address)
    check_limit("track_code", code or "-")
    hit("track_addr", address)
    hit("track_code", code or "-")
    tc = TrackingCode.objects.select_related("case").filter(code=code).first() if code else None
    if tc is not None and parties_with_phone(tc.case, phone):
        send_code(phone, f"track:{code}", address, what="查询案件")
    else:
        # the same rate-limit bookkeeping as a real send, no message
        check_limit("otp_addr", address)
        check_limit("otp_phone_burst", phone, "验证码已发送，请1分钟后再重新获取")
        hit("otp_addr", address)
        hit("otp_phone_burst", phone)
        hit("otp_phone", phone)


def finish_tracking(code: str, phone: str, otp: str) -> tuple[Case, list[int]]:
    """The case and the party ids this phone speaks for, or the one refusal for everything."""
    code = normalize_code(code)
    phone = validators.mobile(phone)
    try:
        check_code(phone, f"track:{code}", otp)
    except DomainError as e:
        raise DomainError(e.message if "次" in e.message else "验证码无效或已过期，请重新获取", "code")
    tc = TrackingCode.objects.select_related("case").get(code=code)
    return tc.case, [p.pk for p in parties_with_phone(tc.case, phone)]


# --- online application (申请调解) -----------------------------------------------------------------

def _attachments(case: Case, files) -> list:
    from tiaojie.documents.models import Attachment
    from tiaojie.documents.services import inspect_upload

    out = []
    for f in files:
        size = getattr(f, "size", None)
        if size is not None and size > settings.TIAOJIE_UPLOAD_MAX_BYTES:
            raise DomainError(f"“{f.name}”过大，单个文件不能超过{settings.TIAOJIE_UPLOAD_MAX_BYTES // 1048576} MB", "files")
        data = f.read()
        try:
            ft, pages = inspect_upload(data)
        except ValidationError as e:
            raise DomainError(f"“{f.name}”：{e.messages[0]}", "files")
        if ft.group not in ("image", "pdf"):
            raise DomainError(f"“{f.name}”：网上申请只能上传照片（JPG/PNG）或PDF文件", "files")
        name = (f.name or "材料").replace("\\", "/").rsplit("/", 1)[-1][:200]
        att = Attachment(case=case, kind=Attachment.Kind.EVIDENCE, original_name=name, content_type=ft.mime, ext=ft.ext,
                         size=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages,
                         note="申请人网上提交")
        att.file.save(name, ContentFile(data), save=False)
        att.save()
        out.append(att)
    return out


MAX_FILES = 6


def suggestions(facts: str, claims: str = "") -> tuple[list, Decimal | None]:
    """What the applicant's words suggest: up to three top-level dispute types (best first, as
    (DisputeType, percent)) and the amount read from the text (the text analysis of intake)."""
    text = (facts or "").strip()
    if not text:
        return [], None
    analysis = intake.analyze({"facts": text[:validators.limit("facts")], "claims": (claims or "")[:validators.limit("claims")]})
    types, seen = [], set()
    for s, t in intake.suggested_types(analysis, top=5):
        t = t.parent if t is not None and t.parent_id else t      # the top-level type: plain words
        if t is not None and t.pk not in seen and len(types) < 3:
            seen.add(t.pk)
            types.append((t, round(s.score * 100)))
    return types, getattr(analysis, "amount_yuan", None)


def help_for(phone: str, address: str, facts: str, claims: str = "") -> tuple[list, Decimal | None]:
    """``suggestions`` for an applicant typing the facts (the page asks as they pause): each ask
    runs the text analysis, so it is counted and limited per verified phone and per address."""
    check_limit("help_phone", phone)
    check_limit("help_addr", address)
    hit("help_phone", phone)
    hit("help_addr", address)
    return suggestions(facts, claims)


def apply(*, phone: str, address: str | None, me: dict, other: dict, facts: str, claims: str, region,
          place_detail: str, arose_on, dispute_type, consent: bool, files=(), amount_at_stake=None) -> Case:
    """Register an online application through the one intake function (群众网上申请): a case
    awaiting acceptance (已登记待受理) at the committee routing proposes, with an application
    reference (申请编号) and no case number yet: it is numbered when the committee accepts it.
    With no type chosen the best suggestion from the facts is taken (the committee checks it)."""
    if not consent:
        raise DomainError("请阅读并同意个人信息处理告知", "consent")
    files = list(files or ())
    if len(files) > MAX_FILES:
        raise DomainError(f"最多上传{MAX_FILES}个文件", "files")
    if address:
        check_limit("apply_addr", address, "同一网络当天提交的申请过多，请明天再试或到调委会窗口申请")
    applicant = {**me, "role": Party.Role.APPLICANT, "kind": "person", "phone": phone}
    respondent = {**other, "role": Party.Role.RESPONDENT}
    if dispute_type is None:
        types, _amount = suggestions(facts, claims)
        dispute_type = types[0][0] if types else DisputeType.objects.filter(code="99", is_active=True).first()
    app = intake.Application(
        via=intake.Via.PUBLIC, source=Source.APPLICATION, channel=Channel.ONLINE, dispute_type=dispute_type,
        region=region, facts=facts, claims=claims, place_detail=place_detail, arose_on=arose_on,
        amount_at_stake=amount_at_stake, parties=[applicant, respondent])
    with transaction.atomic():
        case = intake.register(None, app)
        OnlineApplication.objects.create(case=case, phone_hash=_h("phone", phone), consent_version=CONSENT_VERSION,
                                         address=address)
        _attachments(case, files)
        tc = ensure_tracking_code(case)
        notify.queue("application_received", phone, org_name=case.organization.name, code=tc.code,
                     reference=case.number)
        notify_staff_new_application(case)
    if address:
        hit("apply_addr", address)
    return case


def staff_of(org):
    from django.contrib.auth import get_user_model

    from tiaojie.core.permissions import MEDIATING

    return get_user_model().objects.filter(organization=org, is_active=True, role__in=MEDIATING)


def notify_staff_new_application(case: Case) -> None:
    from django.urls import reverse

    notify.notify_users(staff_of(case.organization), "application",
                        f"新的网上调解申请（申请编号{case.number}，{case.dispute_type}），请受理或说明不予受理的理由",
                        reverse("cases:detail", args=[case.pk]))


# --- what a party may see ------------------------------------------------------------------------

def stage_of(case: Case) -> str:
    return {
        Status.REGISTERED: "已提交，等待调委会受理",
        Status.ACCEPTED: "已受理，正在安排调解员",
        Status.MEDIATING: "调解中",
        Status.SUCCEEDED: "调解成功",
        Status.FAILED: "调解不成",
        Status.TERMINATED: "调解终止",
        Status.REJECTED: "不予受理",
        Status.FOLLOWED_UP: "已回访",
        Status.ARCHIVED: "已结案归档",
    }.get(case.status, case.get_status_display())


# --- online signing ------------------------------------------------------------------------------

def agreement_text(ag: Agreement) -> str:
    """The text a signature covers: every written part of the agreement, in a fixed order."""
    parts = [ag.kind, ag.facts, ag.issues, ag.responsibilities, ag.terms, ag.performance_method,
             ag.performance_deadline.isoformat() if ag.performance_deadline else "", str(ag.amount),
             ag.effective_on.isoformat() if ag.effective_on else ""]
    return "\n\u241e\n".join(p or "" for p in parts)


def agreement_sha256(ag: Agreement) -> str:
    return hashlib.sha256(agreement_text(ag).encode()).hexdigest()


def current_agreement(case: Case) -> Agreement | None:
    try:
        return case.agreement
    except Agreement.DoesNotExist:
        return None


def signing_open(case: Case) -> SigningRequest | None:
    """The signing request if it is open for the agreement as it reads now."""
    req = SigningRequest.objects.filter(case=case).first()
    ag = current_agreement(case)
    if req is None or ag is None or ag.kind != Agreement.Kind.WRITTEN or case.status == Status.ARCHIVED:
        return None
    if req.text_sha256 != agreement_sha256(ag):
        return None  # changed since it was marked ready: the committee marks it again
    return req


def valid_signatures(case: Case) -> list[Signature]:
    """Signatures over the agreement as it reads now (a changed text voids the earlier ones)."""
    ag = current_agreement(case)
    if ag is None:
        return []
    sha = agreement_sha256(ag)
    return [s for s in case.online_signatures.select_related("party").all() if s.text_sha256 == sha]


MAX_SIGNATURE_BYTES = 400 * 1024


def decode_signature(data_url: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    prefix = "data:image/png;base64,"
    if not (data_url or "").startswith(prefix):
        raise DomainError("请在签名区域内手写签名", "signature")
    try:
        raw = base64.b64decode(data_url[len(prefix):], validate=True)
    except (ValueError, TypeError):
        raise DomainError("签名图像无效，请重新签名", "signature")
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise DomainError("签名图像过大，请重新签名", "signature")
    try:
        with Image.open(io.BytesIO(raw)) as im:
            if im.format != "PNG" or im.width > 2000 or im.height > 1000:
                raise DomainError("签名图像无效，请重新签名", "signature")
            im.load()
            bbox = im.convert("RGBA").getchannel("A").getbbox()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError("签名图像无效，请重新签名", "signature")
    if bbox is None:
        raise DomainError("请在签名区域内手写签名", "signature")
    return raw


def sign(case: Case, party: Party, data_url: str, address: str | None) -> Signature:
    raw = decode_signature(data_url)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if signing_open(locked) is None:
            raise DomainError("该协议目前不能在线签名（尚未发出或协议已修改），请联系调委会")
        sha = agreement_sha256(locked.agreement)
        if Signature.objects.filter(case=locked, party=party, text_sha256=sha).exists():
            raise DomainError("您已签署过该协议")
        s = Signature.objects.create(case=locked, party=party, image=raw, text_sha256=sha, address=address)
        from tiaojie.cases.transitions import system_note

        system_note(locked, "online_sign", f"{party.name}在线签署调解协议",
                    data={"party": party.pk, "sha256": sha})
    return s


# --- satisfaction (满意度) -------------------------------------------------------------------------

CLOSED_FOR_RATING = (Status.SUCCEEDED, Status.FAILED, Status.TERMINATED, Status.FOLLOWED_UP, Status.ARCHIVED)


def may_rate(case: Case) -> bool:
    return case.status in CLOSED_FOR_RATING


def rate(case: Case, party: Party, score, comment: str) -> Rating:
    if not may_rate(case):
        raise DomainError("案件结案后才能评价")
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise DomainError("请选择1到5分", "score")
    if not 1 <= score <= 5:
        raise DomainError("请选择1到5分", "score")
    comment = validators.text(comment, "comment", "意见", required=False, limit_name="note")
    try:
        with transaction.atomic():
            return Rating.objects.create(case=case, party=party, score=score, comment=comment)
    except IntegrityError:
        raise DomainError("您已评价过本案，每位当事人只能评价一次")


def mark_ready(case, user, *, version) -> SigningRequest:
    """The committee sends the written agreement for online signing (parties told by SMS)."""
    from tiaojie.cases.transitions import TransitionError, acting_on

    with acting_on(case, user, "sign_ready", version=version) as act:
        c = act.case
        ag = current_agreement(c)
        if ag is None or ag.kind != Agreement.Kind.WRITTEN:
            raise TransitionError("只有书面调解协议可以在线签名")
        req, _ = SigningRequest.objects.update_or_create(
            case=c, defaults={"text_sha256": agreement_sha256(ag), "marked_by": user, "marked_at": timezone.now()})
        tc = ensure_tracking_code(c)
        for p in c.parties.exclude(role=Party.Role.AGENT):
            notify.queue("agreement_ready", p.phone, org_name=c.organization.name, case_number=c.number, code=tc.code)
        act.record(data={"sha256": req.text_sha256})
    return req


def backfill_tracking_codes(using: str = "default") -> int:
    """Give a tracking code to every case without one (cases written in bulk, like the demo's)."""
    have = set(TrackingCode.objects.using(using).values_list("case_id", flat=True))
    used = set(TrackingCode.objects.using(using).values_list("code", flat=True))
    rows = []
    for pk in Case.objects.using(using).exclude(pk__in=have).values_list("pk", flat=True).iterator():
        code = new_tracking_code()
        while code in used:
            code = new_tracking_code()
        used.add(code)
        rows.append(TrackingCode(case_id=pk, code=code))
    TrackingCode.objects.using(using).bulk_create(rows, batch_size=1000)
    return len(rows)


def schedule_session(case, user, *, version, at, place: str) -> NextSession:
    """安排下次调解: the time and place, told to every party with a phone."""
    from tiaojie.cases.transitions import TransitionError, acting_on

    with acting_on(case, user, "schedule_session", version=version) as act:
        c = act.case
        try:
            at = validators.moment(at, "at", "调解时间", not_future=False)
            place = validators.text(place, "place", "调解地点", limit_name="place")
        except DomainError as e:
            raise TransitionError(e.message, e.field)
        if at <= timezone.now():
            raise TransitionError("调解时间应晚于现在", "at")
        ns, _ = NextSession.objects.update_or_create(case=c, defaults={"at": at, "place": place, "set_by": user,
                                                                      "set_at": timezone.now()})
        when = timezone.localtime(at).strftime("%Y年%m月%d日 %H:%M")
        for p in c.parties.exclude(role=Party.Role.AGENT):
            notify.queue("session_scheduled", p.phone, case_number=c.number, when=when, place=place,
                         org_name=c.organization.name, org_phone=c.organization.contact_phone)
        act.record(label=f"安排调解：{when}", reason=place, data={"at": at.isoformat(), "place": place})
    return ns
