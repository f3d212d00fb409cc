"""Django settings for StoreOS, read from the environment (see the README's configuration table)."""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("STOREOS_DATA_DIR", "storeos-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, else one generated on first run and kept in the data dir."""
    if key := os.environ.get("STOREOS_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_flag("STOREOS_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("STOREOS_ALLOWED_HOSTS", "*").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("STOREOS_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",  # its API docs page from our own static files, not a CDN
    "storeos.core",
    "storeos.accounts",
    "storeos.stores",
    "storeos.catalog",
    "storeos.inventory",
    "storeos.sales",
    "storeos.loyalty",
    "storeos.promotions",
    "storeos.api",
    "storeos.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "storeos.web.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "storeos.urls"
WSGI_APPLICATION = "storeos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "storeos.web.context_processors.shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "storeos.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on the busy
    # timeout instead of failing with "database is locked" half-way through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too: an in-memory database cannot be shared by concurrent connections.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-storeos.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database host that stops answering fails a request in seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Jobs (Huey) --------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "storeos",
    "immediate": _env_flag("STOREOS_HUEY_IMMEDIATE"),
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")}

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# Failed logins allowed per username and per client address inside the window before refusal.
STOREOS_LOGIN_MAX_FAILURES = int(os.environ.get("STOREOS_LOGIN_MAX_FAILURES", "5"))
STOREOS_LOGIN_WINDOW_SECONDS = int(os.environ.get("STOREOS_LOGIN_WINDOW_SECONDS", "900"))
STOREOS_API_TOKEN_DAYS = int(os.environ.get("STOREOS_API_TOKEN_DAYS", "90"))
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
# Behind a proxy every client arrives from the proxy's address and would share one throttle
# budget; from anyone else the header is ignored, since a client can write whatever it likes.
STOREOS_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("STOREOS_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in STOREOS_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"STOREOS_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from _exc

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Served over TLS behind a proxy: cookies only travel encrypted.
if _env_flag("STOREOS_TLS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Browsers that have seen the site over TLS refuse plain HTTP to it for this long.
    SECURE_HSTS_SECONDS = int(os.environ.get("STOREOS_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("STOREOS_HSTS_INCLUDE_SUBDOMAINS")
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("STOREOS_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
STOREOS_CURRENCY = os.environ.get("STOREOS_CURRENCY", "CNY")

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders: no collectstatic step before the demo runs.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Personal data ------------------------------------------------------------------------------
# Optional dedicated key for encrypting personal data; derived from SECRET_KEY when unset.
STOREOS_PII_KEY = os.environ.get("STOREOS_PII_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STOREOS_LOG_LEVEL", "WARNING")},
    # Huey logs every job at INFO; the worker's own start-up lines are enough. The huey logger
    # has its handler here, so `run_huey` adds none of its own (which printed every line twice).
    "loggers": {
        "huey": {
            "handlers": ["console"],
            "level": os.environ.get("STOREOS_JOB_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "huey.consumer": {"level": "INFO"},
        "huey.consumer.Scheduler": {"level": os.environ.get("STOREOS_JOB_LOG_LEVEL", "WARNING")},
    },
}

# --- Messages to members ------------------------------------------------------------------------
# "console" (log), "file" (DATA_DIR/outbox/sms.log) or the dotted path of an SMS gateway class.
STOREOS_SMS_SENDER = os.environ.get("STOREOS_SMS_SENDER", "console")
