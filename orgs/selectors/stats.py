"""Read the graph's statistics (the home page and the API): nodes per kind and relationships per type from the
maintained counts, and the most connected organizations."""

from __future__ import annotations

from typing import Any

from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

HUBS = """
MATCH (o:Organization) WHERE o.degree > 0
RETURN o.uid AS uid, o.name AS name, o.acronym AS acronym, o.kind AS kind, o.degree AS degree
ORDER BY o.degree DESC LIMIT $limit
"""


def graph_counts() -> dict[str, dict[str, int]]:
    """Return {"nodes": {label: count}, "relationships": {type: count}} for the whole graph, from the
    maintained counts (`orgs.graph.counts`): a few small nodes summed, whatever the graph's size."""
    counts = read_cypher(q.COUNTS)[0]
    return {
        "nodes": {label.value: counts.get(label.value, 0) for label in NodeLabel},
        "relationships": {
            relationship_type: counts.get(relationship_type, 0) for relationship_type in RELATIONSHIP_TYPES
        },
    }


def hubs(*, limit: int = 10) -> list[dict[str, Any]]:
    """Return the `limit` most connected organizations, from the maintained `degree`; equal degrees by name.

    Equal degrees are ordered here, not in the query (ArcadeDB walks the degree index only for a one-key ORDER BY),
    among twice `limit` rows: only a relationship running past that at the last place could be broken otherwise.
    """
    rows = sorted(read_cypher(HUBS, {"limit": 2 * limit}), key=lambda row: (-row["degree"], row["name"]))
    return rows[:limit]
