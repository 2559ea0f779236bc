"""The graph's schema: its constraints and indexes, the full-text index and the maintained counts, installed
together and idempotently (`manage.py setup_graph`, the tests); and erasing a graph to start from nothing."""

from __future__ import annotations

from django.conf import settings

from orgs.graph import queries as q
from orgs.graph.arcadedb import (
    ARCADEDB_PROPERTY_TYPES,
    declare_arcadedb_property,
    install_arcadedb_fulltext_index,
    is_arcadedb,
    recreate_arcadedb_database,
)
from orgs.graph.connection import connect, cypher, tell_write_listeners
from orgs.graph.counts import install_counts
from orgs.models import NODE_CLASSES, GraphNode
from orgs.vocabulary import RELATIONSHIP_TYPES


def install_fulltext_index() -> None:
    """Create the organization search index if it does not exist (DDL differs between the two servers)."""
    if is_arcadedb():
        install_arcadedb_fulltext_index()
    else:
        cypher(q.NEO4J_FULLTEXT_INDEX_DDL)


def install_schema() -> None:
    """Install every node class's unique constraints and range indexes, the relationship uid indexes, the citations'
    indexes (by relationship and by source), the full-text index and the maintained counts
    (`orgs.graph.counts.install_counts`); safe to run again on a graph that has them."""
    node_classes: list[type[GraphNode]] = [GraphNode, *NODE_CLASSES.values()]
    for cls in node_classes:
        label = str(cls.__label__)
        for name, prop in cls.defined_properties(aliases=False, rels=False).items():
            if (cls is GraphNode) != (name == "uid"):
                continue  # the uid only on Node (unique across kinds); degrees only per kind (ranked within one)
            if prop.unique_index:
                cypher(q.unique_constraint(label, name))
            elif prop.index:
                if type(prop).__name__ in ARCADEDB_PROPERTY_TYPES:
                    declare_arcadedb_property(label, name, ARCADEDB_PROPERTY_TYPES[type(prop).__name__])
                cypher(q.range_index(label, name))
    for relationship_type in RELATIONSHIP_TYPES:
        cypher(q.relationship_uid_index(relationship_type))
    for name in q.CITATION_INDEXED:
        cypher(q.range_index(q.CITATION_LABEL, name))
    install_fulltext_index()
    install_counts()
    # Left by earlier versions, which also indexed these: each costs every write and serves no query.
    for label in NODE_CLASSES:
        cypher(q.former_uid_constraint_drop(label))
    cypher(q.FORMER_DEGREE_INDEX_DROP)


def erase_graph() -> None:
    """Remove every node (citations too) and relationship, and on ArcadeDB the schema too (tests start from nothing)."""
    if is_arcadedb():
        recreate_arcadedb_database()
        connect(settings.NEOMODEL_NEO4J_BOLT_URL)
    else:
        cypher("MATCH (n) DETACH DELETE n")
    tell_write_listeners()
