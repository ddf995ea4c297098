"""分流 (routing) rules and decisions, 移交/转办 (transfers), referrals in from courts, police and
other departments (委派/委托调解, 警民联调, 信访/12345/人社转办) and 司法确认 (judicial confirmation).

Nothing here changes a case's status: the case timeline and the state machine stay in
``tiaojie.cases``; these records carry the linkage data beside the case (same number, one timeline).
"""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tiaojie.core.scope import ScopedQuerySet, ScopeRule
from tiaojie.orgs.models import OrgKind

RISK_LEVEL_CHOICES = [("blue", "蓝色"), ("yellow", "黄色"), ("orange", "橙色"), ("red", "红色")]
SOURCE_CHOICES = [("application", "当事人申请"), ("initiative", "调委会主动调解/排查发现"), ("court", "法院委派委托"),
                  ("police", "公安移交"), ("petition", "信访转办"), ("department", "其他部门移交")]


# A rule whose organization does not exist may fall back to a township or the county center,
# never to a village (a dispute the village cannot handle must not land there silently).
FALLBACK_CHOICES = [(OrgKind.TOWNSHIP.value, OrgKind.TOWNSHIP.label),
                    (OrgKind.COUNTY_CENTER.value, OrgKind.COUNTY_CENTER.label)]


def split_values(text: str) -> tuple[str, ...]:
    return tuple(v for v in (x.strip() for x in re.split(r"[、,，;；\s]+", text or "")) if v)


