"""The rules a node or relationship must satisfy, written once for the loader, services, API and admin."""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any, TypedDict, TypeGuard
from urllib.parse import urlsplit

from neomodel import ArrayProperty, IntegerProperty

from orgs.dates import latest_day, parse_partial_date, period_is_ordered
from orgs.models import NODE_CLASSES
from orgs.vocabulary import (
    CITATION_FIELDS,
    CITATION_SINGLE_SOURCE_NAMES,
    CITATION_WRITABLE,
    RELATIONSHIP_TYPES,
    SINGLE_SOURCE_CITATION_NAMES,
    SINGLE_SOURCE_FIELDS,
    Confidence,
    NodeLabel,
)

DATE_FIELDS = frozenset({"founded", "dissolved", "start", "end", "date", "since", "until", "published"})
LABEL_NAMES = frozenset(label.value for label in NodeLabel)
CONFIDENCE_NAMES = frozenset(member.value for member in Confidence)
DERIVED_FIELDS = frozenset({"uid", "degree", "search_text", "former_uids", "version"})  # set by the code, not a person
UNIQUE_NAMES = frozenset({NodeLabel.ORGANIZATION, NodeLabel.COUNTRY})  # no two nodes of these kinds share a name

# A node's uid: a lowercase slug (fullmatch it: "$" also matches before a final "\n"); URLs and files carry it.
UID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Words the addresses of sources' pages and API use beside uids (/sources/add/, /api/sources/ingest/, …).
ROUTE_WORDS = frozenset({"add", "drafts", "ingest"})
UID_FORM = f"a lowercase slug (a-z, 0-9, . _ -), not {', '.join(sorted(ROUTE_WORDS))}"


def is_uid(value: object) -> TypeGuard[str]:
    """Return whether `value` can be a node's uid (`UID_PATTERN`): the services and the importer both ask here."""
    return isinstance(value, str) and UID_PATTERN.fullmatch(value) is not None and value not in ROUTE_WORDS


# --- Text: the longest value each field takes, the characters it may hold, the URLs it may name ------------
# The table in docs/data-model.md ("Field sizes") lists these; every write path (services, API, admin, import,
# loader) checks text through `text_problem`. A value past its limit is refused, never cut.
TEXT_LIMITS: dict[str, int] = {
    "uid": 100,
    "name": 300,
    "title": 500,
    "acronym": 40,
    "official_name": 300,
    "iso_code": 3,
    "kind": 40,
    "place": 300,
    "publisher": 300,
    "description": 20_000,
    "text": 2_000_000,  # a source's full text (the seed's longest: 3,000 characters)
    "website": 2_000,
    "url": 2_000,
    "qualifier": 300,
    "confidence": 40,
    "source_uid": 100,
    "evidence": 5_000,
    "exact": 5_000,  # a citation's passage
    "prefix": 200,  # the text before and after it (the anchoring keeps 32 characters; a writer's may be longer)
    "suffix": 200,
    "added_by": 150,  # a username (Django's longest), "import" or "upgrade"
    "aliases": 300,  # each alias
}
MAX_ALIASES = 100
MAX_CITATIONS_PER_WRITE = 20  # citations one write may add: a relationship's whole list in a file or API body
MULTILINE_FIELDS = frozenset(
    {"description", "text", "evidence", "exact", "prefix", "suffix"}
)  # may hold tabs and line breaks
URL_FIELDS = frozenset({"website", "url"})
URL_SCHEMES = frozenset({"http", "https"})
# Control characters (C0 but tab, line feed and carriage return; DEL; C1) and the two non-characters XML 1.0
# forbids, lone surrogates, and what breaks a line: none is text a person means, and any of them breaks an export
# format. Written as the bodies of regex classes, which the schema's patterns share (`text_schema_pattern`).
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
LONE_SURROGATES = r"\ud800-\udfff"
LINE_BREAKS = r"\t\n\r\u2028\u2029"
# What str.strip() takes off, which a field that may not be blank needs more than (tests/test_validation.py).
SPACE_CHARACTERS = r" \t\n\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_TEXT = re.compile(f"[{CONTROL_CHARACTERS}{LONE_SURROGATES}]")
NOT_ONE_LINE = re.compile(f"[{CONTROL_CHARACTERS}{LINE_BREAKS}{LONE_SURROGATES}]")


