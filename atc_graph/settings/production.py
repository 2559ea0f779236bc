"""Settings for a deployment: Neo4j 5 through NEO4J_BOLT_URL, HTTPS in front, DJANGO_SECRET_KEY required.

Everything else as onebox.py (DEBUG off, WhiteNoise, secure headers), with HTTPS always on: HSTS, the redirect
to HTTPS (DJANGO_SECURE_SSL_REDIRECT=false when the proxy redirects) and secure cookies.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Before the serving settings load: without a key they would generate one in var/, which a deployment (several
# processes or machines sharing one key) must not do.
if os.environ.get("DJANGO_SECRET_KEY", "insecure").startswith("insecure"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in production.")

from .onebox import *  # noqa: E402, F403
from .onebox import https_settings  # noqa: E402

globals().update(https_settings(True))
