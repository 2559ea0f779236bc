"""HTML pages and the JSON their scripts fetch: each view reads its parameters, calls selectors, renders."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from orgs import history, presenters, selectors
from orgs.api.renderers import json_bytes
from orgs.dates import as_of_day
from orgs.response_cache import cached_page
from orgs.search import SEARCH_MAX_CHARS, SEARCH_MAX_OFFSET, search_problem
from orgs.validation import whole_number
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel, OrganizationKind

PAGE_SIZE = 50
RELATIONSHIPS_PER_GROUP = 25
EXPLORER_NODE_LIMIT = 500


def json_answer(data: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """Return `data` as JSON, written by orjson (a neighbourhood of 500 nodes: 1 ms instead of 8)."""
    return HttpResponse(json_bytes(data), content_type="application/json", status=status)


# --- Reading request parameters ----------------------------------------------------------------------


def _as_of(request: HttpRequest) -> str | None:
    """Return the full day the `as_of` parameter (a year, month or day) means; ignore what is not a date."""
    try:
        return as_of_day(request.GET.get("as_of", "").strip())
    except ValueError:
        return None


def _keyset(request: HttpRequest) -> tuple[str, str] | None:
    """Return the (name, uid) keyset from `after` and `after_uid`, or None on the first page."""
    after, after_uid = request.GET.get("after"), request.GET.get("after_uid")
    return (after, after_uid) if after and after_uid else None


def _next_page_query(request: HttpRequest, last: dict[str, Any] | None, **extra: Any) -> str | None:
    """Return the query string of the page after the row `last`, keeping the other parameters."""
    if last is None:
        return None
    params = {key: value for key, value in request.GET.items() if key not in {"after", "after_uid", "skip"}}
    params.update(after=last["name"], after_uid=last["uid"], **extra)
    return urlencode(params)


def _first_page_query(request: HttpRequest) -> str:
    """Return the query string of the first page, keeping every parameter but the paging ones."""
    paging = {"after", "after_uid", "skip"}
    return urlencode({key: value for key, value in request.GET.items() if key not in paging})


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


# --- Home, search and lists --------------------------------------------------------------------------


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """What the graph holds, its most connected bodies, a search box and the sources behind it."""
    counts = selectors.graph_counts()
    staff = bool(getattr(request.user, "is_staff", False))
    return render(
        request,
        "orgs/home.html",
        {
            "node_counts": presenters.node_counts_view(counts["nodes"]),
            "relationship_counts": [
                (RELATIONSHIP_TYPES[name], count) for name, count in counts["relationships"].items() if count
            ],
            "hubs": selectors.hubs(limit=10),
            "sources": selectors.node_list(label=NodeLabel.SOURCE, limit=10),
            "changes": history.recent_changes(limit=8, with_actors=staff),
            "show_actors": staff,
        },
    )


@cache_control(public=True, max_age=presenters.VOCABULARY_STYLESHEET_MAX_AGE, immutable=True)
def vocabulary_stylesheet(request: HttpRequest) -> HttpResponse:
    """The vocabulary's colours as CSS custom properties and legend swatches (its address names its version)."""
    return HttpResponse(presenters.vocabulary_stylesheet(), content_type="text/css; charset=utf-8")


def node_redirect(request: HttpRequest, uid: str) -> HttpResponse:
    """Send a link that knows only a node's uid (as the change log does) to the page of its kind."""
    node = selectors.node_summary(uid=uid)
    if node is None:
        raise Http404(f"There is nothing called '{uid}' in the graph (it may have been deleted or merged).")
    return redirect(presenters.node_url(node["label"], uid))


def _skip(request: HttpRequest) -> int:
    """Return the `skip` parameter of a search page (0 when absent); raise ValueError if it is not a whole
    number from 0 to SEARCH_MAX_OFFSET."""
    text = request.GET.get("skip", "").strip()
    return whole_number(text, low=0, high=SEARCH_MAX_OFFSET) if text else 0


