"""Named, parameterized Cypher for writes and set-up. Portable Neo4j 5 Cypher: it runs on ArcadeDB too.

Labels and relationship types are never user input: they are filled in from `orgs.vocabulary` by the
functions below, and every value is a `$parameter`.
"""

from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel


def node_label(label: str) -> str:
    """Return `label` if the vocabulary knows it, so it can be placed in a query's text."""
    return NodeLabel(label).value


def rel_type(name: str) -> str:
    """Return `name` if the vocabulary knows it, so it can be placed in a query's text."""
    if name not in RELATIONSHIP_TYPES:
        raise ValueError(f"unknown relationship type {name!r}")
    return name


def merge_nodes(label: str) -> str:
    """Create or update nodes of `label` from `$rows` of {uid, props}; return how many."""
    return (
        f"UNWIND $rows AS row MERGE (n:Node:{node_label(label)} {{uid: row.uid}}) "
        "SET n += row.props RETURN count(n) AS written"
    )


def merge_ties(rel: str, start_label: str, end_label: str) -> str:
    """Create or update `rel` relationships from `$rows` of {start, end, uid, props}; return how many."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:Node:{node_label(start_label)} {{uid: row.start}}) "
        f"MATCH (b:Node:{node_label(end_label)} {{uid: row.end}}) "
        f"MERGE (a)-[r:{rel_type(rel)}]->(b) ON CREATE SET r.uid = row.uid "
        "SET r += row.props RETURN count(r) AS written"
    )


def refresh_degrees(label: str) -> str:
    """Set `degree` to the live relationship count on the `$uids` nodes of `label`."""
    return (
        f"UNWIND $uids AS uid MATCH (n:Node:{node_label(label)} {{uid: uid}}) "
        "SET n.degree = COUNT { (n)--() } RETURN count(n) AS refreshed"
    )




# The kind of a node: its label other than `Node`.
KIND_OF_N = "[label IN labels(n) WHERE label <> 'Node'][0]"

EXISTING_UIDS = f"UNWIND $uids AS uid MATCH (n:Node {{uid: uid}}) RETURN n.uid AS uid, {KIND_OF_N} AS label"

COUNT_NODES_BY_LABEL = f"MATCH (n:Node) RETURN {KIND_OF_N} AS label, count(*) AS count ORDER BY label"
COUNT_RELATIONSHIPS_BY_TYPE = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count ORDER BY type"


def tie_uid_index(rel: str) -> str:
    """Create the range index that finds a `rel` relationship by its uid."""
    return f"CREATE INDEX tie_uid_{rel_type(rel).lower()} IF NOT EXISTS FOR ()-[r:{rel}]-() ON (r.uid)"


NODE_BY_UID = f"MATCH (n:Node {{uid: $uid}}) RETURN properties(n) AS props, {KIND_OF_N} AS label"
NAME_TAKEN = (
    "MATCH (n:Node {name: $name}) WHERE n.uid <> $uid AND $label IN labels(n) RETURN n.uid AS uid LIMIT 1"
)
TOMBSTONE_BY_UID = "MATCH (t:DeletedNode {uid: $uid}) RETURN properties(t) AS props"
SURVIVOR_OF = "MATCH (n:Organization) WHERE $uid IN n.former_uids RETURN n.uid AS uid LIMIT 1"


def create_node(label: str) -> str:
    """Create one `label` node from `$uid` and `$props`; return its properties."""
    return f"CREATE (n:Node:{node_label(label)} {{uid: $uid}}) SET n += $props RETURN properties(n) AS props"


def update_node(label: str) -> str:
    """Set `$props` on the `label` node `$uid`; return its properties, or no row if there is none."""
    return f"MATCH (n:Node:{node_label(label)} {{uid: $uid}}) SET n += $props RETURN properties(n) AS props"


# Delete a node with its relationships, leave a tombstone (so its URL answers 410), refresh neighbours' degree.
DELETE_NODE = """
MATCH (n:Node {uid: $uid})
OPTIONAL MATCH (n)--(m:Node) WHERE m <> n
WITH n, collect(DISTINCT m) AS neighbours
CREATE (:DeletedNode {uid: n.uid, name: n.name, label: $label, deleted_at: $deleted_at})
DETACH DELETE n
WITH neighbours
UNWIND neighbours AS m
SET m.degree = COUNT { (m)--() }
RETURN count(m) AS refreshed
"""


def find_tie(rel: str) -> str:
    """Return the `rel` relationship from `$start` to `$end` (either way when `$both_ways`), if any."""
    return (
        f"MATCH (a:Node {{uid: $start}})-[r:{rel_type(rel)}]-(b:Node {{uid: $end}}) "
        "WHERE startNode(r) = a OR $both_ways RETURN r.uid AS uid LIMIT 1"
    )


def create_tie(rel: str) -> str:
    """Create one `rel` relationship from `$start` to `$end` with `$props`; refresh both ends' degree."""
    return (
        f"MATCH (a:Node {{uid: $start}}) MATCH (b:Node {{uid: $end}}) "
        f"CREATE (a)-[r:{rel_type(rel)}]->(b) SET r += $props "
        "SET a.degree = COUNT { (a)--() }, b.degree = COUNT { (b)--() } "
        "RETURN properties(r) AS props"
    )


