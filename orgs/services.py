"""Writes: each function changes the graph inside one retried transaction, after the shared validation.

The admin, the API, the importer and the pages all write through here, so a rule (evidence required,
`until` not before `since`, one vocabulary, one relationship per start/type/end) holds everywhere.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from django.utils.text import slugify

from orgs.graph import queries as q
from orgs.graph.connection import AlreadyExists, cypher, read_cypher, write_transaction
from orgs.graph.counts import add_to_counts, relationships_removed_with
from orgs.history import change_record, changed_values
from orgs.models import ChangeAction
from orgs.search import SEARCHABLE, search_text_for
from orgs.validation import (
    UID_FORM,
    UNIQUE_NAMES,
    ValidationFailed,
    clean_node_properties,
    clean_relationship,
    is_uid,
    relationship_key,
    relationship_uid,
    spaced,
    type_of_relationship_uid,
)
from orgs.vocabulary import RELATIONSHIP_PROPERTIES, RELATIONSHIP_TYPES, NodeLabel, with_article


class NotFound(Exception):
    """No node or relationship has that uid."""


class NameTaken(AlreadyExists):
    """Another node of the kind already has that name."""


class UidTaken(AlreadyExists):
    """The uid asked for is a node's, a deleted node's or a merged organization's former one."""


class StaleVersion(Exception):
    """The node or relationship was written since the version the writer read: its change was not applied."""

    def __init__(self, what: str, uid: str, current: int):
        super().__init__(
            f"the {what} '{uid}' was changed by someone else since you read it (it is now at "
            f"version {current}); read it again and redo your change"
        )
        self.uid = uid
        self.current = current


def check_version(what: str, uid: str, current: dict[str, Any], expected_versions: Collection[int] | None) -> None:
    """Raise StaleVersion unless `current`'s version (0 for one written before versions) is among
    `expected_versions`; None expects nothing (the write goes ahead whatever the version)."""
    version = int(current.get("version") or 0)
    if expected_versions is not None and version not in expected_versions:
        raise StaleVersion(what, uid, version)


def node_get(*, uid: str) -> tuple[str, dict[str, Any]]:
    """Return (label, properties) of the node `uid`; raise NotFound."""
    rows = read_cypher(q.NODE_BY_UID, {"uid": uid})
    if not rows:
        raise NotFound(f"no node with uid '{uid}'")
    return rows[0]["label"], rows[0]["props"]


