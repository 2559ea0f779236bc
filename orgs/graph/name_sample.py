"""The samples that cut an index into windows, kept per process for ten minutes: of organization names, and of
each source's citations' reading keys.

ArcadeDB sorts every entry in range for `ORDER BY … LIMIT` (it walks an index in order only for numbers, and not
even then within a range bounded both ways), so a page read over a whole range costs the whole range. A page
instead reads a window between two sampled keys, a few hundred entries, and the next window only when that one
held too few.
Browsing organizations by name (`orgs.selectors.organizations.organizations_by_name`) and a source's citations in
reading order (`orgs.selectors.sources.source_page`) use them. A sample is a cache of the graph, not a question a
page asks, so it lives apart from the selectors.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from orgs.graph.connection import read_cypher

ORGANIZATION_COUNT = "MATCH (o:Organization) RETURN count(o) AS total"
ORGANIZATION_NAME_SAMPLE = "MATCH (o:Organization) WHERE rand() < $share RETURN collect(o.name) AS names"
NAMES_BEFORE = "MATCH (o:Organization) WHERE o.name < $name RETURN count(o) AS total"
NAMES_AFTER = "MATCH (o:Organization) WHERE o.name > $name RETURN count(o) AS total"
NAME_WINDOW = 250  # organizations between two sampled names, on average
# The least the first and the last window hold, so that the first page either way (50 by default) is one query.
END_WINDOW = NAME_WINDOW // 2
NAME_SAMPLE_SECONDS = 600.0
_name_sample: dict[str, Any] = {"at": None, "names": []}


def organization_name_sample() -> list[str]:
    """Return about one organization name in `NAME_WINDOW`, sorted (none for a small graph); kept ten minutes.

    The names cut the name index into windows that a page reads instead of the whole index: ArcadeDB sorts
    every name in range for `ORDER BY o.name LIMIT` (it walks an index in order only for numbers). A name
    added or removed since only makes a window a little larger or smaller: pages stay exact. The sample is
    random, so the first or last window could hold fewer names than a page (one time in five for the first
    page, which then took two queries): sampled names are dropped at either end until those windows hold at
    least `END_WINDOW` names (each a count over an index range).
    """
    now = time.monotonic()
    if _name_sample["at"] is None or now - _name_sample["at"] > NAME_SAMPLE_SECONDS:
        total = read_cypher(ORGANIZATION_COUNT)[0]["total"]
        names = []
        if total > NAME_WINDOW * 8:
            names = sorted(read_cypher(ORGANIZATION_NAME_SAMPLE, {"share": 1 / NAME_WINDOW})[0]["names"])
            while names and read_cypher(NAMES_BEFORE, {"name": names[0]})[0]["total"] < END_WINDOW:
                names.pop(0)
            while names and read_cypher(NAMES_AFTER, {"name": names[-1]})[0]["total"] < END_WINDOW:
                names.pop()
        _name_sample.update(at=now, names=names)
    return list(_name_sample["names"])


READING_KEY_SAMPLE = "MATCH (c:Citation {source_uid: $uid}) WHERE rand() < $share RETURN c.reading_key AS key"
CITATION_WINDOW = 250  # citations between two sampled reading keys, on average
SAMPLED_SOURCES = 256  # the sources whose samples a process keeps at most
_reading_key_samples: dict[str, tuple[float, list[str]]] = {}
_reading_key_samples_lock = threading.Lock()


def reading_key_sample(source_uid: str) -> list[str]:
    """Return about one in `CITATION_WINDOW` of the reading keys of source `source_uid`'s citations, sorted (none
    for a source cited a few hundred times or less), kept ten minutes.

    Reading it reads the source's citations once (through the `source_uid` index); a citation added or removed since
    only makes a window a little larger or smaller, so pages stay exact. The first sampled key is dropped, so that
    the first window (where the first page is read) holds about two windows' worth and is seldom too short.
    """
    now = time.monotonic()
    kept = _reading_key_samples.get(source_uid)
    if kept is not None and now - kept[0] <= NAME_SAMPLE_SECONDS:
        return kept[1]
    rows = read_cypher(READING_KEY_SAMPLE, {"uid": source_uid, "share": 1 / CITATION_WINDOW})
    keys = sorted(row["key"] for row in rows)[1:]
    with _reading_key_samples_lock:
        if len(_reading_key_samples) >= SAMPLED_SOURCES:
            _reading_key_samples.pop(min(_reading_key_samples, key=lambda uid: _reading_key_samples[uid][0]))
        _reading_key_samples[source_uid] = (now, keys)
    return keys


def forget_reading_key_sample(source_uid: str) -> None:
    """Drop the kept sample of source `source_uid`'s reading keys: the next page reads a new one."""
    with _reading_key_samples_lock:
        _reading_key_samples.pop(source_uid, None)
