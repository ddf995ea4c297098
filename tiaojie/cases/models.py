"""Disputes (纠纷案件) and everything recorded on them.

Status changes only through ``tiaojie.cases.transitions``; nothing else assigns ``status``.
"""
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tiaojie.core import dates
from tiaojie.core.identifiers import mask_id, mask_phone
from tiaojie.core.scope import ScopedQuerySet, ScopeRule
from tiaojie.security.protected import Protected


class DisputeType(models.Model):
    """The coded dispute-type list of DOMAIN.md §3, with optional sub-types (admin-editable)."""

    code = models.CharField("代码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=40)
    parent = models.ForeignKey("self", verbose_name="上级类型", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="subtypes")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "纠纷类型"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.parent.name}·{self.name}" if self.parent_id else self.name

    @property
    def top(self) -> "DisputeType":
        return self.parent if self.parent_id else self


class Source(models.TextChoices):
    APPLICATION = "application", "当事人申请"
    INITIATIVE = "initiative", "调委会主动调解/排查发现"
    COURT = "court", "法院委派委托"
    POLICE = "police", "公安移交"
    PETITION = "petition", "信访转办"
    DEPARTMENT = "department", "其他部门移交"


# Official report grouping of sources (DOMAIN.md §4).
SOURCE_REPORT_GROUP = {
    Source.APPLICATION: "申请调解",
    Source.INITIATIVE: "主动调解",
    Source.COURT: "接受委托移送调解",
    Source.POLICE: "接受委托移送调解",
    Source.PETITION: "接受委托移送调解",
    Source.DEPARTMENT: "接受委托移送调解",
}


# The keys the case list's filter uses for those groups.
SOURCE_GROUP_KEYS = {"主动调解": "initiative", "申请调解": "application", "接受委托移送调解": "referred"}


def sources_in_group(group_key: str) -> list[str]:
    """The sources counted in a report group ("initiative", "application", "referred")."""
    label = {v: k for k, v in SOURCE_GROUP_KEYS.items()}.get(group_key)
    return [str(s) for s, g in SOURCE_REPORT_GROUP.items() if g == label]


class Channel(models.TextChoices):
    WINDOW = "window", "窗口"
    PHONE = "phone", "电话"
    ONLINE = "online", "网上"
    VISIT = "visit", "上门"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记待受理"
    ACCEPTED = "accepted", "已受理待指派"
    REJECTED = "rejected", "不予受理"
    MEDIATING = "mediating", "调解中"
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成"
    TERMINATED = "terminated", "终止调解"
    FOLLOWED_UP = "followed_up", "已回访"
    ARCHIVED = "archived", "已归档"


OPEN_STATUSES = (Status.REGISTERED, Status.ACCEPTED, Status.MEDIATING)
TIMED_STATUSES = (Status.ACCEPTED, Status.MEDIATING)


class Outcome(models.TextChoices):
    SUCCESS = "success", "调解成功"
    FAILED = "failed", "调解不成"
    TERMINATED = "terminated", "终止调解"
    REJECTED = "rejected", "不予受理"


# Shorter keywords cannot use the trigram indexes: they match names and numbers from their start.
SEARCH_MIN_SUBSTRING = 3
# Up to this many matching cases are looked up first and filtered as a list of ids.
SEARCH_INLINE_IDS = 2000
# A name is shared by more parties than a word of the facts is by cases (孙小梅: 3,018 parties in a
# province of 1,000,000 cases), and its matches come from one index: names keep the list longer.
SEARCH_INLINE_NAME_IDS = 10000
SEARCH_MAX_WORDS = 5  # words of one keyword search (each costs its own look-ups)


