"""Settings, read from the environment (django-environ). Environments differ by values, not files.

Every variable is documented in ``.env.example``. Secure by default: ``DEBUG`` is off unless
asked for, and without ``DEBUG`` a missing ``SECRET_KEY`` or ``ALLOWED_HOSTS`` stops start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from xiangcun.config.csp import policy as csp_policy

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/xiangcun
BASE_DIR = Path(os.environ.get("XIANGCUN_HOME", Path.cwd())).resolve()

env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.is_file():
    environ.Env.read_env(str(_env_file), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("XIANGCUN_TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env (see .env.example), "
            "or set DEBUG=true for local development. 未设置 SECRET_KEY。"
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if (DEBUG or TESTING) else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. Set it to the host names the site is served on (see .env.example). "
        "未设置 ALLOWED_HOSTS。"
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    # ninja in the apps: /api/v1/docs serves Swagger UI from our static files with no inline script
    # (otherwise it comes from a CDN with an inline <script> the CSP blocks).
    "ninja",
    "xiangcun.core",
    "xiangcun.accounts",
    "xiangcun.regions",
    "xiangcun.recruitment",
    "xiangcun.partners",
    "xiangcun.matching",
    "xiangcun.resources",
    "xiangcun.agreements",
    "xiangcun.funding",
    "xiangcun.policies",
    "xiangcun.inbox",
    "xiangcun.privacy",
    "xiangcun.web",
    "xiangcun.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xiangcun.core.middleware.RequestSizeLimitMiddleware",
    "xiangcun.core.middleware.CSPMiddleware",  # django-csp, the policy built once
    "xiangcun.core.middleware.MalformedBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xiangcun.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xiangcun.web.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "xiangcun.config.urls"
WSGI_APPLICATION = "xiangcun.config.wsgi.application"

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
                "xiangcun.web.context_processors.platform",
            ],
        },
    },
]

# Database: SQLite (WAL) in the project folder by default; PostgreSQL via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'xiangcun.sqlite3'}")}
# How long a write waits for a lock before the request gets 503 "系统繁忙" (core/busy.py): SQLite's
# busy_timeout (one writer at a time), PostgreSQL's lock_timeout. The longest write transaction the
# platform makes is an import's final commit: ~0.5 s for 30,000 rows, ~3 s for the 200,000-row
# maximum (docs/operations.md), so 10 s leaves a wide margin while nobody waits forever.
DATABASE_LOCK_TIMEOUT_MS = env.int("DATABASE_LOCK_TIMEOUT_MS", default=10_000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA busy_timeout={DATABASE_LOCK_TIMEOUT_MS}; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": DATABASE_LOCK_TIMEOUT_MS / 1000,
        }
    )
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}".strip()
# Connections are kept between requests (each gunicorn thread keeps its own), SQLite's too: a new
# SQLite connection per request re-ran the PRAGMAs above and started with an empty page cache, which
# cost more than the queries of a public read.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Argon2 first: new and re-saved passwords use it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; MD5 keeps them fast. Never used outside the test suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log-in throttling (accounts/throttle.py): free attempts per (username, address) and per address,
# then each failure doubles the wait up to the maximum. No account is ever locked for its owner.
LOGIN_FREE_ATTEMPTS = env.int("LOGIN_FREE_ATTEMPTS", default=5)
LOGIN_FREE_ATTEMPTS_PER_ADDRESS = env.int("LOGIN_FREE_ATTEMPTS_PER_ADDRESS", default=30)
LOGIN_MAX_DELAY_SECONDS = env.int("LOGIN_MAX_DELAY_SECONDS", default=900)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks). Loopback by default: only
# a process on this machine (the documented nginx) can then name the client.
# Password reset links go out by e-mail; on an intranet without SMTP they are written to the log.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xiangcun@localhost")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Notifications (inbox app) are also e-mailed, after commit, to recipients with an e-mail address.
NOTIFICATION_EMAILS = env.bool("NOTIFICATION_EMAILS", default=True)
# The site's address for links in e-mails, e.g. https://xiangcun.example.gov.cn (empty: paths only).
SITE_URL = env.str("SITE_URL", default="")
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

# Sessions and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's plain-HTTP health check
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS: off until the site is known to be HTTPS-only (the production block of .env.example sets it).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The cache: local memory per process by default; Redis when CACHE_URL (or REDIS_URL) names one, e.g.
# redis://127.0.0.1:6379/1 (Django's own Redis backend, package `redis`).
CACHES = {"default": env.cache("CACHE_URL", default=env.str("REDIS_URL", default="locmemcache://xiangcun"))}
# Cached public reads (core/readcache.py) have a cache of their own, on the same server: a map being
# panned fills it with viewports, which must not push the rate limits' counts out of the default one.
# In local memory at most READ_CACHE_ENTRIES answers per process (a GeoJSON answer is ≤ ~330 KB).
CACHES["reads"] = {**CACHES["default"], "KEY_PREFIX": "reads"}
if CACHES["reads"]["BACKEND"].endswith("LocMemCache"):
    CACHES["reads"]["LOCATION"] = f"{CACHES['default'].get('LOCATION', '')}-reads"
    CACHES["reads"]["OPTIONS"] = {"MAX_ENTRIES": env.int("READ_CACHE_ENTRIES", default=1000)}
# Cached public reads are current after every audited write; this bounds how long one survives a
# write made outside the services (a shell, SQL by hand).
READ_CACHE_SECONDS = env.int("READ_CACHE_SECONDS", default=600)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["xiangcun.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# No request body above this is read at all (uploads included): 413 first.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)

# Task queue: django-tasks with its database backend (worker: `xiangcun db_worker`).
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Jobs of the task queue (imports, exports) write a heartbeat while they run; one without a heartbeat
# for this many seconds has lost its worker and is marked failed (resources/jobs.py, `xiangcun jobs reap`).
JOB_HEARTBEAT_TIMEOUT = env.int("JOB_HEARTBEAT_TIMEOUT", default=120)

# Resource exports with more rows than this are built by the task queue (login required), not in the request.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)

# Optional base tile layer for maps (e.g. 天地图 with its key). Off by default: intranets are offline.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# Content-Security-Policy on every response (xiangcun/config/csp.py): scripts from our static files
# only; the tile host above, when set, is allowed for images.
CONTENT_SECURITY_POLICY = csp_policy(tile_url=MAP_TILE_URL)

# Which city this deployment serves (official 6-digit code).
XIANGCUN_CITY_CODE = env.str("XIANGCUN_CITY_CODE", default="371500")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
