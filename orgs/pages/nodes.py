"""The pages of one node: its profile, one group of its relationships a page at a time, a source's provenance
view, and the redirect from a bare uid to the page of its kind."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from orgs.pages import presenters
from orgs.pages.parameters import (
    first_page_query,
    next_page_query,
    requested_as_of,
    requested_group_page,
    requested_keyset,
    requested_place,
    requested_sources,
)
from orgs.response_cache import cached_page
from orgs.selectors.citations import citations_of
from orgs.selectors.nodes import node_profile, node_summary
from orgs.selectors.sources import source_page, source_passages
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel

SOURCE_PAGE_SIZE = 50
SOURCE_PAGING = frozenset({"after", "after_uid", "at"})
GROUP_FILTERS = frozenset({"as_of", "sources_min", "single_source"})  # what a group's own pages keep of the node page's
SOURCE_PASSAGES_SHOWN = 2000  # passages highlighted in a source's text; beyond, only those of the listed page

RELATIONSHIPS_PER_GROUP = 25


def node_redirect(request: HttpRequest, uid: str) -> HttpResponse:
    """Send a link that knows only a node's uid (as the change log does) to the page of its kind."""
    node = node_summary(uid=uid)
    if node is None:
        raise Http404(f"There is nothing called '{uid}' in the graph (it may have been deleted or merged).")
    return redirect(presenters.node_url(node["label"], uid))


@cached_page
def node_detail(request: HttpRequest, uid: str, label: NodeLabel) -> HttpResponse:
    """A node's facts, its relationships as sentences with how many sources state them and each quote to open in
    place, its family, timeline and drawing; `single_source=1` shows only those resting on one source.

    Two graph queries whatever the number of relationships and citations: the profile (each group capped) and
    the citations of the relationships shown, with their sources' titles.
    """
    as_of = requested_as_of(request)
    sources_min, sources_max = requested_sources(request)
    profile = node_profile(
        uid=uid,
        as_of=as_of,
        per_group=RELATIONSHIPS_PER_GROUP,
        sources_min=sources_min,
        sources_max=sources_max,
    )
    if profile is None:
        raise Http404(f"There is no {NODE_KINDS[label].noun} '{uid}' in the graph.")
    if profile["label"] != label:
        return redirect(presenters.node_url(profile["label"], uid))
    citations = citations_of(
        relationship_uids=[relationship["uid"] for relationship in presenters.profile_relationships(profile)]
    )
    return render(
        request,
        "orgs/node_detail.html",
        {
            "page": presenters.profile_view(profile, citations),
            "as_of": request.GET.get("as_of", "").strip() if as_of else "",
            "single_source": sources_max == 1,
            "group_query": presenters.query_string(request.GET, keep=GROUP_FILTERS),
        },
    )


@cached_page
def node_relationships(request: HttpRequest, uid: str, relationship_type: str, direction: str) -> HttpResponse:
    """Every relationship of one type and direction of a node, a page at a time (for bodies with hundreds of them)."""
    if relationship_type not in RELATIONSHIP_TYPES or direction not in {"out", "in"}:
        raise Http404("No such group of relationships.")
    node = node_summary(uid=uid)
    if node is None:
        raise Http404(f"There is nothing called '{uid}' in the graph.")
    outgoing = direction == "out"
    sources_min, sources_max = requested_sources(request)
    relationships, last = requested_group_page(
        request,
        uid=uid,
        relationship_type=relationship_type,
        outgoing=outgoing,
        as_of=requested_as_of(request),
        sources_min=sources_min,
        sources_max=sources_max,
    )
    citations = citations_of(relationship_uids=[relationship["uid"] for relationship in relationships])
    return render(
        request,
        "orgs/node_relationships.html",
        {
            "node": node,
            "subject": presenters.display_name(node),
            "node_url": presenters.node_url(node["label"], uid),
            "heading": presenters.verb(relationship_type, outgoing).capitalize(),
            "relationships": [presenters.relationship_view(relationship, citations) for relationship in relationships],
            "next_query": next_page_query(request, last),
            "is_first_page": requested_keyset(request) is None,
            "first_query": first_page_query(request),
        },
    )


@cached_page
def source_detail(request: HttpRequest, uid: str) -> HttpResponse:
    """A source document, the provenance view: its text with every cited passage highlighted and linked to the
    citation below, and the citations quoting it with the relationships they support, 50 a page in reading order
    (`?at=<citation uid>` opens the page starting at that citation)."""
    at = request.GET.get("at") or None
    found = source_page(uid=uid, after=requested_place(request), limit=SOURCE_PAGE_SIZE, at=at)
    if found is None:
        raise Http404(f"There is no source '{uid}' in the graph.")
    text = found["source"].get("text") or ""
    passages: dict[str, Any] = (
        source_passages(uid=uid, limit=SOURCE_PASSAGES_SHOWN) if text else {"passages": [], "complete": True}
    )
    highlighted = passages["passages"] if passages["complete"] else presenters.listed_passages(found["citations"])
    after = found["next"]
    return render(
        request,
        "orgs/source_detail.html",
        {
            "source": found["source"],
            "facts_list": presenters.facts(NodeLabel.SOURCE, found["source"]),
            "pieces": presenters.source_text_pieces(text, highlighted),
            "all_passages": passages["complete"],
            "citations": [presenters.source_citation_view(row) for row in found["citations"]],
            "next_query": presenters.query_string(request.GET, drop=SOURCE_PAGING, after=after[0], after_uid=after[1])
            if after
            else None,
            "is_first_page": requested_place(request) is None and at is None,
            "first_query": presenters.query_string(request.GET, drop=SOURCE_PAGING),
        },
    )
