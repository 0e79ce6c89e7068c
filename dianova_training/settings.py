"""Dianova Training settings: one file, every deployment difference comes from the environment.

SQLite in the project folder is the embedded default; PostgreSQL through ``DATABASE_URL`` in
production and CI. See the README's "Configuration" table for every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from dianova_training.environment import (
    envbool,
    envint,
    envlist,
    logging_config,
    oidc_apps_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (e.g. python -c "
            "'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Development only: a key that is obviously not a secret.
    SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Links in e-mails and Open Badges ids. Unset, it is the address `make run` serves (which
# passes PORT: `PORT=8833 make run` gives http://127.0.0.1:8833); production sets it.
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{envint('PORT', '8000')}").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation requires (it patches admin forms).
    "modeltranslation",
    "dianova_training.admin.TrainingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks_db",
    "dianova_training",
    # Sign-in with the organisation's account (OpenID Connect); see ambassadors/people/sso/.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Nested inlines with drag-and-drop ordering: a quiz, its questions and their choices on
    # one admin page (courses/admin/).
    "nested_admin",
    "courses",
    "ambassadors",
]

MIDDLEWARE = [
    # Outermost: one JSON log line per request, with its id and duration.
    "dianova_training.middleware.RequestLogMiddleware",
    # Too many fields or too large a body: 400, also with DEBUG on (whose debug page 500s).
    "dianova_training.request_limits.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Header-only middleware early, so even short-circuited answers (503) carry the headers.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication: loads the session and user itself, so a database outage
    # becomes the 503 page; see dianova_training/middleware.py.
    "dianova_training.middleware.DatabaseUnavailableMiddleware",
    "ambassadors.people.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: turns a lockout into its "locked out" response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dianova_training.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "dianova_training.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        # Each request's first query on a reused connection checks it first, so that a
        # restarted database costs no failed request; on PostgreSQL without a round trip
        # while the server has said nothing (dianova_training/postgresql/base.py).
        conn_health_checks=envbool("DATABASE_HEALTH_CHECKS", "true"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "dianova_training.postgresql"
if DATABASES["default"]["ENGINE"] == "dianova_training.postgresql" and not envbool(
    "DATABASE_JIT", "false"
):
    # PostgreSQL's JIT compiler costs seconds on report queries (measured: the 10,000-row CSV
    # export took 3.2 s with it, 1.4 s without; see bench/results.md) and never pays off for
    # this app's short OLTP queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# The hottest queries are PREPAREd on each PostgreSQL connection (dianova_training/prepared.py);
# turn off behind a pooler that shares server sessions between clients (PgBouncer, transaction
# mode).
DATABASE_PREPARED_STATEMENTS = envbool("DATABASE_PREPARED_STATEMENTS", "true")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: per-process memory by default (no server); CACHE_URL (redis://, rediss://, unix://)
# names a Redis or Valkey shared by every worker and host, through Django's own Redis backend.
# Nothing cached may go stale across processes: course structures are keyed by a version
# stamp read from the database (courses/structure.py), never invalidated by deleting keys.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must start with redis://, rediss:// or unix://")
    CACHES = {
        "default": {
            "BACKEND": "dianova_training.cache.SharedRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "dianova"),
        }
    }
    # Sessions read from the shared cache (written through to the database): no query per
    # request, and a log-out deletes the one shared copy, so it holds in every worker.
    SESSION_ENGINE = "dianova_training.sessions.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dianova",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    # Not cached_db here: a per-process cache would keep a logged-out session alive in the
    # other workers until it expired. One indexed query per request instead.
    SESSION_ENGINE = "dianova_training.sessions.db"
# Where `make backup` (manage.py backup) writes when not given a file name.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses any login for a locked-out username or address.
    "axes.backends.AxesStandaloneBackend",
    # Stops password log-in for staff whose e-mail domain requires single sign-on.
    "ambassadors.people.sso.backends.SsoRequiredBackend",
    # ModelBackend that loads the staff profile with the user: one query per request.
    "dianova_training.auth.ProfileModelBackend",
    # Only for sessions opened before ProfileModelBackend existed.
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures lock the username from that address for 15 minutes. The form
# says the same thing for an unknown username and a wrong password.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Usernames cut to axes' 255-character column: a longer one is a wrong login, never a 500.
AXES_USERNAME_CALLABLE = "dianova_training.throttling.axes_username"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ambassadors:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: the interface speaks five languages; French is the content's source.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
]
# Translations in locale/<lang>/LC_MESSAGES/django.po; `make messages` compiles them (README).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True  # dates and numbers use each language's formats (templates use named formats)
USE_TZ = True
# The language cookie (set by the navbar's switcher) is only read by the server.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Admin-authored programme data (levels, action types, badges, campaigns, organisation display
# names) is stored in every language by django-modeltranslation: one column per language on
# the same row, English the source and the fallback when a translation is missing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr", "es", "pt", "it")
# The admin's language tabs use jQuery UI from npm, served from our static files (no CDN).
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Our own assets, plus the exact files we use from npm packages (installed by `npm ci`).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/jquery-ui", BASE_DIR / "node_modules" / "jquery-ui" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Lesson images are served by the app at MEDIA_URL (same origin, so the CSP's img-src 'self'
# covers them); set SERVE_MEDIA=false when the proxy serves MEDIA_ROOT itself.
SERVE_MEDIA = envbool("SERVE_MEDIA", "true")
LESSON_IMAGE_MAX_BYTES = envint("LESSON_IMAGE_MAX_BYTES", str(5 * 1024 * 1024))
# The share kit's public tracked links (/s/<code>): requests per minute from one address.
SHARE_REDIRECT_RATE_LIMIT = envint("SHARE_REDIRECT_RATE_LIMIT", "120")

# Certificates: a Unicode TrueType font so names in any script print (Debian: fonts-dejavu-core).
CERTIFICATE_FONT = os.environ.get(
    "CERTIFICATE_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
CERTIFICATE_FONT_BOLD = os.environ.get(
    "CERTIFICATE_FONT_BOLD", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_BACKEND", "dianova_training.static_storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console by default, SMTP (or any backend) from the environment.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", "25"),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "false"),
        "timeout": envint("EMAIL_TIMEOUT", "20"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dianova Training <training@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(60 * 60 * 12))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
if envbool("SECURE_PROXY_SSL_HEADER_ENABLED", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy, enforced: no inline script or style anywhere in our templates.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Logs go to stdout: JSON lines in production (LOG_FORMAT=json, the default when DEBUG is off),
# readable text in development. Every line carries the request id; dianova_training.middleware logs
# one line per request (method, path, status, duration). See the README's "Logs".
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = logging_config(LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))

# Background work (reminder e-mails, invitations) goes through Django's tasks framework.
# Development and tests run tasks at once; a deployment sets
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and runs `manage.py db_worker` (see README).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Reminders: staff hear about assignments due within this many days (and overdue ones).
REMINDER_DUE_SOON_DAYS = envint("REMINDER_DUE_SOON_DAYS", "7")
# Staff imports: the largest file accepted, in bytes, and the most rows in one file.
STAFF_IMPORT_MAX_BYTES = envint("STAFF_IMPORT_MAX_BYTES", str(2 * 1024 * 1024))
STAFF_IMPORT_MAX_ROWS = envint("STAFF_IMPORT_MAX_ROWS", "5000")
# Open Badges issuer of the ambassador badges (published in every badge's JSON).
BADGE_ISSUER_NAME = os.environ.get("BADGE_ISSUER_NAME", "Dianova International")
BADGE_ISSUER_URL = os.environ.get("BADGE_ISSUER_URL", "https://www.dianova.org")
BADGE_ISSUER_EMAIL = os.environ.get("BADGE_ISSUER_EMAIL", "training@dianova.org")
# The language of the Open Badges documents (badge names, descriptions, criteria); `?lang=`
# asks for another interface language.
BADGE_ISSUER_LANGUAGE = os.environ.get("BADGE_ISSUER_LANGUAGE", "en")

# Demo content: `manage.py load_demo` gives every demo login this password.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")


# Sign-in with the organisation's account (OpenID Connect, django-allauth): providers come from
# the environment (below) and from the admin (Social applications, provider "OpenID Connect").
# OIDC_PROVIDERS=microsoft,google names them; each NAME then has OIDC_<NAME>_SERVER_URL (the
# issuer), OIDC_<NAME>_CLIENT_ID, OIDC_<NAME>_CLIENT_SECRET and optionally OIDC_<NAME>_LABEL
# (the button's name), OIDC_<NAME>_VERIFIED_EMAIL_CLAIM (default email_verified; xms_edov for
# Microsoft Entra ID) and OIDC_<NAME>_LOCALE_CLAIM (default locale; xms_pl for Entra ID).
# See the README's "Sign-in with the organisation's account".
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "ambassadors.people.sso.provider.SsoProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": oidc_apps_from_env(),
    }
}
SOCIALACCOUNT_ADAPTER = "ambassadors.people.sso.adapter.SsoAdapter"
ACCOUNT_ADAPTER = "ambassadors.people.sso.adapter.AccountAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # only e-mails the provider verified get in
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", "10")
# Discovery documents and signing keys are cached this long (a new key id refetches at once).
OIDC_METADATA_CACHE_SECONDS = envint("OIDC_METADATA_CACHE_SECONDS", "3600")
OIDC_CLOCK_SKEW_SECONDS = envint("OIDC_CLOCK_SKEW_SECONDS", "60")
