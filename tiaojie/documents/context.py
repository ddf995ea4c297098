"""The record of a case as the plain values documents are filled with (one dict per document).

The same context fills the .docx (docxtpl) and the PDF (Django HTML templates), so a field
added here is available to both and to administrators' replacement templates; the names are
listed in ``PLACEHOLDER_HELP`` for the admin page.
"""
import datetime as dt

from django.conf import settings
from django.utils import timezone

from tiaojie.accounts.models import PersonalDataAccess
from tiaojie.cases.models import Agreement, Case, Party
from tiaojie.documents.numerals import amount_figures, amount_in_words

ROUTES = ("当事人可以依法通过仲裁、行政、司法等途径维护自己的权利：可以向有关仲裁机构申请仲裁（有仲裁协议或"
          "属于劳动争议、农村土地承包经营纠纷等情形的）；可以请求有关行政机关依法处理；可以向人民法院提起诉讼。")

PLACEHOLDER_HELP = {
    "case_number": "案号", "org_name": "调解委员会名称", "org_address": "调委会地址", "today": "制作日期",
    "dispute_type": "纠纷类型", "source": "案件来源", "channel": "受理渠道", "facts": "纠纷简要情况",
    "claims": "申请事项", "place": "纠纷发生地", "arose_on": "纠纷发生日期", "registered_on": "登记日期",
    "accepted_on": "受理日期", "closed_on": "结案日期", "registrar": "登记人", "mediators": "调解员",
    "parties": "全部当事人及代理人（列表）", "principals": "当事人（列表，不含代理人）",
    "applicants": "申请人（列表）", "respondents": "被申请人（列表）", "agents": "代理人（列表）",
    "facts_main": "协议：纠纷主要事实", "issues": "协议：争议事项", "responsibilities": "协议：各方责任",
    "terms": "协议内容", "amount": "协议金额（小写）", "amount_upper": "协议金额（大写）",
    "performance_method": "履行方式", "performance_deadline": "履行期限", "effective_on": "协议生效日期",
    "close_reason": "不予受理/终止原因", "routes": "其他救济途径", "item": "本次调解/调查/回访记录",
    "entries": "卷内文件（列表）", "document_count": "卷内文件数", "page_count": "卷内页数",
    "title": "卷名", "retention": "保管期限", "filer": "立卷人",
}


def cn_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def party_dict(p: Party, unmask: bool) -> dict:
    age = p.age
    d = {
        "role": p.get_role_display(), "kind": p.get_kind_display(), "name": p.name, "gender": p.gender,
        "ethnicity": p.ethnicity, "age": f"{age}" if age is not None else "", "occupation": p.occupation,
        "id_type": p.get_id_type_display() if p.id_type else "",
        "id_number": (p.id_number if unmask else p.id_masked) or "",
        "phone": (p.phone if unmask else p.phone_masked) or "", "address": p.address,
        "legal_rep": p.legal_rep, "credit_code": p.credit_code,
        "agent_for": p.agent_for.name if p.agent_for_id else "",
    }
    if p.kind == Party.Kind.ORG:
        bits = [p.name, f"统一社会信用代码{p.credit_code}" if p.credit_code else "",
                f"法定代表人{p.legal_rep}" if p.legal_rep else "", f"住所{p.address}" if p.address else ""]
    else:
        bits = [p.name, p.gender, p.ethnicity, f"{age}岁" if age is not None else "", p.occupation,
                f"{d['id_type']}号码{d['id_number']}" if d["id_number"] else "",
                f"住{p.address}" if p.address else "", f"联系电话{d['phone']}" if d["phone"] else ""]
    if p.role == Party.Role.AGENT and d["agent_for"]:
        bits.append(f"系{d['agent_for']}的代理人")
    d["summary"] = "，".join(b for b in bits if b)
    return d


def _names(parties: list[dict]) -> str:
    return "、".join(p["name"] for p in parties)


def case_title(case: Case) -> str:
    ps = list(case.parties.all())
    a = "、".join(p.name for p in ps if p.role == Party.Role.APPLICANT)
    r = "、".join(p.name for p in ps if p.role == Party.Role.RESPONDENT)
    who = f"{a}与{r}" if a and r else (a or r)
    return f"{who}{case.dispute_type.top.name}纠纷"


