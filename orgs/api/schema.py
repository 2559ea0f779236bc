"""The OpenAPI schema generator: says that reads need no credentials when the API is open for reading."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        auth = super().get_auth()
        if self.method in ("GET", "HEAD", "OPTIONS") and settings.ATC_API_OPEN_READ and {} not in auth:
            auth.append({})
        return auth
