"""Settings for the recommendation tracker, driven by the environment.

Development needs no configuration: DEBUG is on and the database is SQLite in the project folder.
Production (``DJANGO_DEBUG=false``) refuses to start without a secret key, allowed hosts and a
database URL, so a half-configured server never comes up with development defaults.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

# Django's generic classes (ModelForm[Inspection], QuerySet[Item]) take their type arguments at
# run time too, as the type checker reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-not-secret")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
else:
    missing = [
        name
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
        if not os.environ.get(name, "").strip()
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (DJANGO_DEBUG=false) needs these environment variables: "
            + ", ".join(missing)
        )
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    # Sign in with Microsoft: allauth's social accounts, with the tracker's own Entra provider.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Two-factor authentication for local accounts: TOTP and recovery codes.
    "allauth.mfa",
    "django_tasks_db",
    "inspections",
    "inspections.sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A report's CSV or XLSX read with an API key (?key=) rather than a session.
    "inspections.api.middleware.KeyForDownloads",
    # Every page needs a sign-in unless it is explicitly marked otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Someone signed in without a role yet sees only that they are waiting for approval.
    "inspections.people.middleware.WaitingForApproval",
    # National administrators with a password set up two-factor authentication first (production).
    "inspections.account.middleware.TwoFactorRequired",
    # Each API page carries an ETag and answers If-None-Match with 304.
    "inspections.api.middleware.ConditionalApiGet",
    # A NUL in any field is refused with one clear 400 before a view (or the database) sees it.
    "inspections.middleware.RefuseNulCharacters",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inspections.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# One cache for every worker, in the database: allauth marks each two-factor code used there
# (and counts its rate limits there), so a code cannot be replayed on another gunicorn worker,
# which a per-process memory cache would allow. Its table is made by a migration.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tracker_cache",
    }
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler pays off for long analytical queries, not a web page's: on the
    # national dashboard it spent 500 of 590 ms compiling a query that runs in 70 ms.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is what a new user tries first: two people saving at once wait for
    # each other (write-ahead log, writers take the lock when their transaction begins, and
    # wait up to 20 s) instead of one of them getting "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "inspections.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's (which signs in the account a Microsoft sign-in was linked to),
    # each loading the user with their force in one query.
    "inspections.backends.TrackerModelBackend",
    "inspections.backends.TrackerAllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "sign-in"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Files (evidence, issued letters, spreadsheets between preview and confirmation) go through
# Django's storage API. With a bucket configured they live in S3-compatible object storage, so
# several app servers share them; otherwise in MEDIA_ROOT on this server.
if os.environ.get("DJANGO_STORAGE_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_STORAGE_BUCKET"],
            "endpoint_url": os.environ.get("DJANGO_STORAGE_ENDPOINT") or None,
            "region_name": os.environ.get("DJANGO_STORAGE_REGION") or None,
            "access_key": os.environ.get("DJANGO_STORAGE_ACCESS_KEY") or None,
            "secret_key": os.environ.get("DJANGO_STORAGE_SECRET_KEY") or None,
            # Private files, fetched only through the app's permission checks.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Email goes through Django 6.1's MAILERS. Development prints messages to the console unless an
# SMTP host is given; production always uses SMTP (a local relay on port 25 by default).
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("DJANGO_SMTP_HOST") or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_SMTP_HOST", "localhost"),
                "port": int(os.environ.get("DJANGO_SMTP_PORT", "25" if not DEBUG else "587")),
                "username": os.environ.get("DJANGO_SMTP_USER", ""),
                "password": os.environ.get("DJANGO_SMTP_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_SMTP_TLS", bool(os.environ.get("DJANGO_SMTP_USER"))),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# A strict policy with per-request nonces; the admin and our pages load only our own assets.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A load balancer's health check speaks plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Spreadsheet imports keep the uploaded file between preview and confirmation in the default
# storage (shared by every app server), not on one server's disk.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

# Domain settings.
TRACKER_DUE_SOON_DAYS = int(os.environ.get("TRACKER_DUE_SOON_DAYS", "30"))
# An open item with no update for this long is flagged as stale.
TRACKER_STALE_AFTER_DAYS = int(os.environ.get("TRACKER_STALE_AFTER_DAYS", "90"))
# Sign-in throttling: this many failures for a username (or per address) lock it for a while.
TRACKER_SIGN_IN_MAX_FAILURES = 5
TRACKER_SIGN_IN_MAX_PER_IP = 30
TRACKER_SIGN_IN_LOCKOUT_MINUTES = 15
# Password-reset emails: at most this many an hour to one address, and asked for by one client.
TRACKER_PASSWORD_RESET_MAX_PER_ADDRESS = 3
TRACKER_PASSWORD_RESET_MAX_PER_CLIENT = 10
TRACKER_PASSWORD_RESET_MINUTES = 60
# Sign in with Microsoft Entra ID (OpenID Connect). Offered once the client id and at least one
# tenant are set; a token from any tenant not listed is refused.
TRACKER_SSO_CLIENT_ID = os.environ.get("TRACKER_SSO_CLIENT_ID", "")
TRACKER_SSO_CLIENT_SECRET = os.environ.get("TRACKER_SSO_CLIENT_SECRET", "")
TRACKER_SSO_TENANTS = [
    tenant.strip().lower()
    for tenant in os.environ.get("TRACKER_SSO_TENANTS", "").split(",")
    if tenant.strip()
]
# Where the tenants' endpoints live: Microsoft's, or the tests' own provider.
TRACKER_SSO_AUTHORITY = os.environ.get(
    "TRACKER_SSO_AUTHORITY", "https://login.microsoftonline.com"
).rstrip("/")
# Microsoft sign-in the only way in, except national administrators' local (break-glass) ones.
TRACKER_SSO_ONLY = env_bool("TRACKER_SSO_ONLY", False)

# The sign-in form's button posts to the tracker, which sends the browser on to Microsoft:
# browsers hold that redirect to the page's form-action.
if TRACKER_SSO_CLIENT_ID:
    SECURE_CSP["form-action"] = [CSP.SELF, TRACKER_SSO_AUTHORITY]

SOCIALACCOUNT_ADAPTER = "inspections.sso.adapter.TrackerSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "entra": {
        "APPS": [
            {"client_id": TRACKER_SSO_CLIENT_ID, "secret": TRACKER_SSO_CLIENT_SECRET, "key": ""}
        ]
        if TRACKER_SSO_CLIENT_ID
        else [],
        "OAUTH_PKCE_ENABLED": True,
    }
}
# Accounts are linked on the token's tid + oid, never on an email address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_EMAIL_VERIFICATION = "none"

# Local accounts sign in with allauth too: a username and a password, no sign-up (accounts come
# from invitations, approvals and national administrators), a session that ends with the
# browser or the working day, and a reset link by email.
ACCOUNT_ADAPTER = "inspections.account.adapter.TrackerAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "sign-in"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Nobody learns from the reset page or their inbox whether an address has an account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Password guesses and reset emails are counted by inspections/signin.py, in the database (one
# count for every app server, canonical usernames, client addresses from trusted proxies only);
# allauth's limits stay on everything else, two-factor codes included, per client address as
# the throttle reads it.
ACCOUNT_RATE_LIMITS = {"login": None, "reset_password": None}

# Two-factor authentication (allauth's MFA) for local accounts: TOTP and recovery codes, the
# secrets encrypted in the database. Required of national administrators with a password in
# production (set false only for a training copy).
MFA_ADAPTER = "inspections.account.mfa_adapter.TrackerMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# A code from the 30 seconds before or after also counts (a phone's clock drifts); each code
# works once.
MFA_TOTP_TOLERANCE = 1
TRACKER_MFA_REQUIRED_FOR_NATIONAL_ADMINS = env_bool(
    "TRACKER_MFA_REQUIRED_FOR_NATIONAL_ADMINS", not DEBUG
)

# Microsoft Teams: the hosts a Teams Workflows webhook may be on (nothing else is posted to).
TRACKER_TEAMS_WEBHOOK_HOSTS = [
    host.strip()
    for host in os.environ.get(
        "TRACKER_TEAMS_WEBHOOK_HOSTS", "logic.azure.com,powerplatform.com"
    ).split(",")
    if host.strip()
]
# Only the tests' local stand-in for Teams is plain HTTP.
TRACKER_TEAMS_HTTPS_ONLY = True

# Background work (the outbox just after a change, a large meeting pack's files) on Django's
# tasks framework, stored in the database and run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TRACKER_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

# How long an invitation's one-time link works.
TRACKER_INVITATION_DAYS = int(os.environ.get("TRACKER_INVITATION_DAYS", "7"))
# The load balancers' own addresses: only a request arriving from one of them has its
# X-Forwarded-For believed (the address it added), so a client cannot choose its own address.
TRACKER_TRUSTED_PROXIES = [
    a.strip() for a in os.environ.get("TRACKER_TRUSTED_PROXIES", "").split(",") if a.strip()
]
# Evidence files: the largest accepted (MB), and the kinds of file accepted (by extension).
TRACKER_EVIDENCE_MAX_MB = int(os.environ.get("TRACKER_EVIDENCE_MAX_MB", "10"))
TRACKER_EVIDENCE_EXTENSIONS = os.environ.get(
    "TRACKER_EVIDENCE_EXTENSIONS", "pdf,docx,doc,xlsx,xls,odt,ods,pptx,csv,txt,png,jpg,jpeg"
).split(",")
# Where links in emails point.
TRACKER_BASE_URL = os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Demo logins share a published password: never on a production system.
TRACKER_ALLOW_DEMO_DATA = DEBUG
# Fix "today" (YYYY-MM-DD) for a training copy; unset in real use. Refused in production, where
# a stray variable would freeze every deadline, reminder and s.55 clock.
TRACKER_TODAY = os.environ.get("TRACKER_TODAY") or None
if TRACKER_TODAY and not DEBUG:
    raise ImproperlyConfigured(
        "Production mode (DJANGO_DEBUG=false) keeps honest dates: unset TRACKER_TODAY, which "
        "fixes today's date and is for training copies only."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every step of every PDF at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
