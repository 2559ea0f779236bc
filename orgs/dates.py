"""Partial dates: a year alone, a year and month, or a full day, kept as ISO strings ("2003", "2003-02").

ISO strings of different precision still sort and compare correctly against a full date, which is what the
"as of" filters need. What "as of" means is written here once: `as_of_day` (the day a year or month given alone
means), `holds_on` (whether a period holds on that day) and `valid_on_clause` (the same in Cypher).
"""

from __future__ import annotations

import calendar
import functools
import re

# ASCII digits only: `\d` would also take "２００３", which then sorts and compares wrongly against "2003".
PARTIAL_DATE_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def parse_partial_date(value: object) -> str | None:
    """Return `value` as a normalized partial date string, None for empty; raise ValueError if malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()[:10]
    if not isinstance(value, str):
        raise ValueError(f"expected a date like 2003, 2003-02 or 2003-02-14, got {value!r}")
    return _checked_date_text(value.strip())


@functools.lru_cache(maxsize=4096)  # a bulk import repeats the same few thousand dates
def _checked_date_text(text: str) -> str:
    match = PARTIAL_DATE_PATTERN.fullmatch(text)
    if not match:
        shown = f"'{text}'" if len(text) <= 20 and text.isprintable() else "it"
        raise ValueError(f"{shown} is not a date like 2003, 2003-02 or 2003-02-14 (ASCII digits)")
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"'{text}' has no month {month}")
    if day is not None and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        raise ValueError(f"'{text}' has no day {day} in that month")
    return text


def latest_day(value: str) -> str:
    """Return the last full day a partial date can mean: "2003" → "2003-12-31", "2003-02" → "2003-02-28"."""
    year, *rest = value.split("-")
    if len(rest) == 2:
        return value
    if len(rest) == 1:
        return f"{value}-{calendar.monthrange(int(year), int(rest[0]))[1]:02d}"
    return f"{value}-12-31"


def as_of_day(value: object) -> str | None:
    """Return the full day an "as of" filter means (the end of a year or month given alone), or None."""
    parsed = parse_partial_date(value)
    return latest_day(parsed) if parsed else None


def period_is_ordered(since: str | None, until: str | None) -> bool:
    """Return False when `until` is before `since` (comparing at the precision both share)."""
    if not since or not until:
        return True
    shared = min(len(since), len(until))
    return until[:shared] >= since[:shared]


def holds_on(since: str | None, until: str | None, day: str) -> bool:
    """Return whether a period from `since` to `until` (partial dates, None for open) holds on the full day `day`.

    The one meaning of "as of": a period has begun on `day` when `since` (of any precision) sorts before it, and
    has not ended while `day` is within `until` at `until`'s own precision ("until 2003" still holds on
    2003-12-31). `valid_on_clause` says the same in Cypher; tests hold the two to each other.
    """
    return (not since or since <= day) and (not until or day[: len(until)] <= until)


def years_held(since: str | None, until: str | None) -> tuple[int | None, int | None]:
    """Return the first and last years Y for which the period holds as of Y (on Y-12-31), None for open ends.

    What a year slider needs (static/js/explorer.js): a period ending 2005-03 is over as of 2005.
    """
    first = int(since[:4]) if since else None  # any `since` in year Y sorts before Y-12-31
    if not until:
        return first, None
    last = int(until[:4])
    return first, last if holds_on(None, until, latest_day(str(last))) else last - 1


def valid_on_clause(variable: str, parameter: str = "as_of", *, begins: str = "since", ends: str = "until") -> str:
    """Return Cypher that is true when the period of `variable` (its `begins` and `ends` properties: a
    relationship's `since` and `until`, a body's `founded` and `dissolved`) holds on the full day `$parameter`
    (or `$parameter` is null), as `holds_on` says.
    """
    v, p, b, e = variable, parameter, begins, ends
    return (
        f"(${p} IS NULL OR (({v}.{b} IS NULL OR {v}.{b} <= ${p}) "
        f"AND ({v}.{e} IS NULL OR substring(${p}, 0, size({v}.{e})) <= {v}.{e})))"
    )
