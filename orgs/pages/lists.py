"""The home page, the organization search and each kind's list by name, autocomplete, and the vocabulary's
stylesheet: each view reads its parameters, calls selectors, renders."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from orgs import history
from orgs.pages import presenters
from orgs.pages.parameters import (
    PAGE_SIZE,
    first_page_query,
    json_answer,
    next_page_query,
    redirect_renamed_parameters,
    requested_keyset,
)
from orgs.response_cache import cached_page
from orgs.search import SEARCH_MAX_CHARS, SEARCH_MAX_OFFSET, search_problem

# The selectors' modules rather than their functions: the organization and node lists share their views' names.
from orgs.selectors import nodes, organizations, stats
from orgs.validation import whole_number
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel, OrganizationKind


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    """What the graph holds, its most connected bodies, a search box and the sources behind it."""
    counts = stats.graph_counts()
    staff = bool(getattr(request.user, "is_staff", False))
    return render(
        request,
        "orgs/home.html",
        {
            "node_counts": presenters.node_counts_view(counts["nodes"]),
            "relationship_counts": [
                (RELATIONSHIP_TYPES[name], count) for name, count in counts["relationships"].items() if count
            ],
            "hubs": stats.hubs(limit=10),
            "sources": nodes.node_list(label=NodeLabel.SOURCE, limit=10),
            "changes": history.recent_changes(limit=8, with_actors=staff),
            "show_actors": staff,
        },
    )


@cache_control(public=True, max_age=presenters.VOCABULARY_STYLESHEET_MAX_AGE, immutable=True)
def vocabulary_stylesheet(request: HttpRequest) -> HttpResponse:
    """The vocabulary's colours as CSS custom properties and legend swatches (its address names its version)."""
    return HttpResponse(presenters.vocabulary_stylesheet(), content_type="text/css; charset=utf-8")


def _skip(request: HttpRequest) -> int:
    """Return the `skip` parameter of a search page (0 when absent); raise ValueError if it is not a whole
    number from 0 to SEARCH_MAX_OFFSET."""
    text = request.GET.get("skip", "").strip()
    return whole_number(text, low=0, high=SEARCH_MAX_OFFSET) if text else 0


@cached_page
def organization_list(request: HttpRequest) -> HttpResponse:
    """Search organizations by name, acronym or alias, or browse them by name; facets: kind, country, relationship,
    and a relationship resting on a single source (`single_source=1`).

    A search that asks too much, or a `skip` that is not a page of it, is answered 400 with the form and what
    is wrong with it. An address with the parameters' former names is redirected to today's.
    """
    if redirect := redirect_renamed_parameters(request):
        return redirect
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind") or None
    country = request.GET.get("country") or None
    relationship_type = (
        request.GET.get("relationship_type") if request.GET.get("relationship_type") in RELATIONSHIP_TYPES else None
    )
    single_source = request.GET.get("single_source") == "1"
    sort = request.GET.get("sort", "")
    sort = sort if sort in organizations.SEARCH_ORDERS else "relevance"
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
        else organizations.organization_list(
            q=q,
            kind=kind,
            country=country,
            relationship_type=relationship_type,
            single_source=single_source,
            after=requested_keyset(request),
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
        next_query = next_page_query(request, rows[-1] if has_more else None)
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
            "single_source": single_source,
            "sort": sort,
            "sorts": [("relevance", "Best match"), ("name", "Name"), ("relationships", "Most relationships")],
            "kinds": list(OrganizationKind),
            "countries": nodes.node_list(label=NodeLabel.COUNTRY, limit=500),
            "relationship_types": RELATIONSHIP_TYPES.values(),
            "next_query": next_query,
            "is_first_page": not skip and requested_keyset(request) is None,
            "first_query": first_page_query(request),
        },
        status=400 if errors else 200,
    )


@cached_page
def node_list(request: HttpRequest, label: NodeLabel) -> HttpResponse:
    """Browse countries, events, documents or sources by name, a page at a time."""
    rows = nodes.node_list(label=label, after=requested_keyset(request), limit=PAGE_SIZE + 1)
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
            "next_query": next_page_query(request, rows[-1] if has_more else None),
            "is_first_page": requested_keyset(request) is None,
            "first_query": first_page_query(request),
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
    rows = organizations.organization_list(q=q, limit=8) if q else []
    return json_answer(
        {"results": [{"uid": row["uid"], "name": row["name"], "acronym": row["acronym"]} for row in rows]}
    )
