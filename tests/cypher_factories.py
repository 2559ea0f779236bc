"""Graphs the tests write straight in Cypher, one query each, past the services' checks (or in one load through
the loader); for a graph built through the services, one node or relationship at a time, see service_factories."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from orgs.graph.connection import cypher
from orgs.importer.read import read_graph_file
from orgs.importer.upgrade import citations_to_reading_keys
from orgs.importer.write import import_graph
from orgs.validation import citation_uid, reading_key, relationship_summary
from orgs.vocabulary import CITATION_FIELDS, RELATIONSHIP_TYPES

SAMPLE_GRAPH_FILE = Path(__file__).resolve().parent / "sample_graph.yaml"


def sample_graph_data() -> dict[str, Any]:
    """Return the tests' own small graph (tests/sample_graph.yaml), parsed: what `load_sample_graph` writes."""
    return read_graph_file(SAMPLE_GRAPH_FILE)


def load_sample_graph() -> dict[str, Any]:
    """Write the tests' sample graph through the loader, in one transaction; return its parsed records, for
    tests to count on what it holds rather than on the seed's totals."""
    data = sample_graph_data()
    import_graph(copy.deepcopy(data))  # the loader may change the records it is given
    return data


def citation_node(
    relationship: dict[str, Any], citation: dict[str, Any], *, taken: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Return the stored properties of a (:Citation) of `relationship` (`uid`, `type`, `start`, `end`): every
    field of `citation` (None where not given), its uid and the relationship's keys, as the services store them."""
    uid = citation.get("uid") or citation_uid(relationship["uid"], citation, taken=taken)
    return {
        **{name: citation.get(name) for name in CITATION_FIELDS},
        "confidence": citation.get("confidence") or "stated",
        "uid": uid,
        "reading_key": reading_key(citation["source_uid"], citation.get("start"), uid),
        "relationship_uid": relationship["uid"],
        "relationship_type": relationship["type"],
        "start_uid": relationship["start"],
        "end_uid": relationship["end"],
    }


def relationship_with_citations(
    *,
    relationship_type: str,
    start_uid: str,
    end_uid: str,
    citations: list[dict[str, Any]],
    uid: str | None = None,
) -> dict[str, Any]:
    """Create a `relationship_type` relationship from `start_uid` to `end_uid` resting on `citations` (each with
    `source_uid` and `exact`, and any other citation field), stored as the services store it: (:Citation) nodes
    and the summary on the relationship. Return the relationship with its `citations` as stored."""
    relationship = {
        "uid": uid or f"{relationship_type.lower()}-{start_uid}-{end_uid}",
        "type": relationship_type,
        "start": start_uid,
        "end": end_uid,
    }
    stored: list[dict[str, Any]] = []
    for citation in citations:
        stored.append(citation_node(relationship, citation, taken=tuple(c["uid"] for c in stored)))
    cypher(
        f"""
        MATCH (a:Node {{uid: $start}}) MATCH (b:Node {{uid: $end}})
        CREATE (a)-[r:{RELATIONSHIP_TYPES[relationship_type].name}]->(b) SET r = $props
        WITH r UNWIND $citations AS citation CREATE (c:Citation) SET c = citation
        """,
        {
            "start": start_uid,
            "end": end_uid,
            "props": {"uid": relationship["uid"], "version": 1, **relationship_summary(stored)},
            "citations": stored,
        },
    )
    return {**relationship, "citations": stored}


def relationships_of(data: dict[str, Any], uid: str) -> list[dict[str, Any]]:
    """Return the relationships of the graph file `data` that start or end at `uid`."""
    return [relationship for relationship in data["relationships"] if uid in (relationship["from"], relationship["to"])]


def make_hub(*, partners: int, sources: int = 1) -> None:
    """Create the organization `hub` with `partners` members, each membership cited once by each of `sources`
    registers (`register`, `register-2`, …; each a few words of its own text), in one UNWIND query, then give the
    citations their reading keys as the upgrade does."""
    cypher(
        """
        UNWIND range(1, $sources) AS k
        CREATE (:Node:Source {uid: CASE k WHEN 1 THEN 'register' ELSE 'register-' + toString(k) END,
                              title: 'Register of members ' + toString(k)})
        WITH collect(CASE k WHEN 1 THEN 'register' ELSE 'register-' + toString(k) END) AS registers
        CREATE (hub:Node:Organization {uid: 'hub', name: 'Hub Organization',
                                       kind: 'international_organization', degree: $partners})
        WITH hub, registers UNWIND range(1, $partners) AS i
        CREATE (p:Node:Organization {uid: 'partner-' + toString(1000 + i),
                                     name: 'Partner ' + toString(1000 + i), kind: 'unit', degree: 1})
        CREATE (p)-[r:MEMBER_OF {uid: 'membership-' + toString(i), since: '2010', confidence: 'stated',
                                 source_count: $sources, source_uids: registers, version: 1}]->(hub)
        WITH p, r, i UNWIND range(1, $sources) AS k
        CREATE (:Citation {uid: 'cit-' + toString(100000000 + i) + toString(k), relationship_uid: r.uid,
                           relationship_type: 'MEMBER_OF', start_uid: p.uid, end_uid: 'hub',
                           source_uid: CASE k WHEN 1 THEN 'register' ELSE 'register-' + toString(k) END,
                           exact: 'Partner ' + toString(1000 + i) + ' joined the Hub.', confidence: 'stated',
                           since: '2010'})
        """,
        {"partners": partners, "sources": sources},
    )
    citations_to_reading_keys()


SCRIPT_NAME = "<script>window.__hostile = 'name'</script>Evil Body"
IMG_TEXT = '"><img src=x onerror="window.__hostile=\'img\'">'
JAVASCRIPT_URL = "javascript:window.__hostile='link';alert(document.domain)"


def make_hostile_graph() -> None:
    """Create `evil` (a script in its name, a javascript: website) collaborating with `plain`, cited from
    the source `evil-source` (a javascript: URL, markup in its title), written straight into the graph as
    old data or another writer could have left it, past the checks of every write path."""
    cypher(
        """
        CREATE (s:Node:Source {uid: 'evil-source', title: $img + ' report', publisher: $img, url: $url,
                               text: 'Evil Body works with Plain Body. ' + $img})
        CREATE (evil:Node:Organization {uid: 'evil', name: $script, acronym: $img, kind: 'unit', website: $url,
                                        description: $img, aliases: [$img], founded: '2001', degree: 1,
                                        search_text: 'evil body'})
        CREATE (plain:Node:Organization {uid: 'plain', name: 'Plain Body', kind: 'unit', degree: 1,
                                         website: 'https://plain.example/', search_text: 'plain body'})
        """,
        {"script": SCRIPT_NAME, "img": IMG_TEXT, "url": JAVASCRIPT_URL},
    )
    relationship_with_citations(
        relationship_type="COLLABORATES_WITH",
        start_uid="evil",
        end_uid="plain",
        uid="collaborates-with-evil",
        citations=[
            {
                "source_uid": "evil-source",
                "exact": "Plain Body. " + IMG_TEXT,
                "prefix": "Evil Body works with ",
                "start": 21,
                "end": 33 + len(IMG_TEXT),
                "since": "2005",
                "qualifier": IMG_TEXT,
            }
        ],
    )


CORROBORATING_SOURCES = {
    "report-a": "Annual report A. Alpha Agency and Beta Bureau have cooperated since 2003 on border checks.",
    "report-b": "Press release B. Since 2005 Alpha Agency works with Beta Bureau. Alpha Agency works with Gamma Group.",
    "report-c": "Review C. The cooperation of Alpha Agency with Beta Bureau continues.",
}


def quoted(source_uid: str, exact: str, **fields: Any) -> dict[str, Any]:
    """Return a citation of `exact` from one of CORROBORATING_SOURCES, anchored at its first occurrence."""
    text = CORROBORATING_SOURCES[source_uid]
    start = text.index(exact)
    return {
        "source_uid": source_uid,
        "exact": exact,
        "start": start,
        "end": start + len(exact),
        "prefix": text[max(0, start - 32) : start] or None,
        "suffix": text[start + len(exact) : start + len(exact) + 32] or None,
        **fields,
    }


def make_corroborated_graph() -> dict[str, dict[str, Any]]:
    """Create `alpha`, `beta` and `gamma` and three reports (CORROBORATING_SOURCES): Alpha collaborates with Beta
    on the word of all three (A says since 2003, B since 2005: the sources differ) and with Gamma on B's alone.
    Return the two relationships with their citations, by other end."""
    cypher(
        """
        UNWIND $sources AS source
        CREATE (:Node:Source {uid: source.uid, title: source.title, text: source.text,
                              url: 'https://reports.example/' + source.uid})
        WITH count(*) AS made
        UNWIND $bodies AS body
        CREATE (:Node:Organization {uid: body.uid, name: body.name, kind: 'unit', degree: body.degree,
                                    search_text: toLower(body.name)})
        """,
        {
            "sources": [
                {"uid": uid, "title": f"Report {uid[-1].upper()}", "text": text}
                for uid, text in CORROBORATING_SOURCES.items()
            ],
            "bodies": [
                {"uid": "alpha", "name": "Alpha Agency", "degree": 2},
                {"uid": "beta", "name": "Beta Bureau", "degree": 1},
                {"uid": "gamma", "name": "Gamma Group", "degree": 1},
            ],
        },
    )
    beta = relationship_with_citations(
        relationship_type="COLLABORATES_WITH",
        start_uid="alpha",
        end_uid="beta",
        citations=[
            quoted("report-a", "Alpha Agency and Beta Bureau have cooperated since 2003", since="2003"),
            quoted("report-b", "Since 2005 Alpha Agency works with Beta Bureau", since="2005"),
            quoted("report-c", "The cooperation of Alpha Agency with Beta Bureau continues"),
        ],
    )
    gamma = relationship_with_citations(
        relationship_type="COLLABORATES_WITH",
        start_uid="alpha",
        end_uid="gamma",
        citations=[quoted("report-b", "Alpha Agency works with Gamma Group")],
    )
    return {"beta": beta, "gamma": gamma}
