"""Read citations: those of the relationships a page shows, each with its source's title and address, in one
query whatever their number."""

from __future__ import annotations

from typing import Any

from orgs.graph.connection import read_cypher
from orgs.selectors.fields import CITATION_MAP
from orgs.validation import reading_order

# One row per relationship: the driver pays per record, and a hub's page shows a hundred relationships.
CITATIONS_OF = f"""
UNWIND $uids AS uid
MATCH (c:Citation {{relationship_uid: uid}})
OPTIONAL MATCH (s:Node {{uid: c.source_uid}})
RETURN uid, collect({{{CITATION_MAP}, title: s.title, url: s.url}}) AS citations
"""


def citations_of(*, relationship_uids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Return `{relationship uid: [citation, …]}` for the relationships `relationship_uids`, each citation its
    fields (`orgs.vocabulary.CITATION_FIELDS`) and uid with its source's `title` and `url`, in reading order.

    One query, through the citations' index on `relationship_uid`; a relationship without citations is left out.
    """
    if not relationship_uids:
        return {}
    rows = read_cypher(CITATIONS_OF, {"uids": sorted(set(relationship_uids))})
    return {row["uid"]: sorted(row["citations"], key=reading_order) for row in rows}
