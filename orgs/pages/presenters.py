"""Turn what the selectors return into what the pages show: sentences, links, timelines, drawings.

No queries here: every function takes selector results and returns plain data for a template or JSON.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

from orgs.dates import years_held
from orgs.validation import citation_disagreements
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, DocumentKind, EventKind, NodeLabel, OrganizationKind

KIND_LABELS = {kind.value: kind.label for kinds in (OrganizationKind, EventKind, DocumentKind) for kind in kinds}
# The facts a detail page lists for each kind of node, in order, with their headings.
FACTS = {
    NodeLabel.ORGANIZATION: [
        ("acronym", "Acronym"),
        ("aliases", "Also known as"),
        ("kind", "Kind"),
        ("founded", "Founded"),
        ("dissolved", "Dissolved"),
        ("website", "Website"),
    ],
    NodeLabel.COUNTRY: [("official_name", "Official name"), ("iso_code", "ISO code"), ("aliases", "Also known as")],
    NodeLabel.EVENT: [("kind", "Kind"), ("start", "Began"), ("end", "Ended"), ("place", "Place")],
    NodeLabel.DOCUMENT: [("kind", "Kind"), ("date", "Date")],
    NodeLabel.SOURCE: [("publisher", "Publisher"), ("published", "Published"), ("url", "Address")],
}
# Drawings on the detail page stay small; the explorer is there for more.
DRAWING_NODE_LIMIT = 60
# The vocabulary's stylesheet is named by a digest of its text, so a browser may keep it this long.
VOCABULARY_STYLESHEET_MAX_AGE = 365 * 24 * 3600
# A uid of these characters alone (as every uid the app makes) is its own quoted form: `quote` is skipped, as it
# cost more than the rest of a link for the explorer's 500 nodes.
UNQUOTED_UID = re.compile(r"[A-Za-z0-9_.~-]+")


def node_url(label: str, uid: str, *, script_prefix: str | None = None) -> str:
    """Return the address of the page of node `uid` of kind `label` (what `reverse` returns, built faster: a
    hub's page links a few hundred nodes, and `reverse` took a quarter of its time). `script_prefix`: the
    request's (`get_script_prefix()`) when the caller has read it already, for hundreds of links at once
    (reading it costs more than the rest)."""
    start = _detail_url_start(label, get_script_prefix() if script_prefix is None else script_prefix)
    if UNQUOTED_UID.fullmatch(uid):
        return start + uid + "/"
    return start + quote(uid, safe=RFC3986_SUBDELIMS + "~:@") + "/"


@cache
def _detail_url_start(label: str, script_prefix: str) -> str:
    """Return what the address of every node of kind `label` starts with, under `script_prefix`."""
    return reverse(NODE_KINDS[NodeLabel(label)].page_route, kwargs={"uid": "uid"}).removesuffix("uid/")


@cache
def vocabulary_stylesheet() -> str:
    """Return the CSS that brings the vocabulary's colours to the pages: a custom property per node kind
    (`--node-colour-Organization`) and per relationship type (`--edge-colour-MEMBER_OF`), which static/js/graph.js
    draws with, and the legend swatches painted with them (`.swatch.node-Organization`, `.swatch.edge-MEMBER_OF`)."""
    colours = [("node", str(label), kind.colour) for label, kind in NODE_KINDS.items()]
    colours += [("edge", name, relationship_type.colour) for name, relationship_type in RELATIONSHIP_TYPES.items()]
    return "".join(
        [
            ":root {\n",
            *(f"  --{part}-colour-{name}: {colour};\n" for part, name, colour in colours),
            "}\n",
            *(f".swatch.{part}-{name} {{ background: var(--{part}-colour-{name}); }}\n" for part, name, _ in colours),
        ]
    )


def vocabulary_stylesheet_url() -> str:
    """Return the address of the vocabulary's stylesheet, named by a digest of its text."""
    return _vocabulary_stylesheet_url(get_script_prefix())


@cache
def _vocabulary_stylesheet_url(script_prefix: str) -> str:
    """Return the stylesheet's address under `script_prefix` (every page's frame links it: reversed once)."""
    return f"{reverse('orgs:vocabulary-css')}?v={_vocabulary_stylesheet_digest()}"


@cache
def _vocabulary_stylesheet_digest() -> str:
    return hashlib.sha256(vocabulary_stylesheet().encode()).hexdigest()[:16]


def node_kind_links() -> tuple[dict[str, str], ...]:
    """Return each kind's plural title and list address, in the vocabulary's order (the site's navigation)."""
    return _node_kind_links(get_script_prefix())


@cache
def _node_kind_links(script_prefix: str) -> tuple[dict[str, str], ...]:
    """Return the navigation's links under `script_prefix` (every page's frame shows them: reversed once)."""
    return tuple({"title": kind.title, "url": reverse(kind.list_route)} for kind in NODE_KINDS.values())


def node_counts_view(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Return the node counts per kind with each kind's plural name and list address."""
    return [
        {"plural": kind.title, "url": reverse(kind.list_route), "count": counts.get(label.value, 0)}
        for label, kind in NODE_KINDS.items()
    ]


def kind_label(kind: str | None) -> str:
    """Return how a page names a node `kind` ("regional_centre" → "Regional centre")."""
    return KIND_LABELS.get(kind or "", (kind or "").replace("_", " ").capitalize())


def display_name(node: dict[str, Any]) -> str:
    """Return the name a sentence uses for a node: its acronym when it has one, else its name or title."""
    return node.get("acronym") or node.get("name") or node.get("title") or node.get("uid", "")


def period(relationship: dict[str, Any]) -> str:
    """Return a relationship's period in words: "since 2005", "2003 – 2008", "until 2010", or ""."""
    since, until = relationship.get("since"), relationship.get("until")
    if since and until:
        return f"{since} – {until}"
    if since:
        return f"since {since}"
    if until:
        return f"until {until}"
    return ""


def verb(relationship_type: str, outgoing: bool) -> str:
    """Return how a relationship reads from the node at its start (`outgoing`) or at its end."""
    entry = RELATIONSHIP_TYPES[relationship_type]
    return entry.forward if outgoing else entry.backward


def sources_label(count: int | None) -> str:
    """Return how many sources state a relationship, in words: "1 source", "3 sources" ("" when unknown)."""
    if not count:
        return ""
    return f"{count} source{'' if count == 1 else 's'}"


def passage_url(citation: dict[str, Any]) -> str:
    """Return the address of a citation's passage: its source's page, opened at the page of its list holding it
    (`at`) and scrolled to the passage (`#cit-…`)."""
    return f"{node_url(NodeLabel.SOURCE.value, citation['source_uid'])}?at={quote(citation['uid'])}#{citation['uid']}"


def citation_view(citation: dict[str, Any]) -> dict[str, Any]:
    """Return a citation (as `orgs.selectors.citations.citations_of` gives it) ready to open in place: what its
    source says of the period and footing, and the links to its passage and source."""
    return {**citation, "period": period(citation), "passage_url": passage_url(citation)}


def relationship_view(relationship: dict[str, Any], citations: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Return a relationship (as `node_profile` or `node_relationships_page` give it) ready for a sentence with its
    citations (`citations_of`'s answer for the page): how many sources state it, and where they differ (`differ`:
    the fields on which two of them say different things)."""
    other = relationship["other"]
    cited = citations.get(relationship["uid"], [])
    return {
        **relationship,
        "verb": verb(relationship["type"], relationship["outgoing"]),
        "other_name": display_name(other),
        "other_url": node_url(other["label"], other["uid"]),
        "period": period(relationship),
        "sources": sources_label(relationship.get("source_count")),
        "citations": [citation_view(citation) for citation in cited],
        "differ": citation_disagreements(cited),
    }


def profile_relationships(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every relationship a profile holds, across its groups."""
    return [relationship for group in profile["groups"] for relationship in group["relationships"]]


def profile_view(profile: dict[str, Any], citations: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Return a node profile as its page shows it: facts, groups of sentences, family, timeline, drawing."""
    node, label = profile["node"], profile["label"]
    groups = []
    for group in profile["groups"]:
        relationship_type = RELATIONSHIP_TYPES[group["type"]]
        relationships = [relationship_view(relationship, citations) for relationship in group["relationships"]]
        groups.append(
            {
                "type": group["type"],
                "outgoing": group["outgoing"],
                "direction": "out" if group["outgoing"] else "in",
                "heading": (
                    relationship_type.forward if group["outgoing"] else relationship_type.backward
                ).capitalize(),
                "total": group["total"],
                "relationships": relationships,
                "more": group["total"] - len(relationships),
            }
        )
    return {
        "node": node,
        "label": label,
        "name": node.get("name") or node.get("title"),
        "subject": display_name(node),
        "facts": facts(label, node),
        "groups": groups,
        "total": sum(group["total"] for group in groups),
        "parents": [t for g in groups if g["type"] == "PART_OF" and g["outgoing"] for t in g["relationships"]],
        "children": [t for g in groups if g["type"] == "PART_OF" and not g["outgoing"] for t in g["relationships"]],
        "timeline": timeline(
            node, label, [relationship for group in groups for relationship in group["relationships"]]
        ),
        "drawing": drawing(node, label, [relationship for group in groups for relationship in group["relationships"]]),
    }


def facts(label: str, node: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return (heading, value) pairs of the node's facts that have a value; kinds and lists made readable."""
    shown = []
    for key, heading in FACTS[NodeLabel(label)]:
        value = node.get(key)
        if not value:
            continue
        if key == "kind":
            value = kind_label(value)
        elif isinstance(value, list):
            value = ", ".join(value)
        shown.append((heading, value))
    return shown


def timeline(node: dict[str, Any], label: str, relationships: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the node's dated moments in order: its own dates, dated relationships, and events it is tied to."""
    moments = []
    own = {"founded": "Founded", "dissolved": "Dissolved", "start": "Began", "end": "Ended", "date": "Dated"}
    for key, what in own.items():
        if node.get(key):
            moments.append({"date": node[key], "text": what, "url": None})
    for relationship in relationships:
        sentence = f"{relationship['verb']} {relationship['other_name']}"
        if relationship.get("since"):
            moments.append(
                {"date": relationship["since"], "text": f"Began: {sentence}", "url": relationship["other_url"]}
            )
        if relationship.get("until"):
            moments.append(
                {"date": relationship["until"], "text": f"Ended: {sentence}", "url": relationship["other_url"]}
            )
        other = relationship["other"]
        if other["label"] == NodeLabel.EVENT and other.get("date") and not relationship.get("since"):
            moments.append(
                {
                    "date": other["date"],
                    "text": f"{relationship['verb'].capitalize()} {other['name']}",
                    "url": relationship["other_url"],
                }
            )
    return sorted(moments, key=lambda moment: moment["date"])


def graph_node(node: dict[str, Any], *, script_prefix: str | None = None) -> dict[str, Any]:
    """Return a node as the network drawings take it (Cytoscape's `data`); `script_prefix` as for `node_url`."""
    return {
        "id": node["uid"],
        "name": node.get("name"),
        "short": display_name(node),
        "label": node.get("label"),
        "kind": kind_label(node.get("kind")),
        "degree": node.get("degree") or 0,
        "date": node.get("date"),
        "url": node_url(node["label"], node["uid"], script_prefix=script_prefix) if node.get("label") else None,
    }


def graph_edge(relationship: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    """Return a relationship as the network drawings take it, with its forward sentence, period and number of
    sources (a symmetric type's relationship is drawn without an arrow), and the first and last years for which it
    holds "as of" that year
    (`orgs.dates.years_held`: the explorer's year slider)."""
    return {
        "id": relationship["uid"],
        "source": start,
        "target": end,
        "type": relationship["type"],
        "reading": RELATIONSHIP_TYPES[relationship["type"]].forward,
        "symmetric": RELATIONSHIP_TYPES[relationship["type"]].symmetric,
        "since": relationship.get("since"),
        "until": relationship.get("until"),
        "years_held": years_held(relationship.get("since"), relationship.get("until")),
        "qualifier": relationship.get("qualifier"),
        "source_count": relationship.get("source_count") or 0,
    }


def drawing(node: dict[str, Any], label: str, relationships: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the small drawing of a detail page: the node and the other ends of (some of) its relationships."""
    nodes = {node["uid"]: graph_node({**node, "label": label})}
    edges = []
    for relationship in relationships:
        other = relationship["other"]
        if other["uid"] not in nodes:
            if len(nodes) >= DRAWING_NODE_LIMIT:
                continue
            nodes[other["uid"]] = graph_node(other)
        start, end = (node["uid"], other["uid"]) if relationship["outgoing"] else (other["uid"], node["uid"])
        edges.append(graph_edge(relationship, start, end))
    return {"nodes": list(nodes.values()), "edges": edges}


def network_view(network: dict[str, Any]) -> dict[str, Any]:
    """Return a `neighbourhood` (or path) result as the explorer's JSON: nodes and edges with links."""
    script_prefix = get_script_prefix()  # once for the hundreds of nodes of a neighbourhood
    return {
        "nodes": [graph_node(node, script_prefix=script_prefix) for node in network["nodes"]],
        "edges": [
            graph_edge(relationship, relationship["start"], relationship["end"]) for relationship in network["edges"]
        ],
        "truncated": network.get("truncated", False),
    }


def path_view(path: dict[str, Any], citations: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Return a path's steps as sentences in walking order, each with its number of sources and its citations."""
    steps = []
    for index, relationship in enumerate(path["relationships"]):
        here, there = path["nodes"][index], path["nodes"][index + 1]
        outgoing = relationship["start"] == here["uid"]
        steps.append(
            {
                **relationship_view({**relationship, "outgoing": outgoing, "other": there}, citations),
                "from_name": display_name(here),
                "from_url": node_url(here["label"], here["uid"]),
            }
        )
    return steps


def source_text_pieces(text: str, passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a source's `text` cut at the bounds of its cited `passages` (`source_passages`' answer), in order,
    for the template to escape piece by piece: `{"text"}` for words no citation quotes, and for cited words also
    `citations` (the uids of the citations quoting them, the first being the one its link opens), `id` (the
    citation starting there that the piece is the anchor of, `#cit-…`) and `anchors` (other citations starting
    there: an empty element each, so that every citation has its anchor)."""
    bounds = sorted({0, len(text)} | {bound for passage in passages for bound in (passage["start"], passage["end"])})
    starting: dict[int, list[str]] = {}
    for passage in passages:
        starting.setdefault(passage["start"], []).extend(passage["uids"])
    pieces: list[dict[str, Any]] = []
    for begin, finish in zip(bounds, bounds[1:], strict=False):
        if not 0 <= begin < finish <= len(text):
            continue
        covering = [
            uid for passage in passages if passage["start"] <= begin < passage["end"] for uid in passage["uids"]
        ]
        if not covering:
            pieces.append({"text": text[begin:finish]})
            continue
        here = starting.get(begin, [])
        pieces.append(
            {
                "text": text[begin:finish],
                "citations": covering,
                "id": here[0] if here else None,
                "anchors": here[1:],
            }
        )
    return pieces


def listed_passages(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the passages of the citations a source page lists (`source_page`'s rows), as `source_passages` gives
    them: what the page highlights when the source has too many citations to highlight them all."""
    spans: dict[tuple[int, int], list[str]] = {}
    for row in rows:
        citation = row["citation"]
        if citation.get("start") is not None:
            spans.setdefault((citation["start"], citation["end"]), []).append(citation["uid"])
    return [{"start": start, "end": end, "uids": uids} for (start, end), uids in sorted(spans.items())]


def source_citation_view(row: dict[str, Any]) -> dict[str, Any]:
    """Return a row of a source page's list (`source_page`'s) ready to show: the relationship as a sentence with its
    ends' links and its number of sources, and the citation with what it says of the period."""
    start, end = row["start"], row["end"]
    return {
        **row,
        "citation": {**row["citation"], "period": period(row["citation"])},
        "start_name": display_name(start),
        "start_url": node_url(start["label"], start["uid"]),
        "verb": RELATIONSHIP_TYPES[row["type"]].forward,
        "end_name": display_name(end),
        "end_url": node_url(end["label"], end["uid"]),
        "sources_label": sources_label(row["sources"]),
    }


def query_string(
    params: Mapping[str, str], *, keep: Collection[str] | None = None, drop: Collection[str] = (), **extra: Any
) -> str:
    """Return the query string of `params` (a request's GET) with only the names in `keep` (all if None), without
    those in `drop`, and with `extra`."""
    kept = {name: value for name, value in params.items() if (keep is None or name in keep) and name not in drop}
    return urlencode({**kept, **extra})
