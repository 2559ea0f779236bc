"""Read nodes: one node's profile with its relationships grouped by type and direction, a page of one group, a
node's short summary, each kind's list by name, which kind each uid is, and what became of a uid no node has."""

from __future__ import annotations

from typing import Any

from orgs.dates import valid_on_clause
from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.selectors.fields import OTHER_END, RELATIONSHIP_FIELDS, sources_clause
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

NODE_PROFILE = f"""
MATCH (n:Node {{uid: $uid}})
OPTIONAL MATCH (n)-[r]-(m:Node)
WHERE m <> n AND {valid_on_clause("r")} AND {sources_clause("r")}
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


def node_profile(
    *,
    uid: str,
    as_of: str | None = None,
    per_group: int = 25,
    sources_min: int | None = None,
    sources_max: int | None = None,
) -> dict[str, Any] | None:
    """Return a node with its relationships grouped by type and direction, or None if there is no such node.

    One query, whatever the number of relationships: `{"node", "label", "groups"}` where each group is
    `{"type", "outgoing", "total", "relationships"}` and holds at most `per_group` relationships (ordered by the
    other end's name); each relationship carries what its citations support together (period, footing,
    `source_count`) and its `other` end; its citations are `orgs.selectors.citations.citations_of`'s. Only
    relationships resting on `sources_min` to `sources_max` sources are counted and listed (either None: no
    bound). `search_text` is left out.
    """
    rows = read_cypher(
        NODE_PROFILE,
        {"uid": uid, "as_of": as_of, "per_group": per_group, "sources_min": sources_min, "sources_max": sources_max},
    )
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
WHERE (startNode(r) = n) = $outgoing AND m <> n AND {valid_on_clause("r")} AND {sources_clause("r")}
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
    sources_min: int | None = None,
    sources_max: int | None = None,
) -> list[dict[str, Any]]:
    """Return up to `limit` of node `uid`'s `relationship_type` relationships in one direction, after the (name, uid)
    `after`, resting on `sources_min` to `sources_max` sources (either None: no bound), as `node_profile` gives
    them."""
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
            "sources_min": sources_min,
            "sources_max": sources_max,
        },
    )
    return [row["relationship"] for row in rows]


NODE_SUMMARY = f"""
MATCH (m:Node {{uid: $uid}})
RETURN {{{OTHER_END}}} AS node
"""


def node_summary(*, uid: str) -> dict[str, Any] | None:
    """Return the short description of node `uid` (uid, name, kind, label, degree, date), or None."""
    rows = read_cypher(NODE_SUMMARY, {"uid": uid})
    return rows[0]["node"] if rows else None


NODE_SUMMARIES = f"""
UNWIND $uids AS uid
MATCH (m:Node {{uid: uid}})
RETURN {{{OTHER_END}}} AS node
"""


def node_summaries(*, uids: list[str]) -> dict[str, dict[str, Any]]:
    """Return {uid: short description} (as `node_summary` gives it) for the nodes among `uids` that exist, in one
    query."""
    if not uids:
        return {}
    return {row["node"]["uid"]: row["node"] for row in read_cypher(NODE_SUMMARIES, {"uids": sorted(set(uids))})}


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
