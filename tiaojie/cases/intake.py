"""The one intake function: every channel registers a dispute through ``register``.

Desk form (窗口登记), court / police / petition / department referrals (委托移送), screening
findings (排查发现), hidden dangers turned into cases (隐患转案件), the linkage API and public
applications (群众端申请) all build an ``Application`` and call ``register(user, app)``:

1. ``prepare`` validates every field with the shared validators (``tiaojie.core.validators``;
   the same limits and Chinese messages as the forms and the API), reads the facts with the text
   analysis (``tiaojie.intake``: type suggestions, risk signals with quoted phrases, amount and
   people read from the text), asks routing for its proposal (``ports.routing()``), and decides
   the handling organization. It writes nothing, so pages use it to preview.
2. ``register`` then numbers the case in the handling organization's series (an online
   application only gets an application reference: it is numbered when accepted), saves the case and
   its parties, keeps what was known at registration (``IntakeRecord``: channel, analysis,
   whether the type suggestion was taken; the routing inputs on the case itself), records the
   routing decision and the timeline, all in one transaction; risk assessment, rollups and the
   search index follow after commit (``case_changed``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tiaojie.cases import crypto, ports
from tiaojie.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseNumberCounter,
    Channel,
    DisputeType,
    IntakeRecord,
    Party,
    Source,
    Status,
)
from tiaojie.cases.transitions import LABEL_MAX, TransitionError, after_commit, fit_text
from tiaojie.core import dates, fixedsql, identifiers, permissions, validators
from tiaojie.core.errors import DomainError, Refused
from tiaojie.core.scope import Scope

ROUTING_FLAGS = ("spans_villages", "spans_townships", "village_failed", "major")


class Via:
    """The channel a dispute came in by (``IntakeRecord.channel``)."""

    DESK = "desk"
    REFERRAL = "referral"
    SCREENING = "screening"
    HAZARD = "hazard"
    API = "api"
    PUBLIC = "public"
    LABELS = {DESK: "窗口登记", REFERRAL: "委托移送", SCREENING: "排查发现", HAZARD: "隐患转为案件", API: "对接接口",
              PUBLIC: "群众网上申请"}


@dataclass
class Application:
    """Everything a channel hands in. ``organization``: the handling organization a registrar
    chose (desk); None lets routing decide. ``intake_org``: where the dispute was received."""

    via: str
    source: str
    dispute_type: DisputeType | None
    region: object | None
    facts: str
    parties: list[dict]
    arose_on: dt.date | str | None = None
    claims: str = ""
    place_detail: str = ""
    people_count: int | None = None
    amount_at_stake: Decimal | str | int | None = None
    channel: str = Channel.WINDOW
    organization: object | None = None
    intake_org: object | None = None
    routing_reason: str = ""
    spans_villages: bool = False
    spans_townships: bool = False
    village_failed: bool = False
    major: bool = False
    court_keeps: bool = False
    referring_org: object | None = None
    action: str = "case.register"
    label: str = ""              # the registration's timeline label, when the channel says more


@dataclass
class Prepared:
    app: Application
    fields: dict
    parties: list[dict]
    analysis: object | None
    proposal: ports.RouteProposal
    organization: object
    followed: bool
    routing_reason: str
    warnings: list[str] = field(default_factory=list)

    @property
    def suggestion_accepted(self) -> bool | None:
        types = getattr(self.analysis, "types", ()) if self.analysis is not None else ()
        if not types:
            return None
        return self.fields["dispute_type"].top.code == types[0].code


def analyze(texts: dict):
    """The text analysis of ``tiaojie.intake`` (type suggestions, risk signals, amounts, people)."""
    from tiaojie.intake.analysis import analyze as run

    return run(texts)


# --- field rules -------------------------------------------------------------------------------

def clean_case_field(name: str, value):
    """One case field as registration (and 更正) accepts it; ``DomainError`` at the field."""
    from tiaojie.orgs.models import Region

    if name in ("facts",):
        return validators.text(value, "facts", "纠纷简要情况")
    if name in ("claims",):
        return validators.text(value, "claims", "申请事项", required=False)
    if name == "place_detail":
        return validators.text(value, "place_detail", "详细地点", required=False)
    if name == "arose_on":
        return validators.date(value, "arose_on", "纠纷发生日期", not_future=True)
    if name == "people_count":
        return validators.count(value, "people_count", "涉及人数", default=2)
    if name == "amount_at_stake":
        return validators.amount(value, "amount_at_stake", "涉及金额")
    if name == "dispute_type":
        if isinstance(value, DisputeType):
            return value
        t = DisputeType.objects.filter(pk=value, is_active=True).select_related("parent").first() \
            if str(value or "").isdigit() else None
        if t is None:
            raise DomainError("请选择纠纷类型", "dispute_type")
        return t
    if name == "region":
        if isinstance(value, Region):
            return value
        r = Region.objects.filter(code=str(value or "").strip()).first()
        if r is None:
            raise DomainError("纠纷发生地的区划代码不存在", "region")
        return r
    if name == "source":
        if value not in Source.values:
            raise DomainError("请选择案件来源", "source")
        return value
    if name == "channel":
        if value not in Channel.values:
            raise DomainError("请选择受理渠道", "channel")
        return value
    raise DomainError(f"“{name}”不能登记", name)


def _fields(app: Application) -> dict:
    if app.dispute_type is None:
        raise DomainError("请选择纠纷类型", "dispute_type")
    if app.region is None:
        raise DomainError("请选择纠纷发生地", "region")
    return {
        "source": clean_case_field("source", app.source),
        "channel": clean_case_field("channel", app.channel),
        "dispute_type": clean_case_field("dispute_type", app.dispute_type),
        "region": clean_case_field("region", app.region),
        "facts": clean_case_field("facts", app.facts),
        "claims": clean_case_field("claims", app.claims),
        "place_detail": clean_case_field("place_detail", app.place_detail),
        "arose_on": clean_case_field("arose_on", app.arose_on),
        "people_count": clean_case_field("people_count", app.people_count),
        "amount_at_stake": clean_case_field("amount_at_stake", app.amount_at_stake),
    }


# --- prepare and register --------------------------------------------------------------------

def prepare(user, app: Application) -> Prepared:
    """Validate, analyse and route ``app`` without writing anything (``DomainError`` at the field).

    A public application (``Via.PUBLIC``) comes with no user: the applicant is no account; the
    public channel checked their phone by a one-time code before it calls here."""
    if not (app.via == Via.PUBLIC and user is None):
        permissions.require(user, app.action)
    fields = _fields(app)
    parties, warnings = validators.parties(app.parties, source=fields["source"])
    analysis = analyze({"facts": fields["facts"], "claims": fields["claims"]})
    app.routing_reason = validators.text(app.routing_reason, "routing_reason", "未采纳分流建议的理由",
                                         required=False, limit_name="reason")
    proposal = ports.routing().propose(_RouteInput(app, fields, analysis))
    chosen, followed, reason = _choose(user, app, proposal)
    warnings += duplicate_id_warnings(parties, user)
    return Prepared(app, fields, parties, analysis, proposal, chosen, followed, reason, warnings)


@dataclass
class Preview:
    """What the registration form shows while the registrar types (``preview``)."""

    analysis: object | None = None
    types: list = field(default_factory=list)          # [(TypeSuggestion, DisputeType | None)], best first
    proposal: ports.RouteProposal | None = None
    duplicates: list = field(default_factory=list)     # search.Duplicate
    similar: list = field(default_factory=list)        # search.Similar
    error: str = ""

    @property
    def empty(self) -> bool:
        a = self.analysis
        return not (self.types or self.proposal or self.duplicates or self.similar or self.error
                    or (a is not None and (a.signals or a.people_count or a.amount_yuan)))


def suggested_types(analysis, top: int = 3) -> list:
    """The analysis's best ``top`` type suggestions with their active ``DisputeType`` (None where
    the code has none), best first: [(TypeSuggestion, DisputeType | None)]."""
    suggested = list(getattr(analysis, "types", None) or [])[:top]
    if not suggested:
        return []
    known = {t.code: t for t in DisputeType.objects.filter(code__in=[s.code for s in suggested], is_active=True)
             .select_related("parent")}
    return [(s, known.get(s.code)) for s in suggested]


def preview(user, app: Application) -> Preview:
    """A preview of ``prepare`` for a form still being filled in: the text analysis of the facts,
    the routing proposal (when type and place are known; the registrar's type, else the best
    suggestion), possible duplicates and similar closed cases in the user's scope. Writes
    nothing; incomplete or odd input gives a smaller preview, never an error."""
    from tiaojie.cases import search

    facts, claims = str(app.facts or ""), str(app.claims or "")
    if not facts.strip():
        return Preview()
    try:
        facts = validators.text(facts, "facts", "纠纷简要情况")
        claims = validators.text(claims, "claims", "申请事项", required=False)
    except DomainError as e:
        return Preview(error=e.message)
    analysis = analyze({"facts": facts, "claims": claims})
    out = Preview(analysis=analysis)
    out.types = suggested_types(analysis)
    region = None
    try:
        region = clean_case_field("region", app.region)
    except DomainError:
        pass
    try:
        dispute_type = clean_case_field("dispute_type", app.dispute_type)
    except DomainError:
        dispute_type = next((t for _, t in out.types if t is not None), None)
    if region is not None and dispute_type is not None:
        fields = {"dispute_type": dispute_type, "region": region, "facts": facts, "claims": claims,
                  "source": app.source if app.source in Source.values else "",
                  "people_count": _lenient(clean_case_field, "people_count", app.people_count, 2),
                  "amount_at_stake": _lenient(clean_case_field, "amount_at_stake", app.amount_at_stake, Decimal(0))}
        out.proposal = ports.routing().propose(_RouteInput(app, fields, analysis))
    names = [p.get("name", "") for p in app.parties]
    hashes = [search.id_hash_of(p.get("id_number", "")) for p in app.parties]
    out.duplicates = search.possible_duplicates(user, names=names, id_hashes=hashes, region=region,
                                                text=f"{facts}\n{claims}")
    out.similar = search.similar_cases(user, f"{facts}\n{claims}", names=names)
    return out


def _lenient(fn, name, value, default):
    try:
        v = fn(name, value)
    except DomainError:
        return default
    return default if v is None else v


@dataclass
class _RouteInput:
    """What routing reads to propose: the application, its clean fields and the analysis."""

    app: Application
    fields: dict
    analysis: object | None

    @property
    def flags(self) -> dict:
        return {k: bool(getattr(self.app, k)) for k in (*ROUTING_FLAGS, "court_keeps")}


def _choose(user, app: Application, proposal: ports.RouteProposal):
    """(handling organization, followed the proposal?, reason when not)."""
    scope = Scope.of(user)
    proposed = proposal.org
    if app.via in (Via.DESK,):
        chosen = app.organization
        if chosen is None:
            raise DomainError("请选择承办调委会", "organization")
        if not scope.sees(chosen):
            raise Refused("所选单位不在您的管辖范围内")
        if not chosen.is_active:
            raise DomainError(f"{chosen.name}已停用，请选择其他单位", "organization")
        differs = proposed is not None and proposed.pk != chosen.pk
        if differs and not app.routing_reason:
            raise DomainError(f"系统建议由{proposed.name}承办（{proposal.rule_name}）；选择其他单位须填写理由",
                              "routing_reason")
        return chosen, not differs, app.routing_reason if differs else ""
    if app.via in (Via.SCREENING, Via.HAZARD):
        chosen = app.organization or app.intake_org
        if chosen is None or not scope.sees(chosen):
            raise Refused("该单位不在您的管辖范围内")
        differs = proposed is not None and proposed.pk != chosen.pk
        return chosen, not differs, ("排查发现的纠纷由发现单位先行登记，需要时再移交" if differs else "")
    if app.via == Via.PUBLIC:
        chosen = app.organization or proposed
        if chosen is None:
            raise DomainError("没有找到合适的调解组织，请选择纠纷发生地", "region")
        differs = proposed is not None and proposed.pk != chosen.pk
        return chosen, not differs, app.routing_reason if differs else ""
    # referrals and the API: registered where routing proposes, else at the intake point
    chosen = proposed or app.intake_org
    if chosen is None:
        raise Refused("您的账号未关联单位，不能移送案件")
    return chosen, True, ""


def register(user, app: Application) -> Case:
    """Register the dispute of ``app`` (登记); the case gets its number here (an online application
    when it is accepted, ``numbered_at_registration``). Returns the case
    with ``case.intake_warnings`` (notes that did not block: identifiers, possible duplicates)."""
    prepared = prepare(user, app)
    return register_prepared(user, prepared)


@transaction.atomic
def register_prepared(user, prepared: Prepared) -> Case:
    app, fields, org = prepared.app, prepared.fields, prepared.organization
    now = timezone.now()
    year = timezone.localtime(now).year
    if numbered_at_registration(app):
        seq, number = next_case_number(org, year)
    else:
        seq, number = None, application_reference(now)
    # the fixed inserts of every registration are compiled once (``core.fixedsql.insert``)
    case = fixedsql.insert(Case(
        number=number, year=year, seq=seq, organization=org, numbered_by=org, registered_by=user,
        registered_at=now, time_limit_days=_mediation_days(), **fields,
        **{k: bool(getattr(app, k)) for k in ROUTING_FLAGS},
    ))
    principals = fixedsql.insert_many(
        [build_party(case, d) for d in prepared.parties if d["role"] != Party.Role.AGENT])
    agents = []
    for d in prepared.parties:
        if d["role"] == Party.Role.AGENT:
            p = build_party(case, d)
            p.agent_for = principals[d["agent_for"]]
            agents.append(p)
    created = principals + (fixedsql.insert_many(agents) if agents else [])
    analysis = prepared.analysis
    fixedsql.insert(IntakeRecord(
        case=case, via=app.via, intake_org=app.intake_org or org,
        analysis=analysis.as_dict() if analysis is not None else {},
        suggested_type=(analysis.types[0].code if analysis is not None and analysis.types else ""),
        suggestion_accepted=prepared.suggestion_accepted, warnings=prepared.warnings,
    ))
    proposal = prepared.proposal
    ports.routing().record(case, user, proposal, org, prepared.routing_reason)
    actor = fit_text(user.label, LABEL_MAX) if user is not None else "系统"
    if proposal.org is None:
        route_label = "分流：人工指定承办单位"
    elif prepared.followed:
        route_label = f"分流：{org.name}承办（采纳建议）"
    else:
        route_label = f"分流：{org.name}承办（未采纳建议{proposal.org.name}）"
    fixedsql.insert_many([
        CaseEvent(case=case, kind="register",
                  label=fit_text(app.label or ("登记" if app.via == Via.DESK else f"登记（{Via.LABELS[app.via]}）"),
                                 LABEL_MAX),
                  to_status=Status.REGISTERED, actor=user, actor_name=actor, at=now,
                  data={"source": case.source, "via": app.via, "parties": [p.name for p in created]}),
        CaseEvent(case=case, kind="route", label=fit_text(route_label, LABEL_MAX), from_status=Status.REGISTERED,
                  to_status=Status.REGISTERED, actor=user, actor_name=actor, at=now,
                  reason=((prepared.routing_reason + "\n") if prepared.routing_reason else "") + proposal.explanation,
                  data={"rule": proposal.rule_code, "proposed": proposal.org.pk if proposal.org else None,
                        "chosen": org.pk, "followed": prepared.followed}),
    ])
    case.intake_warnings = prepared.warnings
    after_commit(case, user, "register", parties=created)
    return case


def _mediation_days() -> int:
    return dates.limit("case_mediation")


# --- numbering ---------------------------------------------------------------------------------

def format_number(org, year: int, seq: int) -> str:
    pattern = org.case_number_pattern or settings.TIAOJIE_CASE_NUMBER_PATTERN
    return pattern.format(year=year, abbr=org.abbr, seq=seq)


def next_case_number(org, year: int) -> tuple[int, str]:
    """Take the next number of ``org`` for ``year``; call inside a transaction.

    The counter row is incremented and read in one statement (UPDATE … RETURNING), which locks
    it until the transaction ends on PostgreSQL (SQLite's IMMEDIATE transactions serialize
    writers), so concurrent registrations get unique, gapless numbers: a registration that
    fails rolls its number back with it.
    """
    seq = _take_number(org, year)
    if seq is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(organization=org, year=year, last=0)
        except IntegrityError:
            pass  # another registration created it first
        seq = _take_number(org, year)
    number = format_number(org, year, seq)
    if fixedsql.rows("case_number_taken", Case, lambda: Case.objects.filter(number=number).order_by().values_list("pk")[:1],
                     [number]):
        raise TransitionError(f"案号“{number}”已被其他单位使用，请管理员检查{org.name}的简称或案号格式", "organization")
    return seq, number


def _take_number(org, year: int) -> int | None:
    """``last + 1`` of the counter of ``org`` and ``year``, written and returned by one statement
    (the ORM's update returns no values); None when there is no counter yet."""
    quote = connection.ops.quote_name
    meta = CaseNumberCounter._meta
    last = quote(meta.get_field("last").column)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {quote(meta.db_table)} SET {last} = {last} + 1 WHERE "
                    f"{quote(meta.get_field('organization').column)} = %s AND {quote(meta.get_field('year').column)} = %s "
                    f"RETURNING {last}", [org.pk, year])
        row = cur.fetchone()
    return row[0] if row else None


