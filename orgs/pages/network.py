"""The network pages: the explorer and the JSON its script fetches (a neighbourhood, a node's groups, one page
of a group), and the path finder."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from orgs.pages import presenters
from orgs.pages.parameters import json_answer, requested_as_of, requested_group_page, requested_sources
from orgs.response_cache import cached_page
from orgs.search import SEARCH_MAX_CHARS, search_problem
from orgs.selectors.citations import citations_of
from orgs.selectors.network import neighbourhood
from orgs.selectors.nodes import node_profile, node_summaries, node_summary
from orgs.selectors.organizations import organization_list
from orgs.selectors.paths import paths_between
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

EXPLORER_NODE_LIMIT = 500


def _depth(request: HttpRequest) -> int:
    """Return the explorer's `depth` parameter: 1 to 3 hops, 2 unless said otherwise."""
    try:
        return min(max(int(request.GET.get("depth", 2)), 1), 3)
    except ValueError:
        return 2


def _types(request: HttpRequest) -> list[str] | None:
    """Return the relationship types chosen in `type` parameters (known ones only), or None for all."""
    chosen = [name for name in request.GET.getlist("type") if name in RELATIONSHIP_TYPES]
    return chosen or None


@cached_page
def explorer(request: HttpRequest, uid: str) -> HttpResponse:
    """The interactive map of a node's neighbourhood (drawn by static/js/explorer.js from the JSON below)."""
    node = node_summary(uid=uid)
    if node is None:
        raise Http404(f"There is nothing called '{uid}' in the graph.")
    depth = _depth(request)
    return render(
        request,
        "orgs/explorer.html",
        {
            "node": node,
            "depth": depth,
            "node_url": presenters.node_url(node["label"], uid),
            "relationship_types": RELATIONSHIP_TYPES.values(),
            "labels": [label for label in NodeLabel if label != NodeLabel.SOURCE],
            "config": {
                "network": reverse("orgs:explorer-json", kwargs={"uid": uid}) + f"?depth={depth}",
                "groups": reverse("orgs:explorer-groups", kwargs={"uid": "UID"}),
                "relationships": reverse("orgs:explorer-relationships", kwargs={"uid": "UID"}),
                "centre": uid,
            },
        },
    )


@cached_page
def explorer_json(request: HttpRequest, uid: str) -> HttpResponse:
    """A node's neighbourhood as nodes and edges (each with its number of sources; `sources_min`: only those resting
    on that many), capped at `limit` (≤ 500) nodes; says when it was cut."""
    depth = _depth(request)
    try:
        limit = min(max(int(request.GET.get("limit", EXPLORER_NODE_LIMIT)), 1), EXPLORER_NODE_LIMIT)
    except ValueError:
        limit = EXPLORER_NODE_LIMIT
    labels = [label for label in request.GET.getlist("label") if label in NodeLabel.__members__.values()]
    network = neighbourhood(
        uid=uid,
        depth=depth,
        types=_types(request),
        labels=labels or None,
        as_of=requested_as_of(request),
        limit=limit,
        sources_min=requested_sources(request)[0],
    )
    if network is None:
        return json_answer({"detail": f"There is nothing called '{uid}' in the graph."}, status=404)
    return json_answer({**presenters.network_view(network), "limit": limit, "depth": depth})


@cached_page
def explorer_groups(request: HttpRequest, uid: str) -> HttpResponse:
    """A node's relationship counts by type and direction, so the explorer can page a hub's neighbours."""
    profile = node_profile(uid=uid, per_group=0)
    if profile is None:
        return json_answer({"detail": f"There is nothing called '{uid}' in the graph."}, status=404)
    return json_answer(
        {
            "node": presenters.graph_node({**profile["node"], "label": profile["label"]}),
            "groups": [
                {
                    "type": group["type"],
                    "outgoing": group["outgoing"],
                    "total": group["total"],
                    "reading": presenters.verb(group["type"], group["outgoing"]),
                }
                for group in profile["groups"]
            ],
        }
    )


