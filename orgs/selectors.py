"""Reads: each function answers one question with one (or a few, bounded) parameterized graph queries.

Every query here is a named constant or built by a named function from the code's own vocabulary, so a test
can collect them all and lint them against Neo4j 5. `as_of` is a full ISO day (see `orgs.dates.as_of_day`):
relationships not yet begun or already ended on that day are left out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from orgs.dates import valid_on_clause
from orgs.graph import queries as q
from orgs.graph.arcadedb import fulltext_index_name, fulltext_pages_stably
from orgs.graph.connection import read_cypher
from orgs.search import search_words
from orgs.vocabulary import RELATIONSHIP_PROPERTIES, RELATIONSHIP_TYPES, NodeLabel

KIND_OF = "[label IN labels({0}) WHERE label <> 'Node'][0]"

# The fields a page or the API shows of the node at the other end of a relationship.
OTHER_END = (
    f"uid: m.uid, name: {q.name_of('m')}, acronym: m.acronym, kind: m.kind, "
    f"label: {q.kind_of('m')}, degree: m.degree, date: coalesce(m.start, m.date)"
)
# The fields of a relationship `r` as the pages read it (a map's entries), and as the API and files do (columns:
# the file format names the ends `from` and `to` and the source `source`).
RELATIONSHIP_FIELDS = "uid: r.uid, type: type(r), " + ", ".join(f"{name}: r.{name}" for name in RELATIONSHIP_PROPERTIES)

# --- One node with its relationships -----------------------------------------------------------------------

NODE_PROFILE = f"""
MATCH (n:Node {{uid: $uid}})
OPTIONAL MATCH (n)-[r]-(m:Node)
WHERE m <> n AND {valid_on_clause("r")}
WITH n, r, m, startNode(r) = n AS outgoing
ORDER BY {q.name_of("m")}, m.uid
WITH n, type(r) AS type, outgoing, count(r) AS total,
     collect(CASE WHEN r IS NULL THEN NULL
                  ELSE {{{RELATIONSHIP_FIELDS}, outgoing: outgoing, other: {{{OTHER_END}}}}} END) AS relationships
RETURN properties(n) AS node, {q.kind_of("n")} AS label,
       collect(CASE WHEN type IS NULL THEN NULL
               ELSE {{type: type, outgoing: outgoing, total: total,
                      relationships: relationships[0..$per_group]}} END) AS groups
"""


def node_profile(*, uid: str, as_of: str | None = None, per_group: int = 25) -> dict[str, Any] | None:
    """Return a node with its relationships grouped by type and direction, or None if there is no such node.

    One query, whatever the number of relationships: `{"node", "label", "groups"}` where each group is
    `{"type", "outgoing", "total", "relationships"}` and holds at most `per_group` relationships (ordered by the
    other end's name); each relationship carries its period, footing, evidence and `other` end. `search_text` is left
    out.
    """
    rows = read_cypher(NODE_PROFILE, {"uid": uid, "as_of": as_of, "per_group": per_group})
    if not rows:
        return None
    row = rows[0]
    row["node"].pop("search_text", None)
    row["groups"].sort(key=lambda group: (group["type"], not group["outgoing"]))
    return row


def node_relationships_page_query(relationship_type: str) -> str:
    """Return the query for one page of a node's `relationship_type` relationships in one direction, keyset on (name,
    uid)."""
    type_name = RELATIONSHIP_TYPES[relationship_type].name
    return f"""
MATCH (n:Node {{uid: $uid}})-[r:{type_name}]-(m:Node)
WHERE (startNode(r) = n) = $outgoing AND m <> n AND {valid_on_clause("r")}
  AND ($after_name IS NULL OR {q.name_of("m")} > $after_name
       OR ({q.name_of("m")} = $after_name AND m.uid > $after_uid))