def text_problem(name: str, value: str) -> str | None:
    """Return what is wrong with `value` as the text of field `name` (too long, a control character, a lone
    surrogate, a line break in a one-line field, a URL that is not http or https), or None if nothing is."""
    limit = TEXT_LIMITS[name]
    if len(value) > limit:
        return f"at most {limit:,} characters (this has {len(value):,})"
    bad = (NOT_TEXT if name in MULTILINE_FIELDS else NOT_ONE_LINE).search(value)
    if bad:
        char = bad.group()
        what = (
            "a lone surrogate"
            if "\ud800" <= char <= "\udfff"
            else ("a line break or tab" if char in "\t\n\r\u2028\u2029" else "a control character")
        )
        return f"contains {what} (U+{ord(char):04X}) at position {bad.start() + 1}"
    if name in URL_FIELDS:
        return url_problem(value)
    return None


def url_problem(value: str) -> str | None:
    """Return why `value` is not an absolute http or https URL with a host, or None if it is one."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in URL_SCHEMES:
        return "must be an http:// or https:// address"
    if not parts.hostname or any(char.isspace() for char in value):
        return "must be a full web address, e.g. https://www.example.org/ (no spaces)"
    return None


# An http(s) URL as a schema pattern: narrower than `url_problem`, never wider (an ASCII host, as urlsplit refuses
# some others; a port of at most 4 digits, as a larger one may be out of range).
_URL_NAME_CHARACTERS = r"A-Za-z0-9._~%!$&'()*+,;=-"
_URL_SCHEMA = (
    rf"[Hh][Tt][Tt][Pp][Ss]?://([:{_URL_NAME_CHARACTERS}]*@)?[{_URL_NAME_CHARACTERS}]+(:[0-9]{{0,4}})?"
    rf"([/?#][^{SPACE_CHARACTERS}{CONTROL_CHARACTERS}]*)?"
)
UID_FIELDS = frozenset({"uid", "source_uid"})  # text fields that name a node by its uid


def text_schema_pattern(name: str, *, blank: bool) -> str:
    """Return the pattern (as JSON Schema reads it, ECMA-262) of the non-empty values field `name` takes: the
    characters `text_problem` allows, at least one that is not white space unless `blank`; a uid's form, or an
    http(s) URL's. (The schema offers the empty value of a field that may be blank beside it.) Lone surrogates go
    unsaid: JSON text cannot carry one, and not every regex engine takes them in a class."""
    if name in UID_FIELDS:
        return UID_PATTERN.pattern
    if name in URL_FIELDS:
        return f"^{_URL_SCHEMA}$"
    breaks = "" if name in MULTILINE_FIELDS else LINE_BREAKS
    character = f"[^{CONTROL_CHARACTERS}{breaks}]"
    if blank:
        return f"^{character}+$"
    return f"^{character}*[^{SPACE_CHARACTERS}{CONTROL_CHARACTERS}]{character}*$"


def checked_text(name: str, value: str) -> str:
    """Return `value` as field `name` keeps it (the line breaks of multi-line text as \\n, which every export
    format writes back alike); raise ValueError saying what is wrong with it (`text_problem`)."""
    problem = text_problem(name, value)
    if problem:
        raise ValueError(problem)
    if "\r" in value and name in MULTILINE_FIELDS:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits (int() also reads "٣" and "1_000"), within 64 bits


def whole_number(text: str, *, low: int, high: int) -> int:
    """Return the whole number `text` names (ASCII digits) if it is from `low` to `high`; raise ValueError."""
    if not WHOLE_NUMBER.fullmatch(text) or not low <= int(text) <= high:
        raise ValueError(f"must be a whole number from {low:,} to {high:,}")
    return int(text)


class ValidationFailed(Exception):
    """One or more fields are wrong: `errors` maps each field to its messages (or, for a list of records such as a
    relationship's `citations`, each bad one's position to its own errors by field)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(_error_lines(errors)))
        self.errors = errors


def _error_lines(errors: dict[str, Any], within: str = "") -> list[str]:
    """Return "field: messages" for each field of `errors`, nested ones named by their path ("citations 0 exact")."""
    lines = []
    for field, messages in errors.items():
        name = f"{within} {field}".strip()
        if isinstance(messages, dict):
            lines += _error_lines(messages, name)
        else:
            lines.append(f"{name}: {' '.join(messages)}")
    return lines


