"""The change log: each write through `orgs.services` leaves a `ChangeRecord` once its transaction commits.

Records are written after the graph commits (a rolled-back change leaves none, a retried one leaves one),
and read back for an object's history page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from orgs.graph.connection import after_commit
from orgs.models import ChangeAction, ChangeRecord
from orgs.vocabulary import RELATIONSHIP_TYPES

CITATION_ACTIONS = frozenset({ChangeAction.CITATION_ADD, ChangeAction.CITATION_CHANGE, ChangeAction.CITATION_REMOVE})


def changed_values(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the values that differ between `before` and `after`, as (old values, new values)."""
    names = sorted(name for name in {*before, *after} if before.get(name) != after.get(name))
    return {name: before.get(name) for name in names}, {name: after.get(name) for name in names}


def change_record(
    *,
    action: ChangeAction,
    label: str,
    node_uid: str,
    summary: str,
    actor: Any = None,
    other_uid: str = "",
    relationship_uid: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record a change to the graph once the current graph transaction commits (at once outside one)."""
    user = actor if getattr(actor, "is_authenticated", False) else None

    def save() -> None:
        ChangeRecord.objects.create(
            action=action,
            label=label,
            node_uid=node_uid,
            other_uid=other_uid or "",
            relationship_uid=relationship_uid or "",
            summary=summary[:300],
            before=before,
            after=after,
            actor=user,
            actor_name=user.get_username() if user else "",
        )

    after_commit(save)


def citation_change_record(
    *,
    action: ChangeAction,
    relationship: dict[str, Any],
    citation_uid: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary_before: dict[str, Any] | None = None,
    summary_after: dict[str, Any] | None = None,
    actor: Any = None,
) -> None:
    """Record the addition, change or removal (`action`) of citation `citation_uid` of `relationship` (its
    `type`, `uid`, `start` and `end`) once the current graph transaction commits.

    `before` and `after` are the citation's fields (None for an added or a removed one) and `summary_before` and
    `summary_after` the relationship's derived properties (`relationship_summary`) around the change. The
    record keeps, under "citation", the citation's uid and the fields that changed and, under "relationship",
    the derived properties that changed with them; like a relationship's change, it is filed under the
    relationship's type, start, end and uid, so both ends' histories show it.
    """
    if action not in CITATION_ACTIONS:
        raise ValueError(f"{action} is not a change to a citation")
    old, new = changed_values(before or {}, after or {})
    old_summary, new_summary = changed_values(summary_before or {}, summary_after or {})
    forward = RELATIONSHIP_TYPES[relationship["type"]].forward
    source_uid = (after or before or {}).get("source_uid")
    what = f", {', '.join(new)}" if action == ChangeAction.CITATION_CHANGE else ""
    change_record(
        action=action,
        label=relationship["type"],
        node_uid=relationship["start"],
        other_uid=relationship["end"],
        relationship_uid=relationship["uid"],
        actor=actor,
        before=None if before is None else {"citation": {"uid": citation_uid, **old}, "relationship": old_summary},
        after=None if after is None else {"citation": {"uid": citation_uid, **new}, "relationship": new_summary},
        summary=f"{action.label}{what}: {relationship['start']} {forward} {relationship['end']} (source {source_uid})",
    )


def citations_upgrade_record(*, relationship_uids: list[str], unanchored: list[str]) -> None:
    """Record that the upgrade gave each of `relationship_uids` (one batch) the one citation its source and
    evidence stated, `unanchored` those whose evidence was not found in (or had no) source text."""
    change_record(
        action=ChangeAction.CITATIONS_UPGRADE,
        label="Citation",
        node_uid="",
        summary=f"upgrade: {len(relationship_uids):,} relationships now rest on one citation each"
        + (f" ({len(unanchored):,} not found in their source's text)" if unanchored else ""),
        after={"relationships": relationship_uids, "unanchored": unanchored},
    )


def edited_citation_uids(*, relationship_uid: str) -> set[str]:
    """Return the uids of the citations of relationship `relationship_uid` that a change has edited."""
    return set(
        ChangeRecord.objects.filter(action=ChangeAction.CITATION_CHANGE, relationship_uid=relationship_uid).values_list(
            "after__citation__uid", flat=True
        )
    )


def removed_citation_uids() -> set[str]:
    """Return the uids of every citation a change removed (a seed upgrade does not add them back)."""
    return set(
        ChangeRecord.objects.filter(action=ChangeAction.CITATION_REMOVE).values_list("before__citation__uid", flat=True)
    )


def change_records_of(*, uid: str) -> QuerySet[ChangeRecord]:
    """Return the changes to node `uid`, its relationships and merges into it, newest first."""
    return ChangeRecord.objects.filter(Q(node_uid=uid) | Q(other_uid=uid)).select_related("actor")


def edited_properties(*, uid: str = "", relationship_uid: str = "") -> set[str]:
    """Return the names of the properties changes have set on node `uid` (updates and merges into it) or on
    relationship `relationship_uid`."""
    if relationship_uid:
        records = ChangeRecord.objects.filter(
            action=ChangeAction.RELATIONSHIP_CHANGE, relationship_uid=relationship_uid
        )
    else:
        records = ChangeRecord.objects.filter(action__in=[ChangeAction.UPDATE, ChangeAction.MERGE], node_uid=uid)
    return {
        name for before, after in records.values_list("before", "after") for name in (*(before or {}), *(after or {}))
    }


def removed_relationship_uids() -> set[str]:
    """Return the uids of every relationship a change removed."""
    return set(
        ChangeRecord.objects.filter(action=ChangeAction.RELATIONSHIP_REMOVE).values_list("relationship_uid", flat=True)
    )


def recent_changes(*, limit: int = 8, with_actors: bool = False) -> list[dict[str, Any]]:
    """Return the latest `limit` changes to the graph, newest first, as `at`, `node_uid` and `summary`.

    Who made a change is staff business: `actor_name` is included only `with_actors` (the home page is public).
    """
    fields = ["at", "node_uid", "summary", *(["actor_name"] if with_actors else [])]
    return list(ChangeRecord.objects.order_by("-at", "-id").values(*fields)[:limit])
