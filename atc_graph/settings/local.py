"""Settings for a developer's machine (`make dev` and every command but `serve`): DEBUG on by default."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() in {"1", "true", "yes", "on"}
