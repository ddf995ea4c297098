"""The linkage API (对接接口) for courts, the police (110), petition offices and departments.

* Auth: ``Authorization: Bearer <token>``; a token belongs to one ``ApiClient`` (issued in admin)
  and allows only that client's operations (refer / read / confirm).
* Idempotency: a POST with an ``Idempotency-Key`` header returns the stored answer when replayed;
  the same key with a different body is refused (409). A referral whose reference already exists
  answers with the existing case (200, ``duplicate: true``), never a second case.
* Errors are JSON ``{"detail": "...", "field": "...", "errors": [...]}``; 400 names the field.
* Rate limit: per client per minute (``TIAOJIE_API_RATE_PER_MINUTE`` or the client's own), 429.
"""
import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from ninja import Header, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from tiaojie.api import schemas
from tiaojie.api.models import ApiClient, IdempotencyRecord, RateWindow, hash_token
from tiaojie.cases.models import Case, DisputeType
from tiaojie.core.errors import DomainError
from tiaojie.orgs.models import Region
from tiaojie.routing import selectors, services
from tiaojie.routing.models import JudicialConfirmation, Referral

MAX_ID = 2_147_483_647


class ApiError(Exception):
    def __init__(self, status: int, detail: str, field: str | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.field, self.headers = status, detail, field, headers or {}


def error_body(detail: str, field: str | None = None, errors: list | None = None) -> dict:
    return {"detail": detail, "field": field, "errors": errors or ([{"field": field, "message": detail}] if field else [])}


# --- auth and rate limit ----------------------------------------------------------------------

def _count_request(client: ApiClient) -> None:
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    with transaction.atomic():
        updated = RateWindow.objects.filter(client=client, minute=minute).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(client=client, minute=minute, count=1)
            except IntegrityError:
                RateWindow.objects.filter(client=client, minute=minute).update(count=F("count") + 1)
            RateWindow.objects.filter(client=client, minute__lt=minute - dt.timedelta(hours=1)).delete()
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        count = RateWindow.objects.filter(client=client, minute=minute).values_list("count", flat=True).first() or 0
    if count > client.rate_limit:
        retry = 60 - now.second
        raise ApiError(429, f"请求过于频繁：每分钟最多{client.rate_limit}次，请{retry}秒后重试",
                       headers={"Retry-After": str(retry)})


class BearerToken(HttpBearer):
    openapi_description = "对接系统令牌（在系统管理中签发）"

    def authenticate(self, request, token):
        if not token or len(token) > 200 or "\x00" in token:
            return None
        client = (ApiClient.objects.select_related("organization", "user", "user__organization")
                  .filter(token_hash=hash_token(token), is_active=True).first())
        if client is None or client.user is None or not client.user.is_active:
            return None
        _count_request(client)
        request.api_client = client
        return client


router = Router(auth=BearerToken(), tags=["对接接口"])


def _require(client: ApiClient, op: str, kinds: tuple[str, ...] | None = None) -> None:
    if not client.allows(op):
        raise ApiError(403, f"该对接系统未获准“{_op_label(op)}”")
    if kinds and client.kind not in kinds:
        raise ApiError(403, f"{client.get_kind_display()}系统不能“{_op_label(op)}”")


def _op_label(op: str) -> str:
    from tiaojie.api.models import OPERATIONS

    return OPERATIONS.get(op, op)


# --- idempotency ------------------------------------------------------------------------------

def _idempotent(request, client: ApiClient, key: str | None, operation: str, fn):
    """Run ``fn() -> (status, body)`` once per Idempotency-Key; replays get the stored answer."""
    if key is None or key == "":
        return fn()
    if len(key) > 200 or not key.isprintable():
        raise ApiError(400, "Idempotency-Key 须为不超过200个可打印字符", "Idempotency-Key")
    digest = hashlib.sha256(operation.encode() + b"\n" + request.body).hexdigest()

    def stored(rec: IdempotencyRecord):
        if rec.request_hash != digest or rec.operation != operation:
            raise ApiError(409, "该 Idempotency-Key 已用于另一个请求，请为新的请求使用新的键", "Idempotency-Key")
        return rec.status_code, rec.response

    rec = IdempotencyRecord.objects.filter(client=client, key=key).first()
    if rec is not None:
        return stored(rec)
    try:
        with transaction.atomic():
            status, body = fn()
            IdempotencyRecord.objects.create(client=client, key=key, operation=operation, request_hash=digest,
                                             status_code=status, response=body)
    except IntegrityError:
        rec = IdempotencyRecord.objects.filter(client=client, key=key).first()
        if rec is None:
            raise
        return stored(rec)
    return status, body


# --- helpers ----------------------------------------------------------------------------------

def referral_body(referral: Referral, duplicate: bool = False) -> dict:
    case = Case.objects.select_related("organization").get(pk=referral.case_id)
    decision = case.routing_decisions.order_by("-decided_at", "-id").first()
    return {
        "id": referral.pk, "kind": referral.kind, "external_ref": referral.external_ref, "case_number": case.number,
        "status": case.status, "status_label": case.get_status_display(),
        "handling_organization": case.organization.name,
        "routing_rule": decision.rule_name or None if decision else None,
        "routing_explanation": decision.explanation or None if decision else None,
        "referred_at": timezone.localtime(referral.referred_at).isoformat(),
        "due_on": referral.due_on.isoformat() if referral.due_on else None,
        "feedback_due_at": timezone.localtime(referral.feedback_due_at).isoformat() if referral.feedback_due_at else None,
        "feedback_at": timezone.localtime(referral.feedback_at).isoformat() if referral.feedback_at else None,
        "feedback": referral.feedback or None, "duplicate": duplicate, "outcome": selectors.outcome_of(case),
    }


def _client_referrals(client: ApiClient):
    """What the client's service account sees (the one scope rule): the referrals made from its
    linkage point or handled below it."""
    return Referral.objects.visible_to(client.user)


# --- endpoints --------------------------------------------------------------------------------

REFER_RESPONSES = {200: schemas.ReferralOut, 201: schemas.ReferralOut, 400: schemas.Error, 401: schemas.Error,
                   403: schemas.Error, 409: schemas.Error, 429: schemas.Error}


@router.post("/referrals", response=REFER_RESPONSES, summary="移送案件（委派/委托调解、110移交、信访/部门转办）",
             operation_id="refer_case")
def refer(request, payload: schemas.ReferralIn,
          idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200)):
    client: ApiClient = request.auth
    _require(client, "refer")

    def do():
        return _refer(client, payload)

    return Status(*_idempotent(request, client, idempotency_key, "refer", do))


