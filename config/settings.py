"""Xinfang settings: one file, read from the environment (see .env.example).

The defaults run the service for development on an embedded SQLite file;
production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and a PostgreSQL DATABASE_URL.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
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
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "xinfang.core",
    "xinfang.orgs",
    "xinfang.petitions",
    "xinfang.mediation",
    "xinfang.portal",
    "xinfang.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xinfang.core.middleware.ChineseFirstLocaleMiddleware",
    # Every error under /api/ as JSON (unknown routes, lock-outs, outages, ...).
    "xinfang.core.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its answer page.
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People, passwords, lock-out, sessions ----------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
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

# Five failed logins for one user name within 15 minutes lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# The account is what is locked, not the address: the staff of one reception
# centre share an office address behind NAT, and locking it would lock them all.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if TESTING:
    # Password hashing is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("BEHIND_PROXY") else None

# Idle sessions end after 30 minutes: each request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

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

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xinfang.core.api.exception_handler",
    # Per client address; kept in the shared cache so all app processes count together.
    "DEFAULT_THROTTLE_RATES": {
        "public_lookup": env("PUBLIC_LOOKUP_RATE", "60/minute"),
        "public_submit": env("PUBLIC_SUBMIT_RATE", "20/minute"),
        "auth": env("AUTH_RATE", "30/minute"),
    },
    "NUM_PROXIES": 1 if env_bool("BEHIND_PROXY") else None,
}

# A cache every app process shares (the database by default; its table is made by
# a migration), for rate limits. CACHE_BACKEND=locmem keeps it in each process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if env("CACHE_BACKEND", "db") == "locmem"
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xinfang_cache"}
    )
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
        "DisputeTypeEnum": "xinfang.mediation.models.DisputeType.choices",
        "ColourEnum": ["red", "yellow", "blue", "green"],
        "ListingColourEnum": ["red", "yellow", "blue"],
    },
}

# --- Security (production: DEBUG=0) -------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
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
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

DEMO_PASSWORD = env("DEMO_PASSWORD", "Xinfang-Demo-2026")

# The query terminal (/kiosk/) returns to its keypad after this long without a touch.
KIOSK_IDLE_SECONDS = int(env("KIOSK_IDLE_SECONDS", "60"))
