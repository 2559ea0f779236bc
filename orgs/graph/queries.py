"""Named, parameterized Cypher for writes and set-up. Portable Neo4j 5 Cypher: it runs on ArcadeDB too.

Labels and relationship types are never user input: they are filled in from `orgs.vocabulary` by the
functions below, and every value is a `$parameter`.
"""

import re

from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel


def node_label(label: str) -> str:
    """Return `label` if the vocabulary knows it, so it can be placed in a query's text."""
    return NodeLabel(label).value


def checked_type(name: str) -> str:
    """Return `name` if the vocabulary knows it, so it can be placed in a query's text."""
    if name not in RELATIONSHIP_TYPES:
        raise ValueError(f"unknown relationship type {name!r}")
    return name


PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def checked_name(name: str, what: str = "property") -> str:
    """Return `name` (a property or variable name, as `what` says) if it is a plain lower-case name, so it can be
    placed in a query's text."""
    if not PROPERTY_NAME.match(name):
        raise ValueError(f"not a {what} name: {name!r}")
    return name


def create_nodes(label: str, fields: tuple[str, ...]) -> str:
    """Create `label` nodes (none of whose uids exist) from column lists `$uid`, `$<field>`…; return one row:
    `uids` and `ids`, the created nodes' uids and element ids (valid for the rest of the transaction) in the
    same order.

    Columns instead of a list of maps: the server decodes a few long lists far faster than many small maps.
    One row instead of one per node: a single round trip back (the client pulls rows a thousand at a time).
    A null in a column leaves that property unset.
    """
    properties = ", ".join(f"{checked_name(field)}: ${field}[i]" for field in fields)
    return (
        f"UNWIND range(0, size($uid) - 1) AS i "
        f"CREATE (n:Node:{node_label(label)} {{uid: $uid[i], version: 1, {properties}}}) "
        "RETURN collect($uid[i]) AS uids, collect(elementId(n)) AS ids"
    )


# Whether `row.props` would change the node or relationship `{var}`: a null property equals a missing one.
CHANGES = (
    "any(k IN keys(row.props) WHERE NOT coalesce({var}[k] = row.props[k], {var}[k] IS NULL AND row.props[k] IS NULL))"
)

# Update existing nodes from `$rows` of {uid, props}, found through the one `Node(uid)` index; a row that changes
# a node counts in its version (an API client holding the old ETag is then refused), an identical one does not.
UPDATE_NODES = (
    "UNWIND $rows AS row MATCH (n:Node {uid: row.uid}) "
    f"SET n.version = coalesce(n.version, 0) + CASE WHEN {CHANGES.format(var='n')} THEN 1 ELSE 0 END "
    "SET n += row.props RETURN count(n) AS written"
)


def create_relationships(relationship_type: str, fields: tuple[str, ...]) -> str:
    """Create `relationship_type` relationships from column lists: `$start`/`$end` element ids (from `create_nodes` or
    `EXISTING_UIDS` in the same transaction), `$uid` and one list per property in `fields`; return how many.

    Only for relationships that cannot exist yet (one end is new): no MERGE, and no uid lookups. The loader sends
    relationships
    with the same properties together, so no column holds nulls: the server decodes every null it is sent,
    for nothing (an edge of six properties, three of them null, took a third longer than one of three).
    """
    properties = "".join(f", {checked_name(field)}: ${field}[i]" for field in fields)
    return (
        "UNWIND range(0, size($uid) - 1) AS i "
        "MATCH (a) WHERE elementId(a) = $start[i] "
        "MATCH (b) WHERE elementId(b) = $end[i] "
        f"CREATE (a)-[r:{checked_type(relationship_type)} {{uid: $uid[i], version: 1{properties}}}]->(b) "
        "RETURN count(r) AS written"
    )


