"""Xinfang settings: one file, read from the environment (see .env.example).

The defaults run the service for development on an embedded SQLite file;
production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and a PostgreSQL DATABASE_URL.
"""

import ipaddress
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines of a .env file into the environment (the environment wins)."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# pytest sets PYTEST_VERSION for the whole session (pytest >= 8.2).
TESTING = "PYTEST_VERSION" in os.environ or "test" in sys.argv[1:2]

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")

# Personal data at rest (core.crypto): Fernet keys, comma-separated, the first
# encrypts and all decrypt (rotation: docs/deployment.md), and the key of the
# hashes that let repeat detection find an ID number without decrypting it.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
FIELD_HASH_KEY = env("FIELD_HASH_KEY")
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:
    if DEBUG or TESTING:
        # base64 of the 32 bytes "xinfang-dev-field-key-not-secret".
        FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
            "eGluZmFuZy1kZXYtZmllbGQta2V5LW5vdC1zZWNyZXQ="
        ]
        FIELD_HASH_KEY = FIELD_HASH_KEY or "insecure-development-hash-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off "
            "(see docs/deployment.md)."
        )
elif len(FIELD_HASH_KEY) < 32:
    raise ImproperlyConfigured("FIELD_HASH_KEY must be at least 32 characters.")
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (make one with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).'
        ) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "xinfang.core.knox_app.ApiTokensConfig",  # django-rest-knox
    "drf_spectacular",
    "xinfang.core.axes_app.LoginLocksConfig",  # django-axes
    "xinfang.core",
    "xinfang.orgs",
    "xinfang.petitions",
    "xinfang.mediation",
    "xinfang.leadership",
    "xinfang.supervision",
    "xinfang.search",
    "xinfang.analytics",
    "xinfang.portal",
    "xinfang.exchange",
    "django_tasks_db",  # the database queue of Django's tasks framework (core.tasks)
]

MIDDLEWARE = [
    # Outermost: what a request leaves for after its answer (xinfang.core.after).
    "xinfang.core.after.AfterResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long-lived caching.
    "xinfang.core.middleware.PrivateResponseMiddleware",
    # Around the session's and the user's reads too (xinfang.core.db).
    "xinfang.core.db.PreparedStatementsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xinfang.core.middleware.ChineseFirstLocaleMiddleware",
    # Every error under /api/ as JSON (unknown routes, lock-outs, outages, ...).
    "xinfang.core.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xinfang.core.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses an oversized body or a NUL character before anything reads the body
    # (CsrfViewMiddleware reads it in process_view, which runs after every __call__).
    "xinfang.core.middleware.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A login slowed down for its address answers 429 (JSON under /api/)...
    "xinfang.core.middleware.LoginThrottleMiddleware",
    "xinfang.core.middleware.DomainErrorPagesMiddleware",
    # ...and last, as django-axes asks, it turns a lock-out into the same answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinfang.orgs.context_processors.navigation",
                "xinfang.petitions.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'xinfang.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the
        # write lock when a transaction starts, so two writers queue instead of
        # failing half-way (SQLite has no SELECT ... FOR UPDATE).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so that tests see SQLite's real locking (an in-memory
    # shared-cache database fails concurrent writers at once instead of queueing
    # them); one per test process, so parallel runs do not meet.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg prepares a statement a connection runs a second time, but only
    # where the code binds values on the server (xinfang.core.db.prepared: the
    # hot read paths); everywhere else Django's client-side binding stays.
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": 2}
# Off behind a pooler in transaction mode (it cannot keep a prepared statement).
DB_PREPARED = env_bool("DB_PREPARED", True)
# Where prepared statements were measured to help (docs/benchmarks.md): the
# citizen's form and look-up, the worklists, the API's lists and look-up (GET
# and HEAD; POST only to DB_PREPARED_POSTS).
DB_PREPARED_PATHS = (
    "/public/submit/",
    "/public/receipt/",
    "/public/track/",
    "/petitions/",
    "/api/v1/petitions",
    "/api/v1/public/matter",
)
DB_PREPARED_POSTS = ("/public/track/", "/public/submit/")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People, passwords, lock-out, sessions ----------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses every attempt from an address that failed AUTH_RATE times.
    "xinfang.core.logins.AddressThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {
        "NAME": "xinfang.orgs.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

# Who is a client (xinfang.core.clients.client_address): X-Forwarded-For is read
# only from these proxies (addresses or networks, comma-separated). Behind a proxy
# on the same machine (BEHIND_PROXY=1) that is the loopback address by default.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if env_bool("BEHIND_PROXY") else "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network."
        ) from _error
