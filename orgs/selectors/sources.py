"""Read sources: the titles of the sources a page's evidence cites, and a source with every
relationship it is the evidence for (the provenance view)."""

from __future__ import annotations

from typing import Any

from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.selectors.fields import OTHER_END, RELATIONSHIP_FIELDS

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
