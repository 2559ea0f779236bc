"""The change log: each write through `orgs.services` leaves a `ChangeRecord` once its transaction commits.

Records are written after the graph commits (a rolled-back change leaves none, a retried one leaves one),
and read back for an object's history page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from orgs.graph.connection import after_commit
from orgs.models import ChangeAction, ChangeRecord


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
