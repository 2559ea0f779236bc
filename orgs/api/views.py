"""API views: each validates its input with a serializer, calls one selector or service, and writes the answer
through the response's serializer (`orgs.api.serializers.ResponseSerializer`).

Errors raised by the services (ValidationFailed, NotFound, AlreadyExists, GraphUnavailable) are turned into
400/404/409/503 answers by `orgs.api.exceptions.api_exception_handler`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from orgs import services
from orgs.api import formats
from orgs.api import serializers as s
from orgs.api.pagination import cursor_decode, cursor_encode, page
from orgs.api.parsers import GraphMLParser, JSONParser, ZipParser
from orgs.api.preconditions import ETAG, IF_MATCH, PRECONDITION_FAILED, etag, expected_versions
from orgs.api.throttling import ExportAnonRateThrottle
from orgs.dates import period_is_ordered
from orgs.importer.check import validate_graph
from orgs.importer.write import graph_diff, write_graph
from orgs.response_cache import cached_api_read
from orgs.search import SEARCH_MAX_OFFSET
from orgs.selectors.citations import citations_of
from orgs.selectors.exports import graph_export
from orgs.selectors.network import neighbourhood
from orgs.selectors.nodes import node_fate, node_labels, node_list, node_profile, node_relationships_page
from orgs.selectors.organizations import organization_list
from orgs.selectors.paths import paths_between
from orgs.selectors.relationships import relationship_list
from orgs.selectors.stats import graph_counts, hubs
from orgs.validation import citation_disagreements, editable_fields
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel

# --- Documented errors -------------------------------------------------------------------------------------

FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Bad input: each bad field (or `cursor`, "
    '`detail`) with its messages, e.g. `{"until": ["is before since"]}`.',
)
ERROR = s.ErrorSerializer
READ_ERRORS: dict[int, Any] = {
    400: FIELD_ERRORS,
    401: OpenApiResponse(ERROR, description="Reading needs a signed-in user (ATC_API_OPEN_READ is off)."),
    429: OpenApiResponse(ERROR, description="Too many requests; see Retry-After."),
    503: OpenApiResponse(ERROR, description="The graph server is unavailable; see Retry-After."),
}
WRITE_ERRORS: dict[int, Any] = {
    **READ_ERRORS,
    401: OpenApiResponse(ERROR, description="Not signed in (session or `Authorization: Token …`)."),
    403: OpenApiResponse(ERROR, description="The user lacks the Django permission for this write."),
}
GONE = {
    308: OpenApiResponse(ERROR, description="Merged into another organization: `Location` names the survivor."),
    404: OpenApiResponse(ERROR, description="No node with that uid."),
    410: OpenApiResponse(ERROR, description="The node was deleted."),
}
UID = OpenApiParameter("uid", OpenApiTypes.STR, OpenApiParameter.PATH, description="The node's uid.")

# What `citations_of` returns (a name: inside the node views' class, `list` is a method).
CitationsByRelationship = dict[str, list[dict[str, Any]]]
PATHS = {label: kind.plural for label, kind in NODE_KINDS.items()}


def query_params(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Return the validated query parameters; raise a 400 naming each bad one."""
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def node_url(request: Request, label: str, uid: str) -> str:
    return request.build_absolute_uri(reverse(f"api:{PATHS[NodeLabel(label)]}-detail", kwargs={"uid": uid}))


def missing_node(request: Request, label: str, uid: str) -> Response:
    """Answer for a uid no node has: 308 to the survivor of a merge, 410 if deleted, else 404."""
    fate = node_fate(uid=uid)
    if fate and "merged_into" in fate:
        survivor = fate["merged_into"]
        location = request.build_absolute_uri(request.get_full_path().replace(f"/{uid}/", f"/{survivor}/", 1))
        return Response(
            error_body(f"'{uid}' was merged into '{survivor}'.", "merged"),
            status=status.HTTP_308_PERMANENT_REDIRECT,
            headers={"Location": location},
        )
    if fate and "deleted" in fate:
        return Response(
            error_body(f"'{uid}' was deleted on {fate['deleted_at']}.", "deleted"), status=status.HTTP_410_GONE
        )
    return wrong_label(label, uid)