TRUSTED_PROXIES = [ipaddress.ip_network(_proxy, strict=False) for _proxy in TRUSTED_PROXIES]

# Five failed logins for one user name from one address within 15 minutes lock
# that pair for 15 minutes: locking the name alone would let anyone keep a
# colleague out with five requests, and locking the address alone would lock the
# staff of a reception centre who share one address behind NAT. Failures from
# one address across names are slowed down by AUTH_RATE (xinfang.core.logins).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "xinfang.core.clients.client_address"
AXES_LOCKOUT_CALLABLE = "xinfang.core.logins.lockout_response"
# Our own admin page for the locks (core.admin), in Chinese, with "lift".
AXES_ENABLE_ADMIN = False
# The summaries' covering index (analytics) is PostgreSQL's: SQLite keeps its key
# columns and says so (W040), which is what is wanted there.
SILENCED_SYSTEM_CHECKS: list[str] = ["models.W040"]
if TESTING:
    # Password hashing is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Idle sessions end after 30 minutes: activity pushes the expiry forward, the
# session row written at most once a minute for it
# (xinfang.core.middleware.SessionLifetimeMiddleware), not on every request.
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ENGINE = "xinfang.core.sessions"  # database sessions, a new key not looked up first
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# And every session ends this long after its login, busy or not
# (xinfang.core.middleware.SessionLifetimeMiddleware); API tokens too.
SESSION_ABSOLUTE_SECONDS = int(env("SESSION_ABSOLUTE_HOURS", "10")) * 3600

# API tokens (django-rest-knox): stored as SHA-512 digests, never in clear; each
# use pushes the expiry forward like a session's idle limit, up to the same
# absolute lifetime; revoked on password change and deactivation.
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=SESSION_COOKIE_AGE),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(seconds=SESSION_ABSOLUTE_SECONDS),
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: served by the app itself (no CDN on a government intranet) --
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
# Attachments are personal data: readable by the service's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
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

# --- Notifications ------------------------------------------------------------
# Who carries SMS and e-mail: "log" (development: written to the log, nothing is
# sent) or the dotted path of a gateway class (core.notify). NOTIFY_SENDER serves
# both channels; SMS_SENDER, when set, only SMS. Pages promise an SMS only when a
# real gateway carries it.
XINFANG_NOTIFY_SENDER = env("NOTIFY_SENDER", "log")
XINFANG_SMS_SENDER = env("SMS_SENDER", "")
# E-mail through an SMTP server (NOTIFY_SENDER=xinfang.core.gateways.EmailSender),
# Django's mailers.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"),
            "port": int(env("EMAIL_PORT", "25")),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": 20,
        },
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "xinfang@localhost")
# SMS through Tencent Cloud (SMS_SENDER=xinfang.core.gateways.TencentSmsSender):
# the account, the application, the approved signature, and for each kind of
# message the approved template's id and the values it takes, in order, e.g.
# SMS_TEMPLATES='{"receipt": {"id": "1234567", "params": ["number", "code"]}}'.
XINFANG_TENCENT_SMS = {
    "secret_id": env("TENCENT_SECRET_ID", ""),
    "secret_key": env("TENCENT_SECRET_KEY", ""),
    "region": env("TENCENT_SMS_REGION", "ap-guangzhou"),
    "sdk_app_id": env("TENCENT_SMS_APP_ID", ""),
    "sign_name": env("TENCENT_SMS_SIGN", ""),
    "endpoint": env("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com"),
    "protocol": env("TENCENT_SMS_PROTOCOL", "https"),
}
XINFANG_SMS_TEMPLATES = json.loads(env("SMS_TEMPLATES", "{}") or "{}")

# The management commands the scheduler runs every few minutes (`manage.py
# run_periodic` runs them in a loop; `make run` starts it next to the server).
# supervision_tick runs after petitions_tick, so a clock that just turned red is
# escalated in the same round.
XINFANG_PERIODIC_COMMANDS = [
    "petitions_tick",
    "supervision_tick",
    "search_train_routing",
    "analytics_tick",
    "exchange_tick",
]
# How often the scheduler (run_periodic) enqueues them, in seconds.
XINFANG_PERIODIC_EVERY = int(env("PERIODIC_EVERY", "300"))

