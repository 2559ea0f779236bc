"""Read sources: a source with its cited passages (to highlight in its text) and, a page at a time in reading
order, the citations quoting it with the relationships they support (the provenance view)."""

from __future__ import annotations

from typing import Any

from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.graph.name_sample import reading_key_sample
from orgs.selectors.fields import CITATION_MAP
from orgs.validation import UNANCHORED_PLACE, reading_key, reading_key_range

READING_PLACE = f"coalesce(c.start, {UNANCHORED_PLACE})"

CITATION_READING_KEY = "MATCH (c:Citation {source_uid: $uid}) WHERE c.uid = $at RETURN c.reading_key AS key"


def _end(variable: str) -> str:
    v = variable
    return f"{{uid: {v}.uid, name: {q.name_of(v)}, acronym: {v}.acronym, label: {q.kind_of(v)}}}"


def source_citations_window(*, inclusive: bool) -> str:
    """Return the query for the first `$limit` citations whose reading keys are after `$after` (from it, when
    `inclusive`) and up to `$upto`, in reading order: each citation's fields, place, key and relationship's keys.

    The keys of one source are one range of the `reading_key` index (validation.reading_key), so the range reads
    this source's citations and no other's.
    """
    return f"""
MATCH (c:Citation) WHERE c.reading_key {">=" if inclusive else ">"} $after AND c.reading_key <= $upto
WITH c ORDER BY c.reading_key LIMIT $limit
RETURN {{{CITATION_MAP}}} AS citation, {READING_PLACE} AS place, c.reading_key AS key,
       c.relationship_uid AS relationship_uid, c.relationship_type AS type, c.start_uid AS start_uid,
       c.end_uid AS end_uid
"""


# The source with the ends and `source_count` of the relationships of a page of its citations (`$rows`), looked up
# by the uids the rows hold: on ArcadeDB the same lookups written after the window, in its query, cost about a
# millisecond a row (60 ms a page), against 3 ms a page here.
SOURCE_WITH_ENDS = f"""
MATCH (s:Node {{uid: $uid}}) WHERE s:Source
CALL () {{
  UNWIND $rows AS row
  MATCH (a:Node {{uid: row.start_uid}})
  MATCH (b:Node {{uid: row.end_uid}})
  OPTIONAL MATCH (a)-[r]->(b) WHERE r.uid = row.relationship_uid
  RETURN collect({{key: row.key, start: {_end("a")}, end: {_end("b")}, sources: r.source_count}}) AS ends
}}
RETURN properties(s) AS source, ends
"""

SOURCE_PASSAGES = """
MATCH (c:Citation {source_uid: $uid}) WHERE c.start IS NOT NULL
RETURN c.start AS start, c.end AS end, c.uid AS uid ORDER BY start, uid LIMIT $limit
"""


def source_page(
    *, uid: str, after: tuple[int, str] | None = None, limit: int = 50, at: str | None = None
) -> dict[str, Any] | None:
    """Return source `uid` with one page of the citations quoting it, in reading order, or None if no such source.

    `{"source", "citations", "next"}`: each citation row is `{"citation", "place", "relationship_uid", "type",
    "start", "end", "sources"}` (the relationship's ends and its `source_count`); `next` is the keyset (place, uid)
    of the page after, or None. The page starts after the keyset `after`, or at the citation `at` (the page a
    link to that passage opens; an `at` this source has not: the first page). Unanchored citations come last.

    Two queries (three with `at`), whatever the number of citations: a window of the `reading_key` index between
    two keys of the source's sample (`orgs.graph.name_sample.reading_key_sample`; the next window too only when
    the page runs past one, and the sample itself once in ten minutes per process), then the source with the
    page's ends.
    """
    lowest, highest = reading_key_range(uid)
    start, inclusive = lowest, False
    if after is not None:
        start = reading_key(uid, after[0], after[1])
    if at is not None:
        found = read_cypher(CITATION_READING_KEY, {"uid": uid, "at": at})
        if found and found[0]["key"]:
            start, inclusive = found[0]["key"], True
    page: list[dict[str, Any]] = []
    for upto in [*(key for key in reading_key_sample(uid) if key > start), highest]:
        page += read_cypher(
            source_citations_window(inclusive=inclusive),
            {"after": start, "upto": upto, "limit": limit + 1 - len(page)},
        )
        if len(page) > limit:
            break
        start, inclusive = upto, False
    page.sort(key=lambda row: row["key"])
    more = len(page) > limit
    page = page[:limit]
    rows = [{name: row[name] for name in ("key", "relationship_uid", "start_uid", "end_uid")} for row in page]
    found = read_cypher(SOURCE_WITH_ENDS, {"uid": uid, "rows": rows})
    if not found:
        return None
    ends = {end["key"]: end for end in found[0]["ends"]}
    citations = [
        {
            **{name: row[name] for name in ("citation", "place", "relationship_uid", "type")},
            **{name: ends[row["key"]][name] for name in ("start", "end", "sources")},
        }
        for row in page
        if row["key"] in ends
    ]
    return {
        "source": found[0]["source"],
        "citations": citations,
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
