"""The record of a case as the plain values documents are filled with (one dict per document).

The same context fills the .docx (docxtpl) and the PDF (Django HTML templates), so a field
added here is available to both and to administrators' replacement templates; the names are
listed in ``PLACEHOLDER_HELP`` for the admin page.

Besides the record, the context carries what the printed forms need to read right: how the
organization is called in the text (``org_term``: "经东安社区人民调解委员会调解", "加盖人民调解中心
印章"), the seal's text broken into balanced lines (``seal``), the agreed terms one by one with
their numbers (``term_items``), whether there is an amount at all (``has_amount``), and who signs
(each party by name and role, each assigned mediator by name).
"""
import datetime as dt
import math
import re
from functools import cache

from django.conf import settings
from django.utils import timezone

from tiaojie.accounts.models import PersonalDataAccess
from tiaojie.cases.models import Agreement, Case, Party
from tiaojie.documents.numerals import amount_figures, amount_in_words
from tiaojie.orgs.models import OrgKind

RIGHTS = [
    "一、当事人享有下列权利：（一）选择或者接受人民调解员；（二）接受调解、拒绝调解或者要求终止调解；"
    "（三）要求调解公开进行或者不公开进行；（四）自主表达意愿、自愿达成调解协议。",
    "二、当事人承担下列义务：（一）如实陈述纠纷事实；（二）遵守调解现场秩序，尊重人民调解员；"
    "（三）尊重对方当事人行使权利。",
    "三、人民调解不收取任何费用。调解不是解决纠纷的必经程序，当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。",
]

ROUTES = ("当事人可以依法通过仲裁、行政、司法等途径维护自己的权利：可以向有关仲裁机构申请仲裁（有仲裁协议或"
          "属于劳动争议、农村土地承包经营纠纷等情形的）；可以请求有关行政机关依法处理；可以向人民法院提起诉讼。")