def _refer(client: ApiClient, p: schemas.ReferralIn):
    kind = client.kind
    dispute_type = (DisputeType.objects.select_related("parent")
                    .filter(code=p.dispute_type, is_active=True).first())
    if dispute_type is None:
        return 400, error_body(f"未知的纠纷类型代码：{p.dispute_type}", "dispute_type")
    region = Region.objects.filter(code=p.region).first()
    if region is None:
        return 400, error_body(f"未知的区划代码：{p.region}", "region")
    parties = [party.dict() for party in p.parties]
    for party in parties:
        if party["id_type"] == "resident" and not party["id_number"]:
            party["id_type"] = ""
    if kind == Referral.Kind.POLICE and p.call_time is None:
        return 400, error_body("请填写接警时间", "call_time")
    try:
        referral = services.refer_case(
            client.user, kind=kind, referrer_name=p.referrer_name or client.name, parties=parties,
            external_ref=p.external_ref, organization=client.organization, api_client=client,
            mode=p.mode or "", court_keeps=p.court_keeps, call_time=p.call_time, caller=p.caller,
            caller_phone=p.caller_phone, place=p.place, complex=p.complex, channel="online",
            routing_flags={"spans_villages": p.spans_villages, "spans_townships": p.spans_townships,
                           "village_failed": p.village_failed, "major": p.major},
            dispute_type=dispute_type, region=region, place_detail=p.place_detail, arose_on=p.arose_on, facts=p.facts,
            claims=p.claims, people_count=p.people_count, amount_at_stake=p.amount_at_stake)
    except services.DuplicateReferral as e:
        if e.same_referrer:
            return 200, referral_body(e.referral, duplicate=True)
        return 409, error_body(e.message, "external_ref")
    except DomainError as e:
        return 400, error_body(e.message, _api_field(e.field))
    except PermissionDenied as e:
        raise ApiError(403, str(e) or "无权操作")
    except IntegrityError:
        # a concurrent referral with the same reference won the race
        existing = Referral.objects.filter(kind=kind, external_ref=p.external_ref).first() if p.external_ref else None
        if existing is None:
            raise
        return 200, referral_body(existing, duplicate=True)
    return 201, referral_body(referral)


def _api_field(field: str | None) -> str | None:
    return {"referrer_name": "referrer_name", "parties": "parties"}.get(field, field)


READ_RESPONSES = {200: schemas.ReferralOut, 401: schemas.Error, 403: schemas.Error, 404: schemas.Error,
                  429: schemas.Error}


@router.get("/referrals/{referral_id}", response=READ_RESPONSES, summary="查询移送案件的进展和结果",
            operation_id="get_referral")
def get_referral(request, referral_id: int = Path(..., ge=1, le=MAX_ID)):
    client: ApiClient = request.auth
    _require(client, "read")
    referral = _client_referrals(client).filter(pk=referral_id).first()
    if referral is None:
        raise ApiError(404, "没有这个移送案件，或不是本系统移送的")
    return Status(200, referral_body(referral))


@router.get("/referrals", response={200: list[schemas.ReferralOut], 401: schemas.Error, 403: schemas.Error,
                                     429: schemas.Error},
            summary="按移送单位编号查询", operation_id="find_referrals")