WITH r, m ORDER BY {q.name_of("m")}, m.uid LIMIT $limit
RETURN {{{RELATIONSHIP_FIELDS}, outgoing: $outgoing, other: {{{OTHER_END}}}}} AS relationship
"""


def node_relationships_page(
    *,
    uid: str,
    relationship_type: str,
    outgoing: bool,
    after: tuple[str, str] | None = None,
    limit: int = 50,
    as_of: str | None = None,
) -> list[dict[str, Any]]:
    """Return up to `limit` of node `uid`'s `relationship_type` relationships in one direction, after the (name, uid)
    `after`."""
    after_name, after_uid = after or (None, None)
    rows = read_cypher(
        node_relationships_page_query(relationship_type),
        {
            "uid": uid,
            "outgoing": outgoing,
            "after_name": after_name,
            "after_uid": after_uid,
            "limit": limit,
            "as_of": as_of,
        },
    )
    return [row["relationship"] for row in rows]


SOURCE_TITLES = (
    "UNWIND $uids AS uid MATCH (s:Node {uid: uid}) WHERE s:Source RETURN s.uid AS uid, s.title AS title, s.url AS url"
)


def source_titles(*, uids: list[str]) -> dict[str, dict[str, Any]]:
    """Return {uid: {"uid", "title", "url"}} for the sources among `uids`."""
    return {row["uid"]: row for row in read_cypher(SOURCE_TITLES, {"uids": sorted(set(uids))})} if uids else {}


SOURCE_FACTS = f"""
MATCH (s:Node {{uid: $uid}}) WHERE s:Source
OPTIONAL MATCH (a:Node)-[r]->(m:Node) WHERE r.source_uid = s.uid
WITH s, a, r, m ORDER BY {q.name_of("a")}, type(r), {q.name_of("m")}
WITH s, count(r) AS total,
     collect(CASE WHEN r IS NULL THEN NULL ELSE {{{RELATIONSHIP_FIELDS},
       start: {{uid: a.uid, name: {q.name_of("a")}, acronym: a.acronym,
                label: {q.kind_of("a")}}},
       end: {{{OTHER_END}}}}} END) AS facts
RETURN properties(s) AS source, total, facts[0..$limit] AS facts
"""


def source_facts(*, uid: str, limit: int = 1000) -> dict[str, Any] | None:
    """Return a source with every relationship it is the evidence for (the provenance view), or None.

    One query: `{"source", "total", "facts"}`; `facts` holds at most `limit` relationships ordered by their start
    node's name, each with its `start` and `end` nodes.
    """
    rows = read_cypher(SOURCE_FACTS, {"uid": uid, "limit": limit})
    return rows[0] if rows else None


# --- Lists and search -----------------------------------------------------------------------------------


def fulltext_query(text: str) -> str:
    """Return the full-text query for what a person typed: every word required, each as a prefix.

    Raise ValueError for a search that asks too much (`orgs.search.search_problem`: the views check first).
    """
    return " ".join(f"+{word}*" for word in search_words(text))


# Organization names are unique, so the name orders every equal score (no need to read each match's uid too). Among
# equal
# scores the shorter search text ranks first, as a length norm would: on Neo4j every prefix match scores the same,
# and "interp" should find INTERPOL before an inter-parliamentary assembly. On the embedded server an unfiltered
# search by relevance needs no sort at all (see organization_list_query).
SEARCH_ORDERS = {
    "relevance": "score DESC, size(o.search_text), o.name",
    "name": "o.name",
    "relationships": "o.degree DESC, o.name",
}
AS_OF_CLAUSE = valid_on_clause("o", begins="founded", ends="dissolved")  # bodies founded and not yet dissolved


def organization_list_query(
    *,
    searching: bool,
    sort: str = "relevance",
    by_kind: bool = True,
    by_country: bool = True,
    by_relationship_type: bool = True,
    by_as_of: bool = True,
    keyset: bool = True,
    descending: bool = False,
    window: bool = False,
    index_pages: bool = True,
) -> str:
    """Return the organization list query: full-text when `searching` (in `sort` order), else by name.

    Only the filters in use (`by_kind`, `by_country`, `by_relationship_type`, `by_as_of` — bodies founded by and not
    dissolved before `$as_of` — and `keyset` for a page after the first) are written into the query, so an
    unfiltered list is a plain range of the name index. `window` also bounds the names from above by
    `$before_name` (below when `descending`, which lists by name from Z to A). `index_pages`: the full-text
    procedure pages an unfiltered search by relevance itself (see `orgs.graph.arcadedb.fulltext_pages_stably`); else the
    matches are sorted (`SEARCH_ORDERS`).
    """
    clauses = [
        *(["o.kind = $kind"] if by_kind else []),
        *(["EXISTS { (o)-[:LOCATED_IN]->(:Country {uid: $country}) }"] if by_country else []),
        *(["COUNT { (o)-[t]-() WHERE type(t) = $relationship_type } > 0"] if by_relationship_type else []),
        *([AS_OF_CLAUSE] if by_as_of else []),
    ]
    columns = (
        "o.uid AS uid, o.name AS name, o.acronym AS acronym, o.aliases AS aliases, o.kind AS kind, o.degree AS degree"
    )
    if searching and sort == "relevance" and not clauses and index_pages:
        # ArcadeDB's procedure returns its matches by score, equal scores in the index's own stable order, and
        # pages them itself: it stops after skip + limit instead of handing every match of a common word over
        # to a sort. Neo4j's scores every prefix match the same and, given a limit, returns equal scores in an order
        # that
        # changes with the limit: there the matches are sorted below (SEARCH_ORDERS).
        return f"""
