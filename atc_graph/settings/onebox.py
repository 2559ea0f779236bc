"""Settings for serving: the one-machine install (`make run`, `manage.py serve`) and, through production.py,
a deployment.

DEBUG is off whatever DJANGO_DEBUG says. The secret key is DJANGO_SECRET_KEY or, when that is unset, a key
generated once and kept in var/secret_key (mode 0600), so sessions survive a restart. Static files are
collected by `manage.py serve` and served by the app (WhiteNoise: compressed, with hashed names cached for a
year). A one-machine install serves plain HTTP on loopback; with DJANGO_HTTPS=true (a proxy that terminates
TLS in front of it) it sends HSTS, redirects to HTTPS and marks its cookies secure, as production does.
"""

import os
from typing import Any

from .base import *  # noqa: F403
from .base import CACHES, LOGGING, MIDDLEWARE, VAR_DIR, env_flag
from .runtime_dir import runtime_dir
from .secret_key import persistent_secret_key

DEBUG = False
if not os.environ.get("DJANGO_SECRET_KEY"):
    VAR_DIR.mkdir(exist_ok=True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or persistent_secret_key(VAR_DIR / "secret_key")

ATC_RESPONSE_CACHE = env_flag("ATC_RESPONSE_CACHE", True)  # anonymous answers kept until the graph changes

# The API's throttles count in a directory every worker shares (in each worker's memory, as `make dev` counts,
# a limit would be allowed once per worker), in memory (see runtime_dir); see orgs.api.throttling.CounterFileCache
# for why a file cache.
CACHES = {
    **CACHES,
    "default": {
        "BACKEND": "orgs.api.throttling.CounterFileCache",
        "LOCATION": os.environ.get("ATC_THROTTLE_CACHE_DIR", str(runtime_dir(VAR_DIR) / "throttles")),
        "TIMEOUT": None,  # each counter is written with its own window's length
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("ATC_THROTTLE_CACHE_ENTRIES", "10000"))},
    },
}

MIDDLEWARE = [
    *MIDDLEWARE[:1],  # SecurityMiddleware first: its redirect to HTTPS applies to static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("DJANGO_BEHIND_PROXY") else None


def https_settings(https: bool) -> dict[str, Any]:
    """Return the settings that depend on whether browsers reach the site over HTTPS, from the environment.

    HSTS is sent for DJANGO_SECURE_HSTS_SECONDS (a year), for subdomains and the browsers' preload list only
    when asked (DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS, DJANGO_SECURE_HSTS_PRELOAD: both would bind every other
    site of the domain); DJANGO_SECURE_SSL_REDIRECT=false leaves the redirect to a proxy that terminates TLS.
    The deployment checks that warn about exactly those choices are silenced when they are made.
    """
    if not https:
        return {
            "SECURE_SSL_REDIRECT": False,
            "SECURE_HSTS_SECONDS": 0,
            "SESSION_COOKIE_SECURE": False,
            "CSRF_COOKIE_SECURE": False,
        }
    include_subdomains = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
    preload = env_flag("DJANGO_SECURE_HSTS_PRELOAD")
    redirect = env_flag("DJANGO_SECURE_SSL_REDIRECT", True)
    silenced = [
        check
        for check, chosen in (
            ("security.W005", include_subdomains),
            ("security.W021", preload),
            ("security.W008", redirect),
        )
        if not chosen
    ]
    return {
        "SECURE_SSL_REDIRECT": redirect,
        "SECURE_HSTS_SECONDS": int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600))),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": include_subdomains,
        "SECURE_HSTS_PRELOAD": preload,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SILENCED_SYSTEM_CHECKS": silenced,
    }


globals().update(https_settings(env_flag("DJANGO_HTTPS")))

# With DEBUG off Django logs errors only to mail_admins; a one-machine install has no mail: print them.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django": {"handlers": ["console"], "level": "ERROR"}}}  # type: ignore[dict-item]
