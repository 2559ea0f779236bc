"""The sample of organization names that cuts the name index into windows, kept per process for ten minutes.

Only browsing organizations by name uses it (`orgs.selectors.organizations.organizations_by_name`), to work around
ArcadeDB's sorting (see `organization_name_sample`); the full-text search does not. It is a cache of the graph, not a
question a page asks, so it lives apart from the selectors.
"""

from __future__ import annotations

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