CALL db.index.fulltext.queryNodes($index, $query, {{skip: $skip, limit: $limit}}) YIELD node, score
WITH node AS o, score
RETURN {columns}, score
"""
    if searching:
        # The index holds organizations only (see orgs.graph.queries), so no label test. Sort the matches before reading
        # their columns: a common word matches thousands of organizations.
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return f"""
CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score
WITH node AS o, score {where}
WITH o, score ORDER BY {SEARCH_ORDERS[sort]} SKIP $skip LIMIT $limit
RETURN {columns}, score ORDER BY {SEARCH_ORDERS[sort]}
"""
    after, order = ("<", " DESC") if descending else (">", "")
    if window:
        clauses.insert(0, f"o.name {'>' if descending else '<'} $before_name")
    if keyset:
        # The bound stands alone (not only inside the OR) so that the server can start the index range there.
        clauses.insert(0, f"o.name {after}= $after_name AND (o.name {after} $after_name OR o.uid {after} $after_uid)")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return f"""
MATCH (o:Organization)
{where}
RETURN {columns} ORDER BY o.name{order}, o.uid{order} LIMIT $limit
"""


def organization_list(
    *,
    q: str = "",
    kind: str | None = None,
    country: str | None = None,
    relationship_type: str | None = None,
    after: tuple[str, str] | None = None,
    skip: int = 0,
    limit: int = 50,
    sort: str = "relevance",
    as_of: str | None = None,
    descending: bool = False,
) -> list[dict[str, Any]]:
    """Return one page of organizations matching the filters.

    With `q` (name, acronym or alias; case- and accent-insensitive; words may be partial) the page is ranked
    by relevance (or by name, or most relationships first: `sort`) and paged with `skip`: equally relevant bodies come
    shortest search text first, then by name, except on the embedded server without a filter, where they come in
    its full-text index's own stable order. Without `q`, ordered by name
    and paged by the keyset `after` = (name, uid) of the last row of the previous page, which stays fast at
    any depth.
    """
    query_text = fulltext_query(q) if q else ""
    if not query_text and kind is None and country is None and relationship_type is None and as_of is None:
        return organizations_by_name(after=after, limit=limit, descending=descending)
    params = {"kind": kind, "country": country, "relationship_type": relationship_type, "limit": limit, "as_of": as_of}
    after_name, after_uid = after or (None, None)
    if query_text:
        params.update(index=fulltext_index_name(), query=query_text, skip=skip)
    else:
        params.update(after_name=after_name, after_uid=after_uid)
    query = organization_list_query(
        searching=bool(query_text),
        sort=sort,
        by_kind=kind is not None,
        by_country=country is not None,
        by_relationship_type=relationship_type is not None,
        by_as_of=as_of is not None,
        keyset=after is not None,
        descending=descending,
        index_pages=bool(query_text) and fulltext_pages_stably(),
    )
    return read_cypher(query, params)


ORGANIZATION_COUNT = "MATCH (o:Organization) RETURN count(o) AS total"
ORGANIZATION_NAME_SAMPLE = "MATCH (o:Organization) WHERE rand() < $share RETURN collect(o.name) AS names"
NAME_WINDOW = 250  # organizations between two sampled names, on average
NAME_SAMPLE_SECONDS = 600.0
_name_sample: dict[str, Any] = {"at": None, "names": []}


def organization_name_sample() -> list[str]:
    """Return about one organization name in `NAME_WINDOW`, sorted (none for a small graph); kept ten minutes.

    The names cut the name index into windows that a page reads instead of the whole index: ArcadeDB sorts
    every name in range for `ORDER BY o.name LIMIT` (it walks an index in order only for numbers). A name
    added or removed since only makes a window a little larger or smaller: pages stay exact.
    """
    now = time.monotonic()
    if _name_sample["at"] is None or now - _name_sample["at"] > NAME_SAMPLE_SECONDS:
        total = read_cypher(ORGANIZATION_COUNT)[0]["total"]
        names = []
        if total > NAME_WINDOW * 8:
            names = read_cypher(ORGANIZATION_NAME_SAMPLE, {"share": 1 / NAME_WINDOW})[0]["names"]
        _name_sample.update(at=now, names=sorted(names))
    return list(_name_sample["names"])


def organizations_by_name(
    *, after: tuple[str, str] | None = None, limit: int = 50, descending: bool = False
) -> list[dict[str, Any]]:
    """Return one page of all organizations by name (keyset `after` = (name, uid)), reading a window at a time.

    Usually one query over about `NAME_WINDOW` names, whatever the depth; the next window only when the first
    held fewer than `limit` organizations after `after`.
    """
    sample = organization_name_sample()
    if descending:
        bounds = [name for name in reversed(sample) if after is None or name < after[0]]
    else:
        bounds = [name for name in sample if after is None or name > after[0]]
    rows: list[dict[str, Any]] = []
    for before in [*bounds, None]:
        query = organization_list_query(
            searching=False,
            by_kind=False,
            by_country=False,
            by_relationship_type=False,
            by_as_of=False,
            keyset=after is not None,
            descending=descending,
            window=before is not None,
        )
        after_name, after_uid = after or (None, None)
        rows += read_cypher(
            query, {"after_name": after_name, "after_uid": after_uid, "before_name": before, "limit": limit - len(rows)}
        )
        if len(rows) >= limit or before is None:
            break
        # The next window starts at `before` itself: every uid sorts after "" (before "\uffff" from Z to A).
        after = (before, "\uffff" if descending else "")
    return rows


def node_list_query(label: str, keyset: bool = True) -> str:
    """Return the keyset-paged list query for countries, events, documents or sources, by name (a source's title).

    Names need not be unique here, so the keyset (`keyset`: a page after the first) is (name, uid); the name
    bound stands alone so that the server can start the range of the name index there.
    """
    node_label = NodeLabel(label).value
    name = f"n.{'title' if node_label == NodeLabel.SOURCE.value else 'name'}"
    return f"""
MATCH (n:{node_label})
{f"WHERE {name} >= $after_name AND ({name} > $after_name OR n.uid > $after_uid)" if keyset else ""}
RETURN n.uid AS uid, {name} AS name, n.kind AS kind, n.degree AS degree,
       coalesce(n.start, n.date) AS date, n.place AS place, n.iso_code AS iso_code, n.publisher AS publisher
ORDER BY name, uid LIMIT $limit
"""


def node_list(*, label: str, after: tuple[str, str] | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Return one page of `label` nodes ordered by name, after the (name, uid) keyset `after`."""
    after_name, after_uid = after or (None, None)
    return read_cypher(
        node_list_query(label, keyset=after is not None),
        {"after_name": after_name, "after_uid": after_uid, "limit": limit},
    )


# --- Neighbourhoods and paths ------------------------------------------------------------------------

NEIGHBOURHOOD_STEP = f"""
UNWIND $frontier AS uid
MATCH (n:Node {{uid: uid}})-[r]-(m:Node)
WHERE m <> n AND ($types IS NULL OR type(r) IN $types)
  AND ($labels IS NULL OR any(label IN labels(m) WHERE label IN $labels))
  AND {valid_on_clause("r")}
WITH r, m, startNode(r) AS a, endNode(r) AS b LIMIT $cap
RETURN count(r) AS read, collect({{{RELATIONSHIP_FIELDS}, start: a.uid, end: b.uid}}) AS relationships,
       collect({{{OTHER_END}}}) AS nodes
"""
NODE_SUMMARY = f"""
MATCH (m:Node {{uid: $uid}})
RETURN {{{OTHER_END}}} AS node
"""


def node_summary(*, uid: str) -> dict[str, Any] | None:
    """Return the short description of node `uid` (uid, name, kind, label, degree, date), or None."""
    rows = read_cypher(NODE_SUMMARY, {"uid": uid})
    return rows[0]["node"] if rows else None


def neighbourhood(
    *,
    uid: str,
    depth: int = 1,
    types: list[str] | None = None,
    labels: list[str] | None = None,
    as_of: str | None = None,
    limit: int = 500,
) -> dict[str, Any] | None:
    """Return the nodes within `depth` hops of `uid` (at most `limit`) and the relationships that reach them.

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
        # driver pays
        # per record, and a country or a hub in the frontier brings thousands.
        cap = room * 2 + 100
        [step] = read_cypher(
            NEIGHBOURHOOD_STEP, {"frontier": frontier, "types": types, "labels": labels, "as_of": as_of, "cap": cap}
        )
        truncated = truncated or step["read"] >= cap
        next_frontier = []
        for relationship, node in zip(step["relationships"], step["nodes"], strict=True):
            if node["uid"] not in nodes:
                if len(nodes) >= limit:
                    truncated = True
                    continue
                nodes[node["uid"]] = node
                next_frontier.append(node["uid"])
            edges[relationship["uid"]] = relationship
        frontier = next_frontier
    return {"nodes": list(nodes.values()), "edges": list(edges.values()), "truncated": truncated}


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


def shortest_path_query(max_length: int, relationship_types: list[str]) -> str:
    """Return the query for one shortest path of at most `max_length` (1–10) hops over `relationship_types` (all if
    empty).

    One row, `{"nodes", "relationships"}` from `$from` to `$to` with the nodes' summaries and the relationships'
    details, both ends' `degree`s, and `valid`: whether every relationship holds on `$as_of`; no row when there is no
    such path.
    Types are written into the pattern rather than tested in a WHERE: both servers then search only those
    relationships.
    """
    hops = max(1, min(int(max_length), 10))
    return f"""
MATCH (a:Node {{uid: $from}})
MATCH (b:Node {{uid: $to}})
MATCH p = shortestPath((a)-[{types_pattern(relationship_types)}*..{hops}]-(b))
RETURN {PATH_DETAILS}, a.degree AS from_degree, b.degree AS to_degree,
       all(r IN relationships(p) WHERE {valid_on_clause("r")}) AS valid
"""


def shortest_path_detours_query(max_length: int, relationship_types: list[str]) -> str:
    """Return the query for other shortest paths of exactly `max_length` + 1 hops, one per first relationship of
    `$from`.

    For each of the first `$cap` relationships of `$from` (over `relationship_types`, all if empty) whose other end is
    not `$to`,
    the shortest path from that other end to `$to` is kept when it has `max_length` hops: relationship and path then
    make
    a shortest path from `$from`. At most `$k` rows, each `{"nodes", "relationships"}` like `shortest_path_query`'s.
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
       all(r IN path_relationships WHERE {valid_on_clause("r")}) AS valid
"""


def direct_relationships_query(relationship_types: list[str]) -> str:
    """Return the query for up to `$k` relationships straight between `$from` and `$to` (one-hop paths) over
    `relationship_types`."""
    return f"""
MATCH (a:Node {{uid: $from}})-[r{types_pattern(relationship_types)}]-(b:Node {{uid: $to}})
WITH a, r, b LIMIT $k
RETURN {path_details("[a, b]", "[r]")}, {valid_on_clause("r")} AS valid
"""


def paths_query(max_length: int) -> str:
    """Return the all-shortest-paths query for paths of at most `max_length` (1–10) hops, filtered by `$as_of`.

    Used only when no shortest path found without the date holds on `$as_of`: a relationship's dates cannot be written
    into a pattern, and a WHERE on a `shortestPath` is applied after the search on ArcadeDB (so it would miss
    longer valid paths).
    """
    hops = max(1, min(int(max_length), 10))
    return f"""
MATCH (a:Node {{uid: $from}})
MATCH (b:Node {{uid: $to}})
MATCH p = allShortestPaths((a)-[*..{hops}]-(b))
WHERE all(r IN relationships(p) WHERE ($types IS NULL OR type(r) IN $types) AND {valid_on_clause("r")})
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
) -> list[dict[str, Any]]:
    """Return up to `k` shortest paths between two nodes, each `{"nodes", "relationships"}` in order from `from_uid`.

    Without `as_of`, at most three bounded queries: one shortest path (which gives the length), then, for
    more than one, the shortest paths that leave the less connected end by each of its first
    `PATH_DETOURS_CAP` relationships, and if that gave fewer than `k`, the same from the other end. Paths that differ
    only in their middle relationships, or only by a relationship beyond the cap, may be missed: fewer than `k` can come
    back
    although more exist.
    With `as_of`, the same, keeping the paths whose relationships all hold on that day (a path that holds cannot be
    shorter); if none does, one more all-shortest-paths query filtered by the date (slow: ArcadeDB enumerates
    every shortest path, ~0.3 s at 100k/500k).
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
    rows = read_cypher(
        shortest_path_query(max_length, relationship_types), {"from": from_uid, "to": to_uid, "as_of": as_of}
    )
    if not rows:
        return []  # no path at all, so none whose relationships all hold on `as_of`
    keep(rows)
    length = len(rows[0]["relationships"])
    # Leave by the less connected end first; try the other end only if that did not give k paths.
    ends = [(from_uid, to_uid, False), (to_uid, from_uid, True)]
    if (rows[0]["to_degree"] or 0) < (rows[0]["from_degree"] or 0):
        ends.reverse()
    for start, end, reverse in ends:
        if len(distinct) >= k:
            break
        params = {"from": start, "to": end, "k": k + 1, "cap": PATH_DETOURS_CAP, "as_of": as_of}
        query = (
            direct_relationships_query(relationship_types)
            if length == 1
            else shortest_path_detours_query(length - 1, relationship_types)
        )
        keep(read_cypher(query, params), reverse=reverse)
    if as_of is not None and not distinct:
        # The shortest paths found do not hold on that day: a valid one may be longer. Ask for more than k:
        # ArcadeDB can return one path several times.
        keep(
            read_cypher(
                paths_query(max_length), {"from": from_uid, "to": to_uid, "k": k * 4, "types": types, "as_of": as_of}
            )
        )
    return list(distinct.values())[:k]


# --- Statistics ------------------------------------------------------------------------------------------


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
    among
    twice `limit` rows: only a relationship running past that at the last place could be broken otherwise.
    """
    rows = sorted(read_cypher(HUBS, {"limit": 2 * limit}), key=lambda row: (-row["degree"], row["name"]))
    return rows[:limit]


