"""The one settings module. Every deployment choice is a QAMQOR_* environment variable.

The README lists them all; nothing here should need editing to deploy.
"""

import datetime
import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qamqor.keyfiles import create_private_file

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"QAMQOR_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# The data directory holds the embedded database, generated keys and uploads.
DATA_DIR = Path(env("DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _read_or_create_secret(path: Path) -> str:
    """A secret generated once into the data directory, readable by its owner only."""
    if not path.exists():
        create_private_file(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY") or _read_or_create_secret(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The test suite runs on QAMQOR_TEST_DATABASE_URL when it is set, on SQLite otherwise,
# and never on the database a running installation uses.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
if TESTING:
    DATABASE_URL = env("TEST_DATABASE_URL") or "sqlite:///:memory:"
else:
    DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'qamqor.sqlite3'}"

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer writes; IMMEDIATE takes the write
        # lock at BEGIN, so two writers queue instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_countries",
    "qamqor.web",
    "qamqor.vault",
    "qamqor.accounts",
    "qamqor.audit",
    "qamqor.registry",
    "qamqor.services",
    "qamqor.cases",
    "qamqor.assessments",
    "qamqor.protection",
    "qamqor.facilities",
    "qamqor.plans",
    "qamqor.referrals",
    "qamqor.demo",
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
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qamqor.audit.request_context.AuditContextMiddleware",
    # After messages and htmx: they tell the user why, and answer htmx requests in kind.
    "qamqor.accounts.middleware.SessionLimitsMiddleware",
    "qamqor.accounts.middleware.SecondFactorMiddleware",
    "qamqor.web.middleware.NoStoreMiddleware",
    # Last, as axes asks: it turns a request flagged as locked out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qamqor.urls"
WSGI_APPLICATION = "qamqor.wsgi.application"

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
                "qamqor.web.context_processors.qamqor",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
# AxesBackend first: it refuses a locked-out user or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 hashes new passwords; the others only verify older hashes, which are
# rehashed with Argon2 at the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Store UTC, show Kazakhstan time (UTC+5 everywhere since 1 March 2024).
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
LANGUAGE_CODE = env("LANGUAGE", "ru")
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "qamqor_language"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "uploads"
STORAGES = {
    # Uploads (signed consent forms, documents) are encrypted like the fields (qamqor.vault).
    "default": {"BACKEND": "qamqor.vault.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Assets come straight from the package; `qamqor collectstatic` is optional.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_NAME = "qamqor_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends 12 hours after sign-in, or after 30 minutes without a request
# (qamqor.accounts.middleware, on qamqor.clock); the cookie lives no longer either.
SESSION_ABSOLUTE_LIMIT = datetime.timedelta(hours=12)
SESSION_IDLE_LIMIT = datetime.timedelta(minutes=30)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIMIT.total_seconds())
CSRF_COOKIE_HTTPONLY = True
# QAMQOR_HTTPS=1 in production, behind TLS; the embedded demo serves plain HTTP on loopback.
HTTPS = env_bool("HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Every script and style comes from the package as a file: nothing inline, nothing
# from elsewhere (base.html turns off the style element htmx would otherwise insert).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Second factor (django-otp): the issuer names the entry in the authenticator app.
OTP_TOTP_ISSUER = env("OTP_ISSUER", "Qamqor")

# Lock-out (django-axes): 5 failed sign-ins lock the user name, and separately the
# address, for 15 minutes (measured on qamqor.clock). A successful sign-in clears the
# user's own failures only (qamqor.accounts.lockout), so signing in to one account
# does not wipe the failures an address piled up against others.
AXES_FAILURE_LIMIT = 5
LOCKOUT_PERIOD = datetime.timedelta(minutes=15)
AXES_COOLOFF_TIME = "qamqor.accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "qamqor.accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "qamqor.accounts.lockout.lockout_response"
# The audit log records sign-ins; a second, unaudited log of them is not kept.
AXES_DISABLE_ACCESS_LOG = True

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"


# E-mail: notifications go out without personal data (accounts/notifications.py).
# QAMQOR_EMAIL_URL (smtp://user:password@host:587?tls=1, smtps://... for TLS from the
# first byte, console:) or QAMQOR_SMTP_HOST and its companions; with neither, messages
# are printed to the console, as the embedded demo wants. The test runner swaps in its
# in-memory outbox by itself.
def email_settings() -> dict[str, Any]:
    """EMAIL_* settings from QAMQOR_EMAIL_URL, else from QAMQOR_SMTP_*, else the console."""
    found: dict[str, Any] = {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    url = env("EMAIL_URL")
    if url:
        parts = urlsplit(url)
        if parts.scheme == "console":
            return found
        if parts.scheme not in {"smtp", "smtps"}:
            raise ImproperlyConfigured(
                "QAMQOR_EMAIL_URL must start with smtp://, smtps:// or console:"
            )
        tls = parse_qs(parts.query).get("tls", ["0"])[-1].strip().lower()
        found.update(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parts.scheme == "smtp" and tls in {"1", "true", "yes", "on"},
        )
    elif env("SMTP_HOST"):
        found.update(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=env("SMTP_HOST"),
            EMAIL_PORT=int(env("SMTP_PORT", "587")),
            EMAIL_HOST_USER=env("SMTP_USER"),
            EMAIL_HOST_PASSWORD=env("SMTP_PASSWORD"),
            EMAIL_USE_TLS=env_bool("SMTP_TLS", default=True),
        )
    return found


_email = email_settings()
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env("EMAIL_FROM", "qamqor@localhost")
# A mail server that does not answer must not hold a request for long.
EMAIL_TIMEOUT = 10

QUICK_EXIT_URL = env("QUICK_EXIT_URL", "https://www.google.com/search?q=weather")
PAGE_SIZE = int(env("PAGE_SIZE", "25"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Background work (Celery, qamqor/celery.py; docs/operations.md). With a server database
# a worker and beat run beside the web server and share the broker. The embedded database
# needs neither: tasks run in the process that sends them, and cron runs
# `qamqor run-periodic` for the periodic ones.
EMBEDDED_DATABASE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", EMBEDDED_DATABASE)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "referral-deadlines": {
        "task": "qamqor.referrals.run_periodic",
        "schedule": 60.0,
        # A run missed while no worker listened is dropped: the next one does its work.
        "options": {"expires": 50},
    },
}

if TESTING:
    # Deliberately slow hashing protects real passwords; the test suite has none.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
