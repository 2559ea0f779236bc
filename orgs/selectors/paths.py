"""Read the shortest paths between two nodes (the path finder and the API), over some relationship types
and on an as-of day, in a few bounded queries."""

from __future__ import annotations

from typing import Any

from orgs.dates import valid_on_clause
from orgs.graph.connection import read_cypher
from orgs.selectors.fields import OTHER_END, RELATIONSHIP_FIELDS, sources_clause
from orgs.vocabulary import RELATIONSHIP_TYPES


def types_pattern(relationship_types: list[str]) -> str:
    """Return the relationship-type part of a pattern (":A|B") for `relationship_types` from the vocabulary, or ""."""
    return (
        ":" + "|".join(RELATIONSHIP_TYPES[relationship_type].name for relationship_type in sorted(relationship_types))
        if relationship_types
        else ""
    )


def path_details(nodes: str, relationships: str) -> str:
    """Return the `nodes` and `relationships` columns of a path, from Cypher lists of its nodes and of its relationships
    in order."""
    return (
        f"[m IN {nodes} | {{{OTHER_END}}}] AS nodes, "
        f"[r IN {relationships} | {{{RELATIONSHIP_FIELDS}, start: startNode(r).uid, end: endNode(r).uid}}] "
        "AS relationships"
    )


PATH_DETAILS = path_details("nodes(p)", "relationships(p)")


def holds_clause(variable: str) -> str:
    """Return Cypher that is true when relationship `variable` may be a hop of a path asked for: it holds on
    `$as_of` and rests on at least `$sources_min` sources (either null: any)."""
    return f"{valid_on_clause(variable)} AND {sources_clause(variable)}"


def shortest_path_query(max_length: int, relationship_types: list[str]) -> str:
    """Return the query for one shortest path of at most `max_length` (1–10) hops over `relationship_types` (all if
    empty).

    One row, `{"nodes", "relationships"}` from `$from` to `$to` with the nodes' summaries and the relationships'
    details, both ends' `degree`s, and `valid`: whether every relationship holds on `$as_of`; no row when there is no
    such path. Types are written into the pattern rather than tested in a WHERE: both servers then search only those
    relationships.
    """
    hops = max(1, min(int(max_length), 10))
    return f"""
MATCH (a:Node {{uid: $from}})
MATCH (b:Node {{uid: $to}})
MATCH p = shortestPath((a)-[{types_pattern(relationship_types)}*..{hops}]-(b))
RETURN {PATH_DETAILS}, a.degree AS from_degree, b.degree AS to_degree,
       all(r IN relationships(p) WHERE {holds_clause("r")}) AS valid
"""


def shortest_path_detours_query(max_length: int, relationship_types: list[str]) -> str:
    """Return the query for other shortest paths of exactly `max_length` + 1 hops, one per first relationship of
    `$from`.

    For each of the first `$cap` relationships of `$from` (over `relationship_types`, all if empty) whose other end is
    not `$to`, the shortest path from that other end to `$to` is kept when it has `max_length` hops: relationship and
    path then make a shortest path from `$from`. At most `$k` rows, each `{"nodes", "relationships"}` like
    `shortest_path_query`'s.
    """
    hops = max(1, min(int(max_length), 10))
    types = types_pattern(relationship_types)
    return f"""
MATCH (a:Node {{uid: $from}})-[first{types}]-(x:Node)
WHERE x.uid <> $to AND x <> a
WITH a, first, x LIMIT $cap
MATCH (b:Node {{uid: $to}})
MATCH rest = shortestPath((x)-[{types}*..{hops}]-(b))
WITH a, first, rest WHERE length(rest) = {hops}
WITH [a] + nodes(rest) AS path_nodes, [first] + relationships(rest) AS path_relationships LIMIT $k
RETURN {path_details("path_nodes", "path_relationships")},
       all(r IN path_relationships WHERE {holds_clause("r")}) AS valid
"""


def direct_relationships_query(relationship_types: list[str]) -> str:
    """Return the query for up to `$k` relationships straight between `$from` and `$to` (one-hop paths) over
    `relationship_types`."""
    return f"""
MATCH (a:Node {{uid: $from}})-[r{types_pattern(relationship_types)}]-(b:Node {{uid: $to}})
WITH a, r, b LIMIT $k
RETURN {path_details("[a, b]", "[r]")}, {holds_clause("r")} AS valid
"""


