"""Upgrade a graph in place to citations (issue 13): each relationship written before them, with one `source_uid`
and `evidence`, comes to rest on one citation of that passage, its summary derived from it. `manage.py setup_graph`
runs it after the schema, then gives citations written before reading keys theirs (`citations_to_reading_keys`); a
graph upgraded already has nothing to do."""

from __future__ import annotations

import datetime
import functools
from typing import Any, NamedTuple

from orgs.graph import queries as q
from orgs.graph.connection import cypher, write_transaction
from orgs.history import citations_upgrade_record
from orgs.validation import (
    SourceText,
    ValidationFailed,
    anchor_citation,
    citation_uid,
    reading_key,
    relationship_summary,
    stored_citation,
)
from orgs.vocabulary import RELATIONSHIP_TYPES, Confidence

UPGRADE_BATCH = 5000


class CitationsUpgrade(NamedTuple):
    """What `relationships_to_citations` did: how many relationships it upgraded, and the uids of those whose
    evidence was not found in (or had no) source text, left unanchored."""

    upgraded: int
    unanchored: list[str]


def relationships_to_citations(batch: int = UPGRADE_BATCH) -> CitationsUpgrade:
    """Give every relationship still in the form before citations one citation of its source and evidence (the
    first occurrence of the evidence in the source's text; unanchored if it is not there), store its summary
    and remove `source_uid` and `evidence`; return what was done.

    Each type is read in keyset pages of `batch` by uid; each page is written in one transaction with one change
    record. Safe to repeat: an upgraded relationship has a `source_count` and is not read again.
    """
    upgraded, unanchored = 0, []
    for relationship_type in sorted(RELATIONSHIP_TYPES):
        after: str | None = ""
        while after is not None:
            count, after, left = write_transaction(functools.partial(_upgrade_page, relationship_type, after, batch))
            upgraded += count
            unanchored += left
    return CitationsUpgrade(upgraded, unanchored)


def _upgrade_page(relationship_type: str, after: str, batch: int) -> tuple[int, str | None, list[str]]:
    """Upgrade the next `batch` relationships of `relationship_type` after uid `after` still before citations, in the
    current transaction; return (how many, the last one's uid or None when there were none, those left
    unanchored)."""
    rows = cypher(q.relationships_before_citations(relationship_type), {"after": after, "limit": batch})
    if not rows:
        return 0, None, []
    return len(rows), rows[-1]["uid"], _upgrade_batch(relationship_type, rows)


def _upgrade_batch(relationship_type: str, rows: list[dict[str, Any]]) -> list[str]:
    """Write the citations and summaries of `rows` (relationships of `relationship_type`) and record the batch, in the
    current transaction; return the uids of those left unanchored."""
    texts = {
        row["uid"]: row["text"] or ""
        for row in cypher(q.SOURCE_TEXTS, {"uids": sorted({row["source_uid"] for row in rows if row["source_uid"]})})
    }
    sources = {uid: SourceText(text) for uid, text in texts.items() if text}
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    citations: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    unanchored: list[str] = []
    for row in rows:
        exact = (row["evidence"] or "").strip()
        if not row["source_uid"] or not exact:  # nothing to cite: the relationship rests on no citation
            summaries.append({"uid": row["uid"], "summary": relationship_summary([])})
            unanchored.append(row["uid"])
            continue
        try:
            anchor = anchor_citation(exact, row["source_uid"], sources.get(row["source_uid"]))
        except ValidationFailed:
            anchor = {"exact": exact, "prefix": None, "suffix": None, "start": None, "end": None}
        if anchor["start"] is None:
            unanchored.append(row["uid"])
        citation = {
            "source_uid": row["source_uid"],
            **anchor,
            "confidence": row["confidence"] or Confidence.STATED.value,
            "since": row["since"],
            "until": row["until"],
            "qualifier": row["qualifier"],
            "added_by": "upgrade",
            "added_at": now,
        }
        stored = stored_citation(
            citation,
            uid=citation_uid(row["uid"], citation),
            relationship_uid=row["uid"],
            relationship_type=relationship_type,
            start_uid=row["start"],
            end_uid=row["end"],
        )
        citations.append(stored)
        summaries.append({"uid": row["uid"], "summary": relationship_summary([stored])})
    cypher(q.CREATE_CITATIONS, {"citations": citations})
    cypher(q.relationships_to_summaries(relationship_type), {"rows": summaries})
    citations_upgrade_record(relationship_uids=[row["uid"] for row in rows], unanchored=unanchored)
    return unanchored


def citations_to_reading_keys(batch: int = UPGRADE_BATCH) -> int:
    """Give every citation written before reading keys its `reading_key` (validation.reading_key), `batch` to a
    transaction; return how many. Safe to repeat: a citation with a key is not read again. The key only orders a
    source's citations, it says nothing new of them, so no change is recorded."""
    given = 0
    while True:
        count = write_transaction(functools.partial(_reading_keys_batch, batch))
        given += count
        if count < batch:
            return given


def _reading_keys_batch(batch: int) -> int:
    """Give the next `batch` citations with no reading key theirs, in the current transaction; return how many."""
    rows = cypher(q.CITATIONS_WITHOUT_READING_KEY, {"limit": batch})
    keys = [{**row, "key": reading_key(row["source_uid"], row["start"], row["uid"])} for row in rows]
    if keys:
        cypher(q.SET_READING_KEYS, {"rows": keys})
    return len(rows)