def find_referrals(request, external_ref: schemas.Text(80, 1) = Query(..., description="法院案号、接警单号等")):  # noqa: B008
    client: ApiClient = request.auth
    _require(client, "read")
    return Status(200, [referral_body(r) for r in _client_referrals(client).filter(external_ref=external_ref)[:20]])


CONFIRM_RESPONSES = {200: schemas.JudicialConfirmationOut, 400: schemas.Error, 401: schemas.Error,
                     403: schemas.Error, 404: schemas.Error, 409: schemas.Error, 429: schemas.Error}


@router.post("/judicial-confirmations", response=CONFIRM_RESPONSES, summary="回传司法确认结果",
             operation_id="record_judicial_confirmation")
def record_confirmation(request, payload: schemas.ConfirmationResultIn,
                        idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200)):
    client: ApiClient = request.auth
    _require(client, "confirm", kinds=(ApiClient.Kind.COURT,))

    def do():
        jc = (JudicialConfirmation.objects.select_related("case", "court_org")
              .filter(case__number=payload.case_number).first())
        if jc is None:
            return 404, error_body("该案件没有司法确认申请记录（须先由调解组织登记申请）", "case_number")
        try:
            jc = services.record_court_result(
                jc, client.user, version=jc.case.version, accepted=payload.accepted, answered_on=payload.answered_on,
                note=payload.note, decision=payload.decision or "", decided_on=payload.decided_on,
                number=payload.number)
        except PermissionDenied:
            return 404, error_body("该案件没有司法确认申请记录（须先由调解组织登记申请）", "case_number")
        except DomainError as e:
            status = 409 if "已有结果" in e.message else 400
            return status, error_body(e.message, e.field)
        return 200, selectors.confirmation_data(jc)

    return Status(*_idempotent(request, client, idempotency_key, "confirm", do))


# --- wiring -----------------------------------------------------------------------------------

_PYDANTIC_CN = {
    "missing": "必填", "string_too_long": "过长", "string_too_short": "不能为空", "int_parsing": "须为整数",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）", "date_parsing": "须为日期（YYYY-MM-DD）",
    "datetime_parsing": "须为时间（ISO 8601）", "datetime_from_date_parsing": "须为时间（ISO 8601）",
    "decimal_parsing": "须为数字", "greater_than_equal": "过小", "less_than_equal": "过大", "less_than": "过大",
    "literal_error": "取值无效", "bool_parsing": "须为 true 或 false", "too_short": "至少一项", "too_long": "项数过多",
    "list_type": "须为数组", "model_attributes_type": "须为对象", "decimal_max_digits": "位数过多",
    "decimal_max_places": "最多两位小数", "value_error": "取值无效",
}


def install(api) -> None:
    api.add_router("", router)

    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        resp = api.create_response(request, error_body(exc.detail, exc.field), status=exc.status)
        for k, v in exc.headers.items():
            resp[k] = v
        return resp

    @api.exception_handler(NinjaValidationError)
    def _validation(request, exc: NinjaValidationError):
        errors = []
        for err in exc.errors:
            loc = [str(x) for x in err.get("loc", ())]
            if loc and loc[0] in ("body", "query", "path", "header"):
                loc = loc[1:]
            if loc and loc[0] == "payload":
                loc = loc[1:]
            field = ".".join(loc) or "body"
            msg = err.get("msg", "")
            if err.get("type") == "value_error" and "," in msg:
                msg = msg.split(",", 1)[1].strip()
            text = _PYDANTIC_CN.get(err.get("type", ""), "")
            errors.append({"field": field, "message": f"{field}：{text or msg}"})
        first = errors[0] if errors else {"field": None, "message": "请求数据有误"}
        return api.create_response(request, error_body(first["message"], first["field"], errors), status=400)

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        """ninja's own errors (malformed JSON, CSRF…) in Chinese."""
        text = {400: "请求体不是有效的 JSON，请检查格式（UTF-8 编码的 JSON 对象）",
                403: "无权执行此操作", 404: "接口地址或记录不存在", 405: "不支持该请求方法",
                429: "请求过于频繁，请稍后再试"}.get(exc.status_code, "请求有误")
        return api.create_response(request, error_body(text), status=exc.status_code)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return api.create_response(request, error_body("接口地址或记录不存在"), status=404)

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return api.create_response(request, error_body(f"请求体过大（上限 {limit} MB）"), status=413)

    @api.exception_handler(PermissionDenied)
    def _denied(request, exc):
        return api.create_response(request, error_body(str(exc) or "无权执行此操作"), status=403)

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        import logging

        logging.getLogger("tiaojie.api").exception("API 内部错误：%s %s", request.method, request.path)
        return api.create_response(request, error_body("服务器内部错误，已记录，请稍后重试或联系系统管理员"), status=500)

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        resp = api.create_response(request, error_body("未认证：请在 Authorization 头中提供有效的 Bearer 令牌"),
                                   status=401)
        resp["WWW-Authenticate"] = "Bearer"
        return resp