# --- Background work ---------------------------------------------------------------
# Django's tasks framework (django.tasks). "database" keeps the queue in the app's own
# database (django-tasks-db: SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL), served
# by `manage.py run_worker`; `make run` starts one. The tests run tasks at once, after
# the commit ("immediate"); the worker's own tests use "database".
# XINFANG_TASK_BACKEND names the backend our code enqueues on (core.tasks).
TASKS = {
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
TASKS["default"] = TASKS["immediate" if TESTING else "database"]
XINFANG_TASK_BACKEND = env("TASK_BACKEND", "default")
# A worker says it is alive every BEAT seconds; a task left running by a worker
# silent for STALE seconds (killed, machine lost) goes back to the queue.
XINFANG_WORKER_BEAT_SECONDS = float(env("WORKER_BEAT_SECONDS", "5"))
XINFANG_WORKER_STALE_SECONDS = float(env("WORKER_STALE_SECONDS", "60"))
# A message that failed is tried again after 30 s, 1, 2, 4 ... minutes (at most an
# hour apart), MAX_ATTEMPTS times in all; then it is failed for good and shown to
# the administrator.
XINFANG_NOTIFY_MAX_ATTEMPTS = int(env("NOTIFY_MAX_ATTEMPTS", "8"))
XINFANG_RETRY_BASE_SECONDS = float(env("RETRY_BASE_SECONDS", "30"))
XINFANG_RETRY_MAX_SECONDS = float(env("RETRY_MAX_SECONDS", "3600"))
# The other background tasks (the periodic commands, ...) are tried this many
# times in all, with the same backoff (core.tasks.retry).
XINFANG_TASK_MAX_ATTEMPTS = int(env("TASK_MAX_ATTEMPTS", "3"))

# The exchange with the systems above and below (exchange.upstream, docs/deployment.md):
# a signed request is taken within REPLAY_SECONDS of the receiver's clock; a message
# is tried MAX_ATTEMPTS times (backoff as above) before it fails for good; http://
# peers only with EXCHANGE_ALLOW_HTTP (default: in development); CA_FILE trusts a
# government CA for the peers' certificates. TRANSPORTS adds a deployment's own
# (JSON: {"national": "dotted.path.Transport"}).
XINFANG_EXCHANGE_REPLAY_SECONDS = int(env("EXCHANGE_REPLAY_SECONDS", "300"))
XINFANG_EXCHANGE_MAX_ATTEMPTS = int(env("EXCHANGE_MAX_ATTEMPTS", "12"))
XINFANG_EXCHANGE_TIMEOUT = float(env("EXCHANGE_TIMEOUT", "15"))
XINFANG_EXCHANGE_ALLOW_HTTP = env_bool("EXCHANGE_ALLOW_HTTP", DEBUG or TESTING)
XINFANG_EXCHANGE_CA_FILE = env("EXCHANGE_CA_FILE", "")
XINFANG_EXCHANGE_TRANSPORTS = json.loads(env("EXCHANGE_TRANSPORTS", "{}") or "{}")
XINFANG_EXCHANGE_BATCH_MAX_BYTES = int(env("EXCHANGE_BATCH_MAX_MB", "200")) * 1024 * 1024

# Open311 GeoReport v2 (exchange.open311): the jurisdiction_id this server
# answers for (clients may leave it out).
XINFANG_OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", "wugang.gov.cn")
# Search (issue 16): group signals and routing suggestions (docs/search.md).
XINFANG_CLUSTER_DAYS = int(env("CLUSTER_DAYS", "30"))
XINFANG_CLUSTER_MIN_MATTERS = int(env("CLUSTER_MIN_MATTERS", "3"))
XINFANG_ROUTING_MIN_HISTORY = int(env("ROUTING_MIN_HISTORY", "200"))
XINFANG_ROUTING_RETRAIN_HOURS = int(env("ROUTING_RETRAIN_HOURS", "24"))

# --- Uploads and request size ----------------------------------------------------
# Each attachment at most UPLOAD_MAX_FILE_MB, at most UPLOAD_MAX_FILES of them, and a
# whole request (files and fields) at most REQUEST_MAX_MB: larger bodies are refused
# with a 400 by their Content-Length before they are read. Keep the proxy's
# client_max_body_size at REQUEST_MAX_MB (docs/deployment.md).
XINFANG_UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_FILE_MB", "10")) * 1024 * 1024
XINFANG_UPLOAD_MAX_FILES = int(env("UPLOAD_MAX_FILES", "5"))
XINFANG_REQUEST_MAX_BYTES = int(env("REQUEST_MAX_MB", "25")) * 1024 * 1024
# Text fields and JSON bodies (not files) stay at Django's 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# An Idempotency-Key (and a form's one-time token) answers its first result for
# this many hours after its first use; then it is free again (core.idempotency).
IDEMPOTENCY_KEY_HOURS = int(env("IDEMPOTENCY_KEY_HOURS", "24"))

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xinfang.core.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xinfang.core.api.exception_handler",
    # Per client (xinfang.core.clients) and purpose, in one atomic bucket that the
    # pages and the API share (xinfang.core.ratelimit). `auth`: failed logins
    # from one address, whatever the user name.
    "DEFAULT_THROTTLE_RATES": {
        "public_lookup": env("PUBLIC_LOOKUP_RATE", "60/minute"),
        "public_submit": env("PUBLIC_SUBMIT_RATE", "20/minute"),
        "auth": env("AUTH_RATE", "30/minute"),
    },
}

