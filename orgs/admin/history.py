"""The change log in the admin: every recorded change to the graph, read-only, and the values a node's history
page shows for each."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orgs.history import CITATION_ACTIONS
from orgs.models import ChangeRecord

# A recorded value's name as the change page's forms call it, where its stored name is not plain words.
PLAIN_NAMES = {
    "source_uid": "source",
    "source_uids": "sources",
    "source_count": "number of sources",
    "exact": "passage",
    "prefix": "text before the passage",
    "suffix": "text after the passage",
    "start": "passage starts at",
    "end": "passage ends at",
    "added_by": "added by",
    "added_at": "added at",
}


def plain_value(value: Any) -> str:
    """Return a recorded value as the history shows it: a list joined with commas, a list of citations as each
    one's source and passage, nothing as a dash."""
    if value is None or value == []:
        return "—"
    if isinstance(value, list) and all(isinstance(each, dict) for each in value):
        return "; ".join(f"{each.get('source_uid')}: “{each.get('exact')}”" for each in value)
    if isinstance(value, list):
        return ", ".join(str(each) for each in value)
    return str(value)


def recorded_values(record: ChangeRecord, values: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Return `values` (the record's `before` or `after`) as (name, value) pairs in plain words; a citation's
    change lists the citation's fields, then those of its relationship that changed with them."""
    if not values:
        return []
    if record.action not in CITATION_ACTIONS:
        return [(PLAIN_NAMES.get(name, name), plain_value(value)) for name, value in values.items()]
    citation: dict[str, Any] = dict(values.get("citation") or {})
    pairs = [("citation", str(citation.pop("uid", "")))]
    pairs += [(PLAIN_NAMES.get(name, name), plain_value(value)) for name, value in citation.items()]
    pairs += [
        (f"relationship's {PLAIN_NAMES.get(name, name)}", plain_value(value))
        for name, value in (values.get("relationship") or {}).items()
    ]
    return pairs


def history_entries(records: Any) -> list[dict[str, Any]]:
    """Return each of `records` (change records) with its values before and after in plain words."""
    return [
        {
            "record": record,
            "before": recorded_values(record, record.before),
            "after": recorded_values(record, record.after),
        }
        for record in records
    ]


class ChangeRecordAdmin(admin.ModelAdmin):
    """Every recorded change, newest first; read-only."""

    list_display = ("at", "actor_name", "action", "label", "node_uid", "other_uid", "summary")
    list_filter = ("action", "label")
    search_fields = ("node_uid", "other_uid", "summary", "actor_name")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
