"""Turn the graph layer's errors into HTTP answers with JSON bodies, for every API view."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from orgs.api.formats import GraphFileUnreadable
from orgs.api.preconditions import etag
from orgs.graph.connection import AlreadyExists, GraphUnavailable
from orgs.importer.read import GraphFileInvalid
from orgs.middleware import RETRY_AFTER_SECONDS
from orgs.services import NotFound, StaleVersion
from orgs.validation import ValidationFailed
from orgs.vocabulary import RELATIONSHIP_PUBLIC_NAMES

# The services name a relationship's or a citation's source `source_uid`; the API calls it `source`. (Only that
# name: the ends' errors are already named `from` and `to`, and an event's or a citation's own `start` and `end`
# keep their names.)
API_FIELD_NAMES = {"source_uid": RELATIONSHIP_PUBLIC_NAMES["source_uid"]}


def api_field_errors(errors: dict[str, Any]) -> dict[str, Any]:
    """Return `errors` keyed by the API's field names, those inside a list (`{"citations": {"0": {...}}}`) too."""
    renamed: dict[str, Any] = {}
    for field, messages in errors.items():
        name = API_FIELD_NAMES.get(field, field)
        if isinstance(messages, dict):
            renamed[name] = {key: api_field_errors(inner) for key, inner in messages.items()}
        else:
            renamed.setdefault(name, []).extend(messages)
    return renamed


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer ValidationFailed 400, NotFound 404, AlreadyExists 409, StaleVersion 412 (with the current ETag),
    a body past the upload limit 413, GraphUnavailable 503; else DRF's way."""
    if isinstance(exc, RequestDataTooBig):  # Django's check, when DRF reads a JSON or form body
        return Response(
            {
                "detail": f"The request body is larger than the upload limit of "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes (ATC_API_MAX_UPLOAD_BYTES).",
                "code": "too_large",
            },
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ValidationFailed):
        return Response(api_field_errors(exc.errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, GraphFileInvalid):
        return Response(
            {"detail": "The graph file is invalid; nothing was written.", "problems": exc.problems},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, GraphFileUnreadable):
        return Response({"detail": str(exc), "problems": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotFound):
        return Response({"detail": str(exc), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, AlreadyExists):
        return Response({"detail": str(exc), "code": "already_exists"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, StaleVersion):
        return Response(
            {"detail": f"{str(exc)[0].upper()}{str(exc)[1:]}. Nothing was written.", "code": "precondition_failed"},
            status=status.HTTP_412_PRECONDITION_FAILED,
            headers={"ETag": etag(exc.current)},
        )
    if isinstance(exc, GraphUnavailable):
        return Response(
            {"detail": "The graph server is unavailable; try again shortly.", "code": "graph_unavailable"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return exception_handler(exc, context)