def build(case: Case, user=None, *, item=None, extra: dict | None = None, log_as: str = "") -> dict:
    """The context of one document of ``case``; ``item`` is the session/investigation/follow-up."""
    unmask = bool(user is not None and getattr(user, "can_unmask", False))
    parties = [party_dict(p, unmask) for p in case.parties.select_related("agent_for").all()]
    principals = [p for p in parties if p["role"] != Party.Role.AGENT.label]
    mediators = case.active_mediators()
    org = case.organization
    ctx = {
        "case_number": case.number, "org_name": org.name, "org_address": org.address,
        "org_phone": org.contact_phone, "today": cn_date(timezone.localdate()),
        "dispute_type": str(case.dispute_type), "source": case.get_source_display(),
        "channel": case.get_channel_display(), "facts": case.facts, "claims": case.claims,
        "place": f"{case.region.name}{case.place_detail}", "arose_on": cn_date(case.arose_on),
        "people_count": case.people_count, "amount_at_stake": amount_figures(case.amount_at_stake),
        "registered_on": cn_date(timezone.localtime(case.registered_at).date()),
        "accepted_on": cn_date(case.accepted_on), "closed_on": cn_date(case.closed_on),
        "due_on": cn_date(case.due_on), "status": case.get_status_display(),
        "outcome": case.get_outcome_display() if case.outcome else "", "close_reason": case.close_reason,
        "registrar": case.registered_by.label if case.registered_by_id else "",
        "mediators": "、".join(m.name for m in mediators), "parties": parties, "principals": principals,
        "applicants": [p for p in parties if p["role"] == Party.Role.APPLICANT.label],
        "respondents": [p for p in parties if p["role"] == Party.Role.RESPONDENT.label],
        "thirds": [p for p in parties if p["role"] == Party.Role.THIRD.label],
        "agents": [p for p in parties if p["role"] == Party.Role.AGENT.label],
        "routes": ROUTES, "title": case_title(case),
        "retention": getattr(settings, "TIAOJIE_CASEFILE_RETENTION", "长期"),
        "filer": user.label if user is not None else "",
        "filed_on": cn_date(timezone.localtime(case.archived_at).date() if case.archived_at else timezone.localdate()),
        "entries": [], "document_count": "", "page_count": "",
    }
    ctx["principal_names"] = _names(principals)
    n = len(principals) + 1
    ctx["copies"] = "一二三四五六七八九十"[n - 1] if 0 < n <= 10 else str(n)
    try:
        ag = case.agreement
    except Agreement.DoesNotExist:
        ag = None
    if ag is not None:
        ctx.update({
            "agreement_kind": ag.get_kind_display(), "facts_main": ag.facts, "issues": ag.issues,
            "responsibilities": ag.responsibilities, "terms": ag.terms,
            "performance_method": ag.performance_method, "performance_deadline": cn_date(ag.performance_deadline),
            "amount": amount_figures(ag.amount), "amount_upper": amount_in_words(ag.amount, "人民币"),
            "effective_on": cn_date(ag.effective_on),
        })
    else:
        ctx.update({k: "" for k in ("agreement_kind", "facts_main", "issues", "responsibilities", "terms",
                                    "performance_method", "performance_deadline", "amount", "amount_upper",
                                    "effective_on")})
    ctx.update(_signers(ctx))
    if item is not None:
        ctx["item"] = item_dict(item)
    else:
        ctx["item"] = {}
    if extra:
        ctx.update(extra)
    if unmask and log_as:
        PersonalDataAccess.objects.create(user=user, what=f"文书：{log_as}"[:100], object_repr=case.number[:200])
    return ctx


def _signers(ctx: dict) -> dict:
    from tiaojie.documents.docx_defaults import RIGHTS

    return {"rights": RIGHTS, "reg_signers": [f"登记人 {ctx['registrar']}"],
            "session_signers": ["人民调解员", "记录人"], "mediator_signers": ["人民调解员"]}


def item_dict(obj) -> dict:
    from tiaojie.cases.models import FollowUp, Investigation, MediationSession

    if isinstance(obj, MediationSession):
        return {"held_at": cn_date(obj.held_at), "place": obj.place, "participants": obj.participants,
                "content": obj.content, "recorder": obj.recorder}
    if isinstance(obj, Investigation):
        return {"held_at": cn_date(obj.held_at), "place": obj.place, "subject": obj.subject,
                "investigators": obj.investigators, "content": obj.content}
    if isinstance(obj, FollowUp):
        return {"visited_on": cn_date(obj.visited_on), "visitor": obj.visitor, "method": obj.method,
                "performance": obj.get_performance_display(), "satisfaction": obj.get_satisfaction_display(),
                "notes": obj.notes}
    raise TypeError(obj)
