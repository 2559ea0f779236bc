"""Adding a source through the API: read a text or a file into a draft, list and read drafts, accept one.

Drafts are not public: every call, reads too, needs the permission to add sources (`orgs.add_source`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from orgs.api.parsers import JSONParser
from orgs.api.serializers import PartialDateField, TextField
from orgs.api.views import ERROR, WRITE_ERRORS
from orgs.ingest.drafts import (
    DRAFT_FIELDS,
    SOURCE_EDITING,
    DraftNotFound,
    DraftStale,
    proposal_summary,
    source_draft_accept,
    source_draft_create,
    source_draft_get,
)
from orgs.ingest.extract import MAX_FILE_BYTES, MAX_TEXT_CHARS, extracted_text
from orgs.ingest.reading import Reading
from orgs.models import SourceDraft
from orgs.services import NotFound
from orgs.validation import ValidationFailed, whole_number

# Every call needs an editor who may add sources: reads answer 401 and 403 as writes do.
DRAFT_ERRORS: dict[int, Any] = {
    **WRITE_ERRORS,
    403: OpenApiResponse(ERROR, description="The user may not add sources (`orgs.add_source`)."),
}
NO_DRAFT = {404: OpenApiResponse(ERROR, description="No draft with that id.")}
DRAFTS_PAGE = 50
LARGEST_DRAFT_ID = 10**18 - 1  # what an id may be, in the address or `before` (`whole_number` reads 18 digits)
DRAFT_ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": LARGEST_DRAFT_ID}


class SourceEditors(BasePermission):
    """Only an editor who may add sources reads or writes drafts."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(SOURCE_EDITING))


def draft_json(draft: SourceDraft, reading: Reading | None = None) -> dict[str, Any]:
    """Return a draft as the API answers it: its fields, and with its `reading` the entities and proposals
    (each proposal with its `summary` in plain words)."""
    body: dict[str, Any] = {
        "id": draft.pk,
        **{name: getattr(draft, name) for name in DRAFT_FIELDS},
        "status": draft.status,
        "version": draft.version,
        "source": draft.source_uid or None,
        "created_at": draft.created_at.isoformat(),
        "created_by": draft.created_by.get_username() if draft.created_by else None,
    }
    if reading is not None:
        body["entities"] = [asdict(entity) for entity in reading.entities]
        body["proposals"] = [
            {**asdict(proposal), "summary": proposal_summary(reading, proposal)} for proposal in reading.proposals
        ]
    return body


DRAFT_ID = OpenApiParameter("draft_id", DRAFT_ID_SCHEMA, OpenApiParameter.PATH, description="The draft's id.")


def _draft(draft_id: str) -> tuple[SourceDraft, Reading]:
    try:
        return source_draft_get(draft_id=whole_number(draft_id, low=1, high=LARGEST_DRAFT_ID))
    except (ValueError, DraftNotFound):
        raise NotFound(f"no draft with id '{draft_id[:40]}'") from None


def _body(request: Request) -> dict[str, Any]:
    """Return the request's body; raise ValidationFailed when it is not an object."""
    if not isinstance(request.data, dict):
        raise ValidationFailed({"non_field_errors": ["expected a JSON object"]})
    return request.data


INGEST_EXAMPLE = OpenApiExample(
    "A pasted text",
    value={
        "title": "Partners of the Center",
        "publisher": "Baltic Anti-Crime Center",
        "url": "https://example.org/partners",
        "published": "2024-05",
        "text": "The Center closely collaborates with the Nordic Customs Council.",
    },
    request_only=True,
)


class IngestFieldsSerializer(serializers.Serializer):
    """A new source's own fields (the Source node's rules, which `source_draft_create` checks)."""

    title = TextField("title")
    publisher = TextField("publisher", required=False, allow_blank=True)
    url = TextField("url", required=False, allow_blank=True)
    published = PartialDateField(required=False, allow_blank=True)


class IngestTextSerializer(IngestFieldsSerializer):
    text = TextField("text", max_length=MAX_TEXT_CHARS, help_text="The source's text, pasted.")


class IngestFileSerializer(IngestFieldsSerializer):
    file = serializers.FileField(help_text=f"A .txt, .html or .pdf file of at most {MAX_FILE_BYTES // 2**20} MB.")