def wrong_label(label: str, uid: str) -> Response:
    """Answer for a uid that is not a `label` node's: 404."""
    return Response(error_body(f"No {label.lower()} with uid '{uid}'.", "not_found"), status=status.HTTP_404_NOT_FOUND)


def error_body(detail: str, code: str) -> dict[str, Any]:
    """Return an error's body: what went wrong, and its code."""
    return s.ErrorSerializer.body({"detail": detail, "code": code})


# --- API root and tokens -----------------------------------------------------------------------------------


class TokenView(ObtainAuthToken):
    """DRF's token view, with the answers it gives written into the schema."""

    @extend_schema(
        summary="Exchange a username and password for the user's API token.",
        responses={
            200: s.TokenSerializer,
            400: OpenApiResponse(
                FIELD_ERRORS.response,
                description="A field is missing, or the username and "
                "password do not match an active user (`non_field_errors`).",
            ),
            429: READ_ERRORS[429],
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class ApiRootView(APIView):
    """The API's entry points."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        names = [
            *(f"{path}-list" for path in PATHS.values()),
            "relationships-list",
            "paths",
            "stats",
            "export",
            "import",
            "schema",
            "docs",
            "redoc",
            "token",
        ]
        return Response({name.removesuffix("-list"): api_reverse(f"api:{name}", request=request) for name in names})


# --- Nodes -------------------------------------------------------------------------------------------------


def node_write_data(validated: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    data = dict(validated)
    return data.pop("uid", None), data


def with_defaults(label: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return `data` with the schema's default for each choice field left out (a new body is `other`)."""
    defaults = {
        name: prop.default
        for name, prop in editable_fields(label).items()
        if getattr(prop, "choices", None) and isinstance(getattr(prop, "default", None), str)
    }
    return {
        **defaults,
        **{key: value for key, value in data.items() if value is not None or key not in defaults},
    }


# The API of one node kind (routes in orgs/api/urls.py): `list` and `create` on the collection; `retrieve`,
# `update`, `partial_update` and `destroy` on one node; `relationships`, one page of one group of its
# relationships; `network`, its neighbourhood. A subclass per kind declares its `label` and what else differs;
# its serializers and schema text are derived from them when the subclass is made (`__init_subclass__`).
# Comments, not docstrings, on these classes and methods: the schema and OPTIONS would show a docstring.
class NodeViewSet(ViewSet):
    label: ClassVar[NodeLabel]
    list_query: ClassVar[type[s.QuerySerializer]] = s.PageQuery
    list_item: ClassVar[type[s.ResponseSerializer]] = s.NodeListItemSerializer
    list_summary: ClassVar[str] = "List {plural} by name"
    # Derived from `label`:
    permission_model: ClassVar[str]
    plural: ClassVar[str]
    serializer: ClassVar[type[s.NodeSerializer]]
    detail_serializer: ClassVar[type[s.NodeSerializer]]
    page_serializer: ClassVar[type[s.ResponseSerializer]]
    relationship_page_serializer: ClassVar[type[s.ResponseSerializer]]
    network_serializer: ClassVar[type[s.ResponseSerializer]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.label.value
        cls.permission_model = name.lower()
        cls.plural = PATHS[cls.label]
        cls.serializer = s.NODE_SERIALIZERS[name]
        cls.detail_serializer = s.NODE_DETAIL_SERIALIZERS[name]
        cls.page_serializer = s.page_serializer(cls.list_item, f"{name}Page")
        cls.relationship_page_serializer = s.page_serializer(
            s.RelationshipOfNodeSerializer, f"{name}RelationshipOfNodePage"
        )
        cls.network_serializer = type(f"{name}NetworkSerializer", (s.NetworkSerializer,), {})
        extend_schema_view(**node_schemas(cls))(cls)

    # --- the collection

    @cached_api_read
    def list(self, request: Request) -> Response:
        params = query_params(s.PageQuery, request)
        size = params["page_size"]
        after = cursor_decode(params.get("cursor"), (str, str))
        rows = node_list(label=self.label.value, after=tuple(after) if after else None, limit=size + 1)
        more = len(rows) > size
        rows = rows[:size]
        keyset = (rows[-1]["name"], rows[-1]["uid"]) if more else None
        return Response(page(request, self.list_item.bodies(rows), page_size=size, next_keyset=keyset))

    def create(self, request: Request) -> Response:
        body = self.serializer(data=request.data)
        body.is_valid(raise_exception=True)
        uid, data = node_write_data(body.validated_data)
        label = self.label.value
        props = services.node_create(label=label, data=with_defaults(label, data), uid=uid, actor=request.user)
        return Response(
            self.serializer.body(props),
            status=status.HTTP_201_CREATED,
            headers={"Location": node_url(request, label, props["uid"])},
        )

    # --- one node

    @cached_api_read
    def retrieve(self, request: Request, uid: str) -> Response:
        params = query_params(s.DetailQuery, request)
        profile = node_profile(uid=uid, as_of=params.get("as_of"), per_group=params["per_group"])
        if profile is None:
            return missing_node(request, self.label.value, uid)
        if profile["label"] != self.label.value:
            return wrong_label(self.label.value, uid)
        citations = citations_of(
            relationship_uids=[row["uid"] for group in profile["groups"] for row in group["relationships"]]
        )
        groups = [self.group(request, uid, group, params, citations) for group in profile["groups"]]
        node = {**profile["node"], "label": self.label.value, "relationships": groups}
        return Response(self.detail_serializer.body(node), headers={"ETag": etag(node.get("version"))})

    def group(
        self,
        request: Request,
        uid: str,
        group: dict[str, Any],
        params: dict[str, Any],
        citations: CitationsByRelationship,
    ) -> dict[str, Any]:
        # One group of a node's relationships as its body shows it: how the type reads from this end, each
        # relationship with its citations, and the link to the group's next page when it holds more than the body.
        definition = RELATIONSHIP_TYPES[group["type"]]
        relationships = with_citations(group["relationships"], citations)
        next_url = None
        if group["total"] > len(relationships) and relationships:
            query = {
                "type": group["type"],
                "direction": "out" if group["outgoing"] else "in",
                "page_size": params["per_group"],
                "cursor": cursor_encode(relationships[-1]["other"]["name"], relationships[-1]["other"]["uid"]),
            }
            if params.get("as_of"):
                query["as_of"] = params["as_of"]
            next_url = request.build_absolute_uri(
                reverse(f"api:{self.plural}-relationships", kwargs={"uid": uid})
                + "?"
                + "&".join(f"{key}={value}" for key, value in query.items())
            )
        reads = definition.forward if group["outgoing"] else definition.backward
        return {**group, "relationships": relationships, "reads": reads, "next": next_url}

    def write(self, request: Request, uid: str, *, partial: bool) -> Response:
        body = self.serializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        new_uid, data = node_write_data(body.validated_data)
        if new_uid is not None and new_uid != uid:
            return Response({"uid": ["a uid cannot be changed"]}, status=status.HTTP_400_BAD_REQUEST)
        props = services.node_update(
            label=self.label.value,
            uid=uid,
            data=data,
            partial=partial,
            actor=request.user,
            expected_versions=expected_versions(request),
        )
        return Response(self.serializer.body(props), headers={"ETag": etag(props.get("version"))})

    def update(self, request: Request, uid: str) -> Response:
        return self.write(request, uid, partial=False)

    def partial_update(self, request: Request, uid: str) -> Response:
        return self.write(request, uid, partial=True)

    def destroy(self, request: Request, uid: str) -> Response:
        if node_labels(uids=[uid]).get(uid) != self.label.value:
            return wrong_label(self.label.value, uid)
        services.node_delete(uid=uid, actor=request.user, expected_versions=expected_versions(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- around one node

    @action(detail=True, methods=["get"])
    @cached_api_read
    def relationships(self, request: Request, uid: str) -> Response:
        params = query_params(s.RelationshipsQuery, request)
        size = params["page_size"]
        after = cursor_decode(params.get("cursor"), (str, str))
        if node_labels(uids=[uid]).get(uid) != self.label.value:
            if not node_labels(uids=[uid]):
                return missing_node(request, self.label.value, uid)
            return wrong_label(self.label.value, uid)
        rows = node_relationships_page(
            uid=uid,
            relationship_type=params["type"],
            outgoing=params["direction"] == "out",
            after=tuple(after) if after else None,
            limit=size + 1,
            as_of=params.get("as_of"),
        )
        more = len(rows) > size
        rows = rows[:size]
        keyset = (rows[-1]["other"]["name"], rows[-1]["other"]["uid"]) if more else None
        rows = with_citations(rows, citations_of(relationship_uids=[row["uid"] for row in rows]))
        return Response(page(request, s.RelationshipOfNodeSerializer.bodies(rows), page_size=size, next_keyset=keyset))

    @action(detail=True, methods=["get"])
    @cached_api_read
    def network(self, request: Request, uid: str) -> Response:
        params = query_params(s.NetworkQuery, request)
        found = neighbourhood(
            uid=uid,
            depth=params["depth"],
            types=params.get("types") or None,
            labels=params.get("labels") or None,
            as_of=params.get("as_of"),
            limit=params["limit"],
        )
        if found is None:
            return missing_node(request, self.label.value, uid)
        if found["nodes"][0]["label"] != self.label.value:
            return wrong_label(self.label.value, uid)
        network = {
            "centre": uid,
            "depth": params["depth"],
            "limit": params["limit"],
            "node_count": len(found["nodes"]),
            "edge_count": len(found["edges"]),
            **found,
        }
        return Response(self.network_serializer.body(network))


def with_citations(
    relationships: list[dict[str, Any]], citations: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Return `relationships` each with its `citations` (from `citations_of`) and their `disagreements`."""
    return [
        {
            **relationship,
            "citations": citations.get(relationship["uid"], []),
            "disagreements": citation_disagreements(citations.get(relationship["uid"], [])),
        }
        for relationship in relationships
    ]


def node_schemas(views: type[NodeViewSet]) -> dict[str, Any]:
    """Return the schema of each operation of a node kind's views, their text naming the kind."""
    model, plural, serializer, tag = views.permission_model, views.plural, views.serializer, [views.plural]
    return {
        "list": extend_schema(
            tags=tag,
            operation_id=f"{plural}_list",
            parameters=[views.list_query],
            responses={200: views.page_serializer, **READ_ERRORS},
            summary=views.list_summary.format(plural=plural),
            description="Cursor-paged: follow `next`. The cursor is opaque and stays fast at any depth.",
        ),
        "create": extend_schema(
            tags=tag,
            request=serializer,
            responses={
                201: serializer,
                409: OpenApiResponse(
                    ERROR,
                    description="The name is taken, or the uid given is taken: by a node, a deleted "
                    "node (deleted uids are never reused) or a merged organization's former uids.",
                ),
                **WRITE_ERRORS,
            },
            summary=f"Create a {model}",
        ),
        "retrieve": extend_schema(
            tags=tag,
            parameters=[UID, s.DetailQuery, ETAG],
            responses={200: views.detail_serializer, **GONE, **READ_ERRORS},
            summary=f"One {model} with its relationships grouped by type and direction",
            description="Each group holds at most `per_group` relationships, with evidence; its `next` "
            "link pages through the rest. `as_of` keeps those holding on that date.",
        ),
        "update": extend_schema(
            tags=tag,
            parameters=[UID, IF_MATCH, ETAG],
            request=serializer,
            responses={200: serializer, 404: ERROR, 409: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
            summary=f"Replace a {model}'s fields",
        ),
        "partial_update": extend_schema(
            tags=tag,
            parameters=[UID, IF_MATCH, ETAG],
            request=serializer,
            responses={200: serializer, 404: ERROR, 409: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
            summary=f"Change some of a {model}'s fields",
        ),
        "destroy": extend_schema(
            tags=tag,
            parameters=[UID, IF_MATCH],
            responses={204: None, 404: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
            summary=f"Delete a {model} and its relationships (its URL then answers 410)",
        ),
        "relationships": extend_schema(
            tags=tag,
            parameters=[UID, s.RelationshipsQuery],
            responses={200: views.relationship_page_serializer, **GONE, **READ_ERRORS},
            summary=f"Page through one group of a {model}'s relationships",
            description="One type and direction, ordered by the other end's name.",
        ),
        "network": extend_schema(
            tags=tag,
            parameters=[UID, s.NetworkQuery],
            responses={200: views.network_serializer, **GONE, **READ_ERRORS},
            summary=f"The neighbourhood of a {model}",
            description="Nodes within `depth` hops (1–3) and the relationships reaching them, filtered "
            "by relationship type, node kind and `as_of`; at most `limit` nodes.",
        ),
    }


class OrganizationViewSet(NodeViewSet):
    label = NodeLabel.ORGANIZATION
    list_query = s.OrganizationListQuery
    list_item = s.OrganizationListItemSerializer
    list_summary = "List {plural} (search, filters, ordering)"

    # Search, filters and ordering: a search is paged by offset, a list by name by keyset.
    @cached_api_read
    def list(self, request: Request) -> Response:
        params = query_params(s.OrganizationListQuery, request)
        size, text = params["page_size"], (params.get("q") or "").strip()
        filters: dict[str, Any] = {
            "kind": params.get("kind"),
            "country": params.get("country"),
            "relationship_type": params.get("relationship_type"),
            "as_of": params.get("as_of"),
        }
        if text:
            skip = cursor_decode(params.get("cursor"), (int,))
            offset = skip[0] if skip else 0
            rows = organization_list(q=text, skip=offset, limit=size + 1, **filters)
            # A search is paged at most SEARCH_MAX_OFFSET deep, so no cursor past that is handed out.
            keyset: tuple[Any, ...] | None = (offset + size,) if offset + size <= SEARCH_MAX_OFFSET else None
        else:
            after = cursor_decode(params.get("cursor"), (str, str))
            rows = organization_list(
                after=tuple(after) if after else None,
                limit=size + 1,
                descending=params["ordering"] == "-name",
                **filters,
            )
            keyset = (rows[size - 1]["name"], rows[size - 1]["uid"]) if len(rows) > size else None
        more = len(rows) > size
        results = self.list_item.bodies(rows[:size])
        return Response(page(request, results, page_size=size, next_keyset=keyset if more else None))


class CountryViewSet(NodeViewSet):
    label = NodeLabel.COUNTRY


class EventViewSet(NodeViewSet):
    label = NodeLabel.EVENT


class DocumentViewSet(NodeViewSet):
    label = NodeLabel.DOCUMENT


class SourceViewSet(NodeViewSet):
    label = NodeLabel.SOURCE


NODE_VIEWSETS: dict[NodeLabel, type[NodeViewSet]] = {
    views.label: views for views in (OrganizationViewSet, CountryViewSet, EventViewSet, DocumentViewSet, SourceViewSet)
}


# --- Relationships ------------------------------------------------------------------------------------------

RELATIONSHIP_PAGE = s.page_serializer(s.RelationshipSerializer, "RelationshipPage")
RELATIONSHIP_TAG = ["relationships"]


class RelationshipListView(APIView):
    permission_model = "organization"
    write_permissions = ["orgs.change_organization"]

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        operation_id="relationships_list",
        parameters=[s.RelationshipListQuery],
        responses={200: RELATIONSHIP_PAGE, **READ_ERRORS},
        summary="List relationships, filtered by type, end, source, dates",
        description="Ordered by type then uid, cursor-paged. `type` takes several types, comma-separated.",
    )
    @cached_api_read
    def get(self, request: Request) -> Response:
        params = query_params(s.RelationshipListQuery, request)
        since_after, until_before = params.get("since_after"), params.get("until_before")
        if not period_is_ordered(since_after, until_before):
            return Response({"until_before": ["is before since_after"]}, status=status.HTTP_400_BAD_REQUEST)
        size = params["page_size"]
        after = cursor_decode(params.get("cursor"), (str, str))
        rows = relationship_list(
            types=params.get("type") or None,
            node=params.get("node"),
            from_uid=params.get("from"),
            to_uid=params.get("to"),
            source=params.get("source"),
            sources_min=params.get("sources_min"),
            since_after=since_after,
            until_before=until_before,
            as_of=params.get("as_of"),
            after=tuple(after) if after else None,
            limit=size + 1,
        )
        more = len(rows) > size
        rows = rows[:size]
        keyset = (rows[-1]["type"], rows[-1]["uid"]) if more else None
        return Response(page(request, s.RelationshipSerializer.bodies(rows), page_size=size, next_keyset=keyset))

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        request=s.RelationshipWriteSerializer,
        responses={
            201: s.RelationshipRecordedSerializer,
            200: OpenApiResponse(
                s.RelationshipRecordedSerializer,
                description="The relationship was there already: `outcome` says whether it gained a citation "
                "(`citation_added`) or had them all (`already_recorded`).",
            ),
            **WRITE_ERRORS,
        },
        summary="Record a relationship with its citations (or one source and its evidence)",
    )
    def post(self, request: Request) -> Response:
        body = s.RelationshipWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        relationship_type, start, end = data.pop("type"), data.pop("start"), data.pop("end")
        if "citations" in data:
            data["citations"] = [dict(citation) for citation in data["citations"]]
        relationship, outcome = services.relationship_create(
            relationship_type=relationship_type, start_uid=start, end_uid=end, data=data, actor=request.user
        )
        location = request.build_absolute_uri(reverse("api:relationships-detail", kwargs={"uid": relationship["uid"]}))
        headers = {"ETag": etag(relationship.get("version"))}
        if outcome == "created":
            headers["Location"] = location
        return Response(
            s.RelationshipRecordedSerializer.body({**relationship, "outcome": outcome}),
            status=status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK,
            headers=headers,
        )


class RelationshipDetailView(APIView):
    permission_model = "organization"
    write_permissions = ["orgs.change_organization"]
    RELATIONSHIP_UID = OpenApiParameter(
        "uid", OpenApiTypes.STR, OpenApiParameter.PATH, description="The relationship's uid."
    )

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RELATIONSHIP_UID, ETAG],
        responses={200: s.RelationshipDetailSerializer, 404: ERROR, **READ_ERRORS},
        summary="One relationship with its citations",
    )
    @cached_api_read
    def get(self, request: Request, uid: str) -> Response:
        relationship = services.relationship_get(uid=uid)
        return Response(
            s.RelationshipDetailSerializer.body(relationship), headers={"ETag": etag(relationship.get("version"))}
        )

    def _update(self, request: Request, uid: str, *, partial: bool) -> Response:
        body = (s.RelationshipUpdateSerializer if partial else s.RelationshipReplaceSerializer)(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if not partial:
            data = {"since": None, "until": None, "qualifier": None, "confidence": None, **data}
        relationship = services.relationship_update(
            uid=uid, data=data, actor=request.user, expected_versions=expected_versions(request)
        )
        return Response(
            s.RelationshipDetailSerializer.body(relationship), headers={"ETag": etag(relationship.get("version"))}
        )

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RELATIONSHIP_UID, IF_MATCH, ETAG],
        request=s.RelationshipReplaceSerializer,
        responses={200: s.RelationshipDetailSerializer, 404: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
        summary="Replace a one-citation relationship's period, footing and evidence (type and ends stay)",
    )
    def put(self, request: Request, uid: str) -> Response:
        return self._update(request, uid, partial=False)

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RELATIONSHIP_UID, IF_MATCH, ETAG],
        request=s.RelationshipUpdateSerializer,
        responses={200: s.RelationshipDetailSerializer, 404: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
        summary="Change some of a one-citation relationship's period, footing and evidence",
    )
    def patch(self, request: Request, uid: str) -> Response:
        return self._update(request, uid, partial=True)

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RELATIONSHIP_UID, IF_MATCH],
        responses={204: None, 404: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
        summary="Delete a relationship and its citations",
    )
    def delete(self, request: Request, uid: str) -> Response:
        services.relationship_delete(uid=uid, actor=request.user, expected_versions=expected_versions(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


CITATION_UID = OpenApiParameter("citation", OpenApiTypes.STR, OpenApiParameter.PATH, description="The citation's uid.")


class RelationshipCitationsView(APIView):
    permission_model = "organization"
    write_permissions = ["orgs.change_organization"]

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        operation_id="relationships_citations_list",
        parameters=[RelationshipDetailView.RELATIONSHIP_UID, ETAG],
        responses={200: s.CitationSerializer(many=True), 404: ERROR, **READ_ERRORS},
        summary="A relationship's citations, in reading order",
    )
    @cached_api_read
    def get(self, request: Request, uid: str) -> Response:
        relationship = services.relationship_get(uid=uid)
        return Response(
            s.CitationSerializer.bodies(relationship["citations"]), headers={"ETag": etag(relationship.get("version"))}
        )

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RelationshipDetailView.RELATIONSHIP_UID, IF_MATCH, ETAG],
        request=s.CitationWriteSerializer,
        responses={
            201: s.CitationAddedSerializer,
            200: OpenApiResponse(s.CitationAddedSerializer, description="Already recorded: nothing changed."),
            404: ERROR,
            **PRECONDITION_FAILED,
            **WRITE_ERRORS,
        },
        summary="Add a citation to a relationship (the ETag is the relationship's)",
    )
    def post(self, request: Request, uid: str) -> Response:
        body = s.CitationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        relationship, citation, added = services.citation_add(
            relationship_uid=uid,
            data=dict(body.validated_data),
            actor=request.user,
            expected_version=expected_versions(request),
        )
        return Response(
            s.CitationAddedSerializer.body({**citation, "outcome": "citation_added" if added else "already_recorded"}),
            status=status.HTTP_201_CREATED if added else status.HTTP_200_OK,
            headers={"ETag": etag(relationship.get("version"))},
        )


class RelationshipCitationView(APIView):
    permission_model = "organization"
    write_permissions = ["orgs.change_organization"]

    @staticmethod
    def _answer(relationship: dict[str, Any], citation_uid: str) -> Response:
        for citation in relationship["citations"]:
            if citation["uid"] == citation_uid:
                return Response(
                    s.CitationSerializer.body(citation), headers={"ETag": etag(relationship.get("version"))}
                )
        raise services.NotFound(f"relationship '{relationship['uid']}' has no citation '{citation_uid}'")

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RelationshipDetailView.RELATIONSHIP_UID, CITATION_UID, ETAG],
        responses={200: s.CitationSerializer, 404: ERROR, **READ_ERRORS},
        summary="One citation of a relationship",
    )
    @cached_api_read
    def get(self, request: Request, uid: str, citation: str) -> Response:
        return self._answer(services.relationship_get(uid=uid), citation)

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RelationshipDetailView.RELATIONSHIP_UID, CITATION_UID, IF_MATCH, ETAG],
        request=s.CitationUpdateSerializer,
        responses={200: s.CitationSerializer, 404: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
        summary="Change a citation (If-Match takes the relationship's ETag)",
    )
    def patch(self, request: Request, uid: str, citation: str) -> Response:
        body = s.CitationUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        relationship = services.citation_update(
            relationship_uid=uid,
            citation_uid=citation,
            data=dict(body.validated_data),
            actor=request.user,
            expected_version=expected_versions(request),
        )
        return self._answer(relationship, citation)

    @extend_schema(
        tags=RELATIONSHIP_TAG,
        parameters=[RelationshipDetailView.RELATIONSHIP_UID, CITATION_UID, IF_MATCH],
        responses={204: None, 404: ERROR, **PRECONDITION_FAILED, **WRITE_ERRORS},
        summary="Delete a citation (not a relationship's last one)",
    )
    def delete(self, request: Request, uid: str, citation: str) -> Response:
        relationship = services.citation_delete(
            relationship_uid=uid, citation_uid=citation, actor=request.user, expected_version=expected_versions(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT, headers={"ETag": etag(relationship.get("version"))})


# --- Graph questions ---------------------------------------------------------------------------------------


class PathsView(APIView):
    @extend_schema(
        tags=["graph"],
        parameters=[s.PathsQuery],
        responses={200: s.PathsSerializer, 404: ERROR, **READ_ERRORS},
        summary="Shortest paths between two nodes, each hop with its evidence",
    )
    @cached_api_read
    def get(self, request: Request) -> Response:
        params = query_params(s.PathsQuery, request)
        start, end = params["from"], params["to"]
        if start == end:
            return Response({"to": ["must differ from from"]}, status=status.HTTP_400_BAD_REQUEST)
        known = node_labels(uids=[start, end])
        missing = [uid for uid in (start, end) if uid not in known]
        if missing:
            return Response(
                error_body(f"No node with uid {', '.join(repr(uid) for uid in missing)}.", "not_found"),
                status=status.HTTP_404_NOT_FOUND,
            )
        found = paths_between(
            from_uid=start,
            to_uid=end,
            k=params["k"],
            max_length=params["max_length"],
            types=params.get("types") or None,
            as_of=params.get("as_of"),
        )
        paths = [{"length": len(path["relationships"]), **path} for path in found]
        return Response(s.PathsSerializer.body({"from": start, "to": end, "paths": paths}))


class StatsView(APIView):
    @extend_schema(
        tags=["graph"],
        parameters=[s.StatsQuery],
        responses={200: s.StatsSerializer, **READ_ERRORS},
        summary="Counts per kind and type, and the most connected organizations",
    )
    @cached_api_read
    def get(self, request: Request) -> Response:
        params = query_params(s.StatsQuery, request)
        counts = graph_counts()
        top = [{**row, "degree": row.get("degree") or 0} for row in hubs(limit=params["top"])]
        return Response(s.StatsSerializer.body({**counts, "top_by_degree": top}))


# --- Export and import --------------------------------------------------------------------------------------


class ExportNegotiation(DefaultContentNegotiation):
    """The export's `format` parameter names a file format, not a renderer: always use the JSON one."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ExportView(APIView):
    content_negotiation_class = ExportNegotiation
    throttle_classes = [*APIView.throttle_classes, ExportAnonRateThrottle]

    @extend_schema(
        tags=["export"],
        parameters=[s.ExportQuery],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=(
                    "The graph file: sections sources, countries, organizations, events, documents, relationships."
                ),
            ),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="nodes.csv and edges.csv."),
            (200, "application/graphml+xml"): OpenApiResponse(OpenApiTypes.STR, description="GraphML."),
            404: ERROR,
            **READ_ERRORS,
        },
        summary="Export the whole graph or a neighbourhood as JSON, CSV (zip) or GraphML",
        description="The JSON is the import format: `POST /api/import/` of an export into an empty "
        "graph gives "
        "the same graph.",
    )
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        params = query_params(s.ExportQuery, request)
        if params.get("around"):
            export = graph_export(
                around=params["around"], depth=params["depth"], as_of=params.get("as_of"), limit=params["limit"]
            )
            if export is None:
                return Response(
                    error_body(f"No node with uid '{params['around']}'.", "not_found"),
                    status=status.HTTP_404_NOT_FOUND,
                )
            data = formats.graph_file(export)
            header = {"format": data["format"], "exported_at": data["exported_at"]}
            sections = formats.file_sections(data)
            name = f"atc-graph-{params['around']}"
        else:
            header, sections, name = formats.file_header(), formats.whole_graph_sections(), "atc-graph"
        writer, content_type, suffix = {
            "json": (lambda: formats.json_chunks(header, sections), "application/json", None),
            "csv": (lambda: formats.csv_zip_chunks(sections), "application/zip", "zip"),
            "graphml": (lambda: formats.graphml_chunks(sections), "application/graphml+xml", "graphml"),
        }[params["format"]]
        response = StreamingHttpResponse(writer(), content_type=content_type)
        if suffix:
            response["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
        return response


IMPORT_PERMISSIONS = [f"orgs.{action}_{label.value.lower()}" for label in NodeLabel for action in ("add", "change")]


class ImportView(APIView):
    parser_classes = [JSONParser, ZipParser, GraphMLParser]
    write_permissions = IMPORT_PERMISSIONS

    @extend_schema(
        tags=["export"],
        parameters=[s.ImportQuery],
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/zip": OpenApiTypes.BINARY,
            "application/graphml+xml": OpenApiTypes.STR,
        },
        responses={200: s.ImportResultSerializer, **WRITE_ERRORS},
        summary="Import a graph file (any export format): validate all, then write in one transaction",
        description="Nodes merge on uid, relationships on (from, type, to). Any problem: 400 listing "
        "every one, "
        "nothing written. `dry_run=true` reports what would be created and updated.",
    )
    def post(self, request: Request) -> Response:
        params = query_params(s.ImportQuery, request)
        data = request.data
        if not isinstance(data, dict):
            return Response(
                {
                    "detail": "expected a graph file: a mapping of sections",
                    "problems": ["expected a mapping of sections at the top"],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        batch = validate_graph(dict(data))
        changes = graph_diff(batch)
        if not params["dry_run"]:
            write_graph(batch)
        result = {
            "dry_run": params["dry_run"],
            "written": not params["dry_run"],
            "counts": batch.counts(),
            "changes": changes,
        }
        return Response(s.ImportResultSerializer.body(result))
