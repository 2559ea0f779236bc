"""`manage.py create_groups`: create the "viewer" and "editor" groups and their permissions (rerunnable)."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from orgs.permissions import GRAPH_MODELS

GROUPS: dict[str, list[str]] = {
    # Sees everything in the admin, changes nothing.
    "viewer": [f"view_{model}" for model in (*GRAPH_MODELS, "changerecord")],
    # Keeps the graph right: adds, changes, deletes and merges.
    "editor": [
        *(f"{action}_{model}" for model in GRAPH_MODELS for action in ("view", "add", "change", "delete")),
        "merge_organization",
        "view_changerecord",
    ],
}


class Command(BaseCommand):
    help = 'Create the groups "viewer" (read-only admin) and "editor" (edit and merge), with their permissions.'

    def handle(self, *args: Any, **options: Any) -> None:
        for name, codenames in GROUPS.items():
            group, created = Group.objects.get_or_create(name=name)
            permissions = Permission.objects.filter(content_type__app_label="orgs", codename__in=codenames)
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                self.stderr.write(f"Missing permissions (run `manage.py migrate` first): {', '.join(sorted(missing))}")
            group.permissions.set(permissions)
            self.stdout.write(
                f"{'Created' if created else 'Updated'} group '{name}' with {len(permissions)} permissions."
            )
        self.stdout.write("Give a staff user a group in the admin (Users → the user → Groups).")