@functools.cache
def editable_fields(label: str) -> dict[str, Any]:
    """Return the properties a person may set on a node of `label` (derived ones left out); do not change it."""
    cls = NODE_CLASSES[label]
    return {
        name: prop
        for name, prop in cls.defined_properties(aliases=False, rels=False).items()
        if name not in DERIVED_FIELDS
    }


def clean_node_properties(label: str, record: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Return `record`'s properties checked and normalized for a `label` node; raise ValidationFailed.

    With `partial`, missing fields are left out instead of reported (for updates).
    """
    fields = editable_fields(label)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in record:
        if name not in fields:
            errors.setdefault(name, []).append(f"unknown field for {label}")
    for name, prop in fields.items():
        if name not in record:
            if prop.required and not partial:
                errors.setdefault(name, []).append("this field is required")
            continue
        value = record[name]
        if isinstance(value, str):
            value = value.strip()
        try:
            cleaned[name] = _clean_value(name, prop, value)
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
    if "founded" in cleaned and not period_is_ordered(cleaned.get("founded"), cleaned.get("dissolved")):
        errors.setdefault("dissolved", []).append("is before founded")
    if "start" in cleaned and not period_is_ordered(cleaned.get("start"), cleaned.get("end")):
        errors.setdefault("end", []).append("is before start")
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _clean_value(name: str, prop: Any, value: Any) -> Any:
    if value in (None, "") and not isinstance(prop, ArrayProperty):
        if getattr(prop, "required", False):
            raise ValueError("this field is required")
        return getattr(prop, "default", None) if getattr(prop, "choices", None) else None
    if name in DATE_FIELDS:
        return parse_partial_date(value)
    if isinstance(prop, ArrayProperty):
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [part for part in (item.strip() for item in value.split(";")) if part]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError("expected a list of strings")
        items = list(dict.fromkeys(item.strip() for item in value if item.strip()))
        if len(items) > MAX_ALIASES:
            raise ValueError(f"at most {MAX_ALIASES} items (this has {len(items)})")
        for position, item in enumerate(items, 1):
            problem = text_problem(name, item)
            if problem:
                raise ValueError(f"item {position}: {problem}")
        return items
    if isinstance(prop, IntegerProperty):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("expected a whole number")
        return value
    if not isinstance(value, str):
        raise ValueError("expected text")
    value = checked_text(name, value)
    choices = getattr(prop, "choices", None)
    if choices and value not in choices:
        raise ValueError(f"'{value}' is not one of: {', '.join(choices)}")
    return value


def relationship_end_problems(
    relationship_type: str, start_label: str, end_label: str, start_uid: str, end_uid: str
) -> dict[str, list[str]]:
    """Return what is wrong with a `relationship_type` relationship from `start_uid` (a `start_label` node, "?" if
    none) to `end_uid` (an `end_label` one), by field (`type`, `from`, `to`); empty when nothing is."""
    errors: dict[str, list[str]] = {}
    definition = RELATIONSHIP_TYPES.get(relationship_type)
    if definition is None:
        errors["type"] = [f"unknown relationship type '{relationship_type}'; one of: {', '.join(RELATIONSHIP_TYPES)}"]
    else:
        for name, label, allowed in (
            ("from", start_label, definition.start_labels),
            ("to", end_label, definition.end_labels),
        ):
            if label not in LABEL_NAMES:
                errors[name] = ["no node with that uid"]
            elif label not in allowed:
                errors[name] = [f"{relationship_type} cannot {'start' if name == 'from' else 'end'} at a {label}"]
    if start_uid == end_uid:
        errors.setdefault("to", []).append("a relationship must join two different nodes")
    return errors


def clean_relationship(
    relationship_type: str,
    start_label: str,
    end_label: str,
    start_uid: str,
    end_uid: str,
    record: dict[str, Any],
    *,
    source_text: Callable[[str], str | None],
) -> dict[str, Any]:
    """Return a relationship stated in the single-source form (`SINGLE_SOURCE_FIELDS`) checked against the
    vocabulary and the evidence rules.

    Raise ValidationFailed naming each bad field: unknown type, endpoints of the wrong kind, a relationship from a node
    to itself, bad or reversed dates, an unknown confidence, missing evidence, a source that is not there, evidence
    not found word for word in its source's text (`evidence_problem`). `source_text(uid)` returns the text of the
    source `uid` through `spaced` ("" when it has none) or None when no source has that uid: every write path (the
    services, the importer, the admin) checks a relationship here, each finding its sources where it keeps them.
    """
    errors = relationship_end_problems(relationship_type, start_label, end_label, start_uid, end_uid)
    for name in record:
        if name not in SINGLE_SOURCE_FIELDS:
            errors.setdefault(name, []).append("unknown field for a relationship")
    given = {name: value for name, value in record.items() if name in SINGLE_SOURCE_FIELDS}
    # Its one citation is checked as every citation is; its errors name the single-source form's fields.
    cleaned: dict[str, Any] = {}
    try:
        citation = clean_citation({SINGLE_SOURCE_CITATION_NAMES.get(name, name): v for name, v in given.items()})
        cleaned = {name: citation[name] for name in ("since", "until", "qualifier", "confidence", "source_uid")}
        cleaned["evidence"] = citation["exact"]
    except ValidationFailed as failed:
        for name, messages in failed.errors.items():
            errors.setdefault(CITATION_SINGLE_SOURCE_NAMES.get(name, name), []).extend(messages)
    for name in ("source_uid", "evidence"):
        if errors.get(name) == ["this field is required"]:
            errors[name] = ["every relationship needs its source and the sentence that supports it"]
    if cleaned:
        text = source_text(cleaned["source_uid"])
        if text is None:
            errors["source_uid"] = [f"no source with uid '{cleaned['source_uid']}'"]
        else:
            problem = evidence_problem(cleaned["evidence"], cleaned["source_uid"], text or None)
            if problem:
                errors["evidence"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# --- Citations: a passage of a source, found word for word in its text ---------------------------------------
# A citation keeps its passage as the W3C Web Annotation model does: a TextQuoteSelector (`exact`, with `prefix` and
# `suffix`: the text just before and after it) and a TextPositionSelector (`start`, `end`: offsets into the source's
# text in code points, as Python indexes a str, end exclusive), so it can be found again when the text is re-saved.
WHITESPACE = re.compile(r"\s+")
LONG_WHITESPACE = re.compile(r"\s{2,}")  # the runs `spaced` shortens: only they move offsets
CONTEXT_LENGTH = 32  # characters of `prefix` and `suffix` the anchoring keeps (W3C's own examples use 32)
CITATION_UID_PATTERN = re.compile(r"cit-[0-9a-f]{12}")


def spaced(text: str) -> str:
    """Return `text` as a passage is looked for in it: every run of white space (line breaks too) one space."""
    return WHITESPACE.sub(" ", text)


class SourceText:
    """A source's text made ready to find passages in: the `text`, its `spaced` form (a quote is found whatever
    its line breaks and runs of spaces), and the way from an offset in the spaced form back to the text.

    Build one per source and reuse it (a check of many citations of one source spaces its text once).
    """

    __slots__ = ("_ends", "_shifts", "_starts", "spaced", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.spaced = spaced(text)
        # Each long run of white space becomes one space: after the k-th, spaced offsets (from `_starts[k]` on)
        # and original ones (from `_ends[k]` on) differ by `_shifts[k]`.
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._shifts: list[int] = []
        shift = 0
        for run in LONG_WHITESPACE.finditer(text):
            shift += run.end() - run.start() - 1
            self._starts.append(run.end() - shift)
            self._ends.append(run.end())
            self._shifts.append(shift)

    @classmethod
    def of_spaced(cls, spaced_text: str) -> SourceText:
        """Return the SourceText of a text that is already `spaced` (its offsets are the spaced text's own)."""
        source = cls.__new__(cls)
        source.text = source.spaced = spaced_text
        source._starts, source._ends, source._shifts = [], [], []
        return source

    def original(self, index: int) -> int:
        """Return the offset in `text` of the character at offset `index` of `spaced` (a run's one space: the
        run's first character)."""
        run = bisect.bisect_right(self._starts, index) - 1
        return index + (self._shifts[run] if run >= 0 else 0)

    def spaced_offset(self, index: int) -> int | None:
        """Return the offset in `spaced` of the character at offset `index` of `text`, or None when that
        character is inside a run of white space (not its first character), which no passage starts at."""
        run = bisect.bisect_right(self._ends, index) - 1
        at = index - (self._shifts[run] if run >= 0 else 0)
        return at if self.original(at) == index else None


class Anchor(TypedDict):
    """Where a citation's passage is in its source's text; `start` and `end` are None when the source has no text
    (the passage is then kept unanchored, with the context its writer gave)."""

    exact: str
    prefix: str | None
    suffix: str | None
    start: int | None
    end: int | None


def anchor_citation(
    exact: str,
    source_uid: str,
    source: SourceText | None,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    start: int | None = None,
) -> Anchor:
    """Return where the passage `exact` is in the text of source `source_uid` (`source`, None when it has none).

    The one evidence rule. The passage must be in the text word for word, white space aside (every run of it
    counts as one space, line breaks too). Where it occurs more than once, the writer's `start` picks the
    occurrence that begins there; else the one whose surroundings best match the writer's `prefix` and `suffix`
    (the longest match of each), then the one nearest `start`, then the first. The answer's `prefix` and
    `suffix` are the text's own (up to 32 characters, None at either end of the text), `start` and `end` its
    offsets (code points, end exclusive). Raise ValidationFailed naming `exact` (empty, or not in the text) or
    `start` (outside the text).
    """
    exact = exact.strip()
    if not exact:
        raise ValidationFailed({"exact": ["this field is required"]})
    if source is None or not source.text:
        return {"exact": exact, "prefix": prefix or None, "suffix": suffix or None, "start": None, "end": None}
    text = source.text
    if start is not None and not 0 <= start < len(text):
        raise ValidationFailed({"start": [f"is outside the text of source '{source_uid}' (0 to {len(text) - 1:,})"]})
    quote = spaced(exact)
    at = source.spaced_offset(start) if start is not None else None
    if at is None or not source.spaced.startswith(quote, at):
        at = _best_occurrence(source, quote, prefix=prefix, suffix=suffix, near=start)
    if at is None:
        raise ValidationFailed({"exact": [f"not found word for word in source '{source_uid}'"]})
    begin, end = source.original(at), source.original(at + len(quote) - 1) + 1
    return {
        "exact": exact,
        "prefix": text[max(0, begin - CONTEXT_LENGTH) : begin] or None,
        "suffix": text[end : end + CONTEXT_LENGTH] or None,
        "start": begin,
        "end": end,
    }


def _best_occurrence(
    source: SourceText, quote: str, *, prefix: str | None, suffix: str | None, near: int | None
) -> int | None:
    """Return the offset in `source.spaced` of the occurrence of `quote` that `anchor_citation` chooses, or None."""
    first = source.spaced.find(quote)
    if first == -1 or not (prefix or suffix or near is not None):
        return first if first != -1 else None  # one search, as fast as `in`: the usual case
    before, after = spaced(prefix or ""), spaced(suffix or "")
    best, best_rank = first, None
    at = first
    while at != -1:
        context = _shared_end(source.spaced, at, before) + _shared_start(source.spaced, at + len(quote), after)
        distance = abs(source.original(at) - near) if near is not None else 0
        rank = (-context, distance)
        if best_rank is None or rank < best_rank:
            best, best_rank = at, rank
        at = source.spaced.find(quote, at + 1)
    return best


def _shared_end(text: str, end: int, wanted: str) -> int:
    """Return how many characters of `text` before `end` match the end of `wanted`."""
    count = 0
    while count < len(wanted) and count < end and text[end - 1 - count] == wanted[-1 - count]:
        count += 1
    return count


def _shared_start(text: str, start: int, wanted: str) -> int:
    """Return how many characters of `text` from `start` on match the start of `wanted`."""
    count = 0
    while count < len(wanted) and start + count < len(text) and text[start + count] == wanted[count]:
        count += 1
    return count


def evidence_problem(evidence: str, source_uid: str, source_text: str | None) -> str | None:
    """Return why `evidence` cannot be the supporting sentence of a relationship citing source `source_uid`
    whose text is `source_text` (given through `spaced`: a caller checking many relationships against one source spaces
    it once), or None when it is there word for word, or the source has no text to look in (`anchor_citation`)."""
    if not source_text:
        return None
    try:
        anchor_citation(evidence, source_uid, SourceText.of_spaced(source_text))
    except ValidationFailed as failed:
        return " ".join(failed.errors["exact"])
    return None


def clean_citation(record: dict[str, Any], *, recorded: bool = False) -> dict[str, Any]:
    """Return citation `record` (Python names: `source_uid`) checked and normalized, every writable field
    present (None where not given); raise ValidationFailed naming each bad field.

    It checks each field alone and the period's order; whether the source exists and holds `exact` is the
    caller's to ask, then `anchor_citation`'s. With `recorded`, `record` may also hold the fields set when the
    citation was recorded (`uid`, `added_by`, `added_at`), as graph files carry them; else they are unknown
    fields (the services set them).
    """
    allowed = {*CITATION_WRITABLE, *(("uid", "added_by", "added_at") if recorded else ())}
    errors: dict[str, list[str]] = {}
    for name in record:
        if name not in allowed:
            errors.setdefault(name, []).append("unknown field for a citation")
    cleaned: dict[str, Any] = {}
    for name in ("source_uid", "exact", "qualifier", "prefix", "suffix", "added_by"):
        if name not in allowed:
            continue
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            errors.setdefault(name, []).append("expected text")
            continue
        value = value or ""
        if name not in {"prefix", "suffix"}:  # a passage's surroundings keep their white space
            value = value.strip()
        try:
            cleaned[name] = checked_text(name, value) or None
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
    for name in ("source_uid", "exact"):
        if name not in errors and not cleaned.get(name):
            errors[name] = ["this field is required"]
    source_uid = cleaned.get("source_uid")
    if source_uid and not UID_PATTERN.fullmatch(source_uid):
        errors.setdefault("source_uid", []).append(f"expected the uid of a source: {UID_FORM}")
    for name in ("start", "end"):
        try:
            cleaned[name] = _offset(record.get(name))
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
    if cleaned.get("start") is not None and cleaned.get("end") is not None and cleaned["end"] <= cleaned["start"]:
        errors.setdefault("end", []).append("must be after start")
    for name in ("since", "until"):
        try:
            cleaned[name] = parse_partial_date(record.get(name))
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
    if not errors.get("since") and not errors.get("until"):
        if not period_is_ordered(cleaned["since"], cleaned["until"]):
            errors.setdefault("until", []).append("is before since")
    confidence = record.get("confidence") or Confidence.STATED.value
    if not isinstance(confidence, str) or confidence not in CONFIDENCE_NAMES:
        shown = f"'{confidence}' is not" if isinstance(confidence, str) and len(confidence) <= 40 else "expected"
        errors["confidence"] = [f"{shown} one of: {', '.join(c.value for c in Confidence)}"]
    cleaned["confidence"] = confidence
    if recorded:
        uid = record.get("uid")
        if uid is not None and not (isinstance(uid, str) and CITATION_UID_PATTERN.fullmatch(uid)):
            errors["uid"] = ["expected a citation uid: cit- and 12 hexadecimal digits"]
        added_at = record.get("added_at")
        if added_at is not None and not _is_time(added_at):
            errors["added_at"] = ["expected a time like 2026-02-14T09:30:00+00:00"]
        cleaned.update({"uid": uid, "added_at": added_at})
    if errors:
        raise ValidationFailed(errors)
    return {name: cleaned.get(name) for name in (*CITATION_WRITABLE, *CITATION_FIELDS[10:], "uid") if name in allowed}


def _offset(value: Any) -> int | None:
    """Return `value` as an offset into a source's text (a whole number, or its digits as text), None if empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return whole_number(value.strip(), low=0, high=TEXT_LIMITS["text"])
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= TEXT_LIMITS["text"]:
        raise ValueError(f"must be a whole number from 0 to {TEXT_LIMITS['text']:,}")
    return value


def _is_time(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def single_source_citation(record: dict[str, Any]) -> dict[str, Any]:
    """Return the one citation a relationship record in today's single-source form states (`source_uid`,
    `evidence`, `since`, `until`, `qualifier`, `confidence`), for `clean_citation`."""
    return {
        SINGLE_SOURCE_CITATION_NAMES.get(name, name): record[name]
        for name in SINGLE_SOURCE_FIELDS
        if record.get(name) is not None
    }


def citation_key(citation: dict[str, Any]) -> tuple[str, ...]:
    """Return what two records of one citation share: its source and passage (the anchored offsets; for an
    unanchored passage its words, white space aside). Adding a citation with the key of one the relationship
    has is a no-op."""
    if citation.get("start") is not None:
        return citation["source_uid"], str(citation["start"]), str(citation["end"])
    return citation["source_uid"], spaced(citation["exact"].strip())


UNANCHORED_PLACE = 2_147_483_647  # where an unanchored citation sorts: after every passage (texts are shorter)
READING_KEY_SEPARATOR = " "  # below every character of a uid, so one source's keys are one range of the index


def reading_key(source_uid: str, start: int | None, uid: str) -> str:
    """Return the `reading_key` a Citation node stores (a range index): its source, its place in that source's
    text (zero-padded; unanchored last) and its uid, so that one range of the index holds one source's citations
    in reading order (`reading_key_range`)."""
    place = UNANCHORED_PLACE if start is None else start
    return READING_KEY_SEPARATOR.join((source_uid, f"{place:010d}", uid))


def reading_key_range(source_uid: str) -> tuple[str, str]:
    """Return the bounds (exclusive) of the reading keys of source `source_uid`'s citations."""
    return source_uid + READING_KEY_SEPARATOR, source_uid + chr(ord(READING_KEY_SEPARATOR) + 1)


