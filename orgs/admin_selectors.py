"""Reads the admin needs beyond its change lists: node search, a node's relationships, all relationships."""

from __future__ import annotations

from typing import Any

from orgs import cypher as q
from orgs.graph import cypher

NODES_NAMED_LIKE = f"""
MATCH (n:Node)
WHERE ($label IS NULL OR $label IN labels(n))
  AND (toLower(coalesce(n.name, n.title, '')) CONTAINS $term OR toLower(n.acronym) CONTAINS $term
       OR n.uid STARTS WITH $term)
RETURN n.uid AS uid, coalesce(n.name, n.title) AS name, n.acronym AS acronym, {q.KIND_OF_N} AS label
ORDER BY name, uid
LIMIT $limit
"""

SOURCES = "MATCH (s:Source) RETURN s.uid AS uid, s.title AS title ORDER BY s.title, s.uid"

RELATIONSHIP_FILTER = """
MATCH (a:Node)-[r]->(b:Node)
WHERE ($type IS NULL OR type(r) = $type) AND ($source IS NULL OR r.source_uid = $source)
  AND ($confidence IS NULL OR r.confidence = $confidence)
  AND ($node IS NULL OR a.uid = $node OR b.uid = $node)
"""
RELATIONSHIP_COUNT = RELATIONSHIP_FILTER + "RETURN count(r) AS count"
RELATIONSHIP_PAGE = (
    RELATIONSHIP_FILTER
    + """
RETURN type(r) AS type, properties(r) AS props, a.uid AS start, coalesce(a.name, a.title) AS start_name,
       b.uid AS end, coalesce(b.name, b.title) AS end_name
ORDER BY type, start_name, end_name
SKIP $offset LIMIT $limit
"""
)


def nodes_named_like(*, term: str, label: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Return up to `limit` nodes (of `label`, if given) whose name, acronym or uid contains `term`."""
    return cypher(NODES_NAMED_LIKE, {"term": term.strip().lower(), "label": label, "limit": limit})


def source_choices() -> list[tuple[str, str]]:
    """Return every source as (uid, title), by title."""
    return [(row["uid"], row["title"]) for row in cypher(SOURCES)]


def node_ties(*, uid: str) -> list[dict[str, Any]]:
    """Return every relationship of node `uid`: type, `outgoing`, the other end's uid and name, properties."""
    return cypher(q.TIES_OF_NODE, {"uid": uid})


def relationship_page(
    *,
    rel_type: str | None = None,
    source_uid: str | None = None,
    confidence: str | None = None,
    node_uid: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[int, list[dict[str, Any]]]:
    """Return how many relationships match the filters, and the `limit` of them from `offset`."""
    params = {"type": rel_type, "source": source_uid, "confidence": confidence, "node": node_uid}
    total = cypher(RELATIONSHIP_COUNT, params)[0]["count"]
    rows = cypher(RELATIONSHIP_PAGE, {**params, "offset": offset, "limit": limit}) if total > offset else []
    return total, rows
