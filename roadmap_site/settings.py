"""Settings for Learning Roadmap: one module, driven entirely by environment variables.

Development and tests (`make run`, `make test`) set DJANGO_DEBUG=1 and DATABASE_URL for you.
Production needs at least DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and
DEFAULT_FROM_EMAIL; see README.
"""

import os
from pathlib import Path
from urllib.parse import quote

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG")

# Without a key and with debug off, the web application refuses to start (wsgi.py, asgi.py and
# `check --deploy` say so); management commands that need no key (migrate, collectstatic,
# makemigrations) still run, and any that needs one stops with Django's own clear error.
SECRET_KEY_MISSING = (
    "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
    '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))")'
)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "simple_history",
    "csp",
    # The project's own apps, each importing only those above it.
    "core",
    "accounts",
    "papers",
    "learning",
    "search",
]

MIDDLEWARE = [
    # Outermost: PostgreSQL out of reach, anywhere below, is a 503 with Retry-After (not a 500).
    "core.unavailable.DatabaseUnavailable",
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files carry these headers too; before anything that renders
    # a template, so `request.csp_nonce` exists there.
    "core.middleware.PermissionsPolicy",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RefuseUnstorableText",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Widgets render with the project's templates too (the admin's Markdown editor with preview).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "roadmap_site.urls"
WSGI_APPLICATION = "roadmap_site.wsgi.application"
ASGI_APPLICATION = "roadmap_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["learning.templatetags.learning_extras"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.page_cache.context_processor",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL only. `make run`/`make test` point DATABASE_URL at an embedded server when unset.
#
# Connections: persistent connections (CONN_MAX_AGE) with health checks, not Django's psycopg
# pool. Each gunicorn sync worker serves one request at a time, so one kept-open connection per
# worker already is a pool of the right size, and it stays compatible with PgBouncer when many
# app servers share one PostgreSQL. Set DJANGO_CONN_MAX_AGE=0 behind a transaction pooler.
#
# Transactions: explicit, not ATOMIC_REQUESTS. Every write goes through a service function that
# wraps itself in transaction.atomic (see DESIGN.md), so a read-only page never holds a
# transaction open, and the unit of atomicity is visible where the write is written.
# Unset: the embedded server that `make run` starts (its socket is in .data/postgres), so
# `manage.py shell` works beside a running `make run`. If nothing listens there, commands stop
# with one line saying PostgreSQL cannot be reached.
DATABASE_URL = os.environ.get("DATABASE_URL") or "postgresql://postgres@{}/roadmap".format(
    quote(str(BASE_DIR / ".data" / "postgres"), safe="")
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgresql://…)")
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# Parameters bound by the server: psycopg then prepares a statement the connection runs again
# and again (the content version, the session, the user), so PostgreSQL plans it once. Off
# (DJANGO_DB_PREPARED=0) behind PgBouncer in transaction mode, which cannot keep them.
DATABASES["default"]["OPTIONS"]["server_side_binding"] = env_bool("DJANGO_DB_PREPARED", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
# "default" is shared by every worker process and every app server, because allauth's rate
# limits count in it: Redis with REDIS_URL, else Django's database cache in PostgreSQL (its
# table is made by `migrate`). Sessions: cached in Redis (backed by PostgreSQL) with REDIS_URL,
# else in PostgreSQL, one query per request either way without Redis. Both engines are Django's
# with the session's account noted in its row (accounts.sessions), so that all of one account's
# sessions can be ended.
# "rendered" is per process: rendered content, keyed on the content version read from the
# database on each request (core.content_version), so no process ever serves stale content.
REDIS_URL = os.environ.get("REDIS_URL", "")
RENDERED_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "rendered-content",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# Per process too: learners' own pages (core.page_cache.learner_page), keyed on the content
# version and the learner's version, both read from the database on each request.
LEARNER_PAGES_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "learner-pages",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 500},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "rendered": RENDERED_CACHE,
        "learner_pages": LEARNER_PAGES_CACHE,
    }
    SESSION_ENGINE = "accounts.sessions.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "rendered": RENDERED_CACHE,
        "learner_pages": LEARNER_PAGES_CACHE,
    }
    SESSION_ENGINE = "accounts.sessions.db"

