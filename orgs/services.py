"""Writes: each function changes the graph inside one retried transaction, after the shared validation.

The admin, the API, the importer and the pages all write through here, so a rule (evidence required,
`until` not before `since`, one vocabulary, one tie per start/type/end) holds everywhere.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.text import slugify

from orgs import cypher as q
from orgs.graph import AlreadyExists, cypher, write_transaction
from orgs.search import search_text_for
from orgs.validation import ValidationFailed, clean_node_properties, clean_tie, rel_type_of_tie_uid, tie_uid
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

SEARCHABLE = frozenset({NodeLabel.ORGANIZATION.value, NodeLabel.COUNTRY.value})
UNIQUE_NAMES = SEARCHABLE


class NotFound(Exception):
    """No node or relationship has that uid."""


def node_get(*, uid: str) -> tuple[str, dict[str, Any]]:
    """Return (label, properties) of the node `uid`; raise NotFound."""
    rows = cypher(q.NODE_BY_UID, {"uid": uid})
    if not rows:
        raise NotFound(f"no node with uid '{uid}'")
    return rows[0]["label"], rows[0]["props"]


def _with_search_text(label: str, props: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    if label in SEARCHABLE and {"name", "acronym", "aliases"} & set(props):
        merged = {**current, **props}
        props = {**props, "search_text": search_text_for(merged["name"], merged.get("acronym"),
                                                          merged.get("aliases") or [])}
    return props


def _check_name_free(label: str, uid: str, props: dict[str, Any]) -> None:
    if label in UNIQUE_NAMES and "name" in props:
        if cypher(q.NAME_TAKEN, {"name": props["name"], "uid": uid, "label": label}):
            raise AlreadyExists(f"a {label.lower()} named '{props['name']}' already exists")


def _new_uid(label: str, props: dict[str, Any]) -> str:
    base = slugify(props.get("acronym") or props.get("name") or props.get("title") or label)[:60] or label.lower()
    candidate, suffix = base, 2
    while cypher(q.NODE_BY_UID, {"uid": candidate}) or cypher(q.TOMBSTONE_BY_UID, {"uid": candidate}):
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


def node_create(*, label: str, data: dict[str, Any], uid: str | None = None) -> dict[str, Any]:
    """Create a `label` node from `data` (uid chosen from its name unless given); return its properties.

    Raise ValidationFailed for bad fields and AlreadyExists for a taken uid or name.
    """
    props = clean_node_properties(label, data)

    def work() -> dict[str, Any]:
        _check_name_free(label, uid or "", props)
        new_uid = uid or _new_uid(label, props)
        rows = cypher(q.create_node(label), {"uid": new_uid, "props": _with_search_text(label, props, {})})
        return rows[0]["props"]

    return write_transaction(work)


def node_update(*, label: str, uid: str, data: dict[str, Any], partial: bool = True) -> dict[str, Any]:
    """Change the `label` node `uid` with `data`; return its properties. Raise NotFound, ValidationFailed."""
    props = clean_node_properties(label, data, partial=partial)

    def work() -> dict[str, Any]:
        found_label, current = node_get(uid=uid)
        if found_label != label:
            raise NotFound(f"no {label.lower()} with uid '{uid}'")
        _check_name_free(label, uid, props)
        return cypher(q.update_node(label), {"uid": uid, "props": _with_search_text(label, props, current)})[0]["props"]

    return write_transaction(work)


def node_delete(*, uid: str) -> None:
    """Delete the node `uid` and its relationships, leaving a tombstone; raise NotFound."""

    def work() -> None:
        label, _ = node_get(uid=uid)
        cypher(q.DELETE_NODE, {"uid": uid, "label": label, "deleted_at": _now()})

    write_transaction(work)


def relationship_create(*, rel_type: str, start_uid: str, end_uid: str, data: dict[str, Any]) -> dict[str, Any]:
    """Create the `rel_type` relationship from `start_uid` to `end_uid`; return its properties with its ends.

    Raise ValidationFailed (unknown type, missing or wrong-kind endpoint, reversed dates, no evidence,
    unknown source) or AlreadyExists (the same relationship is already there).
    """

    def work() -> dict[str, Any]:
        labels = _labels_of(start_uid, end_uid)
        props = clean_tie(rel_type, labels.get(start_uid, "?"), labels.get(end_uid, "?"), start_uid, end_uid, data)
        _check_source(props)
        definition = RELATIONSHIP_TYPES[rel_type]
        existing = cypher(q.find_tie(rel_type), {"start": start_uid, "end": end_uid,
                                                 "both_ways": definition.symmetric})
        if existing:
            raise AlreadyExists(
                f"{start_uid} {definition.forward} {end_uid} is already recorded ({existing[0]['uid']})"
            )
        props["uid"] = tie_uid(start_uid, rel_type, end_uid)
        tie = cypher(q.create_tie(rel_type), {"start": start_uid, "end": end_uid, "props": props})[0]["props"]
        return {**tie, "type": rel_type, "start": start_uid, "end": end_uid}

    return write_transaction(work)


def relationship_get(*, uid: str) -> dict[str, Any]:
    """Return the relationship `uid`: its properties, type, ends and their kinds; raise NotFound."""
    rel = rel_type_of_tie_uid(uid)
    rows = cypher(q.tie_by_uid(rel), {"uid": uid}) if rel else []
    if not rows:
        raise NotFound(f"no relationship with uid '{uid}'")
    row = rows[0]
    return {**row["props"], "type": rel, "start": row["start"], "end": row["end"],
            "start_label": row["start_label"], "end_label": row["end_label"]}


def relationship_update(*, uid: str, data: dict[str, Any]) -> dict[str, Any]:
    """Change the period, footing or evidence of relationship `uid` (its type and ends stay); return it."""

    def work() -> dict[str, Any]:
        current = relationship_get(uid=uid)
        merged = {name: current.get(name) for name in ("since", "until", "qualifier", "confidence",
                                                         "source_uid", "evidence")}
        merged.update(data)
        props = clean_tie(current["type"], current["start_label"], current["end_label"],
                          current["start"], current["end"], merged)
        _check_source(props)
        tie = cypher(q.update_tie(current["type"]), {"uid": uid, "props": props})[0]["props"]
        return {**tie, "type": current["type"], "start": current["start"], "end": current["end"]}

    return write_transaction(work)


def relationship_delete(*, uid: str) -> None:
    """Delete the relationship `uid`; raise NotFound."""

    def work() -> None:
        rel = rel_type_of_tie_uid(uid)
        if not rel or not cypher(q.delete_tie(rel), {"uid": uid})[0]["deleted"]:
            raise NotFound(f"no relationship with uid '{uid}'")

    write_transaction(work)


def _labels_of(*uids: str) -> dict[str, str]:
    return {row["uid"]: row["label"] for row in cypher(q.EXISTING_UIDS, {"uids": list(uids)})}


def _check_source(props: dict[str, Any]) -> None:
    labels = _labels_of(props["source_uid"])
    if labels.get(props["source_uid"]) != NodeLabel.SOURCE.value:
        raise ValidationFailed({"source_uid": [f"no source with uid '{props['source_uid']}'"]})


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