# --- For the API (issue 4): node kinds, relationship lists, exports ---------------------------------------

NODE_LABELS = f"UNWIND $uids AS uid MATCH (n:Node {{uid: uid}}) RETURN n.uid AS uid, {q.kind_of('n')} AS label"


def node_labels(*, uids: list[str]) -> dict[str, str]:
    """Return {uid: label} for the nodes among `uids` that exist."""
    if not uids:
        return {}
    return {row["uid"]: row["label"] for row in read_cypher(NODE_LABELS, {"uids": sorted(set(uids))})}


def node_fate(*, uid: str) -> dict[str, Any] | None:
    """Return what became of a uid no node has: `{"merged_into": uid}`, `{"deleted": label}`, or None."""
    survivor = read_cypher(q.SURVIVOR_OF, {"uid": uid})
    if survivor:
        return {"merged_into": survivor[0]["uid"]}
    tombstone = read_cypher(q.TOMBSTONE_BY_UID, {"uid": uid})
    if tombstone:
        return {"deleted": tombstone[0]["props"]["label"], "deleted_at": tombstone[0]["props"]["deleted_at"]}
    return None


# A relationship as Python names it (`orgs.vocabulary.RELATIONSHIP_PUBLIC_NAMES` gives the API's and the files' names).
RELATIONSHIP_ROW = "r.uid AS uid, type(r) AS type, a.uid AS start, b.uid AS end, " + ", ".join(
    f"r.{name} AS {name}" for name in RELATIONSHIP_PROPERTIES
)
RELATIONSHIP_ROW_FIELDS = ("uid", "type", "start", "end", *RELATIONSHIP_PROPERTIES)