def stored_citation(
    citation: dict[str, Any], *, uid: str, relationship_uid: str, relationship_type: str, start_uid: str, end_uid: str
) -> dict[str, Any]:
    """Return the properties a `(:Citation)` node stores for `citation` (its CITATION_FIELDS, those not None) of the
    `relationship_type` relationship `relationship_uid` from `start_uid` to `end_uid`, with its `reading_key`."""
    return {
        **{name: citation[name] for name in CITATION_FIELDS if citation.get(name) is not None},
        "reading_key": reading_key(citation["source_uid"], citation.get("start"), uid),
        "uid": uid,
        "relationship_uid": relationship_uid,
        "relationship_type": relationship_type,
        "start_uid": start_uid,
        "end_uid": end_uid,
    }


def citation_fields(stored: dict[str, Any]) -> dict[str, Any]:
    """Return a stored citation as the services and readers give it: its `uid` and every CITATION_FIELDS name
    (None where unset), without its relationship's keys."""
    return {"uid": stored.get("uid"), **{name: stored.get(name) for name in CITATION_FIELDS}}


def reading_order(citation: dict[str, Any]) -> tuple[str, bool, int, str]:
    """Return the key that sorts a relationship's citations in reading order: by source, then place in its text
    (unanchored ones last), then uid."""
    start = citation.get("start")
    return citation.get("source_uid") or "", start is None, start or 0, citation.get("uid") or ""


