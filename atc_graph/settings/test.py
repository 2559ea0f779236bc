"""Settings for the test suite: the graph URL is set by the test session once its server is up."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# API (issue 4): no throttling in tests except where a test turns it on.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute", "export_anon": "100000/minute"},
}

# The live test server runs a thread per request, with no bound: bursts of 160 clients must find a connection.
NEOMODEL_MAX_CONNECTION_POOL_SIZE = 200

# Kept answers (orgs/response_cache.py) are off unless a test turns them on; writes advance the generation here.
ATC_RESPONSE_CACHE = False
CACHES = {
    **CACHES,  # noqa: F405
    "responses": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "responses",
    },
}
