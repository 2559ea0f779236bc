"""The OpenAPI schema generator: says that reads need no credentials when the API is open for reading, and that
request bodies take no fields but those listed (StrictSerializer refuses the others), and comma-separated lists
of choices are spelled out as a pattern."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        from orgs.api.serializers import CommaListField

        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, CommaListField):
            choice = "|".join(field.allowed)
            schema["pattern"] = f"^({choice})(,({choice}))*$"
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        from orgs.api.serializers import StrictSerializer  # the serializers import this module's settings

        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False
        return schema

    def get_auth(self) -> list[dict[str, Any]]:
        auth = super().get_auth()
        if self.method in ("GET", "HEAD", "OPTIONS") and settings.ATC_API_OPEN_READ and {} not in auth:
            auth.append({})
        return auth