def citation_uid(relationship_uid: str, citation: dict[str, Any], *, taken: Collection[str] = ()) -> str:
    """Return the uid of a new citation of relationship `relationship_uid` (`cit-` and 12 hexadecimal digits of
    its relationship and `citation_key`), one not among `taken` (the relationship's others: an edited citation
    keeps the uid its old key gave).

    A citation keeps its uid through edits and merges, so links to it (`#cit-…`) last.
    """
    seed = "|".join((relationship_uid, *citation_key(citation)))
    uid, attempt = _citation_digest(seed), 0
    while uid in taken:
        attempt += 1
        uid = _citation_digest(f"{seed}|{attempt}")
    return uid


def _citation_digest(seed: str) -> str:
    return "cit-" + hashlib.sha1(seed.encode()).hexdigest()[:12]


def relationship_summary(citations: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return what a relationship's `citations` support together, the properties it stores
    (`RELATIONSHIP_SUMMARY_PROPERTIES`).

    `since` is the earliest any citation states and `until` the latest (the relationship holds as long as some
    source says it did; None when none says), `qualifier` that of the first citation with one (stated before
    inferred, then in the order they were added), `confidence` "stated" if any citation is stated, and
    `source_count` and `source_uids` its distinct sources (sorted).
    """
    sinces = [citation["since"] for citation in citations if citation.get("since")]
    untils = [citation["until"] for citation in citations if citation.get("until")]
    qualifiers = [
        citation["qualifier"] for citation in sorted(citations, key=_citation_rank) if citation.get("qualifier")
    ]
    sources = sorted({citation["source_uid"] for citation in citations})
    stated = any(_is_stated(citation) for citation in citations)
    return {
        "since": min(sinces) if sinces else None,
        "until": max(untils, key=lambda until: (latest_day(until), -len(until))) if untils else None,
        "qualifier": qualifiers[0] if qualifiers else None,
        "confidence": (Confidence.STATED if stated else Confidence.INFERRED).value if citations else None,
        "source_count": len(sources),
        "source_uids": sources,
    }


def _is_stated(citation: dict[str, Any]) -> bool:
    return (citation.get("confidence") or Confidence.STATED.value) == Confidence.STATED.value


def _citation_rank(citation: dict[str, Any]) -> tuple[bool, bool, str]:
    added_at = citation.get("added_at")
    return not _is_stated(citation), added_at is None, added_at or ""


def citation_disagreements(citations: Sequence[dict[str, Any]]) -> list[str]:
    """Return the names of the fields (`since`, `until`, `qualifier`, in that order) on which two of
    `citations` state different values, for pages and the API to show what each source says.

    Dates differ when they name different times at the precision both have ("2003" and "2003-02" agree);
    qualifiers when their words differ, case and white space aside. `until` also differs when what the
    citations support together ends before it begins (one source's `until` before another's `since`).
    """
    differing = []
    for name in ("since", "until"):
        dates = sorted({citation[name] for citation in citations if citation.get(name)})
        if any(not later.startswith(earlier) for earlier, later in itertools.pairwise(dates)):
            differing.append(name)
    summary = relationship_summary(citations)
    if "until" not in differing and not period_is_ordered(summary["since"], summary["until"]):
        differing.append("until")
    qualifiers = {
        spaced(citation["qualifier"]).strip().casefold() for citation in citations if citation.get("qualifier")
    }
    if len(qualifiers) > 1:
        differing.append("qualifier")
    return differing


# --- One relationship, whichever way a symmetric one is written ----------------------------------------------

SYMMETRIC_TYPES = frozenset(
    relationship_type.name for relationship_type in RELATIONSHIP_TYPES.values() if relationship_type.symmetric
)


def relationship_orientations(relationship_type: str, start_uid: str, end_uid: str) -> tuple[tuple[str, str], ...]:
    """Return the (start, end) pairs that state the same `relationship_type` relationship: both ways for a symmetric
    type
    (A-COLLABORATES_WITH-B is B-COLLABORATES_WITH-A), else the one given."""
    if relationship_type in SYMMETRIC_TYPES and start_uid != end_uid:
        return (start_uid, end_uid), (end_uid, start_uid)
    return ((start_uid, end_uid),)


def relationship_key(relationship_type: str, start_uid: str, end_uid: str) -> tuple[str, str, str]:
    """Return what two records of one relationship have in common: its type and ends, a symmetric type's ends
    in sorted order (the first of `relationship_orientations`, without building them: an import keys every
    relationship)."""
    if relationship_type in SYMMETRIC_TYPES and end_uid < start_uid:
        return relationship_type, end_uid, start_uid
    return relationship_type, start_uid, end_uid


def relationship_uid(start_uid: str, relationship_type: str, end_uid: str) -> str:
    """Return the stable uid of the relationship `relationship_type` from `start_uid` to `end_uid`.

    It starts with the type ("part-of-…"), so the relationship is found through its type's uid index.
    """
    digest = hashlib.sha1(f"{start_uid}|{relationship_type}|{end_uid}".encode()).hexdigest()[:12]
    return f"{relationship_type.lower().replace('_', '-')}-{digest}"


def type_of_relationship_uid(uid: str) -> str | None:
    """Return the relationship type a relationship uid names, or None if it names none."""
    prefix, _, digest = uid.rpartition("-")
    relationship_type = prefix.upper().replace("-", "_")
    return relationship_type if relationship_type in RELATIONSHIP_TYPES and len(digest) == 12 else None