class RoutingRule(models.Model):
    """One row of the routing table (分流规则), evaluated in ``sort_order``; the first match wins.

    Every condition left empty matches anything; all filled conditions must hold.
    """

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("规则名称", max_length=80)
    sort_order = models.PositiveIntegerField("顺序", default=0)
    is_active = models.BooleanField("启用", default=True)
    dispute_types = models.CharField("纠纷类型代码", max_length=200, blank=True,
                                     help_text="用顿号或逗号分隔；子类型按其上级类型匹配，例如 13、14")
    min_risk_level = models.CharField("风险等级不低于", max_length=10, choices=RISK_LEVEL_CHOICES, blank=True)
    min_amount = models.DecimalField("涉及金额不低于（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    min_people = models.PositiveIntegerField("涉及人数不少于", null=True, blank=True)
    sources = models.CharField("案件来源", max_length=200, blank=True,
                               help_text="application、initiative、court、police、petition、department，用逗号分隔")
    spans_villages = models.BooleanField("须跨村（社区）", default=False)
    spans_townships = models.BooleanField("须跨乡镇（街道）", default=False)
    village_failed = models.BooleanField("须村（社区）调解未成", default=False)
    major = models.BooleanField("须为疑难重大纠纷", default=False)
    court_keeps = models.BooleanField("须为法院自留的委派调解", default=False)
    target_kind = models.CharField("分流至", max_length=20, choices=OrgKind.choices)
    target_trade = models.CharField("行业/专业领域", max_length=40, blank=True,
                                    help_text="分流至行业性专业性调委会时填写，按调委会的“行业/专业领域”包含此词匹配；"
                                              "可填几个词，用顿号分隔，包含其中任一词即匹配")
    explanation = models.CharField("说明", max_length=200, blank=True, help_text="显示在分流建议中的依据")
    fallback_kind = models.CharField(
        "对应组织不存在时改由", max_length=20, choices=FALLBACK_CHOICES, blank=True,
        help_text="本县（市、区）和本市都没有上述组织时改由此组织承办，分流建议写明没有对应组织；留空则继续匹配下一条规则")
    supervise_level = models.CharField(
        "风险达到此等级时县级督办", max_length=10, choices=RISK_LEVEL_CHOICES, blank=True,
        help_text="专业调委会保留案件：风险达到此等级或属疑难重大纠纷时不移交，由县级人民调解中心督办")

    class Meta:
        verbose_name = verbose_name_plural = "分流规则"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.target_kind == OrgKind.TRADE and not self.target_trade.strip():
            raise ValidationError({"target_trade": "分流至行业性专业性调委会时须填写行业/专业领域"})
        bad = [s for s in split_values(self.sources) if s not in dict(SOURCE_CHOICES)]
        if bad:
            raise ValidationError({"sources": f"未知的案件来源：{'、'.join(bad)}"})
        if self.target_kind == OrgKind.CITY_BUREAU:
            raise ValidationError({"target_kind": "市司法局不承办纠纷，不能作为分流目标"})
        if self.fallback_kind and self.fallback_kind == self.target_kind:
            raise ValidationError({"fallback_kind": "改由的组织须不同于分流至的组织"})
        if self.supervise_level and self.target_kind != OrgKind.TRADE:
            raise ValidationError({"supervise_level": "只有分流至行业性专业性调委会的规则可以设置县级督办"})


class RoutingDecision(models.Model):
    """What the engine proposed for a case and what the clerk chose (with the reason when different)."""

    scope = ScopeRule(via="case")
    objects = ScopedQuerySet.as_manager()

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="routing_decisions")
    rule_code = models.CharField("命中规则", max_length=40, blank=True)
    rule_name = models.CharField("规则名称", max_length=80, blank=True)
    explanation = models.TextField("分流依据", blank=True)
    proposed_org = models.ForeignKey("orgs.Organization", verbose_name="建议承办单位", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    chosen_org = models.ForeignKey("orgs.Organization", verbose_name="实际承办单位", on_delete=models.PROTECT,
                                   related_name="+")
    followed = models.BooleanField("采纳建议", default=True)
    reason = models.TextField("未采纳建议的理由", blank=True)
    facts = models.JSONField("分流事实", default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "分流记录"
        ordering = ["decided_at", "id"]


class Transfer(models.Model):
    """移交/转办: a case handed up, down or across; the receiver accepts or returns it with a reason.

    The case moves to ``to_org`` when sent (so the receiver sees it under the scope rule) and back
    to ``from_org`` when returned. The sender keeps read access through this row.
    """

    scope = ScopeRule(via="case", links=("from_org", "to_org"))
    objects = ScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        PENDING = "pending", "待接收"
        ACCEPTED = "accepted", "已接收"
        RETURNED = "returned", "已退回"

    class Direction(models.TextChoices):
        UP = "up", "上交"
        DOWN = "down", "下转"
        ACROSS = "across", "平转"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers")
    from_org = models.ForeignKey("orgs.Organization", verbose_name="移交单位", on_delete=models.PROTECT,
                                 related_name="transfers_out")
    to_org = models.ForeignKey("orgs.Organization", verbose_name="接收单位", on_delete=models.PROTECT,
                               related_name="transfers_in")
    direction = models.CharField("方向", max_length=10, choices=Direction.choices)
    reason = models.TextField("移交理由")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField("移交时间", default=timezone.now)
    due_at = models.DateTimeField("接收期限")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案件移交"
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                               name="one_pending_transfer")]

    def __str__(self):
        return f"{self.case} {self.from_org} → {self.to_org}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.PENDING and self.due_at < timezone.now()