@cached_page
def organization_list(request: HttpRequest) -> HttpResponse:
    """Search organizations by name, acronym or alias, or browse them by name; facets: kind, country, relationship.

    A search that asks too much, or a `skip` that is not a page of it, is answered 400 with the form and what
    is wrong with it.
    """
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind") or None
    country = request.GET.get("country") or None
    relationship_type = (
        request.GET.get("relationship_type") if request.GET.get("relationship_type") in RELATIONSHIP_TYPES else None
    )
    sort = request.GET.get("sort", "")
    sort = sort if sort in selectors.SEARCH_ORDERS else "relevance"
    errors = []
    problem = search_problem(q)
    if problem:
        errors.append(f"The search is too long: {problem}.")
    try:
        skip = _skip(request)
    except ValueError as error:
        errors.append(f"The page asked for (skip) {error}.")
        skip = 0
    rows = (
        []
        if errors
        else selectors.organization_list(
            q=q,
            kind=kind,
            country=country,
            relationship_type=relationship_type,
            after=_keyset(request),
            skip=skip,
            limit=PAGE_SIZE + 1,
            sort=sort,
        )
    )
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if q:
        base = {key: value for key, value in request.GET.items() if key != "skip"}
        deeper = has_more and skip + PAGE_SIZE <= SEARCH_MAX_OFFSET
        next_query = urlencode({**base, "skip": skip + PAGE_SIZE}) if deeper else None
    else:
        next_query = _next_page_query(request, rows[-1] if has_more else None)
    return render(
        request,
        "orgs/organization_list.html",
        {
            "errors": errors,
            "search_max_chars": SEARCH_MAX_CHARS,
            "organizations": [{**row, "kind_label": presenters.kind_label(row["kind"])} for row in rows],
            "q": q,
            "kind": kind,
            "country": country,
            "relationship_type": relationship_type,
            "sort": sort,
            "sorts": [("relevance", "Best match"), ("name", "Name"), ("relationships", "Most relationships")],
            "kinds": list(OrganizationKind),
            "countries": selectors.node_list(label=NodeLabel.COUNTRY, limit=500),
            "relationship_types": RELATIONSHIP_TYPES.values(),
            "next_query": next_query,
            "is_first_page": not skip and _keyset(request) is None,
            "first_query": _first_page_query(request),
        },
        status=400 if errors else 200,
    )


@cached_page
def node_list(request: HttpRequest, label: NodeLabel) -> HttpResponse:
    """Browse countries, events, documents or sources by name, a page at a time."""
    rows = selectors.node_list(label=label, after=_keyset(request), limit=PAGE_SIZE + 1)
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "orgs/node_list.html",
        {
            "section": NODE_KINDS[label].plural,
            "label": label,
            "rows": [
                {**row, "url": presenters.node_url(label, row["uid"]), "kind_label": presenters.kind_label(row["kind"])}
                for row in rows
            ],
            "next_query": _next_page_query(request, rows[-1] if has_more else None),
            "is_first_page": _keyset(request) is None,
            "first_query": _first_page_query(request),
        },
    )


@cached_page
def autocomplete(request: HttpRequest) -> HttpResponse:
    """Up to 8 organizations matching what is typed so far, for the path finder and the search box; 400
    naming `q` for a search that asks too much."""
    q = request.GET.get("q", "").strip()
    problem = search_problem(q)
    if problem:
        return json_answer({"q": [problem]}, status=400)
    rows = selectors.organization_list(q=q, limit=8) if q else []
    return json_answer(
        {"results": [{"uid": row["uid"], "name": row["name"], "acronym": row["acronym"]} for row in rows]}
    )


# --- One node ----------------------------------------------------------------------------------------


@cached_page
def node_detail(request: HttpRequest, uid: str, label: NodeLabel) -> HttpResponse:
    """A node's facts, its relationships as sentences with evidence, its family, timeline and drawing.

    Two graph queries whatever the number of relationships: the profile (each group capped) and the
    titles of the sources its evidence cites.
    """
    as_of = _as_of(request)
    profile = selectors.node_profile(uid=uid, as_of=as_of, per_group=RELATIONSHIPS_PER_GROUP)
    if profile is None:
        raise Http404(f"There is no {NODE_KINDS[label].noun} '{uid}' in the graph.")
    if profile["label"] != label:
        return redirect(presenters.node_url(profile["label"], uid))
    titles = selectors.source_titles(uids=presenters.evidence_sources(presenters.profile_relationships(profile)))
    return render(
        request,
        "orgs/node_detail.html",
        {
            "page": presenters.profile_view(profile, titles),
            "as_of": request.GET.get("as_of", "").strip() if as_of else "",
        },
    )


@cached_page
def node_relationships(request: HttpRequest, uid: str, relationship_type: str, direction: str) -> HttpResponse:
    """Every relationship of one type and direction of a node, a page at a time (for bodies with hundreds of them)."""
    if relationship_type not in RELATIONSHIP_TYPES or direction not in {"out", "in"}:
        raise Http404("No such group of relationships.")
    node = selectors.node_summary(uid=uid)
    if node is None:
        raise Http404(f"There is nothing called '{uid}' in the graph.")
    outgoing = direction == "out"
    relationships = selectors.node_relationships_page(
        uid=uid,
        relationship_type=relationship_type,
        outgoing=outgoing,
        after=_keyset(request),
        limit=PAGE_SIZE + 1,
        as_of=_as_of(request),
    )
    has_more = len(relationships) > PAGE_SIZE
    relationships = relationships[:PAGE_SIZE]
    titles = selectors.source_titles(uids=presenters.evidence_sources(relationships))
    last = {"name": relationships[-1]["other"]["name"], "uid": relationships[-1]["other"]["uid"]} if has_more else None
    return render(
        request,
        "orgs/node_relationships.html",
        {
            "node": node,
            "subject": presenters.display_name(node),
            "node_url": presenters.node_url(node["label"], uid),
            "heading": presenters.verb(relationship_type, outgoing).capitalize(),
            "relationships": [presenters.relationship_view(relationship, titles) for relationship in relationships],
            "next_query": _next_page_query(request, last),
            "is_first_page": _keyset(request) is None,
            "first_query": _first_page_query(request),
        },
    )


