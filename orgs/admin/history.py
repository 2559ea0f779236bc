"""The change log in the admin: every recorded change to the graph, read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


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
