"""Read the API's list of relationships: one page ordered by (type, uid), around one node or across the
graph, filtered by ends, source, dates and as-of day."""

from __future__ import annotations

from typing import Any

from orgs.dates import valid_on_clause
from orgs.graph.connection import read_cypher
from orgs.selectors.fields import RELATIONSHIP_ROW, sources_clause
from orgs.vocabulary import RELATIONSHIP_TYPES

RELATIONSHIP_FILTERS = f"""
  ($from IS NULL OR a.uid = $from) AND ($to IS NULL OR b.uid = $to)
  AND ($source IS NULL OR $source IN r.source_uids) AND {sources_clause("r")}
  AND ($since_after IS NULL OR (r.since IS NOT NULL AND r.since >= $since_after))
  AND ($until_before IS NULL OR (r.until IS NOT NULL AND r.until <= $until_before))
  AND {valid_on_clause("r")}"""


def relationship_list_query(relationship_type: str) -> str:
    """Return one page of `relationship_type` relationships anywhere in the graph, keyset on uid."""
    type_name = RELATIONSHIP_TYPES[relationship_type].name
    return f"""
MATCH (a:Node)-[r:{type_name}]->(b:Node)
WHERE ($after IS NULL OR r.uid > $after) AND {RELATIONSHIP_FILTERS}
RETURN {RELATIONSHIP_ROW} ORDER BY r.uid LIMIT $limit
"""


def relationship_list_around_query(anchor: str) -> str:
    """Return one page of the relationships of one known node, keyset on (type, uid), all types at once.

    `anchor` is "from" (start is `$from`), "to" (end is `$to`) or "node" (either end is `$node`): the query
    starts from the node's uid index, so it costs the node's degree, not the graph's size.
    """
    pattern = {
        "from": "(a:Node {uid: $from})-[r]->(b:Node)",
        "to": "(a:Node)-[r]->(b:Node {uid: $to})",
        "node": "(n:Node {uid: $node})-[r]-(:Node) WITH r, startNode(r) AS a, endNode(r) AS b",
    }[anchor]
    return f"""
MATCH {pattern}
WHERE type(r) IN $types
  AND ($after_type IS NULL OR type(r) > $after_type OR (type(r) = $after_type AND r.uid > $after))
  AND {RELATIONSHIP_FILTERS}
RETURN {RELATIONSHIP_ROW} ORDER BY type, uid LIMIT $limit
"""


def relationship_list(
    *,
    types: list[str] | None = None,
    node: str | None = None,
    from_uid: str | None = None,
    to_uid: str | None = None,
    source: str | None = None,
    since_after: str | None = None,
    until_before: str | None = None,
    as_of: str | None = None,
    sources_min: int | None = None,
    sources_max: int | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Return one page of relationships ordered by (type, uid), after the keyset `after` = (type, uid); `source`:
    those one of whose citations is from that source; `sources_min`, `sources_max`: resting on that many sources.

    Around a known node (`node`, `from_uid` or `to_uid`): one query. Otherwise one query per relationship
    type from `after` on, each with LIMIT, until the page is full.
    """
    wanted = sorted(types or RELATIONSHIP_TYPES)
    after_type, after_uid = after or (None, None)
    params = {
        "from": from_uid,
        "to": to_uid,
        "node": node,
        "source": source,
        "since_after": since_after,
        "until_before": until_before,
        "as_of": as_of,
        "sources_min": sources_min,
        "sources_max": sources_max,
    }
    anchor = "from" if from_uid else "to" if to_uid else "node" if node else None
    if anchor:
        return read_cypher(
            relationship_list_around_query(anchor),
            {**params, "types": wanted, "after_type": after_type, "after": after_uid, "limit": limit},
        )
    rows: list[dict[str, Any]] = []
    for relationship_type in wanted:
        if (after_type and relationship_type < after_type) or len(rows) >= limit:
            continue
        rows += read_cypher(
            relationship_list_query(relationship_type),
            {**params, "after": after_uid if relationship_type == after_type else None, "limit": limit - len(rows)},
        )
    return rows
