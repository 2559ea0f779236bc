"""Graphs the tests write straight in Cypher, one query each, past the services' checks (or in one load through
the loader); for a graph built through the services, one node or relationship at a time, see service_factories."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from orgs.graph.connection import cypher
from orgs.importer.read import read_graph_file
from orgs.importer.write import import_graph

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


def relationships_of(data: dict[str, Any], uid: str) -> list[dict[str, Any]]:
    """Return the relationships of the graph file `data` that start or end at `uid`."""
    return [relationship for relationship in data["relationships"] if uid in (relationship["from"], relationship["to"])]


def make_hub(*, partners: int) -> None:
    """Create the organization `hub` with `partners` members, each with evidence, in one UNWIND query."""
    cypher(
        """
        CREATE (:Node:Source {uid: 'register', title: 'Register of members'})
        CREATE (hub:Node:Organization {uid: 'hub', name: 'Hub Organization',
                                       kind: 'international_organization', degree: $partners})
        WITH hub UNWIND range(1, $partners) AS i
        CREATE (p:Node:Organization {uid: 'partner-' + toString(1000 + i),
                                     name: 'Partner ' + toString(1000 + i), kind: 'unit', degree: 1})
        CREATE (p)-[:MEMBER_OF {uid: 'membership-' + toString(i), since: '2010', source_uid: 'register',
                                evidence: 'Partner ' + toString(1000 + i) + ' joined the Hub.'}]->(hub)
        """,
        {"partners": partners},
    )


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
        CREATE (evil)-[:COLLABORATES_WITH {uid: 'collaborates-with-evil', since: '2005', confidence: 'stated',
                                           qualifier: $img, source_uid: 'evil-source',
                                           evidence: 'Evil Body works with Plain Body. ' + $img}]->(plain)
        """,
        {"script": SCRIPT_NAME, "img": IMG_TEXT, "url": JAVASCRIPT_URL},
    )