class CaseQuerySet(ScopedQuerySet):
    def overdue(self, today: dt.date | None = None):
        today = today or dates.today()
        return self.filter(status__in=TIMED_STATUSES, due_on__lt=today)

    def follow_up_due(self):
        """Succeeded cases waiting for their 回访 (due ``follow_up`` days after success)."""
        return self.filter(status=Status.SUCCEEDED)

    def follow_up_overdue(self, today: dt.date | None = None):
        today = today or dates.today()
        limit = today - dt.timedelta(days=dates.limit("follow_up"))
        return self.filter(status=Status.SUCCEEDED, closed_on__lt=limit)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def search(self, text: str):
        """Cases holding every word of ``text`` — words apart by spaces, at most
        ``SEARCH_MAX_WORDS``: "张三 宅基地" finds 张三's cases about 宅基地 — each in the case's
        number, its facts or a party's name (``_search_word``)."""
        qs = self
        for word in list(dict.fromkeys((text or "").split()))[:SEARCH_MAX_WORDS]:
            qs = qs._search_word(word)
        return qs

    def _search_word(self, text: str):
        """Cases whose number, facts or a party's name contain ``text``.

        The matches are looked up first by the indexes (trigram GIN on PostgreSQL, migration
        0005; trigrams need three characters, so a text of one or two characters, such as the
        name 王伟, matches a party's name or a case number from its start by btree), at most
        ``SEARCH_INLINE_IDS`` + 1 of them:

        - a rare name or word (the usual search): the ids are handed over as a list, and the
          database reads just those cases (given a subquery, PostgreSQL expects most cases to be
          in scope and walks the whole list order looking for the few matches);
        - a common word (宅基地: a tenth of the cases): the condition is put on each case
          instead (its facts and number, a party's name by ``EXISTS``), so the list newest first
          stops after a page of matches rather than joining ~100,000 matches to the scope
          (3.7–5 s at a million cases). Names stay a list up to ``SEARCH_INLINE_NAME_IDS``
          matches: as a condition on each case (``EXISTS``, OR-ed with the facts) PostgreSQL reads
          every case of the scope to count a name shared by a few thousand parties (2.5 s for a
          province at a million cases).
        """
        text = (text or "").strip()
        if not text:
            return self
        cap = SEARCH_INLINE_IDS + 1
        if len(text) < SEARCH_MIN_SUBSTRING:
            name_q, own_q = Q(name__startswith=text), Q(number__startswith=text)
        else:
            name_q, own_q = Q(name__icontains=text), Q(number__icontains=text) | Q(facts__icontains=text)
        named = Party.objects.filter(name_q).order_by().values_list("case_id", flat=True)
        own = Case.objects.filter(own_q).order_by().values_list("pk", flat=True)
        name_ids = set(named[:SEARCH_INLINE_NAME_IDS + 1])
        own_ids = set(own[:cap])
        names_listed = len(name_ids) <= SEARCH_INLINE_NAME_IDS
        if names_listed and len(own_ids) <= SEARCH_INLINE_IDS:  # one parameter (core.idlist)
            return self.filter(pk__among=sorted(name_ids | own_ids))
        by_name = (Q(pk__among=sorted(name_ids)) if names_listed
                   else Q(models.Exists(Party.objects.filter(name_q, case=models.OuterRef("pk")))))
        return self.filter(by_name | own_q)


