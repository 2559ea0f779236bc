"""Read the graph for the exports: every node of a kind and every relationship of a type in keyset pages, and
the whole graph or one neighbourhood with the sources its relationships cite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.selectors.fields import CITATION_MAP, RELATIONSHIP_ROW, RELATIONSHIP_ROW_FIELDS
from orgs.selectors.network import neighbourhood
from orgs.validation import reading_order
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

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
    """Yield the stored properties of every `label` node, ordered by uid, up to `batch` (default EXPORT_BATCH)
    at a time.

    Each page is its own read: a node written between two pages is in the export if its uid sorts after the
    pages already read (see docs/api.md, "Exports").
    """
    for rows in _keyset_pages(export_nodes_page_query(label), lambda row: row["props"]["uid"], batch):
        yield [row["props"] for row in rows]


def export_relationship_pages(
    relationship_type: str, *, batch: int | None = None, citations: bool = False
) -> Iterator[list[dict[str, Any]]]:
    """Yield every `relationship_type` relationship as an export row (uid, type, start, end, its properties), ordered by
    uid, up to `batch` (default EXPORT_BATCH) at a time; each page is its own read, as in `export_node_pages`.
    With `citations`, each row also holds its `citations` (`export_citations`: one more query a page)."""
    for rows in _keyset_pages(export_relationships_page_query(relationship_type), lambda row: row["uid"], batch):
        yield with_citations(rows) if citations else rows


EXPORT_CITATIONS = f"""
UNWIND $uids AS uid
MATCH (c:Citation {{relationship_uid: uid}})
RETURN uid, collect({{{CITATION_MAP}}}) AS citations
"""


def with_citations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return export `rows` each with its relationship's `citations` (their stored fields and uid, in reading
    order), read in one query through the citations' index on `relationship_uid`."""
    found = {
        row["uid"]: sorted(row["citations"], key=reading_order)
        for row in read_cypher(EXPORT_CITATIONS, {"uids": [row["uid"] for row in rows]})
    }
    return [{**row, "citations": found.get(row["uid"], [])} for row in rows]


NODES_BY_UID = f"""
UNWIND $uids AS uid MATCH (n:Node {{uid: uid}})
RETURN {q.kind_of("n")} AS label, properties(n) AS props ORDER BY n.uid
"""


def graph_export(
    *, around: str | None = None, depth: int = 1, as_of: str | None = None, limit: int = 500, citations: bool = False
) -> dict[str, Any] | None:
    """Return the whole graph or the neighbourhood of `around`: `{"nodes": {label: [props]}, "relationships"}`.

    Node properties are as stored (derived ones included); relationship rows name their ends by uid. A
    neighbourhood export also holds the sources its relationships' citations quote (`source_uids`). None if
    `around` is unknown.
    The whole graph is read in keyset pages and held whole: the API streams it page by page instead
    (`orgs.api.formats.whole_graph_sections`). With `citations`, each relationship row holds its `citations`.
    """
    nodes: dict[str, list[dict[str, Any]]] = {label.value: [] for label in NodeLabel}
    if around is None:
        for label in NodeLabel:
            nodes[label.value] = [props for page in export_node_pages(label.value) for props in page]
        relationships = [
            row
            for relationship_type in sorted(RELATIONSHIP_TYPES)
            for page in export_relationship_pages(relationship_type, citations=citations)
            for row in page
        ]
        return {"nodes": nodes, "relationships": relationships}
    found = neighbourhood(uid=around, depth=depth, as_of=as_of, limit=limit)
    if found is None:
        return None
    relationships = sorted(
        ({name: edge.get(name) for name in RELATIONSHIP_ROW_FIELDS} for edge in found["edges"]),
        key=lambda relationship: (relationship["type"], relationship["uid"]),
    )
    uids = {node["uid"] for node in found["nodes"]} | {
        source_uid for edge in found["edges"] for source_uid in edge.get("source_uids") or ()
    }
    for row in read_cypher(NODES_BY_UID, {"uids": sorted(uids)}):
        nodes[row["label"]].append(row["props"])
    return {"nodes": nodes, "relationships": with_citations(relationships) if citations else relationships}