def numbered_at_registration(app: Application) -> bool:
    """A case takes its number when registered, except an online application: it is numbered
    when the committee accepts it (``transitions.accept``), so a declined one takes none."""
    return app.via != Via.PUBLIC


def application_reference(now) -> str:
    """申请编号 of an online application awaiting acceptance, kept in ``Case.number`` until then:
    "网申", the local date and six random characters (no series, so nothing to lock or to leave a gap in)."""
    day = timezone.localtime(now).strftime("%Y%m%d")
    for _ in range(10):
        ref = f"网申{day}-" + identifiers.random_code(6)
        if not Case.objects.filter(number=ref).exists():
            return ref
    raise RuntimeError("could not draw a unique application reference")


PARTY_FIELDS = ("role", "kind", "name", "gender", "ethnicity", "birth_date", "occupation", "id_type",
                "address", "credit_code", "legal_rep")


def build_party(case: Case, data: dict) -> Party:
    p = Party(case=case, **{k: data.get(k) or ("" if k != "birth_date" else None) for k in PARTY_FIELDS})
    p.id_number = data.get("id_number", "")
    p.phone = data.get("phone", "")
    return p


# --- duplicates by identifier ------------------------------------------------------------------

def open_cases_with_id(id_number: str, user=None, exclude_case: Case | None = None) -> tuple[list[str], int]:
    """Open cases in which a party has this ID number: (numbers the user may see, count of others)."""
    h = crypto.lookup_hash(id_number)
    if not h:
        return [], 0
    qs = Case.objects.filter(status__in=OPEN_STATUSES, pk__in=Party.objects.filter(id_hash=h).values("case_id"))
    if exclude_case is not None:
        qs = qs.exclude(pk=exclude_case.pk)
    all_ids = set(qs.values_list("pk", flat=True))
    if user is None or not all_ids:
        return [], len(all_ids)
    visible = list(qs.visible_to(user).values_list("number", flat=True))
    return visible, len(all_ids) - len(visible)


