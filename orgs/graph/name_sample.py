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
from collections.abc import Callable

from orgs.graph.connection import read_cypher

SAMPLE_SECONDS = 600.0  # how long a process keeps a sample


class KeptSamples:
    """Samples read by `read` (given a key: a source's uid, or "" for the one sample of organization names), kept
    in this process for `SAMPLE_SECONDS`, at most `most` of them (the oldest dropped first). Two threads that
    find none both read one, and the later is kept: the samples bound windows, and any of them pages exactly."""

    def __init__(self, read: Callable[[str], list[str]], *, most: int = 1) -> None:
        self._read = read
        self._most = most
        self._kept: dict[str, tuple[float, list[str]]] = {}
        self._lock = threading.Lock()

    def get(self, key: str = "") -> list[str]:
        """Return the sample of `key`, read again when it is older than `SAMPLE_SECONDS`; do not change it."""
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] <= SAMPLE_SECONDS:
            return kept[1]
        sample = self._read(key)
        with self._lock:
            if key not in self._kept and len(self._kept) >= self._most:
                self._kept.pop(min(self._kept, key=lambda uid: self._kept[uid][0]))
            self._kept[key] = (now, sample)
        return sample

    def forget(self, key: str = "") -> None:
        """Drop the kept sample of `key`: the next `get` reads a new one."""
        with self._lock:
            self._kept.pop(key, None)


ORGANIZATION_COUNT = "MATCH (o:Organization) RETURN count(o) AS total"
ORGANIZATION_NAME_SAMPLE = "MATCH (o:Organization) WHERE rand() < $share RETURN collect(o.name) AS names"
NAMES_BEFORE = "MATCH (o:Organization) WHERE o.name < $name RETURN count(o) AS total"
NAMES_AFTER = "MATCH (o:Organization) WHERE o.name > $name RETURN count(o) AS total"
NAME_WINDOW = 250  # organizations between two sampled names, on average
# The least the first and the last window hold, so that the first page either way (50 by default) is one query.
END_WINDOW = NAME_WINDOW // 2


def _organization_names(_: str) -> list[str]:
    total = read_cypher(ORGANIZATION_COUNT)[0]["total"]
    if total <= NAME_WINDOW * 8:
        return []
    names = sorted(read_cypher(ORGANIZATION_NAME_SAMPLE, {"share": 1 / NAME_WINDOW})[0]["names"])
    while names and read_cypher(NAMES_BEFORE, {"name": names[0]})[0]["total"] < END_WINDOW:
        names.pop(0)
    while names and read_cypher(NAMES_AFTER, {"name": names[-1]})[0]["total"] < END_WINDOW:
        names.pop()
    return names


ORGANIZATION_NAMES = KeptSamples(_organization_names)


def organization_name_sample() -> list[str]:
    """Return about one organization name in `NAME_WINDOW`, sorted (none for a small graph); kept ten minutes.

    The names cut the name index into windows that a page reads instead of the whole index: ArcadeDB sorts
    every name in range for `ORDER BY o.name LIMIT` (it walks an index in order only for numbers). A name
    added or removed since only makes a window a little larger or smaller: pages stay exact. The sample is
    random, so the first or last window could hold fewer names than a page (one time in five for the first
    page, which then took two queries): sampled names are dropped at either end until those windows hold at
    least `END_WINDOW` names (each a count over an index range).
    """
    return ORGANIZATION_NAMES.get()


READING_KEY_SAMPLE = "MATCH (c:Citation {source_uid: $uid}) WHERE rand() < $share RETURN c.reading_key AS key"
CITATION_WINDOW = 250  # citations between two sampled reading keys, on average


def _reading_keys(source_uid: str) -> list[str]:
    rows = read_cypher(READING_KEY_SAMPLE, {"uid": source_uid, "share": 1 / CITATION_WINDOW})
    return sorted(row["key"] for row in rows)[1:]


READING_KEYS = KeptSamples(_reading_keys, most=256)  # of the 256 sources read last


def reading_key_sample(source_uid: str) -> list[str]:
    """Return about one in `CITATION_WINDOW` of the reading keys of source `source_uid`'s citations, sorted (none
    for a source cited a few hundred times or less), kept ten minutes.

    Reading it reads the source's citations once (through the `source_uid` index); a citation added or removed since
    only makes a window a little larger or smaller, so pages stay exact. The first sampled key is dropped, so that
    the first window (where the first page is read) holds about two windows' worth and is seldom too short.
    """
    return READING_KEYS.get(source_uid)
