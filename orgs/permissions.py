"""Permission rows for the graph's node types, which Django does not make for models outside its registry.

Made by a data migration, and again after every `migrate` or test-database flush (the `post_migrate`
signal), so view/add/change/delete and `merge_organization` can always be given to groups.
"""

from __future__ import annotations

from typing import Any

from orgs.vocabulary import NODE_KINDS

GRAPH_MODELS = tuple(kind.noun for kind in NODE_KINDS.values())  # Django's model names: "organization", …
ACTIONS = ("add", "change", "delete", "view")
EXTRA_PERMISSIONS = {"organization": [("merge_organization", "Can merge organizations")]}


def graph_permissions_ensure(apps: Any) -> None:
    """Create the content types and permissions of the graph's node types that are missing (`apps`: an
    app registry, the live one or a migration's)."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    for model in GRAPH_MODELS:
        content_type, _ = content_type_model.objects.get_or_create(app_label="orgs", model=model)
        wanted = [(f"{action}_{model}", f"Can {action} {model}") for action in ACTIONS]
        for codename, name in wanted + EXTRA_PERMISSIONS.get(model, []):
            permission_model.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
