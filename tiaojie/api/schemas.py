"""Request and response shapes of the linkage API (OpenAPI at /api/docs)."""
import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

from tiaojie.core.validators import TEXT_LIMITS as L


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("包含无效字符") from None
    return value.strip()


def _sane_date(value):
    if value is not None and value.year < 1900:
        raise ValueError("日期不合理")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 (a type factory)
    """A text field; lengths of case fields come from the shared ``TEXT_LIMITS`` (forms, services, API)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_clean_text)]


SaneDate = Annotated[dt.date, AfterValidator(_sane_date)]
SaneDateTime = Annotated[dt.datetime, AfterValidator(_sane_date)]


class FieldError(Schema):
    field: str
    message: str


class Error(Schema):
    detail: str = Field(description="错误说明（中文）")
    field: str | None = Field(None, description="出错的字段")
    errors: list[FieldError] = []


class PartyIn(Schema):
    role: Literal["applicant", "respondent", "third"] = "applicant"
    kind: Literal["person", "org"] = "person"
    name: Text(L["name"], 1)
    id_type: Literal["resident", "passport", "hmt", "foreign", "other"] = "resident"
    id_number: Text(L["id_number"]) = ""
    phone: Text(L["phone"]) = ""
    address: Text(L["address"]) = ""
    credit_code: Text(L["credit_code"]) = ""


class ReferralIn(Schema):
    """A referral for mediation (委派/委托调解, 110 移交, 信访/12345/部门转办)."""

    external_ref: Text(80) = Field("", description="移送单位编号：法院案号（法院必填）、110接警单号、信访件编号等")
    referrer_name: Text(L["name"]) = Field("", description="移送单位名称，缺省为对接系统名称")
    dispute_type: Text(10, 1) = Field(description="纠纷类型代码，例如 02 邻里、14 道路交通事故、0101 赡养")
    region: Text(12, 1) = Field(description="纠纷发生地区划代码（村12位、乡镇9位）")
    place_detail: Text(L["place_detail"]) = ""
    arose_on: SaneDate = Field(description="纠纷发生日期")
    facts: Text(L["facts"], 1) = Field(description="纠纷简要情况")
    claims: Text(L["claims"]) = Field("", description="诉讼请求/申请事项")
    people_count: int = Field(2, ge=1, le=100000)
    amount_at_stake: Decimal = Field(Decimal("0"), ge=0, lt=Decimal("1e12"), max_digits=14, decimal_places=2)
    parties: list[PartyIn] = Field(min_length=1, max_length=50)
    mode: Literal["delegated", "entrusted"] | None = Field(None, description="法院：委派（诉前）或委托（诉中）")
    court_keeps: bool = Field(False, description="法院自留，由本院诉前人民调解工作室调解")
    call_time: SaneDateTime | None = Field(None, description="公安：接警时间（必填）")
    caller: Text(L["person"]) = Field("", description="公安：报警人（必填）")
    caller_phone: Text(30) = ""
    place: Text(L["place"]) = Field("", description="公安：发生地点（必填）")
    complex: bool = Field(False, description="公安：复杂纠纷（反馈期限5日，否则24小时）")
    spans_villages: bool = False
    spans_townships: bool = False
    village_failed: bool = Field(False, description="村（社区）调委会已调解未成（分流不再分回该村）")
    major: bool = Field(False, description="疑难重大纠纷")


class JudicialConfirmationOut(Schema):
    status: str
    status_label: str
    applied_on: str
    court_name: str
    late: bool
    late_reason: str | None = None
    answered_on: str | None = None
    decided_on: str | None = None
    number: str | None = None


class AgreementOut(Schema):
    kind: str
    kind_label: str
    terms: str
    amount: str
    effective_on: str
    performance_method: str | None = None
    performance_deadline: str | None = None


class OutcomeOut(Schema):
    case_number: str
    status: str
    status_label: str
    handling_organization: str
    outcome: str | None = None
    outcome_label: str | None = None
    closed_on: str | None = None
    close_reason: str | None = None
    agreement: AgreementOut | None = None
    judicial_confirmation: JudicialConfirmationOut | None = None


class ReferralOut(Schema):
    id: int
    kind: str
    external_ref: str
    case_number: str
    status: str
    status_label: str
    handling_organization: str
    routing_rule: str | None = None
    routing_explanation: str | None = None
    referred_at: str
    due_on: str | None = None
    feedback_due_at: str | None = None
    feedback_at: str | None = None
    feedback: str | None = None
    duplicate: bool = Field(False, description="该编号已移送过，返回的是已有案件")
    outcome: OutcomeOut


class ConfirmationResultIn(Schema):
    """The court's answer on a judicial-confirmation application (司法确认)."""

    case_number: Text(60, 1) = Field(description="调解案号")
    accepted: bool = Field(description="受理（true）或不予受理（false）")
    answered_on: SaneDate | None = Field(None, description="受理/不予受理日期（尚未答复时必填）")
    note: Text(L["note"]) = Field("", description="说明；不予受理时必填理由")
    decision: Literal["confirmed", "rejected"] | None = Field(None, description="确认有效或驳回；尚未裁定时不填")
    decided_on: SaneDate | None = None
    number: Text(80) = Field("", description="文书编号（调确字号）")
