"""Settings shared by every environment; values come from the environment.

The graph is Neo4j 5 when `NEO4J_BOLT_URL` is set (bolt://, neo4j:// for a cluster or Aura, with the
credentials in the URL and the database name as its path). Otherwise the app uses the embedded ArcadeDB
Bolt server that `manage.py graphserver` runs on loopback.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from orgs.graph.embedded import GraphServerSettings, data_dir_password

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_flag("DJANGO_DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_neomodel",
    # --- API (issue 4) ---
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    # --- end API ---
    "axes",
    "csp",
    "orgs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "orgs.middleware.GraphUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into orgs.lockout's answer
]

ROOT_URLCONF = "atc_graph.urls"
CSRF_FAILURE_VIEW = "atc_graph.errors.csrf_failure"  # JSON under /api/, the friendly page elsewhere
WSGI_APPLICATION = "atc_graph.wsgi.application"

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
            ],
        },
    },
]

VAR_DIR = BASE_DIR / "var"  # local state: the SQLite file, the embedded graph's data
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'django.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Workers write at once (axes records each failed login in a transaction that reads, then writes): SQLite
    # refuses a deferred transaction's late claim of the write lock at once ("database is locked", a 500), while
    # an immediate one claims it first and waits up to `timeout` seconds for it.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Content-Security-Policy (django-csp) on every response ---------------------------------------------
# Everything from this server and nothing inline: the pages' scripts and styles are static files (data reaches
# them through json_script blocks, which are not run). No host but this one is ever contacted.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Failed logins (django-axes): the admin login and /api/auth/token/ -------------------------------------
# After ATC_LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that pair is refused (even
# with the right password) for ATC_LOGIN_LOCKOUT_MINUTES after the last failure; a success resets the count.
# After ATC_LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the usernames, every login from it is
# refused for as long (orgs.lockout.AddressLockoutBackend).
AUTHENTICATION_BACKENDS = [
    "orgs.lockout.AddressLockoutBackend",  # first: these two refuse a locked-out address or pair before any
    "axes.backends.AxesStandaloneBackend",  # password is checked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("ATC_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_FAILURE_LIMIT = int(os.environ.get("ATC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("ATC_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout lasts its time from the last counted failure
AXES_CLIENT_IP_CALLABLE = "orgs.clients.client_address"
AXES_LOCKOUT_CALLABLE = "orgs.lockout.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))  # what collectstatic fills

# --- The graph -------------------------------------------------------------------------------------------
NEO4J_BOLT_URL = os.environ.get("NEO4J_BOLT_URL", "")
GRAPH_IS_EMBEDDED = not NEO4J_BOLT_URL
# The embedded server (ArcadeDB's Bolt endpoint), used when NEO4J_BOLT_URL is not set. Its root password is
# GRAPH_PASSWORD, or else the random one its data directory keeps in `root-password` (made on first use).
GRAPH_DATA_DIR = Path(os.environ.get("GRAPH_DATA_DIR", VAR_DIR / "graph"))
GRAPH_SERVER: GraphServerSettings = {
    "HOST": "127.0.0.1",
    "BOLT_PORT": int(os.environ.get("GRAPH_BOLT_PORT", "7687")),
    "HTTP_PORT": int(os.environ.get("GRAPH_HTTP_PORT", "2480")),
    "DATA_DIR": GRAPH_DATA_DIR,
    "USER": "root",
    "PASSWORD": os.environ.get("GRAPH_PASSWORD") or (data_dir_password(GRAPH_DATA_DIR) if GRAPH_IS_EMBEDDED else ""),
    "DATABASE": "graph",
    "HEAP": os.environ.get("GRAPH_HEAP", "512m"),
    "START_TIMEOUT": float(os.environ.get("GRAPH_START_TIMEOUT", "60")),
}

NEOMODEL_NEO4J_BOLT_URL = NEO4J_BOLT_URL or (
    "bolt://{USER}:{PASSWORD}@{HOST}:{BOLT_PORT}/{DATABASE}".format(**GRAPH_SERVER)
)
NEOMODEL_FORCE_TIMEZONE = False
# Bolt connections per process: at least the requests it serves at once (gunicorn: threads per worker).
NEOMODEL_MAX_CONNECTION_POOL_SIZE = int(os.environ.get("GRAPH_POOL_SIZE", "50"))
# Seconds to open a Bolt connection or take one from the pool; past it a request answers 503 (server down or hung).
GRAPH_CONNECTION_TIMEOUT = float(os.environ.get("GRAPH_CONNECTION_TIMEOUT", "1"))
# Write transactions one process runs at once (the rest wait their turn, up to GRAPH_WRITE_WAIT seconds, then
# answer 503): a burst of writers all at once is far slower on the graph server than a few at a time.
GRAPH_WRITE_CONCURRENCY = int(os.environ.get("GRAPH_WRITE_CONCURRENCY", "8"))
GRAPH_WRITE_WAIT = float(os.environ.get("GRAPH_WRITE_WAIT", "60"))

# --- Whole answers to anonymous reads, kept until the graph changes (orgs/response_cache.py) -----------------
# ATC_RESPONSE_CACHE serves from them (on for `make run` and production, off for `make dev` and the tests).
# Every write advances the graph's generation in the `responses` cache whether serving from it is on or not, so
# every process that writes (web workers, commands) must share it with every process that serves: the default,
# a directory under var/, is shared by the processes of one machine; several app servers need a shared cache
# server here (Django's RedisCache or PyMemcacheCache), or ATC_RESPONSE_CACHE=false.
ATC_RESPONSE_CACHE = env_flag("ATC_RESPONSE_CACHE")
# How long an answer is kept at most: the bound on how long a write made without the app (straight into the
# graph server) can go unseen; the app's own writes are seen at once.
ATC_RESPONSE_CACHE_SECONDS = int(os.environ.get("ATC_RESPONSE_CACHE_SECONDS", "600"))
CACHES = {
    # The API's throttles: in this process's memory (runserver is one process); onebox.py shares them.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "responses": {
        "BACKEND": "orgs.response_cache.AnswerFileCache",
        "LOCATION": os.environ.get("ATC_RESPONSE_CACHE_DIR", str(VAR_DIR / "cache" / "responses")),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("ATC_RESPONSE_CACHE_ENTRIES", "2000"))},
    },
}

# The seed graph `make run` loads.
SEED_GRAPH_FILE = BASE_DIR / "orgs" / "seed" / "seed_graph.yaml"

# --- Who is asking (orgs/clients.py) ---------------------------------------------------------------------
# The proxies in front of the app whose X-Forwarded-For is believed: addresses or CIDRs, comma-separated.
# Empty (the default): the client is the connection's address and X-Forwarded-For is ignored.
# A malformed entry stops the app at start (ValueError).
ATC_TRUSTED_PROXIES = [
    ipaddress.ip_network(entry.strip(), strict=False)
    for entry in os.environ.get("ATC_TRUSTED_PROXIES", "").split(",")
    if entry.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "orgs": {"handlers": ["console"], "level": os.environ.get("ATC_LOG_LEVEL", "INFO")},
        "neo4j": {"handlers": ["console"], "level": "WARNING"},
    },
}

# --- API (issue 4): Django REST framework, OpenAPI schema, throttling ------------------------------------
# Reading is open to anonymous users unless ATC_API_OPEN_READ=false; writing needs a user with the Django
# permission (orgs.add_organization, …) by session or token. No CORS headers are sent (same-origin only).
ATC_API_OPEN_READ = env_flag("ATC_API_OPEN_READ", True)
# An import posts a whole graph file; Django's default cap (2.5 MB) is too small for one.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("ATC_API_MAX_UPLOAD_BYTES", str(256 * 1024 * 1024)))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",  # first: anonymous writes get 401, not 403
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["orgs.api.permissions.GraphPermission"],
    "DEFAULT_RENDERER_CLASSES": [
        "orgs.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["orgs.api.parsers.JSONParser"],  # nesting-limited, bounded: see the module
    "DEFAULT_SCHEMA_CLASS": "orgs.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "orgs.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "orgs.api.throttling.AnonRateThrottle",
        "orgs.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("ATC_API_ANON_RATE", "120/minute"),
        "user": os.environ.get("ATC_API_USER_RATE", "1200/minute"),
        # GET /api/export/ by anonymous clients, on top of `anon` (signed-in users: the `user` rate alone).
        "export_anon": os.environ.get("ATC_API_EXPORT_ANON_RATE", "10/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ATC Graph API",
    "DESCRIPTION": "Counter-terrorism organizations and their relationships, as a graph. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "orgs.api.serializers.ORGANIZATION_KINDS",
        "EventKindEnum": "orgs.api.serializers.EVENT_KINDS",
        "DocumentKindEnum": "orgs.api.serializers.DOCUMENT_KINDS",
    },
}
# --- end API ---