@cached_page
def source_detail(request: HttpRequest, uid: str) -> HttpResponse:
    """A source document with every fact it supports: the provenance view."""
    found = selectors.source_facts(uid=uid)
    if found is None:
        raise Http404(f"There is no source '{uid}' in the graph.")
    facts = [
        {
            **fact,
            "start_name": presenters.display_name(fact["start"]),
            "start_url": presenters.node_url(fact["start"]["label"], fact["start"]["uid"]),
            "verb": RELATIONSHIP_TYPES[fact["type"]].forward,
            "end_name": presenters.display_name(fact["end"]),
            "end_url": presenters.node_url(fact["end"]["label"], fact["end"]["uid"]),
            "period": presenters.period(fact),
        }
        for fact in found["facts"]
    ]
    return render(
        request,
        "orgs/source_detail.html",
        {
            "source": found["source"],
            "total": found["total"],
            "facts": facts,
            "facts_list": presenters.facts(NodeLabel.SOURCE, found["source"]),
        },
    )


# --- Network explorer --------------------------------------------------------------------------------


@cached_page
def explorer(request: HttpRequest, uid: str) -> HttpResponse:
    """The interactive map of a node's neighbourhood (drawn by static/js/explorer.js from the JSON below)."""
    node = selectors.node_summary(uid=uid)
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
    """A node's neighbourhood as nodes and edges, capped at `limit` (≤ 500) nodes; says when it was cut."""
    depth = _depth(request)
    try:
        limit = min(max(int(request.GET.get("limit", EXPLORER_NODE_LIMIT)), 1), EXPLORER_NODE_LIMIT)
    except ValueError:
        limit = EXPLORER_NODE_LIMIT
    labels = [label for label in request.GET.getlist("label") if label in NodeLabel.__members__.values()]
    network = selectors.neighbourhood(
        uid=uid, depth=depth, types=_types(request), labels=labels or None, as_of=_as_of(request), limit=limit
    )
    if network is None:
        return json_answer({"detail": f"There is nothing called '{uid}' in the graph."}, status=404)
    return json_answer({**presenters.network_view(network), "limit": limit, "depth": depth})


@cached_page
def explorer_groups(request: HttpRequest, uid: str) -> HttpResponse:
    """A node's relationship counts by type and direction, so the explorer can page a hub's neighbours."""
    profile = selectors.node_profile(uid=uid, per_group=0)
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
    relationships = selectors.node_relationships_page(
        uid=uid, relationship_type=relationship_type, outgoing=outgoing, after=_keyset(request), limit=PAGE_SIZE + 1
    )
    has_more = len(relationships) > PAGE_SIZE
    relationships = relationships[:PAGE_SIZE]
    last = relationships[-1]["other"] if has_more else None
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


# --- Path finder ------------------------------------------------------------------------------------


def _resolve_organization(text: str) -> dict[str, Any] | None:
    """Return the node a path finder field names: a uid, or else the best full-text match of the words."""
    if not text:
        return None
    node = selectors.node_summary(uid=text)
    if node is not None:
        return node
    found = selectors.organization_list(q=text, limit=1)
    return selectors.node_summary(uid=found[0]["uid"]) if found else None


@cached_page
def paths(request: HttpRequest) -> HttpResponse:
    """The shortest connections between two organizations, as sentences with evidence and a small drawing.

    A `from` or `to` that asks too much of the search is answered 400 with the form and what is wrong with it.
    """
    from_text, to_text = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    errors = [
        f"“{label}” is too long to search for: {problem}."
        for label, problem in (("From", search_problem(from_text)), ("To", search_problem(to_text)))
        if problem
    ]
    start = None if errors else _resolve_organization(from_text)
    end = None if errors else _resolve_organization(to_text)
    types = _types(request)
    as_of = _as_of(request)
    try:
        max_length = min(max(int(request.GET.get("max_length", 6)), 1), 10)
    except ValueError:
        max_length = 6
    found: list[dict[str, Any]] = []
    asked = bool(start and end)
    if start and end:
        found = selectors.paths_between(
            from_uid=start["uid"], to_uid=end["uid"], k=3, max_length=max_length, types=types, as_of=as_of
        )
    titles = selectors.source_titles(
        uids=presenters.evidence_sources([relationship for path in found for relationship in path["relationships"]])
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
            "paths": [presenters.path_view(path, titles) for path in found],
            "drawing": {"nodes": list(drawing_nodes.values()), "edges": list(drawing_edges.values())},
            "relationship_types": RELATIONSHIP_TYPES.values(),
            "chosen_types": types or [],
            "as_of": request.GET.get("as_of", "").strip() if as_of else "",
            "max_length": max_length,
        },
        status=400 if errors else 200,
    )
