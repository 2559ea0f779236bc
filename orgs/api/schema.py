"""The OpenAPI schema generator: says that reads need no credentials when the API is open for reading, and that
request bodies take no fields but those listed (StrictSerializer refuses the others) and, where a body comes in
several forms, which fields each needs (`schema_forms`); what text fields, cursors and comma-separated lists of
choices take is spelled out as a pattern."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from orgs.validation import text_schema_pattern


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        from orgs.api.serializers import CommaListField, TextField

        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, TextField):
            schema["pattern"] = text_schema_pattern(field.rule, blank=field.allow_blank)
        elif isinstance(field, CommaListField):
            choice = "|".join(field.allowed)
            schema["pattern"] = f"^({choice})(,({choice}))*$"
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        from orgs.api.serializers import StrictSerializer  # the serializers import this module's settings

        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False
        if direction == "request" and hasattr(serializer, "schema_forms"):
            schema["oneOf"] = serializer.schema_forms()
        return schema

    def get_auth(self) -> list[dict[str, Any]]:
        auth = super().get_auth()
        if self.method in ("GET", "HEAD", "OPTIONS") and settings.ATC_API_OPEN_READ and {} not in auth:
            auth.append({})
        return auth