def merge_relationships(relationship_type: str) -> str:
    """Create or update `relationship_type` relationships from `$rows` of {start, end, uid, props}; return how many.

    For relationships whose two ends were already in the graph. The ends are found by uid on the `Node` label alone:
    ArcadeDB uses the `Node(uid)` index only for a single-label match.
    """
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:Node {{uid: row.start}}) "
        f"MATCH (b:Node {{uid: row.end}}) "
        f"MERGE (a)-[r:{checked_type(relationship_type)}]->(b) ON CREATE SET r.uid = row.uid "
        f"SET r.version = coalesce(r.version, 0) + CASE WHEN {CHANGES.format(var='r')} THEN 1 ELSE 0 END "
        "SET r += row.props RETURN count(r) AS written"
    )


def existing_relationships(relationship_type: str) -> str:
    """Count how many of the `$rows` ({start, end}) already have a `relationship_type` relationship (for a dry run)."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (:Node {{uid: row.start}})-[r:{checked_type(relationship_type)}]->(:Node {{uid: row.end}}) "
        "RETURN count(DISTINCT r) AS existing"
    )


def kind_of(variable: str) -> str:
    """Return the Cypher expression for the kind of node `variable`: its label other than `Node`."""
    return f"[label IN labels({checked_name(variable, 'variable')}) WHERE label <> 'Node'][0]"


def name_of(variable: str, otherwise: str | None = None) -> str:
    """Return the Cypher expression for the name of node `variable`: its name, a source's title, else the
    expression `otherwise` (if given)."""
    checked_name(variable, "variable")
    return f"coalesce({variable}.name, {variable}.title{f', {otherwise}' if otherwise else ''})"


ANY_NODE = "MATCH (n:Node) RETURN n.uid AS uid LIMIT 1"
EXISTING_UIDS = (
    f"UNWIND $uids AS uid MATCH (n:Node {{uid: uid}}) RETURN n.uid AS uid, {kind_of('n')} AS label, elementId(n) AS id"
)

COUNT_NODES_BY_LABEL = f"MATCH (n:Node) RETURN {kind_of('n')} AS label, count(*) AS count ORDER BY label"
COUNT_RELATIONSHIPS_BY_TYPE = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count ORDER BY type"


def relationship_uid_index(relationship_type: str) -> str:
    """Create the range index that finds a `relationship_type` relationship by its uid."""
    # The name is the one data directories made before already hold (an equivalent index under a new name is an error).
    name = f"tie_uid_{checked_type(relationship_type).lower()}"
    return f"CREATE INDEX {name} IF NOT EXISTS FOR ()-[r:{relationship_type}]-() ON (r.uid)"


NODE_BY_UID = f"MATCH (n:Node {{uid: $uid}}) RETURN properties(n) AS props, {kind_of('n')} AS label"
NAME_TAKEN = "MATCH (n:Node {name: $name}) WHERE n.uid <> $uid AND $label IN labels(n) RETURN n.uid AS uid LIMIT 1"
# The text of each source among `$uids` (null for a source without one): what its evidence is looked for in.
SOURCE_TEXTS = "UNWIND $uids AS uid MATCH (s:Node {uid: uid}) WHERE s:Source RETURN s.uid AS uid, s.text AS text"
TOMBSTONE_BY_UID = "MATCH (t:DeletedNode {uid: $uid}) RETURN properties(t) AS props"
SURVIVOR_OF = "MATCH (n:Organization) WHERE $uid IN n.former_uids RETURN n.uid AS uid LIMIT 1"

# --- Seeding (orgs.importer.seed): an empty graph, and what an upgrade must leave alone ---------------------

ANY_TOMBSTONE = "MATCH (t:DeletedNode) RETURN t.uid AS uid LIMIT 1"
NODES_OF_UIDS = (
    f"UNWIND $uids AS uid MATCH (n:Node {{uid: uid}}) RETURN n.uid AS uid, {kind_of('n')} AS label, "
    "properties(n) AS props"
)
TOMBSTONES_OF_UIDS = (
    "UNWIND $uids AS uid MATCH (t:DeletedNode {uid: uid}) RETURN t.uid AS uid, t.deleted_at AS deleted_at"
)
SURVIVORS_OF_UIDS = (
    "UNWIND $uids AS uid MATCH (n:Organization) WHERE uid IN n.former_uids RETURN uid, n.uid AS survivor"
)
# Which of `$uids` are merged-away organizations' former uids, with their survivor: one pass over the organizations
# however many uids are asked (the query above scans them once per uid).
FORMER_UIDS_AMONG = """
MATCH (n:Organization) WHERE n.former_uids IS NOT NULL
UNWIND n.former_uids AS uid
WITH uid, n WHERE uid IN $uids
RETURN uid, n.uid AS survivor
"""

# Which of `$uids` are spoken for: a node's, a deleted node's (its tombstone) or a merged-away one's (a survivor's
# former uid). None of them may name a new node.
UIDS_TAKEN = """
UNWIND $uids AS uid
WITH uid WHERE EXISTS { MATCH (:Node {uid: uid}) } OR EXISTS { MATCH (:DeletedNode {uid: uid}) }
      OR EXISTS { MATCH (o:Organization) WHERE uid IN o.former_uids }
