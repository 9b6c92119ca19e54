"""Settings for the review system, read from the environment in this one module.

Development runs on embedded defaults (SQLite, in-process tasks, console e-mail). Production
(DJANGO_DEBUG unset or false) refuses to start without a secret key and allowed hosts.
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not value.isascii():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return int(value)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip().upper() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment (or set DJANGO_DEBUG=true for local development)."
        )
    SECRET_KEY = "development-only-insecure-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is not set (a comma-separated list of host names).")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's address as people reach it, for links in e-mails written outside a request (notifications).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if DEBUG:
        SITE_URL = "http://127.0.0.1:8000"
    elif "*" not in ALLOWED_HOSTS[0] and not ALLOWED_HOSTS[0].startswith("."):
        SITE_URL = "https://" + ALLOWED_HOSTS[0]  # the first allowed host, when it names one host
    else:
        raise ImproperlyConfigured("DJANGO_SITE_URL is not set (e.g. https://review.example.kz), and no host to guess.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "catalog",
    "applications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.headers.PrivateResponsesMiddleware",
    "config.uploads.BodyLimitMiddleware",  # before any view (or CSRF's check) reads the body
    "django_otp.middleware.OTPMiddleware",
    "applications.two_factor.StaffTwoFactorMiddleware",
    "applications.languages.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

# Content-Security-Policy (django-csp 4; config/headers.py): everything from this site, no inline script.
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
    }
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# The schema's owner runs the commands that change the schema or the grants (DATABASE_MIGRATE_URL, when set); every
# other process connects as DATABASE_URL, a role that owns nothing and holds only the grants of `grant_app_role`,
# so that it cannot disable the append-only triggers (README, "The database roles").
OWNER_COMMANDS = {"migrate", "grant_app_role", "createcachetable"}
_owner = len(sys.argv) > 1 and sys.argv[1] in OWNER_COMMANDS and os.environ.get("DATABASE_MIGRATE_URL")
DATABASES = {
    "default": dj_database_url.parse(
        (os.environ.get("DATABASE_MIGRATE_URL") if _owner else os.environ.get("DATABASE_URL"))
        or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The login throttle (django-axes) checks before the password is tried; then Django's own check.
AUTHENTICATION_BACKENDS = [
    "applications.applicant.accounts.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "applications:home"
LOGOUT_REDIRECT_URL = "applications:home"

LANGUAGE_CODE = "en"
# Each language is named in itself (the switcher shows it so to a person who cannot read the current one).
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
# The catalogs: locale/<lang>/LC_MESSAGES/django.po and the compiled .mo, both committed, so that running the
# site needs no gettext (tests/test_translations.py checks the .mo matches its .po).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
# Dates are shown DD.MM.YYYY everywhere; FORMAT_MODULE_PATH makes the English formats say so.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party front-end assets come from the npm registry (package.json), never a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Scans are private: kept outside any public URL and served only through views that check access.
        "OPTIONS": {"location": os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest request body accepted, uploads included (config/uploads.py): larger ones get 413 unread.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 12 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_HANDLERS = [
    "config.uploads.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# SQLite cannot build the unique constraint with NULLs not distinct; model validation and PostgreSQL enforce it.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# E-mail: console in development, SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Astana Hub review <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis broker from REDIS_URL; with none set, tasks run in-process (eagerly).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Results are stored (in Redis) only for a call that asks for one, e.g. apply_async(ignore_result=False).
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = TIME_ZONE

# Sessions are kept in the database (Django's default), so any web process serves any user. Nothing relies on a
# cache shared between processes; DJANGO_CACHE_URL (e.g. redis://127.0.0.1:6379/1, never the broker's database)
# gives one to whatever needs it, instead of a cache per process. With it, sessions are read through the cache
# (cached_db: written to both, read from the database only when the cache lost them), which spares every signed-in
# request a query; never with a cache per process, where one process would read a session another had changed.
if os.environ.get("DJANGO_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_CACHE_URL"],
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# /healthz (config/health.py): unhealthy when the oldest e-mail still to be sent, or the last periodic task
# run, is older than this many minutes.
HEALTHZ_OUTBOX_MAX_MINUTES = env_int("HEALTHZ_OUTBOX_MAX_MINUTES", 15)
HEALTHZ_BEAT_MAX_MINUTES = env_int("HEALTHZ_BEAT_MAX_MINUTES", 15)

# Exports of decisions up to this many rows are the response itself; larger ones are written by a task.
EXPORT_STREAM_MAX_ROWS = env_int("EXPORT_STREAM_MAX_ROWS", 2000)

# Security: strict in production; `manage.py check --deploy` reports nothing there.
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A load balancer or monitor may poll /healthz over plain HTTP, inside the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("DJANGO_LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

# Catalog: publishing a change to the catalog needs a second editor's approval ("four eyes"). A small park
# with one editor may turn it off; the change's history still names who entered and who published it.
CATALOG_FOUR_EYES = env_bool("CATALOG_FOUR_EYES", True)

# Accounts. A sign-up's verification link works this many seconds (default 3 days); a password-reset link as
# long (PASSWORD_RESET_TIMEOUT). Invitations to addresses at these domains (the park's own, comma-separated,
# e.g. astanahub.com) are refused outright: staff never join an organisation.
EMAIL_VERIFICATION_MAX_AGE = env_int("EMAIL_VERIFICATION_MAX_AGE", 3 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = EMAIL_VERIFICATION_MAX_AGE
STAFF_EMAIL_DOMAINS = [domain.lower().lstrip("@") for domain in env_list("STAFF_EMAIL_DOMAINS")]

# The login throttle (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account from one address,
# that account is refused from that address for LOGIN_LOCKOUT_MINUTES (another address, or another account from
# this one, is not). Behind a proxy, DJANGO_CLIENT_IP_HEADER names the header that carries the visitor's address
# (e.g. HTTP_X_FORWARDED_FOR; its last entry is used): without it every visitor has the proxy's address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "applications.applicant.accounts.login_username"
AXES_CLIENT_IP_CALLABLE = "applications.applicant.accounts.client_ip"
AXES_LOCKOUT_CALLABLE = "applications.applicant.views.login_locked"
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "").strip().upper().replace("-", "_")

# Two-factor sign-in for staff (applications/two_factor.py): reviewers, lead reviewers, catalog editors and
# admins type a code from an authenticator app after their password. Required in production, offered otherwise.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Astana Hub review"