def duplicate_id_warnings(parties: list[dict], user) -> list[str]:
    """Warnings (not errors) for parties whose ID number appears in an open case (one query for
    all parties, one more only when some are found)."""
    hashes = {}
    for p in parties:
        h = crypto.lookup_hash((p.get("id_number") or "").strip())
        if h:
            hashes.setdefault(h, p.get("name", ""))
    if not hashes:
        return []
    # one fixed query a registration: compiled once per number of hashes (``core.fixedsql``)
    found = fixedsql.rows(
        ("duplicate_ids", len(hashes)), Party,
        lambda: Party.objects.filter(id_hash__in=list(hashes), case__status__in=OPEN_STATUSES).order_by()
        .values_list("id_hash", "case_id", "case__number", "case__scope_path").distinct(),
        [*(s.value for s in OPEN_STATUSES), *hashes])
    if not found:
        return []
    # the cases the user's scope owns are seen (their path, read above); the scope rule is asked
    # only about the others (a case of another unit seen through a link)
    scope = Scope.of(user)
    visible = {c for _, c, _, path in found if scope.owns_path(Case, path)}
    others = {c for _, c, _, _ in found} - visible
    if others:
        visible |= set(Case.objects.visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
    out = []
    for h, name in hashes.items():
        rows = {(c, n) for hh, c, n, _ in found if hh == h}
        if not rows:
            continue
        numbers = sorted(n for c, n in rows if c in visible)
        others = len(rows) - len(numbers)
        where = "、".join(numbers)
        extra = f"{'，另有' if numbers else ''}{others}件其他单位的案件" if others else ""
        out.append(f"当事人{name}的证件号码已出现在未结案件中：{where}{extra}，请核实是否重复登记")
    return out
