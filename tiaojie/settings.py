"""Settings for Tiaojie, read from the environment.

DATABASE_URL     sqlite:///var/tiaojie.sqlite3 by default; postgres://… for production and CI
SECRET_KEY       set it in production; a fixed development key is used when unset
ALLOWED_HOSTS    comma separated, default localhost,127.0.0.1
DEBUG            "1" to turn on (the demo command turns it on)
TIAOJIE_DATA_KEY key for personal-data encryption (defaults to one derived from SECRET_KEY)
"""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TIAOJIE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-for-production-use-0123456789")
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
    "tiaojie.orgs",
    "tiaojie.accounts",
    "tiaojie.cases",
    "tiaojie.screening",
    "tiaojie.warnings",
    "tiaojie.routing",
    "tiaojie.documents",
    "tiaojie.api",
    "tiaojie.stats",
    "tiaojie.funding",
    "tiaojie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:todo"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; served only through scoped views

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

Q_CLUSTER = {
    "name": "tiaojie",
    "workers": 1,
    "timeout": 600,
    "retry": 900,
    "orm": "default",
    "catch_up": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"tiaojie": {"level": "INFO"}},
}

# Domain settings (defaults; per-organization overrides live in the database)
TIAOJIE_CASE_NUMBER_PATTERN = "（{year}）{abbr}调字第{seq:04d}号"
TIAOJIE_DATA_KEY = os.environ.get("TIAOJIE_DATA_KEY", "")

# Documents (文书): font family for PDFs (offices often have 仿宋/宋体 licensed; Noto CJK by default)
TIAOJIE_PDF_FONT_FAMILY = os.environ.get("TIAOJIE_PDF_FONT_FAMILY", '"Noto Serif CJK SC", "Noto Sans CJK SC", serif')
TIAOJIE_UPLOAD_MAX_BYTES = int(os.environ.get("TIAOJIE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Time limits and the holiday calendar are tables (tiaojie.core.models, edited in admin).
TIAOJIE_API_RATE_PER_MINUTE = int(os.environ.get("TIAOJIE_API_RATE_PER_MINUTE", "120"))