class Referral(models.Model):
    """A case referred in by a court, the police (110), a petition office, 12345 or a department.

    ``kind`` mirrors ``Case.source``; ``external_ref`` is the referrer's own reference (the
    court's case number, the 110 incident number, the petition number), unique per kind.
    """

    scope = ScopeRule(via="case", links=("referring_org",))
    objects = ScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        COURT = "court", "法院委派委托"
        POLICE = "police", "公安移交"
        PETITION = "petition", "信访转办"
        DEPARTMENT = "department", "其他部门移交"

    class Mode(models.TextChoices):
        DELEGATED = "delegated", "委派调解（诉前）"
        ENTRUSTED = "entrusted", "委托调解（诉中）"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="referral")
    kind = models.CharField("移送来源", max_length=12, choices=Kind.choices, db_index=True)
    referrer_name = models.CharField("移送单位", max_length=100, help_text="例如 卫东区人民法院、东安路派出所、12345热线")
    external_ref = models.CharField("移送单位编号", max_length=80, blank=True,
                                    help_text="法院案号、110接警单号、信访件编号等")
    referring_org = models.ForeignKey("orgs.Organization", verbose_name="移送对接点", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="referrals_made")
    api_client = models.ForeignKey("api.ApiClient", verbose_name="对接系统", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    referred_at = models.DateTimeField("移送时间", default=timezone.now)
    mode = models.CharField("委派/委托", max_length=12, choices=Mode.choices, blank=True)
    court_keeps = models.BooleanField("法院自留（诉前调解工作室调解）", default=False)
    due_on = models.DateField("调解期限", null=True, blank=True)
    # 警民联调 (110)
    call_time = models.DateTimeField("接警时间", null=True, blank=True)
    caller = models.CharField("报警人", max_length=60, blank=True)
    caller_phone = models.CharField("报警人电话", max_length=30, blank=True)
    place = models.CharField("发生地点", max_length=200, blank=True)
    complex = models.BooleanField("复杂纠纷", default=False)
    feedback_due_at = models.DateTimeField("反馈期限", null=True, blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    feedback = models.TextField("反馈情况", blank=True)
    outcome_returned_at = models.DateTimeField("结果回传时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "委托移送"
        ordering = ["-referred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "external_ref"], condition=~models.Q(external_ref=""),
                                               name="uniq_referral_external_ref")]
        indexes = [models.Index(fields=["referring_org", "referred_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.external_ref or self.case_id}"

    @property
    def feedback_overdue(self) -> bool:
        return self.feedback_at is None and self.feedback_due_at is not None and self.feedback_due_at < timezone.now()

    @property
    def days_left(self) -> int | None:
        if self.due_on is None:
            return None
        return (self.due_on - timezone.localdate()).days


class ReferralRevisit(models.Model):
    """回访 of a referral (every police referral gets one, whatever the outcome)."""

    scope = ScopeRule(via="referral")
    objects = ScopedQuerySet.as_manager()

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="revisits")
    visited_on = models.DateField("回访日期")
    visitor = models.CharField("回访人", max_length=30)
    notes = models.TextField("回访情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "移送案件回访"
        ordering = ["visited_on", "id"]


class JudicialConfirmation(models.Model):
    """司法确认 (人民调解法 Art.33): the parties' joint application and the court's answer."""

    scope = ScopeRule(via="case", links=("court_org",))
    objects = ScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        APPLIED = "applied", "已申请"
        ACCEPTED = "accepted", "法院已受理"
        NOT_ACCEPTED = "not_accepted", "法院不予受理"
        CONFIRMED = "confirmed", "确认有效"
        REJECTED = "rejected", "驳回申请"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="judicial_confirmation")
    effective_on = models.DateField("协议生效日期")
    applied_on = models.DateField("申请日期")
    applicants = models.CharField("申请人（双方当事人）", max_length=200)
    court_name = models.CharField("受理法院", max_length=100)
    court_org = models.ForeignKey("orgs.Organization", verbose_name="法院对接点", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    late_reason = models.TextField("逾期申请理由", blank=True)
    status = models.CharField("状态", max_length=15, choices=Status.choices, default=Status.APPLIED)
    answered_on = models.DateField("受理/不予受理日期", null=True, blank=True)
    answer_note = models.TextField("法院答复说明", blank=True)
    decided_on = models.DateField("裁定日期", null=True, blank=True)
    number = models.CharField("调确字文号", max_length=80, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "司法确认"
        ordering = ["-applied_on", "-id"]

    @property
    def window_closes_on(self):
        from tiaojie.cases.rules import confirmation_window

        return confirmation_window.closes_on(self.effective_on)

    @property
    def late(self) -> bool:
        from tiaojie.cases.rules import confirmation_window

        return confirmation_window.is_late(self.effective_on, self.applied_on)
