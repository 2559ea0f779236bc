"""Reads the admin needs beyond its change lists: node search, a node's relationships, all relationships."""

from __future__ import annotations

from typing import Any

from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.selectors.citations import citations_of


def nodes_named_like(*, term: str, label: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Return up to `limit` nodes (of `label`, if given) whose name, acronym or uid contains `term`."""
    return read_cypher(q.NODES_NAMED_LIKE, {"term": term.strip().lower(), "label": label, "limit": limit})


def survivor_of(*, uid: str) -> str | None:
    """Return the uid of the organization that `uid` was merged into, if it was."""
    rows = read_cypher(q.SURVIVOR_OF, {"uid": uid})
    return rows[0]["uid"] if rows else None


def source_choices() -> list[tuple[str, str]]:
    """Return every source as (uid, title), by title."""
    return [(row["uid"], row["title"]) for row in read_cypher(q.SOURCES)]


def node_relationships(*, uid: str) -> list[dict[str, Any]]:
    """Return every relationship of node `uid`: type, `outgoing`, the other end's uid and name, properties, and
    its `citations` (in reading order)."""
    relationships = read_cypher(q.RELATIONSHIPS_OF_NODE, {"uid": uid})
    cited = citations_of(relationship_uids=[relationship["props"]["uid"] for relationship in relationships])
    return [
        {**relationship, "citations": cited.get(relationship["props"]["uid"], [])} for relationship in relationships
    ]


def relationship_page(
    *,
    relationship_type: str | None = None,
    source_uid: str | None = None,
    confidence: str | None = None,
    node_uid: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[int, list[dict[str, Any]]]:
    """Return how many relationships match the filters, and the `limit` of them from `offset`."""
    params = {"type": relationship_type, "source": source_uid, "confidence": confidence, "node": node_uid}
    total = read_cypher(q.RELATIONSHIP_COUNT, params)[0]["count"]
    rows = read_cypher(q.RELATIONSHIP_PAGE, {**params, "offset": offset, "limit": limit}) if total > offset else []
    return total, rows
