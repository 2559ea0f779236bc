"""The rules a node or relationship must satisfy, written once for the loader, services, API and admin."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from neomodel import ArrayProperty, IntegerProperty

from orgs.dates import parse_partial_date, period_is_ordered
from orgs.models import NODE_CLASSES
from orgs.vocabulary import RELATIONSHIP_PROPERTIES, RELATIONSHIP_TYPES, Confidence, NodeLabel

DATE_FIELDS = frozenset({"founded", "dissolved", "start", "end", "date", "since", "until"})
LABEL_NAMES = frozenset(label.value for label in NodeLabel)
CONFIDENCE_NAMES = frozenset(member.value for member in Confidence)
DERIVED_FIELDS = frozenset({"uid", "degree", "search_text", "former_uids", "version"})  # set by the code, not a person
UNIQUE_NAMES = frozenset({NodeLabel.ORGANIZATION, NodeLabel.COUNTRY})  # no two nodes of these kinds share a name

# A node's uid: a lowercase slug (fullmatch it: "$" also matches before a final "\n"); URLs and files carry it.
UID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
UID_FORM = "a lowercase slug (a-z, 0-9, . _ -)"


def is_uid(value: object) -> TypeGuard[str]:
    """Return whether `value` can be a node's uid (`UID_PATTERN`): the services and the importer both ask here."""
    return isinstance(value, str) and UID_PATTERN.fullmatch(value) is not None


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
    "aliases": 300,  # each alias
}
MAX_ALIASES = 100
MULTILINE_FIELDS = frozenset({"description", "text", "evidence"})  # may hold tabs and line breaks
URL_FIELDS = frozenset({"website", "url"})
URL_SCHEMES = frozenset({"http", "https"})
# Control characters (C0 but tab, line feed and carriage return; DEL; C1), lone surrogates, and the two
# non-characters XML 1.0 forbids: none is text a person means, and any of them breaks an export format.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")  # and line separators


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
    """One or more fields are wrong: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


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
    """Return a relationship's properties checked against the vocabulary and the evidence rules.

    Raise ValidationFailed naming each bad field: unknown type, endpoints of the wrong kind, a relationship from a node
    to itself, bad or reversed dates, an unknown confidence, missing evidence, a source that is not there, evidence
    not found word for word in its source's text (`evidence_problem`). `source_text(uid)` returns the text of the
    source `uid` through `spaced` ("" when it has none) or None when no source has that uid: every write path (the
    services, the importer, the admin) checks a relationship here, each finding its sources where it keeps them.
    """
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
    for name in record:
        if name not in RELATIONSHIP_PROPERTIES:
            errors.setdefault(name, []).append("unknown field for a relationship")
    cleaned: dict[str, Any] = {}
    for name in ("since", "until"):
        try:
            cleaned[name] = parse_partial_date(record.get(name))
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
    if not errors.get("since") and not errors.get("until"):
        if not period_is_ordered(cleaned["since"], cleaned["until"]):
            errors.setdefault("until", []).append("is before since")
    confidence = record.get("confidence") or Confidence.STATED.value
    if not isinstance(confidence, str) or text_problem("confidence", confidence):
        errors["confidence"] = [f"expected one of: {', '.join(c.value for c in Confidence)}"]
    elif confidence not in CONFIDENCE_NAMES:
        errors["confidence"] = [f"'{confidence}' is not one of: {', '.join(c.value for c in Confidence)}"]
    cleaned["confidence"] = confidence
    for name in ("qualifier", "source_uid", "evidence"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            errors.setdefault(name, []).append("expected text")
            continue
        try:
            cleaned[name] = checked_text(name, (value or "").strip()) or None
        except ValueError as error:
            errors.setdefault(name, []).append(str(error))
    for name in ("source_uid", "evidence"):
        if not cleaned.get(name) and name not in errors:
            errors[name] = ["every relationship needs its source and the sentence that supports it"]
    if "source_uid" not in errors:
        text = source_text(cleaned["source_uid"])
        if text is None:
            errors["source_uid"] = [f"no source with uid '{cleaned['source_uid']}'"]
        elif "evidence" not in errors:
            problem = evidence_problem(cleaned["evidence"], cleaned["source_uid"], text or None)
            if problem:
                errors["evidence"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# --- Evidence: found word for word in the text of its source -------------------------------------------------
WHITESPACE = re.compile(r"\s+")


def spaced(text: str) -> str:
    """Return `text` as evidence is looked for in it: every run of white space (line breaks too) one space."""
    return WHITESPACE.sub(" ", text)


def evidence_problem(evidence: str, source_uid: str, source_text: str | None) -> str | None:
    """Return why `evidence` cannot be the supporting sentence of a relationship citing source `source_uid`
    whose text is `source_text` (given through `spaced`: a caller checking many relationships against one source spaces
    it once), or None when it is there word for word, or the source has no text to look in."""
    if source_text and spaced(evidence) not in source_text:
        return f"not found word for word in source '{source_uid}'"
    return None


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
