"""行政区划 (regions), mediation organizations (调解组织) and mediators (人民调解员).

Both trees keep a materialized ``path`` ("/1/5/23/") so that a subtree is one indexed
``path__startswith`` query; the path is maintained in ``save()``.
"""
from django.core.exceptions import ValidationError
from django.db import models

from tiaojie.core.identifiers import mask_id, mask_phone
from tiaojie.core.scope import ScopedQuerySet, ScopeRule
from tiaojie.security.protected import Protected


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


class Region(models.Model):
    """A GB/T 2260 / 统计用区划代码 region: city → county → township → village."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if new_path != self.path:
            old = self.path
            Region.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old:
                for child in Region.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    Region.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old):])


class OrgKind(models.TextChoices):
    CITY_BUREAU = "city_bureau", "市司法局"
    COUNTY_CENTER = "county_center", "县级人民调解中心"
    TOWNSHIP = "township", "乡镇（街道）人民调解委员会"
    VILLAGE = "village", "村（社区）人民调解委员会"
    TRADE = "trade", "行业性专业性人民调解委员会"
    ENTERPRISE = "enterprise", "企事业单位人民调解委员会"
    COURT_ROOM = "court_room", "法院诉前人民调解工作室"
    LAWYER_ROOM = "lawyer_room", "律师调解室"
    POLICE_ROOM = "police_room", "警民联调工作室"


# Statistical grouping of committee kinds used by official reports (DOMAIN.md §4): the one
# kind → group table (reports, drill-downs and the organization list all read it). 行业性专业性
# is the trade/professional committees only (the seed's 26); the rooms in courts, law firms and
# police stations are counted in a group of their own.
ROOMS_GROUP = "诉前/律师/警民联调室"
KIND_REPORT_GROUP = {
    OrgKind.VILLAGE: "村/社区",
    OrgKind.TOWNSHIP: "乡镇/街道",
    OrgKind.ENTERPRISE: "企事业单位",
    OrgKind.TRADE: "行业性专业性",
    OrgKind.COUNTY_CENTER: "县级调解中心",
    OrgKind.COURT_ROOM: ROOMS_GROUP,
    OrgKind.LAWYER_ROOM: ROOMS_GROUP,
    OrgKind.POLICE_ROOM: ROOMS_GROUP,
}
REPORT_GROUPS = ["村/社区", "乡镇/街道", "企事业单位", "行业性专业性", "县级调解中心", ROOMS_GROUP, "其他"]


def kinds_in_group(group: str) -> list[str]:
    """Organization kinds counted in a committee-kind group of the official reports."""
    return [k for k in OrgKind.values if KIND_REPORT_GROUP.get(k, "其他") == group]


class OrganizationQuerySet(ScopedQuerySet):
    def subtree_of(self, org: "Organization"):
        """The organization and everything it supervises, directly or not."""
        return self.filter(path__startswith=org.path)


class Organization(models.Model):
    """A mediation organization or the bureau above them.

    ``parent`` is the supervising organization (指导/管理单位); it defines the scope tree.
    """

    scope = ScopeRule(is_org=True)

    name = models.CharField("名称", max_length=100)
    abbr = models.CharField("简称（用于案号）", max_length=20, help_text="例如“卫东”，案号为“（2026）卫东调字第0001号”")
    kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices)
    trade = models.CharField("行业/专业领域", max_length=40, blank=True,
                             help_text="行业性专业性调解组织填写，例如 道路交通、医疗纠纷")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="organizations")
    parent = models.ForeignKey("self", verbose_name="上级（指导）单位", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    case_number_pattern = models.CharField(
        "案号格式", max_length=60, blank=True,
        help_text="留空使用默认“（{year}）{abbr}调字第{seq:04d}号”；可用 {year} {abbr} {seq}")
    is_active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调解组织"
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="uniq_org_name_region")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位"})
        if self.abbr and Organization.objects.filter(abbr=self.abbr).exclude(pk=self.pk).exists():
            raise ValidationError({"abbr": f"简称“{self.abbr}”已被其他单位使用；简称用于案号，须唯一"})
        if self.case_number_pattern:
            try:
                self.case_number_pattern.format(year=2026, abbr=self.abbr, seq=1)
            except (KeyError, ValueError, IndexError) as exc:
                raise ValidationError({"case_number_pattern": f"案号格式无效：{exc}"})
            if "{seq" not in self.case_number_pattern or "{abbr" not in self.case_number_pattern:
                raise ValidationError({"case_number_pattern": "案号格式须包含 {abbr}（单位简称）和 {seq}（序号）"})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if new_path != self.path:
            old = self.path
            Organization.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old:
                for child in Organization.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    Organization.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old):])

    def is_within(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return Organization.objects.filter(pk__in=ids).order_by("path")

    def county_center(self):
        """The county-level center above (or equal to) this organization, if any."""
        return self.ancestors().filter(kind=OrgKind.COUNTY_CENTER).first()


class Mediator(models.Model):
    """人民调解员. A mediator may serve on several committees (``committees``); each of them
    (and their supervisors) sees the mediator."""

    scope = ScopeRule("organization", "committees")
    objects = ScopedQuerySet.as_manager()

    class Employment(models.TextChoices):
        PURCHASED = "purchased", "政府购买服务"
        APPOINTED = "appointed", "聘任"
        CONCURRENT = "concurrent", "兼任"
        ELECTED = "elected", "推选"
        VOLUNTEER = "volunteer", "志愿者"
        LAWYER = "lawyer", "律师"

    class Status(models.TextChoices):
        ACTIVE = "active", "在岗"
        LEFT = "left", "离岗"

    class Gender(models.TextChoices):
        MALE = "男", "男"
        FEMALE = "女", "女"

    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices, blank=True)
    # Identifiers: encrypted, found by keyed hash, shown masked (tiaojie.security.protected).
    id_number_enc = models.TextField(blank=True, editable=False)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_masked = models.CharField("身份证号", max_length=30, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, editable=False)
    full_time = models.BooleanField("专职", default=False)
    employment = models.CharField("聘用方式", max_length=20, choices=Employment.choices, default=Employment.ELECTED)
    organization = models.ForeignKey(Organization, verbose_name="所属调委会", on_delete=models.PROTECT,
                                     related_name="primary_mediators")
    committees = models.ManyToManyField(Organization, verbose_name="兼任调委会", blank=True,
                                        related_name="mediators")
    title = models.CharField("职务", max_length=30, blank=True, help_text="主任、副主任、委员、调解员")
    qualifications = models.CharField("资质/专长", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField("入职日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    id_number = Protected("身份证号", enc="id_number_enc", hash="id_hash", masked="id_masked", mask=mask_id, upper=True)
    phone = Protected("联系电话", enc="phone_enc", hash="phone_hash", masked="phone_masked", mask=mask_phone)

    class Meta:
        verbose_name = verbose_name_plural = "人民调解员"
        ordering = ["organization_id", "name"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.name

    def serves(self, org: Organization) -> bool:
        return self.organization_id == org.pk or self.committees.filter(pk=org.pk).exists()


# ---------------------------------------------------------------------------------------
# Training (培训) and honours (表彰)


class Training(models.Model):
    """A training session (培训班): 岗前 for new mediators, 年度 for everyone, 分类 by trade/topic.

    ``days`` is what the session counts towards the yearly requirement; each attendee is credited
    ``TrainingAttendance.days`` (the full session unless they attended only part of it).
    """

    scope = ScopeRule("organizer")
    objects = ScopedQuerySet.as_manager()

    class Kind(models.TextChoices):
        PREJOB = "prejob", "岗前培训"
        ANNUAL = "annual", "年度培训"
        CATEGORY = "category", "分类培训"

    kind = models.CharField("培训类型", max_length=10, choices=Kind.choices)
    topic = models.CharField("培训主题", max_length=100)
    organizer = models.ForeignKey(Organization, verbose_name="主办单位", on_delete=models.PROTECT,
                                  related_name="trainings")
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    days = models.DecimalField("培训天数", max_digits=5, decimal_places=1)
    hours = models.DecimalField("培训学时", max_digits=6, decimal_places=1, default=0)
    place = models.CharField("地点", max_length=100, blank=True)
    notes = models.TextField("备注", blank=True)
    attendees = models.ManyToManyField(Mediator, through="TrainingAttendance", related_name="trainings",
                                       verbose_name="参训调解员", blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey("accounts.User", verbose_name="作废人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    void_reason = models.CharField("作废理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训"
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["start_on"])]

    def __str__(self):
        return f"{self.start_on:%Y-%m-%d} {self.topic}"

    def clean(self):
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "结束日期不能早于开始日期"})
        if self.days is not None and self.days <= 0:
            raise ValidationError({"days": "培训天数须大于0"})
        if self.start_on and self.end_on and self.days is not None and self.end_on >= self.start_on:
            span = (self.end_on - self.start_on).days + 1
            if self.days > span:
                raise ValidationError({"days": f"培训天数不能超过起止日期之间的{span}天"})
        if self.hours is not None and self.hours < 0:
            raise ValidationError({"hours": "培训学时不能为负数"})


class TrainingAttendance(models.Model):
    """One mediator at one training, with the days and hours credited (计入学时)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    mediator = models.ForeignKey(Mediator, verbose_name="调解员", on_delete=models.CASCADE,
                                 related_name="training_attendance")
    days = models.DecimalField("计入天数", max_digits=5, decimal_places=1)
    hours = models.DecimalField("计入学时", max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "参训记录"
        constraints = [models.UniqueConstraint(fields=["training", "mediator"], name="uniq_training_attendee")]


class Honour(models.Model):
    """A commendation (表彰) of a mediator for a year: 金牌人民调解员 or 先进人民调解员."""

    class Title(models.TextChoices):
        GOLD = "gold", "金牌人民调解员"
        ADVANCED = "advanced", "先进人民调解员"

    mediator = models.ForeignKey(Mediator, verbose_name="调解员", on_delete=models.PROTECT, related_name="honours")
    title = models.CharField("称号", max_length=10, choices=Title.choices)
    year = models.PositiveSmallIntegerField("年度")
    awarded_by = models.ForeignKey(Organization, verbose_name="表彰单位", on_delete=models.PROTECT,
                                   related_name="honours_awarded")
    note = models.CharField("事迹摘要", max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "表彰"
        ordering = ["-year", "title", "id"]
        constraints = [models.UniqueConstraint(fields=["mediator", "year", "title"], name="uniq_honour")]

    def __str__(self):
        return f"{self.year}年度{self.get_title_display()} {self.mediator.name}"


class ImportJob(models.Model):
    """An .xlsx import run as a background task (django-q2, heavy queue), with its progress and report.

    The uploaded bytes are kept only until the task has read them."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    what = models.CharField("导入内容", max_length=20)
    dry_run = models.BooleanField("仅校验", default=False)
    file_name = models.CharField("文件名", max_length=200)
    data = models.BinaryField(editable=False, default=b"")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField("阶段", max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    shown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)