PLACEHOLDER_HELP = {
    "case_number": "案号（未受理的网上申请没有案号，为“申请编号：网申…”）", "org_name": "调解组织名称", "org_address": "调解组织地址", "today": "制作日期",
    "org_term": "调解组织的称谓（人民调解委员会/人民调解中心/调解工作室…）", "org_self": "调解组织自称（本委员会/本中心…）",
    "dispute_type": "纠纷类型（大类·小类）", "dispute_type_top": "纠纷类型大类", "dispute_type_name": "纠纷类型（案由）", "source": "案件来源", "channel": "受理渠道", "facts": "纠纷简要情况",
    "claims": "申请事项", "place": "纠纷发生地", "arose_on": "纠纷发生日期", "registered_on": "登记日期",
    "accepted_on": "受理日期", "closed_on": "结案日期", "registrar": "登记人", "mediators": "调解员",
    "parties": "全部当事人及代理人（列表）", "principals": "当事人（列表，不含代理人）",
    "applicants": "申请人（列表）", "respondents": "被申请人（列表）", "agents": "代理人（列表）",
    "facts_main": "协议：纠纷主要事实", "issues": "协议：争议事项", "responsibilities": "协议：各方责任",
    "terms": "协议内容（Word中每条一段，序号后为制表符）", "term_items": "协议条款（列表：no 序号，text 内容）",
    "amount": "协议金额（小写）", "amount_upper": "协议金额（大写）", "has_amount": "协议有无金额（真/假）",
    "performance_method": "履行方式", "performance_deadline": "履行期限", "effective_on": "协议生效日期",
    "close_reason": "不予受理/终止原因", "routes": "其他救济途径", "item": "本次调解/调查/回访记录",
    "entries": "卷内文件（列表）", "document_count": "卷内文件数", "page_count": "卷内页数",
    "title": "卷名", "retention": "保管期限", "filer": "立卷人",
    "mediator_names": "在办调解员姓名（列表，每人一行签名）",
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
        "pk": p.pk, "role": p.get_role_display(), "kind": p.get_kind_display(), "name": p.name, "gender": p.gender,
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
    # How this party signs (人民调解法 Art.29: 签名、盖章或者按指印).
    if p.kind == Party.Kind.ORG:
        d["sign_how"], d["finger"] = "盖章", False
    elif p.role == Party.Role.AGENT:
        d["sign_how"], d["finger"] = "签名", False
    else:
        d["sign_how"], d["finger"] = "签名或按指印", True
    return d


def _names(parties: list[dict]) -> str:
    return "、".join(p["name"] for p in parties)


def case_title(case: Case) -> str:
    """卷名: the parties and the case's own type (案由), "刘大海与孙小梅赡养纠纷" rather than its group."""
    ps = list(case.parties.all())
    a = "、".join(p.name for p in ps if p.role == Party.Role.APPLICANT)
    r = "、".join(p.name for p in ps if p.role == Party.Role.RESPONDENT)
    who = f"{a}与{r}" if a and r else (a or r)
    return f"{who}{case.dispute_type.name}纠纷"


# ---- the organization in the text -------------------------------------------------------------

# What a document calls the organization, found at the end of its name (longest first); the
# organization's kind decides when the name ends otherwise.
ORG_TERMS = ("诉前人民调解工作室", "警民联调工作室", "人民调解工作室", "人民调解委员会", "人民调解中心", "警民联调室",
             "律师调解室", "调解工作室", "调解委员会", "调解中心", "联调室", "调解室", "工作室", "委员会", "中心")
KIND_TERMS = {
    OrgKind.VILLAGE: "人民调解委员会", OrgKind.TOWNSHIP: "人民调解委员会", OrgKind.TRADE: "人民调解委员会",
    OrgKind.ENTERPRISE: "人民调解委员会", OrgKind.COUNTY_CENTER: "人民调解中心",
    OrgKind.COURT_ROOM: "诉前人民调解工作室", OrgKind.POLICE_ROOM: "警民联调工作室",
    OrgKind.LAWYER_ROOM: "律师调解室", OrgKind.CITY_BUREAU: "司法局",
}


def org_terms(name: str, kind: str) -> tuple[str, str]:
    """(how the text calls the organization, how it calls itself): ("人民调解中心", "本中心")."""
    term = next((t for t in ORG_TERMS if name.endswith(t)), None) or KIND_TERMS.get(kind, "人民调解委员会")
    for tail, self_name in (("委员会", "本委员会"), ("中心", "本中心"), ("工作室", "本工作室"), ("室", "本调解室"),
                            ("司法局", "本局")):
        if term.endswith(tail):
            return term, self_name
    return term, "本单位"


# ---- the seal ---------------------------------------------------------------------------------

SEAL_MM = 40  # the dashed circle marking where the seal goes
SEAL_LINE_MAX = 10  # characters a line of the seal text holds before it is split
_PT_PER_MM = 72 / 25.4
# Places a name may be broken at: before the organization's own term, after a place or a unit.
_BREAK_BEFORE = ("人民调解", "诉前", "警民", "律师", "道路", "医疗", "劳动", "物业", "婚姻", "消费")
_BREAK_AFTER = ("省", "市", "区", "县", "镇", "乡", "街道", "社区", "村", "公司", "医院", "法院", "派出所", "协会", "纠纷",
                "保险")


# Words a line must not cut through.
_WHOLE = ("人民调解委员会", "人民调解中心", "人民调解工作室", "警民联调室", "人民法院", "人民医院", "人民政府", "派出所",
          "委员会", "工作室", "股份有限公司", "有限公司", "支公司", "分公司", "街道", "社区")


def _cut_cost(name: str, i: int) -> float:
    """Cost of a line break before name[i]: negative at natural places, high inside a word."""
    for w in _WHOLE:
        at = name.find(w)
        while at != -1:
            if at < i < at + len(w):
                return 8.0
            at = name.find(w, at + 1)
    return -6.0 if name[i:].startswith(_BREAK_BEFORE) or name[:i].endswith(_BREAK_AFTER) else 0.0


def seal_lines(name: str, per_line: int = SEAL_LINE_MAX) -> list[str]:
    """The organization's name in lines for the seal box, never one character alone on a line.

    Up to ``per_line`` characters stay on one line. A longer name is cut into as few lines as
    hold it, each of 2…``per_line`` characters, choosing among all such cuts the most even one,
    with a preference for natural places (before "人民调解…", after a place or a unit name) and
    never through a word such as "委员会": "东安社区人民调解委员会" → "东安社区" / "人民调解委员会".
    """
    name = "".join(name.split())
    n = len(name)
    if n <= per_line:
        return [name]
    fewest = math.ceil(n / per_line)
    options = []
    for k in (fewest, fewest + 1):  # one line more when that avoids cutting through a word
        plan = _cut(name, k, per_line)
        if plan is not None:
            options.append((plan[0] + 4.0 * (k - fewest), k, plan[1]))
    if not options:  # only for per_line < 4; kept for safety
        return [name[i:i + per_line] for i in range(0, n, per_line)]
    _cost, k, cuts = min(options)
    cuts = (0, *cuts, n)
    return [name[cuts[i]:cuts[i + 1]] for i in range(k)]


def _cut(name: str, k: int, per_line: int) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest cut of ``name`` into ``k`` lines of 2…``per_line`` characters, or None."""
    n = len(name)
    ideal = n / k

    @cache
    def best(start: int, left: int) -> tuple[float, tuple[int, ...]] | None:
        rest = n - start
        if left == 1:
            return ((rest - ideal) ** 2, ()) if 2 <= rest <= per_line else None
        found = None
        for end in range(start + 2, min(start + per_line, n - 2 * (left - 1)) + 1):
            tail = best(end, left - 1)
            if tail is None:
                continue
            cost = (end - start - ideal) ** 2 + _cut_cost(name, end) + tail[0]
            if found is None or cost < found[0]:
                found = (cost, (end, *tail[1]))
        return found

    return best(0, k)


def seal(name: str) -> dict:
    """Lines, font size and top padding of the seal box: the text block fits inside the circle."""
    lines = seal_lines(name)
    longest = max(len(line) for line in lines)
    usable = {1: SEAL_MM - 5, 2: SEAL_MM - 8}.get(len(lines), SEAL_MM - 12)  # chords shorten away from the middle
    size = max(6.0, min(10.0, round(usable / longest * _PT_PER_MM * 0.96, 1)))
    height = (len(lines) + 1) * size * 1.35 / _PT_PER_MM
    return {"lines": lines, "font_pt": size, "pad_mm": round(max(2.0, (SEAL_MM - height) / 2), 1)}


# ---- the agreed terms -------------------------------------------------------------------------

_CN = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}
_MARK = re.compile(r"(?P<mark>(?P<cn>[一二三四五六七八九十]{1,3})、|(?P<ar>\d{1,2})[、.．](?!\d)|"
                   r"[（(](?P<pcn>[一二三四五六七八九十]{1,3}|\d{1,2})[)）])")


def _cn_value(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN.get(s[1:], 0)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN[tens] * 10 + (_CN[ones] if ones else 0)
    return _CN.get(s, 0)


def _mark_value(m: re.Match) -> tuple[str, int]:
    if m["cn"]:
        return "cn", _cn_value(m["cn"])
    if m["ar"]:
        return "ar", int(m["ar"])
    return "p", _cn_value(m["pcn"])


def _em(s: str) -> float:
    return sum(0.5 if ord(c) < 128 else 1.0 for c in s)


def split_terms(text: str) -> list[dict]:
    """The agreed terms one by one: ``[{"no": "一、", "text": "…"}, …]``.

    Each line is a term; a line holding several numbered terms in a row ("一、…；二、…。") is split
    at the numbers that continue the sequence after a "；" or "。", so a number inside a term
    ("第一、二项") does not split it. A line without a number is a term with ``no`` "".
    """
    items: list[dict] = []
    for line in (x.strip() for x in (text or "").splitlines()):
        if not line:
            continue
        first = _MARK.match(line)
        if not first:
            items.append({"no": "", "text": line})
            continue
        style, value = _mark_value(first)
        cuts = [(0, first)]
        for m in _MARK.finditer(line, first.end()):
            s2, v2 = _mark_value(m)
            if s2 == style and v2 == value + 1 and line[m.start() - 1] in "；;。":
                cuts.append((m.start(), m))
                value = v2
        for j, (_start, m) in enumerate(cuts):
            end = cuts[j + 1][0] if j + 1 < len(cuts) else len(line)
            items.append({"no": m["mark"], "text": line[m.end():end].strip()})
    hang = max((_em(i["no"]) for i in items), default=0)
    for i in items:
        i["hang"], i["pad"] = hang, hang + 2  # in em: the number hangs in [2em, 2em + hang)
    return items


# Parts above documents add to every document's context without being imported here
# (the public side: the tracking code and its QR, the parties' online signatures).
PROVIDERS: list = []


def register_provider(fn) -> None:
    """``fn(case, ctx) -> dict | None``: values added to the context of every document."""
    if fn not in PROVIDERS:
        PROVIDERS.append(fn)


def build(case: Case, user=None, *, item=None, extra: dict | None = None, log_as: str = "") -> dict:
    """The context of one document of ``case``; ``item`` is the session/investigation/follow-up."""
    unmask = bool(user is not None and getattr(user, "can_unmask", False))
    parties = [party_dict(p, unmask) for p in case.parties.select_related("agent_for").all()]
    principals = [p for p in parties if p["role"] != Party.Role.AGENT.label]
    mediators = case.active_mediators()
    org = case.organization
    org_term, org_self = org_terms(org.name, org.kind)
    ctx = {
        # an online application declined (or not yet accepted) never had a case number: its
        # reference is labelled as what it is wherever a document prints the number
        "case_number": case.number if case.numbered else f"{case.number_label}：{case.number}",
        "org_name": org.name, "org_address": org.address,
        "org_phone": org.contact_phone, "today": cn_date(timezone.localdate()),
        "org_term": org_term, "org_self": org_self, "seal": seal(org.name),
        "dispute_type": str(case.dispute_type), "dispute_type_top": case.dispute_type.top.name,
        "dispute_type_name": case.dispute_type.name, "source": case.get_source_display(),
        "channel": case.get_channel_display(), "facts": case.facts, "claims": case.claims,
        "place": f"{case.region.name}{case.place_detail}", "arose_on": cn_date(case.arose_on),
        "people_count": case.people_count, "amount_at_stake": amount_figures(case.amount_at_stake),
        "has_amount_at_stake": bool(case.amount_at_stake),
        "registered_on": cn_date(timezone.localtime(case.registered_at).date()),
        "accepted_on": cn_date(case.accepted_on), "closed_on": cn_date(case.closed_on),
        "due_on": cn_date(case.due_on), "status": case.get_status_display(),
        "outcome": case.get_outcome_display() if case.outcome else "", "close_reason": case.close_reason,
        "registrar": case.registered_by.label if case.registered_by_id else "",
        "mediators": "、".join(m.name for m in mediators), "parties": parties, "principals": principals,
        # one signature line per assigned mediator; one unnamed line when none is assigned yet
        "mediator_names": [m.name for m in mediators] or [""],
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
            "responsibilities": ag.responsibilities, "terms": ag.terms, "term_items": split_terms(ag.terms),
            "performance_method": ag.performance_method, "performance_deadline": cn_date(ag.performance_deadline),
            "amount": amount_figures(ag.amount), "amount_upper": amount_in_words(ag.amount, "人民币"),
            "has_amount": bool(ag.amount), "effective_on": cn_date(ag.effective_on),
        })
    else:
        ctx.update({k: "" for k in ("agreement_kind", "facts_main", "issues", "responsibilities", "terms",
                                    "performance_method", "performance_deadline", "amount", "amount_upper",
                                    "effective_on")})
        ctx.update({"term_items": [], "has_amount": False})
    ctx["rights"] = RIGHTS
    if item is not None:
        ctx["item"] = item_dict(item)
    else:
        ctx["item"] = {}
    for provider in PROVIDERS:
        ctx.update(provider(case, ctx) or {})
    if extra:
        ctx.update(extra)
    if unmask and log_as:
        PersonalDataAccess.objects.create(user=user, what=f"文书：{log_as}"[:100], object_repr=case.number[:200])
    return ctx


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