@cached_page
def explorer_relationships(request: HttpRequest, uid: str) -> HttpResponse:
    """One page of a node's relationships of one type and direction, as explorer nodes and edges."""
    relationship_type = request.GET.get("type", "")
    if relationship_type not in RELATIONSHIP_TYPES:
        return json_answer({"detail": "Unknown relationship type."}, status=400)
    outgoing = request.GET.get("outgoing") == "1"
    relationships, last = requested_group_page(request, uid=uid, relationship_type=relationship_type, outgoing=outgoing)
    return json_answer(
        {
            "nodes": [presenters.graph_node(relationship["other"]) for relationship in relationships],
            "edges": [
                presenters.graph_edge(relationship, *ends)
                for relationship in relationships
                for ends in [(uid, relationship["other"]["uid"]) if outgoing else (relationship["other"]["uid"], uid)]
            ],
            "next": {"after": last["name"], "after_uid": last["uid"]} if last else None,
        }
    )


def _resolve_organizations(from_text: str, to_text: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Return the nodes the path finder's two fields name: each a uid, or else the best full-text match of its
    words (None for an empty field or no match). Fields that are uids, as a link or the autocomplete fills them,
    are read in one query."""
    by_uid = node_summaries(uids=[text for text in (from_text, to_text) if text])

    def resolved(text: str) -> dict[str, Any] | None:
        if not text or text in by_uid:
            return by_uid.get(text)
        found = organization_list(q=text, limit=1)
        return node_summary(uid=found[0]["uid"]) if found else None

    return resolved(from_text), resolved(to_text)


@cached_page
def paths(request: HttpRequest) -> HttpResponse:
    """The shortest connections between two organizations, as sentences with their sources and quotes and a small
    drawing; `sources_min`: each hop must rest on at least that many sources.

    A `from` or `to` that asks too much of the search is answered 400 with the form and what is wrong with it.
    """
    from_text, to_text = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    errors = [
        f"“{label}” is too long to search for: {problem}."
        for label, problem in (("From", search_problem(from_text)), ("To", search_problem(to_text)))
        if problem
    ]
    start, end = (None, None) if errors else _resolve_organizations(from_text, to_text)
    types = _types(request)
    as_of = requested_as_of(request)
    try:
        max_length = min(max(int(request.GET.get("max_length", 6)), 1), 10)
    except ValueError:
        max_length = 6
    sources_min = requested_sources(request)[0]
    found: list[dict[str, Any]] = []
    asked = bool(start and end)
    if start and end:
        found = paths_between(
            from_uid=start["uid"],
            to_uid=end["uid"],
            k=3,
            max_length=max_length,
            types=types,
            as_of=as_of,
            sources_min=sources_min,
        )
    citations = citations_of(
        relationship_uids=[relationship["uid"] for path in found for relationship in path["relationships"]]
    )
    drawing_nodes: dict[str, dict[str, Any]] = {}
    drawing_edges: dict[str, dict[str, Any]] = {}
    for path in found:
        for node in path["nodes"]:
            drawing_nodes[node["uid"]] = presenters.graph_node(node)
        for relationship in path["relationships"]:
            drawing_edges[relationship["uid"]] = presenters.graph_edge(
                relationship, relationship["start"], relationship["end"]
            )
    return render(
        request,
        "orgs/paths.html",
        {
            "from_text": from_text,
            "to_text": to_text,
            "start": start,
            "end": end,
            "errors": errors,
            "search_max_chars": SEARCH_MAX_CHARS,
            "from_missing": not errors and bool(from_text) and start is None,
            "to_missing": not errors and bool(to_text) and end is None,
            "same": bool(start and end and start["uid"] == end["uid"]),
            "asked": asked,
            "paths": [presenters.path_view(path, citations) for path in found],
            "drawing": {"nodes": list(drawing_nodes.values()), "edges": list(drawing_edges.values())},
            "relationship_types": RELATIONSHIP_TYPES.values(),
            "chosen_types": types or [],
            "as_of": request.GET.get("as_of", "").strip() if as_of else "",
            "max_length": max_length,
            "sources_min": sources_min or "",
        },
        status=400 if errors else 200,
    )
