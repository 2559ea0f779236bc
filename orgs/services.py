"""Writes: each function changes the graph inside one retried transaction, after the shared validation.

The admin, the API, the importer and the pages all write through here, so a rule (evidence required,
`until` not before `since`, one vocabulary, one relationship per start/type/end) holds everywhere.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, Literal

from django.utils.text import slugify

from orgs.graph import queries as q
from orgs.graph.connection import AlreadyExists, cypher, read_cypher, write_transaction
from orgs.graph.counts import add_to_counts, relationships_removed_with
from orgs.history import change_record, changed_values, citation_change_record
from orgs.models import ChangeAction
from orgs.search import SEARCHABLE, search_text_for
from orgs.validation import (
    MAX_CITATIONS_PER_WRITE,
    UID_FORM,
    UNIQUE_NAMES,
    SourceText,
    ValidationFailed,
    anchor_citation,
    citation_disagreements,
    citation_fields,
    citation_key,
    citation_uid,
    clean_citation,
    clean_node_properties,
    clean_relationship,
    is_uid,
    reading_key,
    reading_order,
    relationship_end_problems,
    relationship_key,
    relationship_summary,
    relationship_uid,
    single_source_citation,
    spaced,
    stored_citation,
    type_of_relationship_uid,
)
from orgs.vocabulary import (
    CITATION_SINGLE_SOURCE_NAMES,
    CITATION_WRITABLE,
    RELATIONSHIP_SUMMARY_PROPERTIES,
    RELATIONSHIP_TYPES,
    SINGLE_SOURCE_FIELDS,
    NodeLabel,
    with_article,
)


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
        free = [candidate for candidate in batch if candidate not in taken and is_uid(candidate)]
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
        moved = _anchor_again(uid, changes.get("text") or "") if label == NodeLabel.SOURCE and "text" in new else 0
        after = cypher(q.update_node(label), {"uid": uid, "props": changes})[0]["props"]
        changed = ", ".join(name for name in new if name != "search_text")
        if moved:
            changed += f"; re-anchored {moved:,} citation(s)"
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


def _anchor_again(source_uid: str, text: str) -> int:
    """Find each citation of source `source_uid` again in its new `text`, in the current transaction: by its place,
    else by its passage and context (the first occurrence otherwise); store the moved ones and count the write in
    their relationships' versions; return how many moved. Raise ValidationFailed naming `text` when a passage
    found before is not in the new text (citations not found before stay so)."""
    source = SourceText(text) if text else None
    moved: dict[str, dict[str, Any]] = {}
    lost: list[str] = []
    for row in cypher(q.CITATIONS_OF_SOURCE, {"uid": source_uid}):
        citation = row["citation"]
        try:
            anchor = anchor_citation(
                citation["exact"],
                source_uid,
                source,
                prefix=citation.get("prefix"),
                suffix=citation.get("suffix"),
                start=citation.get("start") if source and (citation.get("start") or 0) < len(text) else None,
            )
        except ValidationFailed:
            if citation.get("start") is not None:
                lost.append(f"«{citation['exact'][:60]}» (relationship {citation['relationship_uid']})")
            continue
        if anchor["start"] is None and citation.get("start") is not None:
            lost.append(f"«{citation['exact'][:60]}» (relationship {citation['relationship_uid']})")
            continue
        place = {name: anchor[name] for name in ("prefix", "suffix", "start", "end")}
        if any(citation.get(name) != value for name, value in place.items()):
            moved[citation["uid"]] = {**citation, **place}
    if lost:
        raise ValidationFailed({"text": [f"would lose {len(lost):,} cited passage(s): {', '.join(lost[:5])}"]})
    by_type: dict[str, set[str]] = {}
    for citation in moved.values():
        place = {name: citation[name] for name in ("prefix", "suffix", "start", "end")}
        place["reading_key"] = reading_key(citation["source_uid"], citation["start"], citation["uid"])
        params = {"relationship_uid": citation["relationship_uid"], "uid": citation["uid"], "props": place}
        cypher(q.UPDATE_CITATION, params)
        by_type.setdefault(citation["relationship_type"], set()).add(citation["relationship_uid"])
    for relationship_type, uids in by_type.items():
        cypher(q.bump_relationship_versions(relationship_type), {"uids": sorted(uids)})
    return len(moved)


def node_delete(*, uid: str, actor: Any = None, expected_versions: Collection[int] | None = None) -> None:
    """Delete the node `uid` and its relationships with their citations, leaving a tombstone; raise NotFound,
    ValidationFailed (a source some relationship cites), or StaleVersion when its version is not among
    `expected_versions` (None: any)."""

    def work() -> None:
        label, before = _node_for_write(uid, expected_versions)
        if label == NodeLabel.SOURCE.value:
            citing = cypher(q.RELATIONSHIPS_CITING_SOURCE, {"uid": uid})[0]["relationships"]
            if citing:
                raise ValidationFailed(
                    {"uid": [f"cited by {citing:,} relationship(s): delete or change their citations first"]}
                )
        removed = relationships_removed_with(uid)
        relationship_uids = [row["uid"] for row in cypher(q.RELATIONSHIP_UIDS_OF_NODE, {"uid": uid})]
        cypher(q.DELETE_CITATIONS_OF_RELATIONSHIPS, {"uids": relationship_uids})
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


Outcome = Literal["created", "citation_added", "already_recorded"]
RELATIONSHIP_VIEW_HIDDEN = frozenset({"start_label", "end_label"})


def relationship_create(
    *, relationship_type: str, start_uid: str, end_uid: str, data: dict[str, Any], actor: Any = None
) -> tuple[dict[str, Any], Outcome]:
    """Record the `relationship_type` relationship from `start_uid` to `end_uid` with the citations `data` states;
    return (the relationship with its `citations`, the outcome).

    `data` holds either `citations` (a list of {source_uid, exact, prefix?, suffix?, start?, end?, confidence?,
    since?, until?, qualifier?}) or today's single-source fields (`SINGLE_SOURCE_FIELDS`: one citation). The
    outcome is "created"; "citation_added" when the relationship was there already (either way for a symmetric
    type) and gains the citations it lacked; "already_recorded" when it had every one (same source and passage):
    nothing changes. Raise ValidationFailed (unknown type, missing or wrong-kind endpoint, bad or reversed dates,
    no evidence, unknown source, a passage not in its source's text; inside `citations`, errors by position).
    """
    single_source = not isinstance(data, dict) or "citations" not in data

    def work() -> tuple[dict[str, Any], Outcome]:
        labels = _labels_of(start_uid, end_uid)
        start_label, end_label = labels.get(start_uid, "?"), labels.get(end_uid, "?")
        if single_source:
            props = clean_relationship(
                relationship_type,
                start_label,
                end_label,
                start_uid,
                end_uid,
                data,
                source_text=source_text_in_graph,
            )
            citations = [_anchored(single_source_citation(props), field_names=CITATION_SINGLE_SOURCE_NAMES)]
        else:
            errors = relationship_end_problems(relationship_type, start_label, end_label, start_uid, end_uid)
            unknown = [name for name in data if name != "citations"]
            for name in unknown:
                errors.setdefault(name, []).append(
                    "give citations, or source and evidence, not both"
                    if name in SINGLE_SOURCE_FIELDS
                    else "unknown field for a relationship"
                )
            if errors:
                raise ValidationFailed(errors)
            citations = _anchored_list(data["citations"])
        existing = cypher(q.find_relationship(relationship_type), {"start": start_uid, "end": end_uid})
        if existing:
            current = _relationship_for_write(existing[0]["uid"], None)
            added = _add_citations(current, citations, actor=actor)
            after = _relationship_view(current["uid"]) if added else _strip(current)
            return after, "citation_added" if added else "already_recorded"
        uid = relationship_uid(start_uid, relationship_type, end_uid)
        ends = {"uid": uid, "type": relationship_type, "start": start_uid, "end": end_uid}
        stored = _new_stored_citations(ends, citations, [], actor=actor)
        props = {**relationship_summary(stored), "uid": uid}
        relationship = cypher(
            q.create_relationship(relationship_type), {"start": start_uid, "end": end_uid, "props": props}
        )[0]["props"]
        cypher(q.CREATE_CITATIONS, {"citations": stored})
        add_to_counts({relationship_type: 1})
        shown = sorted((citation_fields(citation) for citation in stored), key=reading_order)
        _relationship_change_record(
            ChangeAction.RELATIONSHIP_ADD,
            "added",
            ends,
            uid=uid,
            actor=actor,
            after={**relationship, "citations": shown},
        )
        return {**relationship, **ends, "citations": shown, "disagreements": citation_disagreements(shown)}, "created"

    return write_transaction(work)


def _anchored(citation: dict[str, Any], *, field_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return `citation` (Python names) cleaned and anchored in its source's text; raise ValidationFailed naming its
    fields (through `field_names`, for the single-source form), the source's among them when it is not there."""
    try:
        cleaned = clean_citation(citation)
        text = _source_texts([cleaned["source_uid"]]).get(cleaned["source_uid"])
        if text is None:
            raise ValidationFailed({"source_uid": [f"no source with uid '{cleaned['source_uid']}'"]})
        anchor = anchor_citation(
            cleaned["exact"],
            cleaned["source_uid"],
            SourceText(text) if text else None,
            prefix=cleaned.get("prefix"),
            suffix=cleaned.get("suffix"),
            start=cleaned.get("start"),
        )
    except ValidationFailed as failed:
        names = field_names or {}
        raise ValidationFailed({names.get(name, name): messages for name, messages in failed.errors.items()}) from None
    return {**cleaned, **anchor}


def _anchored_list(citations: Any) -> list[dict[str, Any]]:
    """Return each of `citations` (a list of citation maps) `_anchored`; raise ValidationFailed naming `citations`,
    with each bad one's errors under its position."""
    if not isinstance(citations, list) or not citations:
        raise ValidationFailed({"citations": ["expected a list of one or more citations"]})
    if len(citations) > MAX_CITATIONS_PER_WRITE:
        raise ValidationFailed({"citations": [f"at most {MAX_CITATIONS_PER_WRITE} citations at a time"]})
    anchored: list[dict[str, Any]] = []
    errors: dict[str, Any] = {}
    for index, citation in enumerate(citations):
        if not isinstance(citation, dict):
            errors[str(index)] = {"non_field_errors": ["expected a citation: an object with source and exact"]}
            continue
        try:
            anchored.append(_anchored(citation))
        except ValidationFailed as failed:
            errors[str(index)] = failed.errors
    if errors:
        raise ValidationFailed({"citations": errors})  # type: ignore[dict-item]
    return anchored


def _source_texts(uids: Collection[str]) -> dict[str, str]:
    """Return {uid: text ("" for none)} for the sources among `uids` in the graph."""
    return {row["uid"]: row["text"] or "" for row in cypher(q.SOURCE_TEXTS, {"uids": sorted(set(uids))})}


def _new_stored_citations(
    relationship: dict[str, Any], citations: list[dict[str, Any]], have: list[dict[str, Any]], *, actor: Any
) -> list[dict[str, Any]]:
    """Return the stored form of those of `citations` whose source and passage none of `have` (the relationship's
    stored citations) nor an earlier one shares, each with its new uid, `added_by` and `added_at`."""
    keys = {citation_key(citation) for citation in have}
    taken = {citation["uid"] for citation in have}
    stored = []
    for citation in citations:
        key = citation_key(citation)
        if key in keys:
            continue
        keys.add(key)
        uid = citation_uid(relationship["uid"], citation, taken=taken)
        taken.add(uid)
        recorded = {**citation, "added_by": _actor_name(actor), "added_at": _now()}
        stored.append(
            stored_citation(
                recorded,
                uid=uid,
                relationship_uid=relationship["uid"],
                relationship_type=relationship["type"],
                start_uid=relationship["start"],
                end_uid=relationship["end"],
            )
        )
    return stored


def _add_citations(
    current: dict[str, Any], citations: list[dict[str, Any]], *, actor: Any, stored: bool = False
) -> list[dict[str, Any]]:
    """Add to the relationship `current` (held for writing, with its `citations`) those of `citations` it lacks
    (with `stored`, they are already in their stored form, uid and all: a merge moves them); store its summary
    again, count the write in its version and record each; return the citations added."""
    if not stored:
        citations = _new_stored_citations(current, citations, current["citations"], actor=actor)
    if not citations:
        return []
    cypher(q.CREATE_CITATIONS, {"citations": citations})
    changes = [(ChangeAction.CITATION_ADD, None, citation_fields(citation)) for citation in citations]
    _citations_written(current, [*current["citations"], *citations], changes, actor=actor)
    return citations


def _citations_written(
    current: dict[str, Any],
    citations: list[dict[str, Any]],
    changes: Sequence[tuple[ChangeAction, dict[str, Any] | None, dict[str, Any] | None]],
    *,
    actor: Any,
) -> None:
    """Store on the relationship `current` (held for writing, as it was before) the summary of `citations` (all it
    has now), counting the write in its version, and record each of `changes` (action, the citation's fields
    before and after: None for an added or a removed one)."""
    summary_before = {name: current.get(name) for name in RELATIONSHIP_SUMMARY_PROPERTIES}
    summary_after = _store_summary(current, citations)
    for action, before, after in changes:
        citation_change_record(
            action=action,
            relationship=current,
            citation_uid=(after or before or {})["uid"],
            before=before,
            after=after,
            summary_before=summary_before,
            summary_after={name: summary_after.get(name) for name in RELATIONSHIP_SUMMARY_PROPERTIES},
            actor=actor,
        )


def _store_summary(relationship: dict[str, Any], citations: list[dict[str, Any]]) -> dict[str, Any]:
    """Store on `relationship` the summary of `citations` (all it now has) and count the write in its version;
    return its properties."""
    props = relationship_summary(citations)
    return cypher(q.update_relationship(relationship["type"]), {"uid": relationship["uid"], "props": props})[0]["props"]


def _strip(current: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in current.items() if name not in RELATIONSHIP_VIEW_HIDDEN}


def _relationship_view(uid: str) -> dict[str, Any]:
    """Return relationship `uid` as the writers answer it (`relationship_get` without its ends' kinds)."""
    return _strip(relationship_get(uid=uid))


def relationship_get(*, uid: str) -> dict[str, Any]:
    """Return the relationship `uid`: its properties, type, ends and their kinds, its `citations` (each its uid and
    CITATION_FIELDS, in reading order: by source, then place in its text) and `disagreements` (the fields its
    citations state differently: `citation_disagreements`); raise NotFound."""
    relationship_type = type_of_relationship_uid(uid)
    rows = read_cypher(q.relationship_with_citations(relationship_type), {"uid": uid}) if relationship_type else []
    if not rows:
        raise NotFound(f"no relationship with uid '{uid}'")
    row = rows[0]
    citations = sorted((citation_fields(citation) for citation in row["citations"]), key=reading_order)
    return {
        **row["props"],
        "type": relationship_type,
        "start": row["start"],
        "end": row["end"],
        "start_label": row["start_label"],
        "end_label": row["end_label"],
        "citations": citations,
        "disagreements": citation_disagreements(citations),
    }


def _relationship_for_write(uid: str, expected_versions: Collection[int] | int | None) -> dict[str, Any]:
    """Return the relationship `uid` as `relationship_get` does, held for writing in the current transaction;
    raise NotFound, or StaleVersion if its version is not among `expected_versions` (None: any)."""
    relationship_type = type_of_relationship_uid(uid)
    if not relationship_type or not cypher(q.relationship_for_write(relationship_type), {"uid": uid}):
        raise NotFound(f"no relationship with uid '{uid}'")
    current = relationship_get(uid=uid)
    expected = {expected_versions} if isinstance(expected_versions, int) else expected_versions
    check_version("relationship", uid, current, expected)
    return current


def _citation_of(current: dict[str, Any], citation_uid: str) -> dict[str, Any]:
    for citation in current["citations"]:
        if citation["uid"] == citation_uid:
            return citation
    raise NotFound(f"relationship '{current['uid']}' has no citation '{citation_uid}'")


def citation_add(
    *,
    relationship_uid: str,
    data: dict[str, Any],
    actor: Any = None,
    expected_version: Collection[int] | int | None = None,
) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """Add the citation `data` (Python names) to relationship `relationship_uid`; return (the relationship after,
    the citation, whether it was added: False when the relationship already had one of that source and passage,
    which is returned and nothing changes).

    Raise NotFound, ValidationFailed (as `relationship_create` does for one citation), or StaleVersion when its
    version is not `expected_version` (an int, or a collection of acceptable ones; None: any).
    """
    citation = _anchored(data)

    def work() -> tuple[dict[str, Any], dict[str, Any], bool]:
        current = _relationship_for_write(relationship_uid, expected_version)
        added = _add_citations(current, [citation], actor=actor)
        if added:
            return _relationship_view(relationship_uid), citation_fields(added[0]), True
        key = citation_key(citation)
        recorded = next(c for c in current["citations"] if citation_key(c) == key)
        return _strip(current), recorded, False

    return write_transaction(work)


def citation_update(
    *,
    relationship_uid: str,
    citation_uid: str,
    data: dict[str, Any],
    actor: Any = None,
    expected_version: Collection[int] | int | None = None,
) -> dict[str, Any]:
    """Change the citation `citation_uid` of relationship `relationship_uid` with `data` (any of its writable
    fields; a new `exact`, `source_uid` or `start` anchors it again); return the relationship after (its summary
    stored again, its version one higher when anything changed). The citation keeps its uid.

    Raise NotFound (no such relationship, or no such citation of it), ValidationFailed, or StaleVersion.
    """

    def work() -> dict[str, Any]:
        current = _relationship_for_write(relationship_uid, expected_version)
        return _citation_update_in(current, _citation_of(current, citation_uid), data, actor=actor)

    return write_transaction(work)


LAST_CITATION = "a relationship keeps at least one citation; delete the relationship instead"


def citation_delete(
    *,
    relationship_uid: str,
    citation_uid: str,
    actor: Any = None,
    expected_version: Collection[int] | int | None = None,
) -> dict[str, Any]:
    """Delete the citation `citation_uid` of relationship `relationship_uid`; return the relationship after.

    Raise NotFound, StaleVersion, or ValidationFailed {"citations": [...]} for its last citation.
    """

    def work() -> dict[str, Any]:
        current = _relationship_for_write(relationship_uid, expected_version)
        before = _citation_of(current, citation_uid)
        others = [citation for citation in current["citations"] if citation["uid"] != citation_uid]
        if not others:
            raise ValidationFailed({"citations": [LAST_CITATION]})
        cypher(q.DELETE_CITATIONS, {"relationship_uid": relationship_uid, "uids": [citation_uid]})
        _citations_written(current, others, [(ChangeAction.CITATION_REMOVE, before, None)], actor=actor)
        return _relationship_view(relationship_uid)

    return write_transaction(work)


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


DERIVED_FROM_CITATIONS = "derived from the citations: change a citation"


def relationship_update(
    *, uid: str, data: dict[str, Any], actor: Any = None, expected_versions: Collection[int] | None = None
) -> dict[str, Any]:
    """Change relationship `uid` in today's single-source form (`SINGLE_SOURCE_FIELDS`: its period, footing, source
    and evidence), applied to its one citation (its type and ends stay); return it.

    Raise NotFound, ValidationFailed (as `relationship_create`; and naming each field given when the relationship
    rests on several citations: change those instead), or StaleVersion when its version is not among
    `expected_versions`.
    """

    def work() -> dict[str, Any]:
        current = _relationship_for_write(uid, expected_versions)
        if len(current["citations"]) != 1:
            given = [name for name in data if name in SINGLE_SOURCE_FIELDS] or ["citations"]
            raise ValidationFailed({name: [DERIVED_FROM_CITATIONS] for name in given})
        (citation,) = current["citations"]
        merged = {
            **{name: citation.get(name) for name in SINGLE_SOURCE_FIELDS if name != "evidence"},
            "evidence": citation.get("exact"),
            **data,
        }
        props = clean_relationship(
            current["type"],
            current["start_label"],
            current["end_label"],
            current["start"],
            current["end"],
            merged,
            source_text=source_text_in_graph,
        )
        changes = single_source_citation(props)
        changes = {**{name: None for name in ("since", "until", "qualifier")}, **changes}
        if changes.get("source_uid") == citation["source_uid"] and changes.get("exact") == citation["exact"]:
            changes.pop("exact")
            changes.pop("source_uid")
        return _citation_update_in(current, citation, changes, actor=actor, field_names=CITATION_SINGLE_SOURCE_NAMES)

    return write_transaction(work)


def _citation_update_in(
    current: dict[str, Any],
    citation: dict[str, Any],
    changes: dict[str, Any],
    *,
    actor: Any,
    field_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Apply `changes` (writable citation fields) to `citation` of the relationship `current` (held for writing)
    in the current transaction: a new passage, source or place anchors it again (`field_names` name its errors,
    for the single-source form); store its summary again and record the change; return the relationship after,
    unchanged when nothing is. Raise ValidationFailed, also when another of its citations quotes that passage."""
    merged = {name: citation.get(name) for name in CITATION_WRITABLE}
    if {"exact", "source_uid", "start"} & set(changes):
        # A new passage, source or place is looked for afresh: the old place and context no longer hold.
        merged.update(dict.fromkeys(("start", "end", "prefix", "suffix")))
    merged.update(changes)
    if {"exact", "source_uid", "start", "prefix", "suffix"} & set(changes):
        changed = _anchored(merged, field_names=field_names)
    else:
        changed = {**clean_citation(merged), **{n: citation.get(n) for n in ("prefix", "suffix", "start", "end")}}
    others = [other for other in current["citations"] if other["uid"] != citation["uid"]]
    if citation_key(changed) in {citation_key(other) for other in others}:
        raise ValidationFailed({"exact": ["the relationship already has a citation of this passage"]})
    after = {**citation, **{name: changed.get(name) for name in CITATION_WRITABLE}}
    if not changed_values(citation, after)[1]:
        return _strip(current)
    props = {name: after.get(name) for name in CITATION_WRITABLE}
    props["reading_key"] = reading_key(after["source_uid"], after.get("start"), citation["uid"])
    cypher(q.UPDATE_CITATION, {"relationship_uid": current["uid"], "uid": citation["uid"], "props": props})
    _citations_written(current, [*others, after], [(ChangeAction.CITATION_CHANGE, citation, after)], actor=actor)
    return _relationship_view(current["uid"])


def relationship_delete(*, uid: str, actor: Any = None, expected_versions: Collection[int] | None = None) -> None:
    """Delete the relationship `uid` and its citations; raise NotFound, or StaleVersion when its version is not
    among `expected_versions` (None: any)."""

    def work() -> None:
        current = _relationship_for_write(uid, expected_versions)
        deleted = cypher(q.delete_relationship(current["type"]), {"uid": uid})[0]["deleted"]
        cypher(q.DELETE_CITATIONS_OF_RELATIONSHIPS, {"uids": [uid]})
        add_to_counts({current["type"]: -deleted})
        _relationship_change_record(
            ChangeAction.RELATIONSHIP_REMOVE, "removed", current, uid=uid, actor=actor, before=_strip(current)
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

    # Each relationship the survivor will have, by its key: its uid.
    kept = {
        key_at_survivor(relationship): relationship["props"].get("uid")
        for relationship in read_cypher(q.RELATIONSHIPS_OF_NODE, {"uid": survivor_uid})
    }
    moved: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for relationship in read_cypher(q.RELATIONSHIPS_OF_NODE, {"uid": loser_uid}):
        key = key_at_survivor(relationship)
        if relationship["other"] == survivor_uid:
            dropped.append({**relationship, "reason": "it joins the two organizations"})
        elif key in kept:
            dropped.append({**relationship, "reason": "the survivor already has it", "into": kept[key]})
        else:
            moved.append(relationship)
            start, end = (
                (survivor_uid, relationship["other"])
                if relationship["outgoing"]
                else (relationship["other"], survivor_uid)
            )
            kept[key] = relationship_uid(start, relationship["type"], end)
    citations = _citations_by_relationship(
        [relationship["props"].get("uid") for relationship in moved + dropped]
        + [relationship["into"] for relationship in dropped if relationship.get("into")]
    )
    joined: dict[str, list[dict[str, Any]]] = {}  # survivor's relationship uid: the loser's citations it gains
    citations_dropped = 0
    for relationship in dropped:
        own = citations.get(relationship["props"].get("uid"), [])
        into = relationship.get("into")
        if not into:
            citations_dropped += len(own)
            continue
        keys = {citation_key(citation) for citation in citations.get(into, []) + joined.get(into, [])}
        for citation in own:
            if citation_key(citation) in keys:
                citations_dropped += 1
            else:
                keys.add(citation_key(citation))
                joined.setdefault(into, []).append(citation)
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
        "citations_moved": sum(len(citations.get(relationship["props"].get("uid"), [])) for relationship in moved),
        "citations_joined": sum(len(gained) for gained in joined.values()),
        "citations_dropped": citations_dropped,
        "joined": joined,
    }


def _citations_by_relationship(uids: Collection[str | None]) -> dict[str, list[dict[str, Any]]]:
    """Return the stored citations of each relationship among `uids`, by relationship uid."""
    found: dict[str, list[dict[str, Any]]] = {}
    wanted = sorted({uid for uid in uids if uid})
    for row in cypher(q.CITATIONS_OF_RELATIONSHIPS, {"uids": wanted}) if wanted else []:
        found.setdefault(row["uid"], []).append(row["citation"])
    return found


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
        rekey: list[dict[str, Any]] = []
        for relationship in plan["moved"]:
            start, end = (
                (survivor_uid, relationship["other"])
                if relationship["outgoing"]
                else (relationship["other"], survivor_uid)
            )
            props = {**relationship["props"], "uid": relationship_uid(start, relationship["type"], end)}
            row = {"other": relationship["other"], "props": props}
            rekey.append({"old": relationship["props"].get("uid"), "new": props["uid"], "start": start, "end": end})
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
        # The moved relationships' citations follow them; those of a dropped one join the survivor's same
        # relationship (but for the passages it already cites), or go with it.
        cypher(q.REKEY_CITATIONS, {"rows": rekey})
        _join_citations(plan, actor=actor)
        cypher(
            q.DELETE_CITATIONS_OF_RELATIONSHIPS,
            {"uids": [relationship["props"].get("uid") for relationship in plan["dropped"]]},
        )
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
            f"{len(plan['moved'])} relationship(s) moved, {len(plan['dropped'])} dropped; "
            f"{plan['citations_moved']} citation(s) moved, {plan['citations_joined']} joined, "
            f"{plan['citations_dropped']} dropped",
        )
        return plan

    return write_transaction(work)


def _join_citations(plan: dict[str, Any], *, actor: Any) -> None:
    """Give each of the survivor's relationships the loser's citations `plan["joined"]` says it gains (each keeps
    its uid unless the relationship has that one), store its summary again and record each, in the current
    transaction."""
    for uid, gained in plan["joined"].items():
        current = _relationship_for_write(uid, None)
        taken = {citation["uid"] for citation in current["citations"]}
        moved = []
        for citation in gained:
            new_uid = citation["uid"] if citation["uid"] not in taken else citation_uid(uid, citation, taken=taken)
            taken.add(new_uid)
            moved.append(
                stored_citation(
                    citation,
                    uid=new_uid,
                    relationship_uid=uid,
                    relationship_type=current["type"],
                    start_uid=current["start"],
                    end_uid=current["end"],
                )
            )
        _add_citations(current, moved, actor=actor, stored=True)


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


def _actor_name(actor: Any) -> str | None:
    """Return who a citation says added it: the user's username, else the name of the tool (a str actor); None
    when nobody is known (a script's call without an actor), which stores nothing."""
    if isinstance(actor, str):
        return actor
    return actor.get_username() if getattr(actor, "is_authenticated", False) else None


def _display_name(props: dict[str, Any]) -> str:
    return str(props.get("name") or props.get("title") or props.get("uid"))


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
