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
        f"UNWIND $rows AS row MERGE (n:{node_label(label)} {{uid: row.uid}}) "
        "SET n += row.props RETURN count(n) AS written"
    )


def merge_ties(rel: str, start_label: str, end_label: str) -> str:
    """Create or update `rel` relationships from `$rows` of {start, end, uid, props}; return how many."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{node_label(start_label)} {{uid: row.start}}) "
        f"MATCH (b:{node_label(end_label)} {{uid: row.end}}) "
        f"MERGE (a)-[r:{rel_type(rel)}]->(b) ON CREATE SET r.uid = row.uid "
        "SET r += row.props RETURN count(r) AS written"
    )


def refresh_degrees(label: str) -> str:
    """Set `degree` to the live relationship count on the `$uids` nodes of `label`."""
    return (
        f"UNWIND $uids AS uid MATCH (n:{node_label(label)} {{uid: uid}}) "
        "SET n.degree = COUNT { (n)--() } RETURN count(n) AS refreshed"
    )




def existing_uids(label: str) -> str:
    """Return which of `$uids` are uids of `label` nodes already in the graph."""
    return f"UNWIND $uids AS uid MATCH (n:{node_label(label)} {{uid: uid}}) RETURN n.uid AS uid"

COUNT_NODES_BY_LABEL = "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count ORDER BY label"
COUNT_RELATIONSHIPS_BY_TYPE = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count ORDER BY type"