def tie_by_uid(rel: str) -> str:
    """Return the `rel` relationship `$uid` with its ends' uids and kinds."""
    return (
        f"MATCH (a:Node)-[r:{rel_type(rel)} {{uid: $uid}}]->(b:Node) "
        "RETURN properties(r) AS props, a.uid AS start, b.uid AS end, "
        "[l IN labels(a) WHERE l <> 'Node'][0] AS start_label, [l IN labels(b) WHERE l <> 'Node'][0] AS end_label"
    )


def update_tie(rel: str) -> str:
    """Set `$props` on the `rel` relationship `$uid`; return its properties."""
    return f"MATCH ()-[r:{rel_type(rel)} {{uid: $uid}}]->() SET r += $props RETURN properties(r) AS props"


def delete_tie(rel: str) -> str:
    """Delete the `rel` relationship `$uid` and refresh both ends' degree; return how many were deleted."""
    return (
        f"MATCH (a:Node)-[r:{rel_type(rel)} {{uid: $uid}}]->(b:Node) DELETE r "
        "WITH a, b SET a.degree = COUNT { (a)--() }, b.degree = COUNT { (b)--() } RETURN count(*) AS deleted"
    )


def unique_constraint(label: str, prop: str) -> str:
    """Create the uniqueness constraint on `label`.`prop` unless it exists (neomodel's own DDL is not idempotent
    on ArcadeDB)."""
    return f"CREATE CONSTRAINT {label.lower()}_{prop}_unique IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"


def range_index(label: str, prop: str) -> str:
    """Create the range index on `label`.`prop` unless it exists."""
    return f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"


# --- Merging two organizations ---------------------------------------------------------------------------

# Every relationship of `$uid`, either way: its type, whether it starts at the node, and the other end.
TIES_OF_NODE = """
MATCH (n:Node {uid: $uid})-[r]-(o:Node)
RETURN type(r) AS type, startNode(r) = n AS outgoing, o.uid AS other,
       coalesce(o.name, o.title, o.uid) AS other_name, properties(r) AS props
ORDER BY type, other
"""

REFRESH_DEGREES_OF_UIDS = (
    "UNWIND $uids AS uid MATCH (n:Node {uid: uid}) "
    "SET n.degree = COUNT { (n)--() } RETURN count(n) AS refreshed"
)

# Remove a merged-away organization (no tombstone: its uid lives on in the survivor's former_uids).
DELETE_MERGED_ORGANIZATION = "MATCH (n:Organization {uid: $uid}) DETACH DELETE n RETURN count(*) AS deleted"


def copy_ties(rel: str, *, outgoing: bool) -> str:
    """Create `rel` relationships between `$node` and each `$rows` {other, props}: from `$node` when
    `outgoing`, towards it otherwise."""
    pattern = f"(n)-[r:{rel_type(rel)}]->(o)" if outgoing else f"(o)-[r:{rel_type(rel)}]->(n)"
    return (
        "MATCH (n:Node {uid: $node}) UNWIND $rows AS row MATCH (o:Node {uid: row.other}) "
        f"CREATE {pattern} SET r += row.props RETURN count(r) AS created"
    )
