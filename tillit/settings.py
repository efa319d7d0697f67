"""Tillit settings: one file, configured from the environment (see README, "Configuration").

Every variable has a default that lets `make run` work straight after checkout on SQLite.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = env_bool("TILLIT_DEBUG", False)
# The test suite runs with tillit.test_settings (pytest-django) or `manage.py test`.
TESTING = ("pytest" in sys.modules or sys.argv[1:2] == ["test"]
           or os.environ.get("DJANGO_SETTINGS_MODULE") == "tillit.test_settings")
# Commands that sign nothing and serve nothing (schema, translations, static files, demo data)
# also run where no key is configured: a developer's checkout, a container image build.
KEYLESS_COMMANDS = {"makemigrations", "migrate", "showmigrations", "sqlmigrate", "makemessages",
                    "compilemessages", "collectstatic", "load_demo"}
KEYLESS_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != [] and sys.argv[1] in KEYLESS_COMMANDS
# The fallback key is only for a developer's machine (TILLIT_DEBUG=1) and the tests; without
# TILLIT_SECRET_KEY in production Tillit refuses to start rather than sign with a public key.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env_secret("TILLIT_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING or KEYLESS_COMMAND):
        raise ImproperlyConfigured(
            "TILLIT_SECRET_KEY (or TILLIT_SECRET_KEY_FILE) must be set when TILLIT_DEBUG is off: "
            "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = DEV_SECRET_KEY
ALLOWED_HOSTS = env_list("TILLIT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("TILLIT_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "core",
    "accounts",
    "organisations",
    "trail",
    "suppliers",
    "inventory",
    "classification",
    "requirements",
    "risk",
    "actions",
    "placement",
    "kpis",
    "meetings",
    "changes",
    "policies",
    "privacy",
    "incidents",
    "audits",
    "reviews",
    "jobs",
    "django_tasks",
    "django_tasks_db",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.ApiMethodNotAllowedMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.ActiveOrganisationMiddleware",
    "trail.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "tillit.urls"
WSGI_APPLICATION = "tillit.wsgi.application"

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
                "core.context_processors.tillit",
            ],
        },
    }
]

# SQLite is the embedded default so that check-out-and-run works; DATABASE_URL selects
# PostgreSQL in production and CI (postgres://user@host:5432/name).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'tillit.sqlite3'}"),
        conn_max_age=env_int("TILLIT_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while one writer commits; IMMEDIATE avoids lock upgrades
    # failing half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# django-allauth: e-mail login, no open sign-up (an administrator invites users).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
# ASVS 2.2.1: lockout/rate limits on failed logins, per client address and per account
# ("key": the e-mail address tried), so one address cannot lock out everyone and many
# addresses cannot guess one account's password. The counters live in the cache, which must
# be shared by every worker in production (REDIS_URL; system check tillit.E001).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("TILLIT_LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tillit"
# Behind the documented reverse proxy (docs/deploy.md), the client's address is the right-most
# one in X-Forwarded-For: the one our own proxy appended. Addresses further left are whatever
# the client sent and are never trusted. TILLIT_TRUSTED_PROXIES counts the proxies of our own
# in front of the app (e.g. 2 for a load balancer before nginx).
BEHIND_PROXY = env_bool("TILLIT_BEHIND_PROXY")
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TILLIT_TRUSTED_PROXIES", 1) if BEHIND_PROXY else 0
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# OpenID Connect SSO (e.g. Microsoft Entra ID), enabled when a client id is configured.
OIDC_CLIENT_ID = env_str("TILLIT_OIDC_CLIENT_ID")
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env_str("TILLIT_OIDC_PROVIDER_ID", "entra"),
                "name": env_str("TILLIT_OIDC_NAME", "Microsoft Entra ID"),
                "client_id": OIDC_CLIENT_ID,
                "secret": env_secret("TILLIT_OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env_str("TILLIT_OIDC_SERVER_URL")},
            }
        ]
    }
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = env_bool("TILLIT_OIDC_AUTO_SIGNUP", False)

# Sessions and cookies (ASVS V3): HttpOnly, SameSite, short idle lifetime, secure over HTTPS.
HTTPS = env_bool("TILLIT_HTTPS", False)
SECURE_COOKIES = env_bool("TILLIT_SECURE_COOKIES", not DEBUG and HTTPS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    # "__Host-": the browser accepts the cookie only over HTTPS, for this exact host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("TILLIT_SESSION_AGE", 8 * 3600)
# Signed out after this many seconds without a request (sliding; core.middleware).
SESSION_IDLE_TIMEOUT = env_int("TILLIT_SESSION_IDLE", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading is hard to undo (browsers ship the list); only when the operator asks for it.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("TILLIT_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Preload is a decision for the operator (TILLIT_HSTS_PRELOAD), so its deploy warning is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or not HTTPS else ["security.W021"]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("TILLIT_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if env_str("TILLIT_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("TILLIT_S3_BUCKET"),
            "endpoint_url": env_str("TILLIT_S3_ENDPOINT") or None,
            "access_key": env_secret("TILLIT_S3_ACCESS_KEY"),
            "secret_key": env_secret("TILLIT_S3_SECRET_KEY"),
            "default_acl": "private",
        },
    }

# Uploads (imports): at most 5 MB; the import view also checks type and content.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
TILLIT_MAX_IMPORT_BYTES = env_int("TILLIT_MAX_IMPORT_BYTES", 5 * 1024 * 1024)
# What an imported workbook may hold, checked before it is parsed (core.tabular): a small
# XLSX can unpack to far more than any register and keep a worker busy past its timeout.
TILLIT_IMPORT_MAX_ROWS = env_int("TILLIT_IMPORT_MAX_ROWS", 20_000)
TILLIT_IMPORT_MAX_COLUMNS = env_int("TILLIT_IMPORT_MAX_COLUMNS", 100)
TILLIT_IMPORT_MAX_UNPACKED_BYTES = env_int("TILLIT_IMPORT_MAX_UNPACKED_BYTES", 40 * 1024 * 1024)

EMAIL_BACKEND = env_str("TILLIT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("TILLIT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TILLIT_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("TILLIT_FROM_EMAIL", "tillit@localhost")

# Audit trail checkpoints (docs/deploy.md, "Audit trail"): the Ed25519 signing key is never in the
# database; without it production refuses to make a checkpoint (development derives one from
# SECRET_KEY). Each checkpoint is also written under TILLIT_AUDIT_CHECKPOINT_DIR in the file storage
# and e-mailed to the recipients (e.g. the auditor and the DPO).
TILLIT_AUDIT_KEY = env_secret("TILLIT_AUDIT_KEY")
TILLIT_AUDIT_PUBLIC_KEY = env_secret("TILLIT_AUDIT_PUBLIC_KEY")
TILLIT_AUDIT_CHECKPOINT_RECIPIENTS = env_list("TILLIT_AUDIT_CHECKPOINT_RECIPIENTS")
TILLIT_AUDIT_CHECKPOINT_DIR = env_str("TILLIT_AUDIT_CHECKPOINT_DIR", "audit-checkpoints")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# `make run` serves the demo from one process (runserver): its per-process cache is then the
# one every request shares, so the shared-cache check (tillit.E001) does not apply.
SINGLE_PROCESS = env_bool("TILLIT_SINGLE_PROCESS", False)
if env_str("REDIS_URL"):
    # Several app servers must share rate-limit counters, so production uses Redis.
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TILLIT_LOG_LEVEL", "WARNING")},
}

TILLIT_PAGE_SIZE = 50
# Absolute links in e-mails.
TILLIT_BASE_URL = env_str("TILLIT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
FORMS_URLFIELD_ASSUME_HTTPS = True

# Background tasks (docs/decisions.md, "Background tasks"): long work (imports, exports,
# documents, reminders) runs through Django's tasks API (the django-tasks backport). The
# embedded default keeps the queue in the database, worked by `manage.py db_worker`, which
# `make run` starts; several servers share it on PostgreSQL (docs/deploy.md).
TASKS = {
    "default": {
        "BACKEND": env_str("TILLIT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