RETURN uid
"""

# Take the node `$uid` for writing: the no-op SET holds its write lock on Neo4j until the transaction ends, so
# the version read here is the latest (ArcadeDB refuses the later of two commits instead; the retry reads again).
# Writing a property takes the node's write lock on Neo4j, but setting one to the value it has is no write there:
# a property set and removed at once takes it for real, so a second writer waits and then reads the first one's
# version (on ArcadeDB the write makes concurrent transactions conflict, and the retry reads it). The lock comes
# first, in a clause of its own: a SET that read `n.version` before waiting for the lock would write back the
# version it read before the other writer's commit, and the If-Match check would pass on a stale version.
NODE_FOR_WRITE = (
    "MATCH (n:Node {uid: $uid}) SET n.write_lock = true REMOVE n.write_lock "
    f"SET n.version = coalesce(n.version, 0) RETURN properties(n) AS props, {kind_of('n')} AS label"
)


def create_node(label: str) -> str:
    """Create one `label` node from `$uid` and `$props`, at version 1; return its properties."""
    return (
        f"CREATE (n:Node:{node_label(label)} {{uid: $uid, version: 1}}) SET n += $props RETURN properties(n) AS props"
    )


def update_node(label: str) -> str:
    """Set `$props` on the `label` node `$uid` and count the write in its version; return its properties, or no
    row if there is none."""
    return (
        f"MATCH (n:Node:{node_label(label)} {{uid: $uid}}) SET n += $props, n.version = coalesce(n.version, 0) + 1 "
        "RETURN properties(n) AS props"
    )


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


def find_relationship(relationship_type: str) -> str:
    """Return the uid of the `relationship_type` relationship from `$start` to `$end`, if any: either way for a
    symmetric type
    (the graph's side of `orgs.validation.relationship_orientations`)."""
    arrow = "-" if RELATIONSHIP_TYPES[checked_type(relationship_type)].symmetric else "->"
    return (
        f"MATCH (:Node {{uid: $start}})-[r:{relationship_type}]{arrow}(:Node {{uid: $end}}) RETURN r.uid AS uid LIMIT 1"
    )


def create_relationship(relationship_type: str) -> str:
    """Create one `relationship_type` relationship from `$start` to `$end` with `$props`; refresh both ends' degree."""
    return (
        f"MATCH (a:Node {{uid: $start}}) MATCH (b:Node {{uid: $end}}) "
        f"CREATE (a)-[r:{checked_type(relationship_type)}]->(b) SET r += $props, r.version = 1 "
        "SET a.degree = COUNT { (a)--() }, b.degree = COUNT { (b)--() } "
        "RETURN properties(r) AS props"
    )


def relationship_by_uid(relationship_type: str) -> str:
    """Return the `relationship_type` relationship `$uid` with its ends' uids and kinds."""
    return (
        f"MATCH (a:Node)-[r:{checked_type(relationship_type)} {{uid: $uid}}]->(b:Node) "
        f"RETURN properties(r) AS props, a.uid AS start, b.uid AS end, "
        f"{kind_of('a')} AS start_label, {kind_of('b')} AS end_label"
    )


def relationship_for_write(relationship_type: str) -> str:
    """Take the `relationship_type` relationship `$uid` for writing (as NODE_FOR_WRITE does a node); return its
    version."""
    return (
        f"MATCH ()-[r:{checked_type(relationship_type)} {{uid: $uid}}]->() "
        "SET r.write_lock = true REMOVE r.write_lock SET r.version = coalesce(r.version, 0) "  # as NODE_FOR_WRITE
        "RETURN r.version AS version"
    )


def update_relationship(relationship_type: str) -> str:
    """Set `$props` on the `relationship_type` relationship `$uid` and count the write in its version; return its
    properties."""
    return (
        f"MATCH ()-[r:{checked_type(relationship_type)} {{uid: $uid}}]->() "
        "SET r += $props, r.version = coalesce(r.version, 0) + 1 "
        "RETURN properties(r) AS props"
    )


def delete_relationship(relationship_type: str) -> str:
    """Delete the `relationship_type` relationship `$uid` and refresh both ends' degree; return how many were
    deleted."""
    return (
        f"MATCH (a:Node)-[r:{checked_type(relationship_type)} {{uid: $uid}}]->(b:Node) DELETE r "
        "WITH a, b SET a.degree = COUNT { (a)--() }, b.degree = COUNT { (b)--() } RETURN count(*) AS deleted"
    )


def unique_constraint(label: str, prop: str) -> str:
    """Create the uniqueness constraint on `label`.`prop` unless it exists (neomodel's own DDL is not idempotent
    on ArcadeDB)."""
    return f"CREATE CONSTRAINT {label.lower()}_{prop}_unique IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"


def former_uid_constraint_drop(label: str) -> str:
    """Drop the uniqueness constraint on `label`.uid that earlier versions made, if it is there (the uid is
    unique on `Node` alone now)."""
    return f"DROP CONSTRAINT {label.lower()}_uid_unique IF EXISTS"


# Drop the index on every node's degree that earlier versions made, if it is there (degrees rank within a kind).
FORMER_DEGREE_INDEX_DROP = "DROP INDEX node_degree IF EXISTS"


def range_index_name(label: str, prop: str) -> str:
    """Return the name `range_index` gives the index on `label`.`prop`."""
    return f"{label.lower()}_{prop}"


def range_index(label: str, prop: str) -> str:
    """Create the range index on `label`.`prop` unless it exists."""
    return f"CREATE INDEX {range_index_name(label, prop)} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"


# The organization search index, on Neo4j (ArcadeDB makes and names its own: orgs.graph.arcadedb).
SEARCH_LABEL = "Organization"
SEARCH_PROPERTY = "search_text"
NEO4J_FULLTEXT_INDEX = "organization_search"
NEO4J_FULLTEXT_INDEX_DDL = (
    f"CREATE FULLTEXT INDEX {NEO4J_FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{SEARCH_LABEL}) ON EACH [n.{SEARCH_PROPERTY}]"
)


# --- Merging two organizations ---------------------------------------------------------------------------

# Every relationship of `$uid`, either way: its type, whether it starts at the node, and the other end.
RELATIONSHIPS_OF_NODE = f"""
MATCH (n:Node {{uid: $uid}})-[r]-(o:Node)
RETURN type(r) AS type, startNode(r) = n AS outgoing, o.uid AS other,
       {name_of("o", "o.uid")} AS other_name, properties(r) AS props
ORDER BY type, other
"""

REFRESH_DEGREES_OF_UIDS = (
    "UNWIND $uids AS uid MATCH (n:Node {uid: uid}) SET n.degree = COUNT { (n)--() } RETURN count(n) AS refreshed"
)

# Remove a merged-away organization (no tombstone: its uid lives on in the survivor's former_uids).
DELETE_MERGED_ORGANIZATION = (
    "MATCH (n:Node {uid: $uid}) WHERE n:Organization DETACH DELETE n RETURN count(*) AS deleted"
)


def copy_relationships_from(relationship_type: str) -> str:
    """Create a `relationship_type` relationship from `$node` to each of `$rows` {other, props}."""
    return (
        "MATCH (n:Node {uid: $node}) UNWIND $rows AS row MATCH (o:Node {uid: row.other}) "
        f"CREATE (n)-[r:{checked_type(relationship_type)}]->(o) SET r += row.props RETURN count(r) AS created"
    )


def copy_relationships_to(relationship_type: str) -> str:
    """Create a `relationship_type` relationship from each of `$rows` {other, props} to `$node`."""
    return (
        "MATCH (n:Node {uid: $node}) UNWIND $rows AS row MATCH (o:Node {uid: row.other}) "
        f"CREATE (o)-[r:{checked_type(relationship_type)}]->(n) SET r += row.props RETURN count(r) AS created"
    )


# --- The admin's reads (orgs.admin.selectors) -------------------------------------------------------------

NODES_NAMED_LIKE = f"""
MATCH (n:Node)
WHERE ($label IS NULL OR $label IN labels(n))
  AND (toLower({name_of("n", "''")}) CONTAINS $term OR toLower(n.acronym) CONTAINS $term
       OR n.uid STARTS WITH $term)
RETURN n.uid AS uid, {name_of("n")} AS name, n.acronym AS acronym, {kind_of("n")} AS label
ORDER BY name, uid
LIMIT $limit
"""

SOURCES = "MATCH (s:Source) RETURN s.uid AS uid, s.title AS title ORDER BY s.title, s.uid"

# Which relationships the admin's list shows (a fragment: the queries below complete it).
RELATIONSHIPS_MATCHING = """
WHERE ($type IS NULL OR type(r) = $type) AND ($source IS NULL OR $source IN r.source_uids)
  AND ($confidence IS NULL OR r.confidence = $confidence)
  AND ($node IS NULL OR a.uid = $node OR b.uid = $node)
"""
RELATIONSHIP_COUNT = f"MATCH (a:Node)-[r]->(b:Node) {RELATIONSHIPS_MATCHING} RETURN count(r) AS count"
RELATIONSHIP_PAGE = f"""
MATCH (a:Node)-[r]->(b:Node) {RELATIONSHIPS_MATCHING}
RETURN type(r) AS type, properties(r) AS props, a.uid AS start, {name_of("a")} AS start_name,
       b.uid AS end, {name_of("b")} AS end_name
ORDER BY type, start_name, end_name
SKIP $offset LIMIT $limit
"""


# --- The maintained counts (orgs.graph.counts) -----------------------------------------------------------

# What the counts nodes count: nodes per kind, relationships per type (property names from the vocabulary).
COUNTED = (*(label.value for label in NodeLabel), *sorted(RELATIONSHIP_TYPES))

# Every count, each by a count subquery over the whole graph (a scan: only for setting the counts up).
LIVE_COUNTS = (
    "RETURN {"
    + ", ".join(
        [f"{label.value}: COUNT {{ MATCH (n:{label.value}) }}" for label in NodeLabel]
        + [
            f"{relationship_type}: COUNT {{ MATCH ()-[r:{relationship_type}]->() }}"
            for relationship_type in sorted(RELATIONSHIP_TYPES)
        ]
    )
    + "} AS counts"
)

# The counts: each name summed over the shards (one row; zeros when there is no shard).
COUNTS = "MATCH (c:GraphCounts) RETURN " + ", ".join(f"sum(coalesce(c.{name}, 0)) AS {name}" for name in COUNTED)

# Every counts node: its shard number (null on the one node of a graph from before the shards) and counts.
COUNTS_BY_SHARD = "MATCH (c:GraphCounts) RETURN c.shard AS shard, properties(c) AS counts"

# Number the unsharded counts node of a graph from before the shards as shard `$shard`.
NUMBER_UNSHARDED_COUNTS = "MATCH (c:GraphCounts) WHERE c.shard IS NULL SET c.shard = $shard RETURN count(c) AS set"

# Make the counts shards `$shards` ([{shard, counts}]) where missing and set their `counts` on them.
SET_COUNT_SHARDS = (
    "UNWIND $shards AS row MERGE (c:GraphCounts {shard: row.shard}) SET c += row.counts RETURN count(c) AS set"
)

# Add `$deltas` ({name: change}, names from COUNTED, absent ones unchanged) to the counts shard `$shard`, in the
# writer's own transaction.
ADD_TO_COUNTS = (
    "MATCH (c:GraphCounts {shard: $shard}) SET "
    + ", ".join(f"c.{name} = coalesce(c.{name}, 0) + coalesce($deltas.{name}, 0)" for name in COUNTED)
    + " RETURN count(c) AS updated"
)

# How many relationships of each type a node has (a DETACH DELETE of it removes them).
RELATIONSHIPS_OF_NODE_BY_TYPE = "MATCH (n:Node {uid: $uid})-[r]-() RETURN type(r) AS type, count(DISTINCT r) AS count"


# --- Citations (issue 13): `(:Citation)` nodes, not `:Node`, keyed by their relationship's uid ----------------
# A citation is reached through its relationship (`relationship_uid`) or its source (`source_uid`), each a range
# index, and its source's citations are read in order through `reading_key` (validation.reading_key), a third; it
# holds its fields (`CITATION_FIELDS`), its `uid`, and its relationship's uid, type and ends.
CITATION_LABEL = "Citation"
CITATION_INDEXED = ("relationship_uid", "source_uid", "reading_key")

# The citations of each relationship among `$uids`, as (relationship uid, citation properties) rows.
CITATIONS_OF_RELATIONSHIPS = (
    "UNWIND $uids AS uid MATCH (c:Citation {relationship_uid: uid}) RETURN uid, properties(c) AS citation"
)

# Create a citation from each of `$citations` (maps of its stored properties); return how many.
CREATE_CITATIONS = "UNWIND $citations AS citation CREATE (c:Citation) SET c += citation RETURN count(c) AS created"

# Set `$props` on the citation `$uid` of relationship `$relationship_uid`; return its properties.
UPDATE_CITATION = (
    "MATCH (c:Citation {relationship_uid: $relationship_uid}) WHERE c.uid = $uid SET c += $props "
    "RETURN properties(c) AS citation"
)

# Delete the citations among `$uids` of relationship `$relationship_uid`; return how many.
DELETE_CITATIONS = (
    "MATCH (c:Citation {relationship_uid: $relationship_uid}) WHERE c.uid IN $uids DELETE c RETURN count(*) AS deleted"
)

# Delete every citation of the relationships among `$uids` (they are being deleted in the same transaction).
DELETE_CITATIONS_OF_RELATIONSHIPS = (
    "UNWIND $uids AS uid MATCH (c:Citation {relationship_uid: uid}) DELETE c RETURN count(*) AS deleted"
)

# The uids of the relationships of node `$uid`, either way (a node's delete takes their citations with it).
RELATIONSHIP_UIDS_OF_NODE = "MATCH (:Node {uid: $uid})-[r]-(:Node) RETURN DISTINCT r.uid AS uid"

# How many relationships cite the source `$uid` (a cited source cannot be deleted).
RELATIONSHIPS_CITING_SOURCE = (
    "MATCH (c:Citation {source_uid: $uid}) RETURN count(DISTINCT c.relationship_uid) AS relationships"
)

# Every citation of the source `$uid` (its text changes: each is anchored again).
CITATIONS_OF_SOURCE = "MATCH (c:Citation {source_uid: $uid}) RETURN properties(c) AS citation"

# Give the citations of each relationship `row.old` among `$rows` ({old, new, start, end}) their relationship's
# new uid and ends (a merge moved it); return how many moved.
REKEY_CITATIONS = (
    "UNWIND $rows AS row MATCH (c:Citation {relationship_uid: row.old}) "
    "SET c.relationship_uid = row.new, c.start_uid = row.start, c.end_uid = row.end RETURN count(c) AS moved"
)


# The next `$limit` citations with no reading key (written before there were any), with what makes one.
CITATIONS_WITHOUT_READING_KEY = (
    "MATCH (c:Citation) WHERE c.reading_key IS NULL "
    "RETURN c.uid AS uid, c.relationship_uid AS relationship_uid, c.source_uid AS source_uid, c.start AS start "
    "LIMIT $limit"
)

# Give each citation among `$rows` ({relationship_uid, uid, key}) its reading key; return how many.
SET_READING_KEYS = (
    "UNWIND $rows AS row MATCH (c:Citation {relationship_uid: row.relationship_uid}) WHERE c.uid = row.uid "
    "SET c.reading_key = row.key RETURN count(c) AS written"
)


def relationship_with_citations(relationship_type: str) -> str:
    """Return the `relationship_type` relationship `$uid` with its ends' uids and kinds and its citations' properties
    (`citations`, in no order), in one query."""
    return (
        f"MATCH (a:Node)-[r:{checked_type(relationship_type)} {{uid: $uid}}]->(b:Node) "
        "OPTIONAL MATCH (c:Citation {relationship_uid: $uid}) "
        "WITH a, r, b, collect(properties(c)) AS citations "
        "RETURN properties(r) AS props, a.uid AS start, b.uid AS end, "
        f"{kind_of('a')} AS start_label, {kind_of('b')} AS end_label, citations"
    )


def bump_relationship_versions(relationship_type: str) -> str:
    """Count a write in the version of each `relationship_type` relationship among `$uids` (one of its citations
    moved in its source's text); return how many."""
    return (
        f"UNWIND $uids AS uid MATCH ()-[r:{checked_type(relationship_type)} {{uid: uid}}]->() "
        "SET r.version = coalesce(r.version, 0) + 1 RETURN count(r) AS bumped"
    )


# --- The in-place upgrade to citations (orgs.importer.upgrade) -------------------------------------------------


def relationships_before_citations(relationship_type: str) -> str:
    """Return the next `$limit` `relationship_type` relationships after uid `$after` (in uid order) still in the form
    before citations (no `source_count`), with their one source, evidence, period and footing."""
    return (
        f"MATCH (a:Node)-[r:{checked_type(relationship_type)}]->(b:Node) "
        "WHERE r.uid > $after AND r.source_count IS NULL "
        "RETURN r.uid AS uid, a.uid AS start, b.uid AS end, r.source_uid AS source_uid, r.evidence AS evidence, "
        "r.since AS since, r.until AS until, r.qualifier AS qualifier, r.confidence AS confidence "
        "ORDER BY r.uid LIMIT $limit"
    )


def relationships_to_summaries(relationship_type: str) -> str:
    """Set on each `relationship_type` relationship of `$rows` ({uid, summary}) its derived summary and remove its
    single-source properties; return how many."""
    return (
        f"UNWIND $rows AS row MATCH ()-[r:{checked_type(relationship_type)} {{uid: row.uid}}]->() "
        "SET r += row.summary REMOVE r.source_uid, r.evidence RETURN count(r) AS upgraded"
    )