class Case(models.Model):
    """One dispute (一件纠纷) from registration (登记) to archive (归档).

    Scope: the handling committee's subtree owns it; the committee that transferred it away,
    the court room or police room that referred it and the court named on its 司法确认 see it
    read-only (linked visibility, DESIGN.md).
    """

    scope = ScopeRule("organization", links=("transfers__from_org", "referral__referring_org",
                                              "judicial_confirmation__court_org"), path="scope_path")

    # An online application awaiting acceptance has no number in any committee's series yet: ``number``
    # holds its application reference (申请编号, ``intake.application_reference``) and ``seq`` is empty
    # until 受理 takes the next number (``transitions.accept``); a declined one never consumes one.
    number = models.CharField("案号", max_length=60, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    # Indexed by (organization, status) below, which also serves lookups by organization alone.
    organization = models.ForeignKey("orgs.Organization", verbose_name="承办调委会", on_delete=models.PROTECT,
                                     related_name="cases", db_index=False)
    # The organization's path, written by database triggers (migration 0009), never by Python:
    # the scope of a subtree is one index range (tiaojie.core.scope).
    scope_path = models.CharField("承办单位路径（数据库维护）", max_length=255, blank=True, default="", editable=False)
    # Not indexed (like every "who recorded it" key below): nothing looks cases up by them, and
    # organizations and users are never deleted, only closed or deactivated.
    numbered_by = models.ForeignKey("orgs.Organization", verbose_name="编号单位", on_delete=models.PROTECT,
                                    related_name="+", help_text="案号所属的编号序列；移交后承办单位可变，案号不变",
                                    db_index=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+", db_index=False)
    registered_at = models.DateTimeField("登记时间", default=timezone.now)
    source = models.CharField("案件来源", max_length=20, choices=Source.choices)
    channel = models.CharField("受理渠道", max_length=10, choices=Channel.choices)
    dispute_type = models.ForeignKey(DisputeType, verbose_name="纠纷类型", on_delete=models.PROTECT)
    facts = models.TextField("纠纷简要情况")
    claims = models.TextField("申请事项", blank=True)
    region = models.ForeignKey("orgs.Region", verbose_name="纠纷发生地", on_delete=models.PROTECT,
                               related_name="+")
    place_detail = models.CharField("详细地点", max_length=200, blank=True)
    arose_on = models.DateField("纠纷发生日期")
    people_count = models.PositiveIntegerField("涉及人数", default=2)
    amount_at_stake = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, default=0)

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    time_limit_days = models.PositiveSmallIntegerField("调解期限（天）", default=30)
    extended_days = models.PositiveSmallIntegerField("延长天数", default=0)
    due_on = models.DateField("期限届满日", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    # The agreement's form and amount, copied onto the case by the one step that records an
    # agreement (``transitions.succeed``; NULL without one), so that the statistics count a day's
    # successes, amounts and agreement forms from the case rows alone (``stats.figures``).
    agreement_kind = models.CharField("协议形式（协议的副本）", max_length=10, null=True, blank=True, editable=False)
    agreement_amount = models.DecimalField("协议金额（协议的副本）", max_digits=14, decimal_places=2, null=True,
                                           blank=True, editable=False)
    # Likewise what happened after it, each set once by the step that records it and never unset:
    # a follow-up recorded (``transitions.follow_up``), one of them 已履行, the court's 确认有效
    # (``routing.services.record_court_result``). NULL until then (nullable without a default, so
    # that SQLite adds the columns without rebuilding ``cases_case``).
    followed_up = models.BooleanField("已回访（回访记录的副本）", null=True, blank=True, editable=False)
    fully_performed = models.BooleanField("已履行（回访记录的副本）", null=True, blank=True, editable=False)
    judicially_confirmed = models.BooleanField("司法确认有效（司法确认的副本）", null=True, blank=True, editable=False)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    close_reason = models.TextField("不予受理/调解不成/终止原因", blank=True)
    routes_informed = models.BooleanField("已告知仲裁、行政、诉讼等途径", default=False)
    archive_forced = models.BooleanField("卷宗不齐全时强制归档", default=False)
    # Routing inputs (分流) the registrar gave; kept so that later proposals see them too.
    spans_villages = models.BooleanField("涉及两个以上村（社区）", default=False)
    spans_townships = models.BooleanField("涉及两个以上乡镇（街道）", default=False)
    village_failed = models.BooleanField("村（社区）调委会已调解未成", default=False)
    major = models.BooleanField("疑难重大纠纷", default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "纠纷案件"
        ordering = ["-registered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["numbered_by", "year", "seq"], name="uniq_case_seq")]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "due_on"]),
            # the list's order (newest first, id breaking ties) read from the index, no sort
            models.Index(fields=["registered_at", "id"], name="cases_case_list_order_idx"),
            models.Index(fields=["accepted_on"]),
            models.Index(fields=["closed_on", "outcome"]),
        ]

    def __str__(self):
        return self.number

    @property
    def numbered(self) -> bool:
        """Whether ``number`` is a case number (案号) rather than an application reference (申请编号)."""
        return self.seq is not None

    @property
    def number_label(self) -> str:
        return "案号" if self.numbered else "申请编号"

    @property
    def follow_up_due_on(self) -> dt.date | None:
        """When the 回访 of a succeeded case is due."""
        if self.status != Status.SUCCEEDED or not self.closed_on:
            return None
        return self.closed_on + dt.timedelta(days=dates.limit("follow_up"))

    @property
    def is_overdue(self) -> bool:
        return self.status in TIMED_STATUSES and self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def is_read_only(self) -> bool:
        return self.status == Status.ARCHIVED

    @property
    def days_left(self) -> int | None:
        if self.status not in TIMED_STATUSES or self.due_on is None:
            return None
        return (self.due_on - timezone.localdate()).days

    def active_mediators(self):
        return [a.mediator for a in self.assignments.filter(active=True).select_related("mediator")]


class Party(models.Model):
    """A party (当事人) or an agent (代理人) of one."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    class Role(models.TextChoices):
        APPLICANT = "applicant", "申请人"
        RESPONDENT = "respondent", "被申请人"
        THIRD = "third", "第三人"
        AGENT = "agent", "代理人"

    class Kind(models.TextChoices):
        PERSON = "person", "自然人"
        ORG = "org", "法人或其他组织"

    class IdType(models.TextChoices):
        RESIDENT = "resident", "居民身份证"
        PASSPORT = "passport", "护照"
        HMT = "hmt", "港澳台居民居住证/通行证"
        FOREIGN = "foreign", "外国人永久居留身份证"
        OTHER = "other", "其他"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("身份", max_length=12, choices=Role.choices)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.PERSON)
    # indexed only where set (Meta): nearly every party is nobody's agent
    agent_for = models.ForeignKey("self", verbose_name="被代理人", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="agents", db_index=False)
    name = models.CharField("姓名/名称", max_length=100)
    gender = models.CharField("性别", max_length=2, blank=True)
    ethnicity = models.CharField("民族", max_length=12, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    occupation = models.CharField("职业或职务", max_length=50, blank=True)
    id_type = models.CharField("证件类型", max_length=10, choices=IdType.choices, blank=True)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_hash = models.CharField(max_length=64, blank=True, editable=False)   # indexed in Meta (equality only)
    id_masked = models.CharField("证件号码", max_length=30, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, editable=False)
    address = models.CharField("住址/单位", max_length=200, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    legal_rep = models.CharField("法定代表人", max_length=30, blank=True)

    id_number = Protected("证件号码", enc="id_number_enc", hash="id_hash", masked="id_masked", mask=mask_id, upper=True)
    phone = Protected("联系电话", enc="phone_enc", masked="phone_masked", mask=mask_phone)

    class Meta:
        verbose_name = verbose_name_plural = "当事人"
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["agent_for"], name="cases_party_agent_for_idx",
                                condition=models.Q(agent_for__isnull=False)),
                   # looked up by equality only (duplicates, the risk's history): the plain b-tree under
                   # the name ``db_index`` gave it, without PostgreSQL's second, prefix (LIKE) index
                   models.Index(fields=["id_hash"], name="cases_party_id_hash_e1b4fddb")]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))


class Assignment(models.Model):
    """A mediator assigned to a case (指派调解员); released on 回避 or replacement."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    mediator = models.ForeignKey("orgs.Mediator", verbose_name="调解员", on_delete=models.PROTECT,
                                 related_name="assignments")
    lead = models.BooleanField("主办", default=False)
    active = models.BooleanField(default=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField("更换原因", max_length=200, blank=True)
    recused = models.BooleanField("因当事人申请回避", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "调解员指派"
        ordering = ["case_id", "-lead", "id"]
        # ``transitions.assign`` refuses a second one; the mediator figures count assignment rows as cases
        constraints = [models.UniqueConstraint(fields=["case", "mediator"], condition=models.Q(active=True),
                                               name="one_active_assignment_per_mediator")]


class MediationSession(models.Model):
    """人民调解记录: one mediation session."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField("调解时间")
    place = models.CharField("地点", max_length=200)
    participants = models.CharField("参加人", max_length=300)
    content = models.TextField("调解情况（各方陈述、调解过程）")
    recorder = models.CharField("记录人", max_length=30, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "调解记录"
        ordering = ["held_at", "id"]


class Investigation(models.Model):
    """人民调解调查记录."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigations")
    held_at = models.DateTimeField("调查时间")
    place = models.CharField("地点", max_length=200)
    subject = models.CharField("被调查人", max_length=100)
    investigators = models.CharField("调查人", max_length=100)
    content = models.TextField("调查内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "调查记录"
        ordering = ["held_at", "id"]


class Agreement(models.Model):
    """调解协议: written (Art.29 content) or oral (content recorded by the mediator, Art.28)."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        WRITTEN = "written", "书面协议"
        ORAL = "oral", "口头协议"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement")
    kind = models.CharField("协议形式", max_length=10, choices=Kind.choices)
    facts = models.TextField("纠纷主要事实", blank=True)
    issues = models.TextField("争议事项", blank=True)
    responsibilities = models.TextField("各方责任", blank=True)
    terms = models.TextField("协议内容")
    performance_method = models.CharField("履行方式", max_length=200, blank=True)
    performance_deadline = models.DateField("履行期限", null=True, blank=True)
    amount = models.DecimalField("协议金额（元）", max_digits=14, decimal_places=2, default=0)
    effective_on = models.DateField("生效日期", db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "调解协议"


class FollowUp(models.Model):
    """人民调解回访记录."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    class Performance(models.TextChoices):
        FULL = "full", "已履行"
        PARTIAL = "partial", "部分履行"
        NONE = "none", "未履行"

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField("回访日期")
    visitor = models.CharField("回访人", max_length=30)
    method = models.CharField("回访方式", max_length=10, default="上门")
    performance = models.CharField("履行情况", max_length=10, choices=Performance.choices)
    satisfaction = models.CharField("当事人满意度", max_length=12, choices=Satisfaction.choices)
    notes = models.TextField("回访情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)

    class Meta:
        verbose_name = verbose_name_plural = "回访记录"
        ordering = ["visited_on", "id"]


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when and why."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    # Indexed by case alone (Meta): a case has a handful of lines, sorted by time when read; a (case,
    # time) index cost a third more (70 MB of the demo city's 2.3 million lines).
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=30)
    label = models.CharField("事项", max_length=60)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    # Not indexed: nothing looks events up by actor (millions of rows; the name is kept as text).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_index=False)
    actor_name = models.CharField("操作人", max_length=60, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件时间线"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case"], name="cases_caseevent_case_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"


class IntakeRecord(models.Model):
    """What was known when a dispute was registered: the channel it came in by, the text
    analysis of its facts (type suggestions, risk signals with their phrases, amount and people
    read from the text) and whether the registrar took the suggested type."""

    scope = ScopeRule(via="case")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="intake")
    via = models.CharField("登记渠道", max_length=12)
    intake_org = models.ForeignKey("orgs.Organization", verbose_name="接收单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    analysis = models.JSONField("登记时的案情分析", default=dict, blank=True)
    suggested_type = models.CharField("建议纠纷类型", max_length=10, blank=True)
    suggestion_accepted = models.BooleanField("采纳建议类型", null=True)
    warnings = models.JSONField("登记时的提示", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "登记分析"


class CaseNumberCounter(models.Model):
    """Last sequence number used per organization and year (row-locked when numbering)."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="uniq_counter")]


class CaseSearch(models.Model):
    """The full-text search row of a case (``tiaojie.cases.search``), kept current after every
    commit that changes the case. ``body``: the distinct jieba words of the facts and claims
    (``search.index_words``), space-joined;
    ``keys``: keyed hashes of the parties' names and ID numbers (never the identifiers in clear).
    The database indexes them with its own machinery (created by migration 0005): SQLite an FTS5
    table fed by triggers, PostgreSQL generated ``tsvector`` columns with GIN indexes."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="search_row")
    body = models.TextField(blank=True)
    keys = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件检索索引"