class IngestView(APIView):
    permission_classes = [SourceEditors]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": IngestTextSerializer, "multipart/form-data": IngestFileSerializer},
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="The draft, with its entities and proposals."),
            **DRAFT_ERRORS,
            413: OpenApiResponse(ERROR, description="The body is larger than the server takes."),
        },
        examples=[INGEST_EXAMPLE],
        operation_id="sources_ingest",
        summary="Read a new source (pasted `text`, or a .txt, .html or .pdf `file`) into a draft to review",
    )
    def post(self, request: Request) -> Response:
        data = _body(request)
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationFailed({"file": [f"at most {MAX_FILE_BYTES // 1024 // 1024} MB"]})
            text = extracted_text(data=upload.read(), filename=upload.name)
        else:
            given = data.get("text")
            if not isinstance(given, str):
                raise ValidationFailed({"text": ["give the source's text, or upload it as `file`"]})
            text = extracted_text(text=given)
        fields = {}
        for name in DRAFT_FIELDS:
            value = data.get(name, "")
            if not isinstance(value, str):
                raise ValidationFailed({name: ["expected a string"]})
            fields[name] = value
        draft = source_draft_create(text=text, actor=request.user, **fields)
        return Response(draft_json(*source_draft_get(draft_id=draft.pk)), status=status.HTTP_201_CREATED)


class DraftListView(APIView):
    permission_classes = [SourceEditors]

    @extend_schema(
        parameters=[
            OpenApiParameter("before", DRAFT_ID_SCHEMA, description="Drafts older than this id (the next page).")
        ],
        responses={200: OpenApiTypes.OBJECT, **DRAFT_ERRORS},
        summary="List drafts, newest first, fifty at a time",
        operation_id="sources_drafts_list",
    )
    def get(self, request: Request) -> Response:
        drafts = SourceDraft.objects.select_related("created_by").order_by("-id")
        before = request.query_params.get("before")
        if before is not None:
            try:
                drafts = drafts.filter(id__lt=whole_number(before, low=1, high=LARGEST_DRAFT_ID))
            except ValueError as error:
                raise ValidationFailed({"before": [str(error)]}) from None
        page = list(drafts[: DRAFTS_PAGE + 1])
        more = len(page) > DRAFTS_PAGE
        results = [draft_json(draft) for draft in page[:DRAFTS_PAGE]]
        return Response({"results": results, "next_before": results[-1]["id"] if more else None})


class DraftDetailView(APIView):
    permission_classes = [SourceEditors]

    @extend_schema(
        parameters=[DRAFT_ID],
        responses={200: OpenApiTypes.OBJECT, **DRAFT_ERRORS, **NO_DRAFT},
        summary="Read a draft",
        operation_id="sources_drafts_retrieve",
    )
    def get(self, request: Request, draft_id: str) -> Response:
        return Response(draft_json(*_draft(draft_id)))


class DraftAcceptView(APIView):
    permission_classes = [SourceEditors]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[DRAFT_ID],
        operation_id="sources_drafts_accept",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="What was written: source, nodes, relationships."),
            **DRAFT_ERRORS,
            **NO_DRAFT,
            409: OpenApiResponse(ERROR, description="The draft changed or was accepted meanwhile."),
        },
        examples=[
            OpenApiExample(
                "Accept one proposal, choose a node",
                value={
                    "version": 1,
                    "decisions": {
                        "entities": {"e1": {"match": "interpol"}},
                        "proposals": {"p-0123456789abcdef": {"decision": "accept", "since": "2009"}},
                    },
                },
                request_only=True,
            )
        ],
        summary="Accept the decided proposals of a draft in one step (its `version` from the draft)",
    )
    def post(self, request: Request, draft_id: str) -> Response:
        draft, _ = _draft(draft_id)
        body = _body(request)
        version = body.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValidationFailed({"version": ["give the draft's version as read (a whole number)"]})
        try:
            accepted = source_draft_accept(
                draft_id=draft.pk, decisions=body.get("decisions"), expected_version=version, actor=request.user
            )
        except DraftStale as stale:
            return Response({"detail": str(stale), "code": "stale"}, status=status.HTTP_409_CONFLICT)
        return Response(accepted.as_json())