# --- Accounts (django-allauth, email as the login) -------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up answers alike for new and taken addresses (accounts.signup): it always emails the
# address and never logs in by itself. Then "mandatory" blocks login until the address is
# confirmed; "optional" and "none" let people log in at once.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory"
)
ACCOUNT_PREVENT_ENUMERATION = True  # password reset answers alike for unknown addresses
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm"}
ACCOUNT_ADAPTER = "accounts.signup.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# The subjects name the product themselves, as a person would write them
# (templates/account/email/), so no "[Learning Roadmap] " in front.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# An email to the account's address when its password is changed, set or reset, or an address
# is added, removed or made primary (accounts.receivers sends the one for an added address).
ACCOUNT_EMAIL_NOTIFICATIONS = True
# allauth's rate limits count per client address. Behind N proxies of yours (a TLS-terminating
# proxy, a load balancer) every request comes from the last proxy's address, so all visitors
# would share one count: DJANGO_TRUSTED_PROXY_COUNT=N makes allauth take the address the N-th
# proxy from the end appended to X-Forwarded-For. 0 (the default) ignores that header, which
# anybody can send.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/"

# --- Email ----------------------------------------------------------------------------------
# Console in development, SMTP in production (EMAIL_HOST etc.), locmem in tests (pytest-django).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
# Every email the site sends comes from this address. Like the secret key, it is required with
# debug off: the web application refuses to start without it (roadmap_site.checks, which
# `check --deploy` runs too); development has a placeholder the console backend prints.
DEFAULT_FROM_EMAIL_MISSING = (
    "DEFAULT_FROM_EMAIL must be set when DJANGO_DEBUG is off "
    "(the sender of the site's emails, e.g. Learning Roadmap <noreply@roadmap.example.com>)"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip()
if not DEFAULT_FROM_EMAIL and DEBUG:
    DEFAULT_FROM_EMAIL = "Learning Roadmap <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL or "root@localhost"
# The site's own address, for links in emails sent without a request (the weekly digest, sent
# by `manage.py send_digests` from cron): e.g. https://roadmap.example.com/. Emails sent while
# answering a request (allauth's) take the address that request was made to.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://localhost:8000/" if DEBUG else "").strip()

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files (whitenoise; no build step) -----------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic writes (whitenoise serves it from there): staticfiles/ in the checkout.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), in development too, so the browser tests run under it.
# Scripts and styles come from the site itself or carry the response's nonce
# (`nonce="{{ request.csp_nonce }}"`; a header names a nonce only when the page used one). No
# inline script, event handler or style attribute runs; htmx is configured not to need them
# (base.html). Images: Pico's form controls are data: SVGs. (The admin's history pages allow
# one style attribute more: core.admin.HISTORY_PAGE_CSP.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Powerful browser features the site never uses, turned off for it and anything it could embed
# (core.middleware.PermissionsPolicy). Only features Chromium knows, so it logs no warning.
PERMISSIONS_POLICY = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
    "browsing-topics",
]
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy or load balancer, set DJANGO_SECURE_PROXY_SSL_HEADER=1 so
    # Django trusts X-Forwarded-Proto; DJANGO_SECURE_SSL_REDIRECT=0 if the proxy redirects.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # Behind a TLS-terminating proxy that redirects plain HTTP itself, Django need not, and
        # `check --deploy` is not to warn (security.W008) about the set-up the README advises.
        # Without the proxy header, no redirect is still warned about.
        if not SECURE_SSL_REDIRECT:
            SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# --- Logging: everything to stderr, where gunicorn and process managers collect it -----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"hide_database_outages": {"()": "core.unavailable.HideDatabaseOutages"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # An outage is logged once by core.unavailable, not as an error per request.
        "django.request": {"filters": ["hide_database_outages"]},
    },
}
