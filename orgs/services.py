"""Writes: each function changes the graph inside one retried transaction, after the shared validation.

The admin, the API, the importer and the pages all write through here, so a rule (evidence required,
`until` not before `since`, one vocabulary, one tie per start/type/end) holds everywhere.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.text import slugify

from orgs import cypher as q
from orgs.graph import AlreadyExists, cypher, read_cypher, write_transaction
from orgs.history import change_record, changed_values
from orgs.models import ChangeAction
from orgs.search import search_text_for
from orgs.validation import ValidationFailed, clean_node_properties, clean_tie, rel_type_of_tie_uid, tie_uid
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

SEARCHABLE = frozenset({NodeLabel.ORGANIZATION.value, NodeLabel.COUNTRY.value})
UNIQUE_NAMES = SEARCHABLE


class NotFound(Exception):
    """No node or relationship has that uid."""


def node_get(*, uid: str) -> tuple[str, dict[str, Any]]:
    """Return (label, properties) of the node `uid`; raise NotFound."""
    rows = read_cypher(q.NODE_BY_UID, {"uid": uid})
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
    while (cypher(q.NODE_BY_UID, {"uid": candidate}) or cypher(q.TOMBSTONE_BY_UID, {"uid": candidate})
           or cypher(q.SURVIVOR_OF, {"uid": candidate})):
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


def node_create(*, label: str, data: dict[str, Any], uid: str | None = None,
                actor: Any = None) -> dict[str, Any]:
    """Create a `label` node from `data` (uid chosen from its name unless given); return its properties.

    Raise ValidationFailed for bad fields and AlreadyExists for a taken uid or name. `actor` (a user or
    None) is recorded in the change log, as in every write below.
    """
    props = clean_node_properties(label, data)

    def work() -> dict[str, Any]:
        _check_name_free(label, uid or "", props)
        new_uid = uid or _new_uid(label, props)
        created = cypher(q.create_node(label), {"uid": new_uid, "props": _with_search_text(label, props, {})})
        after = created[0]["props"]
        change_record(action=ChangeAction.CREATE, label=label, node_uid=new_uid, actor=actor, after=after,
                      summary=f"created {label} '{_display_name(after)}'")
        return after

    return write_transaction(work)


def node_update(*, label: str, uid: str, data: dict[str, Any], partial: bool = True,
                actor: Any = None) -> dict[str, Any]:
    """Change the `label` node `uid` with `data`; return its properties. Raise NotFound, ValidationFailed."""
    props = clean_node_properties(label, data, partial=partial)

    def work() -> dict[str, Any]:
        found_label, current = node_get(uid=uid)
        if found_label != label:
            raise NotFound(f"no {label.lower()} with uid '{uid}'")
        _check_name_free(label, uid, props)
        changes = _with_search_text(label, props, current)
        after = cypher(q.update_node(label), {"uid": uid, "props": changes})[0]["props"]
        old, new = changed_values(current, after)
        if new:
            changed = ", ".join(name for name in new if name != "search_text")
            change_record(action=ChangeAction.UPDATE, label=label, node_uid=uid, actor=actor,
                          before=old, after=new, summary=f"changed {changed}")
        return after

    return write_transaction(work)


def node_delete(*, uid: str, actor: Any = None) -> None:
    """Delete the node `uid` and its relationships, leaving a tombstone; raise NotFound."""

    def work() -> None:
        label, before = node_get(uid=uid)
        cypher(q.DELETE_NODE, {"uid": uid, "label": label, "deleted_at": _now()})
        change_record(action=ChangeAction.DELETE, label=label, node_uid=uid, actor=actor, before=before,
                      summary=f"deleted {label} '{_display_name(before)}' and its relationships")

    write_transaction(work)


def relationship_create(*, rel_type: str, start_uid: str, end_uid: str, data: dict[str, Any],
                        actor: Any = None) -> dict[str, Any]:
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
        change_record(action=ChangeAction.RELATIONSHIP_ADD, label=rel_type, node_uid=start_uid,
                      other_uid=end_uid, relationship_uid=props["uid"], actor=actor, after=tie,
                      summary=f"added: {start_uid} {definition.forward} {end_uid}")
        return {**tie, "type": rel_type, "start": start_uid, "end": end_uid}

    return write_transaction(work)


def relationship_get(*, uid: str) -> dict[str, Any]:
    """Return the relationship `uid`: its properties, type, ends and their kinds; raise NotFound."""
    rel = rel_type_of_tie_uid(uid)
    rows = read_cypher(q.tie_by_uid(rel), {"uid": uid}) if rel else []
    if not rows:
        raise NotFound(f"no relationship with uid '{uid}'")
    row = rows[0]
    return {**row["props"], "type": rel, "start": row["start"], "end": row["end"],
            "start_label": row["start_label"], "end_label": row["end_label"]}


def relationship_update(*, uid: str, data: dict[str, Any], actor: Any = None) -> dict[str, Any]:
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
        old, new = changed_values({name: current.get(name) for name in tie}, tie)
        if new:
            forward = RELATIONSHIP_TYPES[current["type"]].forward
            change_record(action=ChangeAction.RELATIONSHIP_CHANGE, label=current["type"],
                          node_uid=current["start"], other_uid=current["end"], relationship_uid=uid,
                          actor=actor, before=old, after=new,
                          summary=f"changed {', '.join(new)}: {current['start']} {forward} {current['end']}")
        return {**tie, "type": current["type"], "start": current["start"], "end": current["end"]}

    return write_transaction(work)


def relationship_delete(*, uid: str, actor: Any = None) -> None:
    """Delete the relationship `uid`; raise NotFound."""

    def work() -> None:
        current = relationship_get(uid=uid)
        cypher(q.delete_tie(current["type"]), {"uid": uid})
        before = {name: value for name, value in current.items() if name not in {"start_label", "end_label"}}
        forward = RELATIONSHIP_TYPES[current["type"]].forward
        change_record(action=ChangeAction.RELATIONSHIP_REMOVE, label=current["type"],
                      node_uid=current["start"], other_uid=current["end"], relationship_uid=uid,
                      actor=actor, before=before,
                      summary=f"removed: {current['start']} {forward} {current['end']}")

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
    kept = {(tie["type"], tie["outgoing"], tie["other"])
            for tie in read_cypher(q.TIES_OF_NODE, {"uid": survivor_uid})}
    moved: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for tie in read_cypher(q.TIES_OF_NODE, {"uid": loser_uid}):
        symmetric = RELATIONSHIP_TYPES[tie["type"]].symmetric
        if tie["other"] == survivor_uid:
            dropped.append({**tie, "reason": "it joins the two organizations"})
        elif (tie["type"], tie["outgoing"], tie["other"]) in kept or (
                symmetric and (tie["type"], not tie["outgoing"], tie["other"]) in kept):
            dropped.append({**tie, "reason": "the survivor already has it"})
        else:
            moved.append(tie)
            kept.add((tie["type"], tie["outgoing"], tie["other"]))
    own_names = {survivor["name"], survivor.get("acronym"), *(survivor.get("aliases") or [])}
    loser_names = [loser["name"], loser.get("acronym"), *(loser.get("aliases") or [])]
    aliases_added = [name for name in dict.fromkeys(loser_names) if name and name not in own_names]
    filled = {name: loser[name] for name in MERGE_FILLED_FIELDS if loser.get(name) and not survivor.get(name)}
    former_uids = list(dict.fromkeys([*(survivor.get("former_uids") or []), loser_uid,
                                      *(loser.get("former_uids") or [])]))
    return {"survivor": survivor, "loser": loser, "moved": moved, "dropped": dropped,
            "aliases_added": aliases_added, "filled": filled, "former_uids": former_uids}


def organizations_merge(*, survivor_uid: str, loser_uid: str, actor: Any = None) -> dict[str, Any]:
    """Merge organization `loser_uid` into `survivor_uid` in one transaction; return the plan carried out.

    The loser's relationships move to the survivor (except those it already has or that join the two), its
    names become the survivor's aliases, its uid joins the survivor's `former_uids` so old links resolve, and
    it is deleted. Raise NotFound or ValidationFailed.
    """

    def work() -> dict[str, Any]:
        plan = organizations_merge_preview(survivor_uid=survivor_uid, loser_uid=loser_uid)
        by_type: dict[tuple[str, bool], list[dict[str, Any]]] = {}
        for tie in plan["moved"]:
            start, end = (survivor_uid, tie["other"]) if tie["outgoing"] else (tie["other"], survivor_uid)
            props = {**tie["props"], "uid": tie_uid(start, tie["type"], end)}
            row = {"other": tie["other"], "props": props}
            by_type.setdefault((tie["type"], tie["outgoing"]), []).append(row)
        neighbours = sorted({tie["other"] for tie in plan["moved"] + plan["dropped"]} - {survivor_uid})
        cypher(q.DELETE_MERGED_ORGANIZATION, {"uid": loser_uid})
        for (rel, outgoing), rows in by_type.items():
            query = q.copy_ties_from(rel) if outgoing else q.copy_ties_to(rel)
            cypher(query, {"node": survivor_uid, "rows": rows})
        survivor = plan["survivor"]
        aliases = [*(survivor.get("aliases") or []), *plan["aliases_added"]]
        changes = {**plan["filled"], "aliases": aliases, "former_uids": plan["former_uids"]}
        changes = _with_search_text(NodeLabel.ORGANIZATION.value, changes, survivor)
        after = cypher(q.update_node(NodeLabel.ORGANIZATION.value), {"uid": survivor_uid, "props": changes})
        cypher(q.REFRESH_DEGREES_OF_UIDS, {"uids": [survivor_uid, *neighbours]})
        old, new = changed_values(survivor, after[0]["props"])
        change_record(
            action=ChangeAction.MERGE, label=NodeLabel.ORGANIZATION.value, node_uid=survivor_uid,
            other_uid=loser_uid, actor=actor, before={**old, "merged_away": plan["loser"]}, after=new,
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


def _check_source(props: dict[str, Any]) -> None:
    labels = _labels_of(props["source_uid"])
    if labels.get(props["source_uid"]) != NodeLabel.SOURCE.value:
        raise ValidationFailed({"source_uid": [f"no source with uid '{props['source_uid']}'"]})


def _display_name(props: dict[str, Any]) -> str:
    return str(props.get("name") or props.get("title") or props.get("uid"))


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