def paths_query(max_length: int) -> str:
    """Return the all-shortest-paths query for paths of at most `max_length` (1–10) hops, filtered by `$as_of` and
    `$sources_min` (`holds_clause`).

    Used only when no shortest path found without them holds: a relationship's dates and sources cannot be written
    into a pattern, and a WHERE on a `shortestPath` is applied after the search on ArcadeDB (so it would miss
    longer valid paths).
    """
    hops = max(1, min(int(max_length), 10))
    return f"""
MATCH (a:Node {{uid: $from}})
MATCH (b:Node {{uid: $to}})
MATCH p = allShortestPaths((a)-[*..{hops}]-(b))
WHERE all(r IN relationships(p) WHERE ($types IS NULL OR type(r) IN $types) AND {holds_clause("r")})
WITH p LIMIT $k
RETURN {PATH_DETAILS}
"""


PATH_DETOURS_CAP = 40


def paths_between(
    *,
    from_uid: str,
    to_uid: str,
    k: int = 3,
    max_length: int = 6,
    types: list[str] | None = None,
    as_of: str | None = None,
    sources_min: int | None = None,
) -> list[dict[str, Any]]:
    """Return up to `k` shortest paths between two nodes, each `{"nodes", "relationships"}` in order from `from_uid`.

    Without `as_of`, at most three bounded queries: one shortest path (which gives the length), then, for
    more than one, the shortest paths that leave the less connected end by each of its first
    `PATH_DETOURS_CAP` relationships, and if that gave fewer than `k`, the same from the other end. Paths that differ
    only in their middle relationships, or only by a relationship beyond the cap, may be missed: fewer than `k` can come
    back although more exist.
    With `as_of` or `sources_min`, the same, keeping the paths whose relationships all hold on that day and each rest
    on at least `sources_min` sources (such a path cannot be shorter); if none does, one more all-shortest-paths
    query filtered by them (slow: ArcadeDB enumerates every shortest path, ~0.3 s at 100k/500k).
    """
    if from_uid == to_uid:
        return []
    distinct: dict[tuple[str, ...], dict[str, Any]] = {}

    def keep(rows: list[dict[str, Any]], *, reverse: bool = False) -> None:
        for row in rows:
            if row.get("valid") is False:
                continue
            path = (
                {"nodes": row["nodes"][::-1], "relationships": row["relationships"][::-1]}
                if reverse
                else {"nodes": row["nodes"], "relationships": row["relationships"]}
            )
            distinct.setdefault(tuple(relationship["uid"] for relationship in path["relationships"]), path)

    relationship_types = sorted(types or [])
    holds = {"as_of": as_of, "sources_min": sources_min, "sources_max": None}
    rows = read_cypher(shortest_path_query(max_length, relationship_types), {"from": from_uid, "to": to_uid, **holds})
    if not rows:
        return []  # no path at all, so none whose relationships all hold
    keep(rows)
    length = len(rows[0]["relationships"])
    # Leave by the less connected end first; try the other end only if that did not give k paths.
    ends = [(from_uid, to_uid, False), (to_uid, from_uid, True)]
    if (rows[0]["to_degree"] or 0) < (rows[0]["from_degree"] or 0):
        ends.reverse()
    for start, end, reverse in ends:
        if len(distinct) >= k:
            break
        params = {"from": start, "to": end, "k": k + 1, "cap": PATH_DETOURS_CAP, **holds}
        query = (
            direct_relationships_query(relationship_types)
            if length == 1
            else shortest_path_detours_query(length - 1, relationship_types)
        )
        keep(read_cypher(query, params), reverse=reverse)
    if (as_of is not None or sources_min is not None) and not distinct:
        # The shortest paths found do not hold: a valid one may be longer. Ask for more than k:
        # ArcadeDB can return one path several times.
        keep(
            read_cypher(paths_query(max_length), {"from": from_uid, "to": to_uid, "k": k * 4, "types": types, **holds})
        )
    return list(distinct.values())[:k]
