"""The pages of one node: its profile, one group of its relationships a page at a time, a source's provenance
view, and the redirect from a bare uid to the page of its kind."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from orgs.pages import presenters
from orgs.pages.parameters import PAGE_SIZE, first_page_query, next_page_query, requested_as_of, requested_keyset
from orgs.response_cache import cached_page
from orgs.selectors.nodes import node_profile, node_relationships_page, node_summary
from orgs.selectors.sources import source_facts, source_titles
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel

RELATIONSHIPS_PER_GROUP = 25


def node_redirect(request: HttpRequest, uid: str) -> HttpResponse:
    """Send a link that knows only a node's uid (as the change log does) to the page of its kind."""
    node = node_summary(uid=uid)
    if node is None:
        raise Http404(f"There is nothing called '{uid}' in the graph (it may have been deleted or merged).")
    return redirect(presenters.node_url(node["label"], uid))


@cached_page
def node_detail(request: HttpRequest, uid: str, label: NodeLabel) -> HttpResponse:
    """A node's facts, its relationships as sentences with evidence, its family, timeline and drawing.

    Two graph queries whatever the number of relationships: the profile (each group capped) and the
    titles of the sources its evidence cites.
    """
    as_of = requested_as_of(request)
    profile = node_profile(uid=uid, as_of=as_of, per_group=RELATIONSHIPS_PER_GROUP)
    if profile is None:
        raise Http404(f"There is no {NODE_KINDS[label].noun} '{uid}' in the graph.")
    if profile["label"] != label:
        return redirect(presenters.node_url(profile["label"], uid))
    titles = source_titles(uids=presenters.evidence_sources(presenters.profile_relationships(profile)))
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
    node = node_summary(uid=uid)
    if node is None:
        raise Http404(f"There is nothing called '{uid}' in the graph.")
    outgoing = direction == "out"
    relationships = node_relationships_page(
        uid=uid,
        relationship_type=relationship_type,
        outgoing=outgoing,
        after=requested_keyset(request),
        limit=PAGE_SIZE + 1,
        as_of=requested_as_of(request),
    )
    has_more = len(relationships) > PAGE_SIZE
    relationships = relationships[:PAGE_SIZE]
    titles = source_titles(uids=presenters.evidence_sources(relationships))
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
            "next_query": next_page_query(request, last),
            "is_first_page": requested_keyset(request) is None,
            "first_query": first_page_query(request),
        },
    )


@cached_page
def source_detail(request: HttpRequest, uid: str) -> HttpResponse:
    """A source document with every fact it supports: the provenance view."""
    found = source_facts(uid=uid)
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
