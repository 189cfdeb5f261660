"""Settings for every environment, read from the environment (twelve-factor).

Variables: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, EISO_VAR_DIR,
EMAIL_BACKEND / EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS,
DEFAULT_FROM_EMAIL, EISO_BASE_URL, EISO_PUBLIC_BASE_URL, EISO_FORM_SET, EISO_DB_CONN_MAX_AGE,
EISO_LOOKUP_LIMIT, EISO_REDIS_URL, EISO_PG_OPTIONS.
See docs/operations/install.md.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("EISO_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/secret_key."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc files served locally: no CDN
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "eiso.core",
    "eiso.organizations",  # before accounts: demo loaders run in this order
    "eiso.accounts",
    "eiso.calendars",  # after accounts: its demo loader uses the demo agencies
    "eiso.procedures",  # after accounts and calendars: its demo assigns procedures to demo agencies
    "eiso.processes",  # after procedures: its demo builds processes for the procedures assigned
    "eiso.documents",  # after processes: external documents reuse its review flags
    "eiso.notifications",
    "eiso.dossiers",  # after processes and notifications: dossiers run on processes in force
    "eiso.api",
    "eiso.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eiso.core.context.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "eiso.core.context.RequestContextMiddleware",
    "eiso.accounts.middleware.ActiveAgencyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eiso.conf.urls"
WSGI_APPLICATION = "eiso.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eiso.web.context_processors.shell",
            ],
        },
    }
]

# --- Database: SQLite under var/ by default, PostgreSQL through DATABASE_URL -----------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'eiso.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("EISO_DB_CONN_MAX_AGE", "0"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE: readers never block the single writer, and a write transaction takes the
    # lock at BEGIN so two writers queue instead of failing with "database is locked" mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: eISO's queries are short, and PostgreSQL compiling one whose estimated cost crosses
    # jit_above_cost took 340 ms of a 390 ms inbox query at 1M dossiers (docs/decisions/0020).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "EISO_PG_OPTIONS", "-c jit=off"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "eiso.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out: 5 failures within 15 minutes for the same account from the same address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "eiso.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Client address: REMOTE_ADDR unless operations say a trusted proxy sets X-Forwarded-For; otherwise a
# client could forge the header to dodge the lock-out or falsify audit addresses.
TRUST_X_FORWARDED_FOR = env_bool("EISO_TRUST_X_FORWARDED_FOR", False)
AXES_CLIENT_IP_CALLABLE = "eiso.core.context.client_ip"
# Failures count per account, whether its name, its e-mail or another letter case was typed.
AXES_USERNAME_CALLABLE = "eiso.accounts.backends.lockout_username"

# --- i18n: Vietnamese first, English second; dates dd/mm/yyyy ------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["eiso.formats"]

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Largest file the document register accepts (eiso.documents.files.check_upload).
EISO_UPLOAD_MAX_MB = int(os.environ.get("EISO_UPLOAD_MAX_MB", "20"))
# Serve app static files straight from the package so `eiso serve` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail: console unless configured ------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "eiso@localhost")
# Where people open eISO: links in notification e-mails (a page path is appended to it).
EISO_BASE_URL = os.environ.get("EISO_BASE_URL", "http://127.0.0.1:8000")
# Where applicants look their dossier up: the QR code on every one-stop form opens
# {EISO_PUBLIC_BASE_URL}/tra-cuu-ho-so/?ma=<dossier code>. The same address as staff use unless the
# status page is published elsewhere (e.g. staff on an intranet address, citizens on the internet).
EISO_PUBLIC_BASE_URL = os.environ.get("EISO_PUBLIC_BASE_URL", EISO_BASE_URL)
# Which legal set of one-stop forms is printed: "tt03-2025" (Circular 03/2025/TT-VPCP, forms 01-07) or
# "tt01-2018" (Circular 01/2018/TT-VPCP, forms 01-06). Templates: eiso/dossiers/form_templates/<set>/.
EISO_FORM_SET = os.environ.get("EISO_FORM_SET", "tt03-2025")

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "eiso.api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "eISO API",
    "DESCRIPTION": _("API của hệ thống ISO điện tử eISO"),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "eiso.organizations.models.AgencyKind",  # keeps its name beside the calendar's `kind`
        "CalendarDayKindEnum": "eiso.calendars.models.EntryKind",
        "CalendarYearStatusEnum": "eiso.calendars.models.YearStatus",
        "CalendarChangeStatusEnum": "eiso.calendars.models.ChangeStatus",
        "ClockStateEnum": "eiso.calendars.models.ClockState",
        "ProcedureVersionStatusEnum": "eiso.procedures.models.VersionStatus",
        "DocumentKindEnum": "eiso.documents.models.DocumentKind",
        "ExternalDocumentKindEnum": "eiso.documents.models.ExternalKind",
        "DocumentVersionStatusEnum": "eiso.documents.models.VersionStatus",
        "ProcedureImportStatusEnum": "eiso.procedures.models.ImportStatus",
    },
}

# --- Background tasks: django-tasks (Django 6's django.tasks backported), queue in the database ------
# Run a worker with `eiso db_worker` (docs/operations/install.md). A small single-node install may run
# tasks inside the request instead: EISO_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend.
TASKS = {"default": {"BACKEND": os.environ.get("EISO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Caches: per-process by default; "shared" holds what every worker and node must agree on --------
# The public dossier lookup counts attempts per client address there (docs/decisions/0019): the
# database cache by default (table eiso_cache, created after `eiso migrate`), Redis with EISO_REDIS_URL.
_REDIS_URL = os.environ.get("EISO_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "eiso_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    ),
}
# Audit chains on PostgreSQL (docs/decisions/0021): sessions spread over this many hash chains, so
# audited writes of different sessions do not queue on one lock. Changing it is safe at any time.
EISO_AUDIT_CHAINS = max(1, int(os.environ.get("EISO_AUDIT_CHAINS", "16")))
# Hot statements (core/rows.py) are prepared once per PostgreSQL session (docs/decisions/0020). Turn
# off behind a pooler that hands one server session to many clients (PgBouncer in transaction mode).
EISO_DB_PREPARE = env_bool("EISO_DB_PREPARE", True)
EISO_LOOKUP_CACHE = "shared"
EISO_LOOKUP_LIMIT = int(os.environ.get("EISO_LOOKUP_LIMIT", "10"))  # public lookups per address …
EISO_LOOKUP_WINDOW_SECONDS = 600  # … in 10 minutes

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