def _with_search_text(label: str, props: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    if label in SEARCHABLE and {"name", "acronym", "aliases"} & set(props):
        merged = {**current, **props}
        props = {
            **props,
            "search_text": search_text_for(merged["name"], merged.get("acronym"), merged.get("aliases") or []),
        }
    return props


def _check_name_free(label: str, uid: str, props: dict[str, Any]) -> None:
    if label in UNIQUE_NAMES and "name" in props:
        if cypher(q.NAME_TAKEN, {"name": props["name"], "uid": uid, "label": label}):
            raise NameTaken(f"{with_article(label.lower())} named '{props['name']}' already exists")


UID_LENGTH = 60
UID_CANDIDATES_PER_QUERY = 12


def uid_candidates(label: str, props: dict[str, Any]) -> Iterator[str]:
    """Yield the uids a new `label` node may take, best first, without end.

    The acronym's slug (else the name's or title's); then the acronym and the name, then that with a digest of
    the name, so bodies of different names sharing an acronym get different uids at once, even when many are
    created at the same moment; then a counter.
    """
    acronym = slugify(props.get("acronym") or "")[:UID_LENGTH].strip("-")
    named = slugify(props.get("name") or props.get("title") or "")[:UID_LENGTH].strip("-")
    first = acronym or named or label.lower()
    yield first
    longer = f"{acronym}-{named}"[:UID_LENGTH].strip("-") if acronym and named else first
    if longer != first:
        yield longer
    text = str(props.get("name") or props.get("title") or "")
    if text:
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        yield f"{longer[: UID_LENGTH - 9].strip('-')}-{digest}"
    counter = 2
    while True:
        yield f"{first[: UID_LENGTH - 8].strip('-')}-{counter}"
        counter += 1


def _new_uid(label: str, props: dict[str, Any]) -> str:
    """Return the first of `uid_candidates` that no node, tombstone or former uid holds."""
    candidates = uid_candidates(label, props)
    while True:
        batch = [next(candidates) for _ in range(UID_CANDIDATES_PER_QUERY)]
        taken = {row["uid"] for row in cypher(q.UIDS_TAKEN, {"uids": batch})}
        free = [candidate for candidate in batch if candidate not in taken]
        if free:
            return free[0]


RETIRED_UIDS_PER_QUERY = 5000


def retired_uids(uids: Collection[str]) -> dict[str, str]:
    """Return {uid: its fate} for those of `uids` that are spoken for though no node has them: a deleted node's
    (its tombstone) or a merged-away organization's former uid. No write may give one to a node: the fate reads
    "the uid of a deleted node" or "the former uid of an organization merged into 'x'"."""
    ordered = sorted(set(uids))
    fates: dict[str, str] = {}
    for offset in range(0, len(ordered), RETIRED_UIDS_PER_QUERY):
        chunk = ordered[offset : offset + RETIRED_UIDS_PER_QUERY]
        for row in cypher(q.FORMER_UIDS_AMONG, {"uids": chunk}):
            fates[row["uid"]] = f"the former uid of an organization merged into '{row['survivor']}'"
        for row in cypher(q.TOMBSTONES_OF_UIDS, {"uids": chunk}):
            fates[row["uid"]] = f"the uid of a node deleted on {str(row['deleted_at'])[:10]}"
    return fates


def _check_uid_free(uid: str) -> None:
    """Raise AlreadyExists, saying why, if `uid` names a node, a deleted node or a merged-away organization."""
    if not cypher(q.UIDS_TAKEN, {"uids": [uid]}):
        return
    retired = retired_uids([uid])
    fate = f"{retired[uid]}, and such uids are never reused" if uid in retired else "a node's uid"
    raise UidTaken(f"'{uid}' is {fate}; choose another uid or leave it out to get one")


# A uid another create took between our check and our write fails on the uniqueness constraint: look again.
CREATE_ATTEMPTS = 4


def node_create(*, label: str, data: dict[str, Any], uid: str | None = None, actor: Any = None) -> dict[str, Any]:
    """Create a `label` node from `data` (uid chosen from its acronym or name unless given); return its
    properties, at version 1.

    Raise ValidationFailed for bad fields and AlreadyExists for a taken name or a given uid that is taken (by
    a node, a deleted node's tombstone or a merged organization's former uids). `actor` (a user or None) is
    recorded in the change log, as in every write below.
    """
    props = clean_node_properties(label, data)
    if uid and not is_uid(uid):
        raise ValidationFailed({"uid": [f"expected {UID_FORM}"]})

    def work() -> dict[str, Any]:
        _check_name_free(label, uid or "", props)
        if uid:
            _check_uid_free(uid)
        new_uid = uid or _new_uid(label, props)
        created = cypher(q.create_node(label), {"uid": new_uid, "props": _with_search_text(label, props, {})})
        after = created[0]["props"]
        add_to_counts({label: 1})
        change_record(
            action=ChangeAction.CREATE,
            label=label,
            node_uid=new_uid,
            actor=actor,
            after=after,
            summary=f"created {label} '{_display_name(after)}'",
        )
        return after

    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return write_transaction(work)
        except (NameTaken, UidTaken):
            raise
        except AlreadyExists:
            # The server's own words name its index: say it as the checks would, once they see the winner.
            if attempt == CREATE_ATTEMPTS:
                raise AlreadyExists(
                    f"another {label.lower()} was created with the same uid or name at the same moment; try again"
                ) from None
    raise AssertionError("unreachable")


def _node_for_write(uid: str, expected_versions: Collection[int] | None) -> tuple[str, dict[str, Any]]:
    """Return (label, properties) of the node `uid`, held for writing in the current transaction; raise
    NotFound, or StaleVersion if its version is not among `expected_versions` (None: any)."""
    rows = cypher(q.NODE_FOR_WRITE, {"uid": uid})
    # No label: another transaction deleted the node (a merge's loser) while this one waited for its lock.
    if not rows or rows[0]["label"] is None:
        raise NotFound(f"no node with uid '{uid}'")
    label, current = rows[0]["label"], rows[0]["props"]
    check_version(label.lower(), uid, current, expected_versions)
    return label, current


def node_update(
    *,
    label: str,
    uid: str,
    data: dict[str, Any],
    partial: bool = True,
    actor: Any = None,
    expected_versions: Collection[int] | None = None,
) -> dict[str, Any]:
    """Change the `label` node `uid` with `data`; return its properties (its version one higher when anything
    changed). Raise NotFound, ValidationFailed, AlreadyExists (a taken name), or StaleVersion when its version
    is not among `expected_versions` (None: write whatever the version), checked in the write's transaction.
    """
    props = clean_node_properties(label, data, partial=partial)

    def work() -> dict[str, Any]:
        found_label, current = _node_for_write(uid, expected_versions)
        if found_label != label:
            raise NotFound(f"no {label.lower()} with uid '{uid}'")
        _check_name_free(label, uid, props)
        changes = _with_search_text(label, props, current)
        old, new = changed_values(current, {**current, **changes})
        if not new:
            return current
        after = cypher(q.update_node(label), {"uid": uid, "props": changes})[0]["props"]
        changed = ", ".join(name for name in new if name != "search_text")
        change_record(
            action=ChangeAction.UPDATE,
            label=label,
            node_uid=uid,
            actor=actor,
            before=old,
            after=new,
            summary=f"changed {changed}",
        )
        return after

    return write_transaction(work)


def node_delete(*, uid: str, actor: Any = None, expected_versions: Collection[int] | None = None) -> None:
    """Delete the node `uid` and its relationships, leaving a tombstone; raise NotFound, or StaleVersion when
    its version is not among `expected_versions` (None: any)."""

    def work() -> None:
        label, before = _node_for_write(uid, expected_versions)
        removed = relationships_removed_with(uid)
        cypher(q.DELETE_NODE, {"uid": uid, "label": label, "deleted_at": _now()})
        add_to_counts({label: -1, **removed})
        change_record(
            action=ChangeAction.DELETE,
            label=label,
            node_uid=uid,
            actor=actor,
            before=before,
            summary=f"deleted {label} '{_display_name(before)}' and its relationships",
        )

    write_transaction(work)


def relationship_create(
    *, relationship_type: str, start_uid: str, end_uid: str, data: dict[str, Any], actor: Any = None
) -> dict[str, Any]:
    """Create the `relationship_type` relationship from `start_uid` to `end_uid`; return its properties with its ends.

    Raise ValidationFailed (unknown type, missing or wrong-kind endpoint, reversed dates, no evidence,
    unknown source, evidence not in the source's text) or AlreadyExists (the same relationship is already
    there, either way for a symmetric type).
    """

    def work() -> dict[str, Any]:
        labels = _labels_of(start_uid, end_uid)
        props = clean_relationship(
            relationship_type,
            labels.get(start_uid, "?"),
            labels.get(end_uid, "?"),
            start_uid,
            end_uid,
            data,
            source_text=source_text_in_graph,
        )
        definition = RELATIONSHIP_TYPES[relationship_type]
        existing = cypher(q.find_relationship(relationship_type), {"start": start_uid, "end": end_uid})
        if existing:
            raise AlreadyExists(
                f"{start_uid} {definition.forward} {end_uid} is already recorded ({existing[0]['uid']})"
            )
        props["uid"] = relationship_uid(start_uid, relationship_type, end_uid)
        relationship = cypher(
            q.create_relationship(relationship_type), {"start": start_uid, "end": end_uid, "props": props}
        )[0]["props"]
        add_to_counts({relationship_type: 1})
        _relationship_change_record(
            ChangeAction.RELATIONSHIP_ADD,
            "added",
            {"type": relationship_type, "start": start_uid, "end": end_uid},
            uid=props["uid"],
            actor=actor,
            after=relationship,
        )
        return {**relationship, "type": relationship_type, "start": start_uid, "end": end_uid}

    return write_transaction(work)


def relationship_get(*, uid: str) -> dict[str, Any]:
    """Return the relationship `uid`: its properties, type, ends and their kinds; raise NotFound."""
    relationship_type = type_of_relationship_uid(uid)
    rows = read_cypher(q.relationship_by_uid(relationship_type), {"uid": uid}) if relationship_type else []
    if not rows:
        raise NotFound(f"no relationship with uid '{uid}'")
    row = rows[0]
    return {
        **row["props"],
        "type": relationship_type,
        "start": row["start"],
        "end": row["end"],
        "start_label": row["start_label"],
        "end_label": row["end_label"],
    }


def _relationship_for_write(uid: str, expected_versions: Collection[int] | None) -> dict[str, Any]:
    """Return the relationship `uid` as `relationship_get` does, held for writing in the current transaction;
    raise NotFound, or StaleVersion if its version is not among `expected_versions` (None: any)."""
    relationship_type = type_of_relationship_uid(uid)
    if not relationship_type or not cypher(q.relationship_for_write(relationship_type), {"uid": uid}):
        raise NotFound(f"no relationship with uid '{uid}'")
    current = relationship_get(uid=uid)
    check_version("relationship", uid, current, expected_versions)
    return current


def _relationship_change_record(
    action: ChangeAction,
    what: str,
    relationship: dict[str, Any],
    *,
    uid: str,
    actor: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record `action` on the relationship `uid` (`relationship` gives its type, start and end), summed up as
    "<what>: <start> <reading> <end>"."""
    forward = RELATIONSHIP_TYPES[relationship["type"]].forward
    change_record(
        action=action,
        label=relationship["type"],
        node_uid=relationship["start"],
        other_uid=relationship["end"],
        relationship_uid=uid,
        actor=actor,
        before=before,
        after=after,
        summary=f"{what}: {relationship['start']} {forward} {relationship['end']}",
    )


def relationship_update(
    *, uid: str, data: dict[str, Any], actor: Any = None, expected_versions: Collection[int] | None = None
) -> dict[str, Any]:
    """Change the period, footing or evidence of relationship `uid` (its type and ends stay); return it.

    Raise NotFound, ValidationFailed (as `relationship_create`), or StaleVersion when its version is not among
    `expected_versions`.
    """

    def work() -> dict[str, Any]:
        current = _relationship_for_write(uid, expected_versions)
        merged = {name: current.get(name) for name in RELATIONSHIP_PROPERTIES}
        merged.update(data)
        props = clean_relationship(
            current["type"],
            current["start_label"],
            current["end_label"],
            current["start"],
            current["end"],
            merged,
            source_text=source_text_in_graph,
        )
        ends = {"type": current["type"], "start": current["start"], "end": current["end"]}
        old, new = changed_values({name: current.get(name) for name in props}, props)
        if not new:
            return {name: current.get(name) for name in current if name not in {"start_label", "end_label"}}
        relationship = cypher(q.update_relationship(current["type"]), {"uid": uid, "props": props})[0]["props"]
        _relationship_change_record(
            ChangeAction.RELATIONSHIP_CHANGE,
            f"changed {', '.join(new)}",
            current,
            uid=uid,
            actor=actor,
            before=old,
            after=new,
        )
        return {**relationship, **ends}

    return write_transaction(work)


def relationship_delete(*, uid: str, actor: Any = None, expected_versions: Collection[int] | None = None) -> None:
    """Delete the relationship `uid`; raise NotFound, or StaleVersion when its version is not among
    `expected_versions` (None: any)."""

    def work() -> None:
        current = _relationship_for_write(uid, expected_versions)
        deleted = cypher(q.delete_relationship(current["type"]), {"uid": uid})[0]["deleted"]
        add_to_counts({current["type"]: -deleted})
        before = {name: value for name, value in current.items() if name not in {"start_label", "end_label"}}
        _relationship_change_record(
            ChangeAction.RELATIONSHIP_REMOVE, "removed", current, uid=uid, actor=actor, before=before
        )

    write_transaction(work)


MERGE_FILLED_FIELDS = ("acronym", "description", "founded", "dissolved", "website")


def organizations_merge_preview(*, survivor_uid: str, loser_uid: str) -> dict[str, Any]:
    """Return what merging organization `loser_uid` into `survivor_uid` would do, without doing it.

    The answer holds both organizations' properties, the relationships that would `move` to the survivor,
    those `dropped` (with the reason: the survivor already has it, or it joins the two), the `aliases_added`,
    the empty fields of the survivor `filled` from the loser, and the `former_uids` the survivor would keep.
    Raise NotFound or ValidationFailed (not two different organizations).
    """
    if survivor_uid == loser_uid:
        raise ValidationFailed({"loser": ["an organization cannot be merged into itself"]})
    survivor, loser = _organization(survivor_uid, "survivor"), _organization(loser_uid, "loser")

    def key_at_survivor(relationship: dict[str, Any]) -> tuple[str, str, str]:
        start, end = (
            (survivor_uid, relationship["other"]) if relationship["outgoing"] else (relationship["other"], survivor_uid)
        )
        return relationship_key(relationship["type"], start, end)

    kept = {
        key_at_survivor(relationship) for relationship in read_cypher(q.RELATIONSHIPS_OF_NODE, {"uid": survivor_uid})
    }
    moved: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for relationship in read_cypher(q.RELATIONSHIPS_OF_NODE, {"uid": loser_uid}):
        if relationship["other"] == survivor_uid:
            dropped.append({**relationship, "reason": "it joins the two organizations"})
        elif key_at_survivor(relationship) in kept:
            dropped.append({**relationship, "reason": "the survivor already has it"})
        else:
            moved.append(relationship)
            kept.add(key_at_survivor(relationship))
    own_names = {survivor["name"], survivor.get("acronym"), *(survivor.get("aliases") or [])}
    loser_names = [loser["name"], loser.get("acronym"), *(loser.get("aliases") or [])]
    aliases_added = [name for name in dict.fromkeys(loser_names) if name and name not in own_names]
    filled = {name: loser[name] for name in MERGE_FILLED_FIELDS if loser.get(name) and not survivor.get(name)}
    former_uids = list(
        dict.fromkeys([*(survivor.get("former_uids") or []), loser_uid, *(loser.get("former_uids") or [])])
    )
    return {
        "survivor": survivor,
        "loser": loser,
        "moved": moved,
        "dropped": dropped,
        "aliases_added": aliases_added,
        "filled": filled,
        "former_uids": former_uids,
    }


def organizations_merge(
    *,
    survivor_uid: str,
    loser_uid: str,
    actor: Any = None,
    expected_versions: Mapping[str, Collection[int]] | None = None,
) -> dict[str, Any]:
    """Merge organization `loser_uid` into `survivor_uid` in one transaction; return the plan carried out.

    The loser's relationships move to the survivor (except those it already has or that join the two), its
    names become the survivor's aliases, its uid joins the survivor's `former_uids` so old links resolve, and
    it is deleted. Raise NotFound or ValidationFailed, or StaleVersion when either organization's version is
    not among `expected_versions[uid]` (the versions the merge was previewed on; a uid left out: any).
    """
    expected = expected_versions or {}

    def work() -> dict[str, Any]:
        # Both held for writing before the plan is read, in one order (two merges of the same pair, either way
        # round, do not deadlock); the plan is then that of the versions checked.
        for uid in sorted({survivor_uid, loser_uid}):
            _node_for_write(uid, expected.get(uid))
        plan = organizations_merge_preview(survivor_uid=survivor_uid, loser_uid=loser_uid)
        by_type: dict[tuple[str, bool], list[dict[str, Any]]] = {}
        for relationship in plan["moved"]:
            start, end = (
                (survivor_uid, relationship["other"])
                if relationship["outgoing"]
                else (relationship["other"], survivor_uid)
            )
            props = {**relationship["props"], "uid": relationship_uid(start, relationship["type"], end)}
            row = {"other": relationship["other"], "props": props}
            by_type.setdefault((relationship["type"], relationship["outgoing"]), []).append(row)
        neighbours = sorted(
            {relationship["other"] for relationship in plan["moved"] + plan["dropped"]} - {survivor_uid}
        )
        counts = Counter(relationships_removed_with(loser_uid))
        cypher(q.DELETE_MERGED_ORGANIZATION, {"uid": loser_uid})
        for (relationship_type, outgoing), rows in by_type.items():
            query = (
                q.copy_relationships_from(relationship_type) if outgoing else q.copy_relationships_to(relationship_type)
            )
            counts[relationship_type] += cypher(query, {"node": survivor_uid, "rows": rows})[0]["created"]
        survivor = plan["survivor"]
        aliases = [*(survivor.get("aliases") or []), *plan["aliases_added"]]
        changes = {**plan["filled"], "aliases": aliases, "former_uids": plan["former_uids"]}
        changes = _with_search_text(NodeLabel.ORGANIZATION.value, changes, survivor)
        after = cypher(q.update_node(NodeLabel.ORGANIZATION.value), {"uid": survivor_uid, "props": changes})
        cypher(q.REFRESH_DEGREES_OF_UIDS, {"uids": [survivor_uid, *neighbours]})
        add_to_counts({NodeLabel.ORGANIZATION.value: -1, **counts})
        old, new = changed_values(survivor, after[0]["props"])
        change_record(
            action=ChangeAction.MERGE,
            label=NodeLabel.ORGANIZATION.value,
            node_uid=survivor_uid,
            other_uid=loser_uid,
            actor=actor,
            before={**old, "merged_away": plan["loser"]},
            after=new,
            summary=f"merged '{plan['loser']['name']}' ({loser_uid}) into '{survivor['name']}': "
            f"{len(plan['moved'])} relationship(s) moved, {len(plan['dropped'])} dropped",
        )
        return plan

    return write_transaction(work)


def _organization(uid: str, role: str) -> dict[str, Any]:
    label, props = node_get(uid=uid)
    if label != NodeLabel.ORGANIZATION.value:
        raise ValidationFailed({role: [f"'{uid}' is a {label.lower()}, not an organization"]})
    return props


def _labels_of(*uids: str) -> dict[str, str]:
    return {row["uid"]: row["label"] for row in read_cypher(q.EXISTING_UIDS, {"uids": list(uids)})}


def source_text_in_graph(uid: str) -> str | None:
    """Return the text of the source `uid` as `clean_relationship` looks for evidence in it (through `spaced`; ""
    when the source has none), or None when no source in the graph has that uid."""
    found = read_cypher(q.SOURCE_TEXTS, {"uids": [uid]})
    if not found:
        return None
    return spaced(found[0]["text"]) if found[0]["text"] else ""


def _display_name(props: dict[str, Any]) -> str:
    return str(props.get("name") or props.get("title") or props.get("uid"))


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
