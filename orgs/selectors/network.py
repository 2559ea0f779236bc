"""Read a node's neighbourhood for the explorer and the API: the nodes within a few hops and the relationships
that reach them, capped so that a hub cannot blow up the answer."""

from __future__ import annotations

from typing import Any

from orgs.dates import valid_on_clause
from orgs.graph.connection import read_cypher
from orgs.selectors.fields import OTHER_END, RELATIONSHIP_FIELDS, sources_clause
from orgs.selectors.nodes import node_summary

# Node fields are built only for the new nodes that fit (`$room`): a country or a hub in the frontier brings more
# relationships than there is room for, and most of their other ends would be dropped.
NEIGHBOURHOOD_STEP = f"""
UNWIND $frontier AS uid
MATCH (n:Node {{uid: uid}})-[r]-(m:Node)
WHERE m <> n AND ($types IS NULL OR type(r) IN $types)
  AND ($labels IS NULL OR any(label IN labels(m) WHERE label IN $labels))
  AND {valid_on_clause("r")} AND {sources_clause("r")}
WITH r, m, startNode(r) AS a, endNode(r) AS b LIMIT $cap
WITH count(r) AS read, collect({{{RELATIONSHIP_FIELDS}, start: a.uid, end: b.uid}}) AS relationships,
     collect(DISTINCT CASE WHEN NOT m.uid IN $known THEN m END) AS found
RETURN read, relationships, size(found) > $room AS crowded, [m IN found[0..$room] | {{{OTHER_END}}}] AS nodes
"""


def neighbourhood(
    *,
    uid: str,
    depth: int = 1,
    types: list[str] | None = None,
    labels: list[str] | None = None,
    as_of: str | None = None,
    limit: int = 500,
    sources_min: int | None = None,
) -> dict[str, Any] | None:
    """Return the nodes within `depth` hops of `uid` (at most `limit`) and the relationships that reach them (those
    resting on at least `sources_min` sources, if given), each with its `source_count`.

    `{"nodes", "edges", "truncated"}`; `truncated` is True when the cap cut the neighbourhood short. One
    query per hop (at most 3 hops), each reading at most twice the room left plus 100 relationships, so a hub cannot
    blow up the answer. None if no such node.
    """
    centre = node_summary(uid=uid)
    if centre is None:
        return None
    nodes = {uid: centre}
    edges: dict[str, dict[str, Any]] = {}
    frontier, truncated = [uid], False
    for _ in range(max(1, min(depth, 3))):
        room = limit - len(nodes)
        if room <= 0 or not frontier:
            truncated = truncated or bool(frontier)
            break
        # Relationships to already-known nodes do not use up room. One row whatever the number of relationships: the
        # driver pays per record, and a country or a hub in the frontier brings thousands.
        cap = room * 2 + 100
        [step] = read_cypher(
            NEIGHBOURHOOD_STEP,
            {
                "frontier": frontier,
                "known": list(nodes),
                "room": room,
                "types": types,
                "labels": labels,
                "as_of": as_of,
                "cap": cap,
                "sources_min": sources_min,
                "sources_max": None,
            },
        )
        truncated = truncated or step["read"] >= cap or step["crowded"]
        frontier = [node["uid"] for node in step["nodes"]]
        nodes.update((node["uid"], node) for node in step["nodes"])
        for relationship in step["relationships"]:
            # Both ends known: a relationship to a node left out for lack of room is left out with it.
            if relationship["start"] in nodes and relationship["end"] in nodes:
                edges[relationship["uid"]] = relationship
    return {"nodes": list(nodes.values()), "edges": list(edges.values()), "truncated": truncated}
