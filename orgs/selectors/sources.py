"""Read sources: a source with its cited passages (to highlight in its text) and, a page at a time in reading
order, the citations quoting it with the relationships they support (the provenance view)."""

from __future__ import annotations

from typing import Any

from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.selectors.fields import CITATION_MAP

UNANCHORED_AT = 2_147_483_647  # where an unanchored citation sorts: after every passage (texts are shorter)
READING_PLACE = f"coalesce(c.start, {UNANCHORED_AT})"

SOURCE = "MATCH (s:Node {uid: $uid}) WHERE s:Source RETURN properties(s) AS source"

CITATION_PLACE = f"""
MATCH (c:Citation {{source_uid: $uid}}) WHERE c.uid = $at
RETURN {READING_PLACE} AS place, c.uid AS uid
"""


def _end(variable: str) -> str:
    v = variable
    return f"{{uid: {v}.uid, name: {q.name_of(v)}, acronym: {v}.acronym, label: {q.kind_of(v)}}}"


# The index on `source_uid` finds this source's citations (and only them: a source cited 50,000 times reads its
# 50,000 index entries, never the graph's other citations); the keyset and the order are applied to those, and only
# the page's rows go on to read their relationships' ends.
SOURCE_CITATIONS_PAGE = f"""
MATCH (c:Citation {{source_uid: $uid}})
WHERE $after_uid IS NULL OR {READING_PLACE} > $after_place
   OR ({READING_PLACE} = $after_place AND (c.uid > $after_uid OR ($inclusive AND c.uid = $after_uid)))
WITH c ORDER BY {READING_PLACE}, c.uid LIMIT $limit
MATCH (a:Node {{uid: c.start_uid}})
MATCH (b:Node {{uid: c.end_uid}})
OPTIONAL MATCH (a)-[r]->(b) WHERE r.uid = c.relationship_uid
RETURN {{{CITATION_MAP}}} AS citation, {READING_PLACE} AS place, c.relationship_uid AS relationship_uid,
       c.relationship_type AS type, {_end("a")} AS start, {_end("b")} AS end, r.source_count AS sources
"""

SOURCE_PASSAGES = """
MATCH (c:Citation {source_uid: $uid}) WHERE c.start IS NOT NULL
RETURN c.start AS start, c.end AS end, c.uid AS uid ORDER BY start, uid LIMIT $limit
"""


def source_page(
    *, uid: str, after: tuple[int, str] | None = None, limit: int = 50, at: str | None = None
) -> dict[str, Any] | None:
    """Return source `uid` with one page of the citations quoting it, in reading order, or None if no such source.

    `{"source", "citations", "next"}`: each citation row is `{"citation", "relationship_uid", "type", "start",
    "end", "sources"}` (the relationship's ends and its `source_count`); `next` is the keyset (place, uid) of the
    page after, or None. The page starts after the keyset `after`, or at the citation `at` (the page a link to
    that passage opens; an `at` this source has not: the first page). Unanchored citations come last.
    Two queries (three with `at`), each on the citations' index on `source_uid`, whatever the number of citations.
    """
    rows = read_cypher(SOURCE, {"uid": uid})
    if not rows:
        return None
    inclusive = False
    if at is not None:
        found = read_cypher(CITATION_PLACE, {"uid": uid, "at": at})
        if found:
            after, inclusive = (found[0]["place"], found[0]["uid"]), True
    after_place, after_uid = after or (None, None)
    page = read_cypher(
        SOURCE_CITATIONS_PAGE,
        {
            "uid": uid,
            "after_place": after_place,
            "after_uid": after_uid,
            "inclusive": inclusive,
            "limit": limit + 1,
        },
    )
    page.sort(key=lambda row: (row["place"], row["citation"]["uid"]))
    more = len(page) > limit
    page = page[:limit]
    return {
        "source": rows[0]["source"],
        "citations": page,
        "next": (page[-1]["place"], page[-1]["citation"]["uid"]) if more else None,
    }


def source_passages(*, uid: str, limit: int = 2000) -> dict[str, Any]:
    """Return the passages of source `uid` its citations quote, in reading order, to highlight in its text:
    `{"passages": [{"start", "end", "uids"}], "complete"}`, one entry per span (`uids`: the citations quoting
    it); `complete` is False when there were more than `limit` citations (only the first `limit` are given)."""
    rows = read_cypher(SOURCE_PASSAGES, {"uid": uid, "limit": limit + 1})
    complete = len(rows) <= limit
    spans: dict[tuple[int, int], list[str]] = {}
    for row in rows[:limit]:
        spans.setdefault((row["start"], row["end"]), []).append(row["uid"])
    return {
        "passages": [{"start": start, "end": end, "uids": uids} for (start, end), uids in spans.items()],
        "complete": complete,
    }
