"""External systems of the linkage API (对接系统): their tokens, idempotency records, rate windows."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

OPERATIONS = {
    "refer": "移送案件",
    "read": "查询进展和结果",
    "confirm": "回传司法确认结果",
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiClient(models.Model):
    """One external system (a court's case system, a 110 platform, the 12345 hotline…).

    Only the SHA-256 of the token is stored; the clear token is shown once when issued. The
    client acts through ``user`` (a service account without a password, bound to
    ``organization``, the linkage point it refers into), so that every write goes through the
    same services, scope rule and timeline as a person's.
    """

    class Kind(models.TextChoices):
        COURT = "court", "法院"
        POLICE = "police", "公安（110）"
        PETITION = "petition", "信访"
        DEPARTMENT = "department", "其他部门（12345、人社等）"

    name = models.CharField("系统名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    organization = models.ForeignKey("orgs.Organization", verbose_name="移送对接点（案件登记单位）",
                                     on_delete=models.PROTECT, related_name="api_clients")
    operations = models.CharField("允许的操作", max_length=100, default="refer,read",
                                  help_text="refer 移送案件，read 查询进展和结果，confirm 回传司法确认结果（仅法院），用逗号分隔")
    is_active = models.BooleanField("启用", default=True)
    rate_per_minute = models.PositiveIntegerField("每分钟请求上限", null=True, blank=True,
                                                  help_text="留空使用系统默认值")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField("令牌前缀", max_length=12, editable=False, blank=True)
    token_issued_at = models.DateTimeField("令牌签发时间", null=True, blank=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="服务账号", null=True, blank=True,
                                editable=False, on_delete=models.PROTECT, related_name="api_client")
    last_used_at = models.DateTimeField("最近调用", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "对接系统"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def operation_set(self) -> set[str]:
        return {o.strip() for o in self.operations.replace("，", ",").split(",") if o.strip()}

    def allows(self, op: str) -> bool:
        return self.is_active and op in self.operation_set()

    @property
    def rate_limit(self) -> int:
        return self.rate_per_minute or settings.TIAOJIE_API_RATE_PER_MINUTE

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.clear_token = self.issue_token()
        self._sync_user()
        super().save(*args, **kwargs)

    def _sync_user(self) -> None:
        """Create or update the service account the client acts through (no password, no login)."""
        from tiaojie.accounts.models import Role, User

        role = Role.COURT_LIAISON if self.kind == self.Kind.COURT else Role.POLICE_LIAISON
        label = f"{self.name}（接口）"[:30]
        if self.user_id is None:
            u = User(username=f"api-{secrets.token_hex(6)}", role=role, organization=self.organization,
                     display_name=label, is_active=self.is_active)
            u.set_unusable_password()
            u.save()
            self.user = u
        else:
            User.objects.filter(pk=self.user_id).update(role=role, organization=self.organization,
                                                        display_name=label, is_active=self.is_active)
            self.user.refresh_from_db()

    def issue_token(self) -> str:
        """Make a new token, store its hash and return it in clear (to be shown once)."""
        token = "tj_" + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_prefix = token[:10]
        self.token_issued_at = timezone.now()
        return token


class IdempotencyRecord(models.Model):
    """The stored answer to a request made with an ``Idempotency-Key`` (replays get it back)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "幂等请求记录"
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="uniq_idempotency_key")]


class RateWindow(models.Model):
    """Requests of one client in one minute (a fixed-window rate limit kept in the database)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "minute"], name="uniq_rate_window")]
