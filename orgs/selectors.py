"""Reads: each function answers one question with one (or two) parameterized graph queries."""

from __future__ import annotations

from typing import Any

from orgs.graph import cypher

ORGANIZATION_NAMES = """
MATCH (o:Organization)
RETURN o.uid AS uid, o.name AS name, o.acronym AS acronym, o.kind AS kind, o.degree AS degree
ORDER BY o.name
LIMIT $limit
"""


def organization_names(*, limit: int = 1000) -> list[dict[str, Any]]:
    """Return up to `limit` organizations (uid, name, acronym, kind, degree), ordered by name."""
    return cypher(ORGANIZATION_NAMES, {"limit": limit})