RELATIONSHIP_FILTERS = f"""
  ($from IS NULL OR a.uid = $from) AND ($to IS NULL OR b.uid = $to)
  AND ($source IS NULL OR r.source_uid = $source)
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
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Return one page of relationships ordered by (type, uid), after the keyset `after` = (type, uid).

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


EXPORT_BATCH = 5000  # rows per export query: each a short read (ArcadeDB sorts what is left of a kind or type for
# each page, so fewer, larger pages export faster), and the app holds one page at a time


def export_nodes_page_query(label: str) -> str:
    """Return the properties of up to `$limit` `label` nodes whose uid sorts after `$after`, ordered by uid."""
    return (
        f"MATCH (n:{NodeLabel(label).value}) WHERE n.uid > $after "
        "RETURN properties(n) AS props ORDER BY n.uid LIMIT $limit"
    )


def export_relationships_page_query(relationship_type: str) -> str:
    """Return up to `$limit` `relationship_type` relationships whose uid sorts after `$after` as export rows, by uid."""
    type_name = RELATIONSHIP_TYPES[relationship_type].name
    return (
        f"MATCH (a:Node)-[r:{type_name}]->(b:Node) WHERE r.uid > $after "
        f"RETURN {RELATIONSHIP_ROW} ORDER BY r.uid LIMIT $limit"
    )


def _keyset_pages(
    query: str, uid_of: Callable[[dict[str, Any]], str], batch: int | None
) -> Iterator[list[dict[str, Any]]]:
    """Yield the rows of `query` a page of `batch` (default EXPORT_BATCH) at a time, each page one query after
    the last uid seen."""
    batch = batch or EXPORT_BATCH
    after = ""  # every uid sorts after the empty string
    while True:
        rows = read_cypher(query, {"after": after, "limit": batch})
        if rows:
            yield rows
        if len(rows) < batch:
            return
        after = uid_of(rows[-1])


def export_node_pages(label: str, *, batch: int | None = None) -> Iterator[list[dict[str, Any]]]:
    """Yield the stored properties of every `label` node, ordered by uid, up to `batch` (default EXPORT_BATCH) at a
    time.

    Each page is its own read: a node written between two pages is in the export if its uid sorts after the
    pages already read (see docs/api.md, "Exports").
    """
    for rows in _keyset_pages(export_nodes_page_query(label), lambda row: row["props"]["uid"], batch):
        yield [row["props"] for row in rows]


def export_relationship_pages(relationship_type: str, *, batch: int | None = None) -> Iterator[list[dict[str, Any]]]:
    """Yield every `relationship_type` relationship as an export row (uid, type, start, end, its properties), ordered by
    uid, up to `batch` (default EXPORT_BATCH) at a time; each page is its own read, as in `export_node_pages`."""
    yield from _keyset_pages(export_relationships_page_query(relationship_type), lambda row: row["uid"], batch)


NODES_BY_UID = f"""
UNWIND $uids AS uid MATCH (n:Node {{uid: uid}})
RETURN {q.kind_of("n")} AS label, properties(n) AS props ORDER BY n.uid
"""


def graph_export(
    *, around: str | None = None, depth: int = 1, as_of: str | None = None, limit: int = 500
) -> dict[str, Any] | None:
    """Return the whole graph or the neighbourhood of `around`: `{"nodes": {label: [props]}, "relationships"}`.

    Node properties are as stored (derived ones included); relationship rows name their ends and source by
    uid. A neighbourhood export also holds the sources its relationships cite. None if `around` is unknown.
    The whole graph is read in keyset pages and held whole: the API streams it page by page instead
    (`orgs.api.formats.whole_graph_sections`).
    """
    nodes: dict[str, list[dict[str, Any]]] = {label.value: [] for label in NodeLabel}
    if around is None:
        for label in NodeLabel:
            nodes[label.value] = [props for page in export_node_pages(label.value) for props in page]
        relationships = [
            row
            for relationship_type in sorted(RELATIONSHIP_TYPES)
            for page in export_relationship_pages(relationship_type)
            for row in page
        ]
        return {"nodes": nodes, "relationships": relationships}
    found = neighbourhood(uid=around, depth=depth, as_of=as_of, limit=limit)
    if found is None:
        return None
    relationships = sorted(
        ({name: edge[name] for name in RELATIONSHIP_ROW_FIELDS} for edge in found["edges"]),
        key=lambda relationship: (relationship["type"], relationship["uid"]),
    )
    uids = {node["uid"] for node in found["nodes"]} | {
        relationship["source_uid"] for relationship in relationships if relationship["source_uid"]
    }
    for row in read_cypher(NODES_BY_UID, {"uids": sorted(uids)}):
        nodes[row["label"]].append(row["props"])
    return {"nodes": nodes, "relationships": relationships}