# A cache every app process shares (the database by default; its table is made by
# a migration). CACHE_BACKEND=locmem keeps it in each process. Rate limits do not
# use it: the database cache cannot count atomically (xinfang.core.ratelimit).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if env("CACHE_BACKEND", "db") == "locmem"
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xinfang_cache"}
    ),
    # The parts of a page that are the same for every visitor in a language (the
    # public pages' header and footer: their addresses, static names and words
    # change only with a new release), kept in each process ({% cache %}).
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "xinfang-fragments",
        "TIMEOUT": None,
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xinfang API",
    "DESCRIPTION": "Petition and dispute-mediation platform",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation's error answers (400, 401/403, 404, 409, 428, 429, 503) and
    # their one shape, added in one place.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "xinfang.exchange.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "xinfang.petitions.models.Rating.choices",
        "OutcomeEnum": "xinfang.petitions.choices.ANSWER_OUTCOMES",
        "DisputeTypeEnum": "xinfang.mediation.models.DisputeType.choices",
        "ColourEnum": ["red", "yellow", "blue", "green"],
        "ListingColourEnum": ["red", "yellow", "blue"],
        # A matter's state, named as such beside the states of the other aggregates.
        "PetitionStateEnum": "xinfang.petitions.choices.State.choices",
    },
}

# --- Security (production: DEBUG=0) -------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts and styles only from our own static files: no inline script, no
# style attribute, nothing from elsewhere (Django's own CSP middleware).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# No page uses the camera API, the microphone, location, payment or USB; forbid
# them to every page and frame (a file input still takes photos from the camera).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not TESTING)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not TESTING)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not TESTING)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if TESTING else "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is for public internet names; most deployments sit on a
        # government intranet whose names cannot be on the browsers' list. An
        # internet-facing deployment sets SECURE_HSTS_PRELOAD=1 (docs/deployment.md).
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# --- Logging: to the console; the notification sender's default writes here too --
# Every line goes through one handler whose filter masks query codes, ID numbers
# and phones (core.redact); Django's own loggers ("django", and "django.server"
# for runserver's request lines) are sent to it instead of Django's defaults.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "xinfang.core.redact.RedactingFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

DEMO_PASSWORD = env("DEMO_PASSWORD", "Xinfang-Demo-2026")

# A user who shows more than this many personal fields (ID numbers, phones) within
# this many minutes is refused more for a while, and the administrators are told.
PII_REVEAL_LIMIT = int(env("PII_REVEAL_LIMIT", "30"))
PII_REVEAL_WINDOW_MINUTES = int(env("PII_REVEAL_WINDOW_MINUTES", "10"))

# The query terminal (/kiosk/) returns to its keypad after this long without a touch.
KIOSK_IDLE_SECONDS = int(env("KIOSK_IDLE_SECONDS", "60"))
