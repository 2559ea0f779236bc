"""Who may read and write through the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

WRITE_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class GraphPermission(BasePermission):
    """Reads are open unless `ATC_API_OPEN_READ` is off; writes need the view's Django permissions.

    A view names the model its writes touch in `permission_model` ("organization", "country", …): a POST
    needs `orgs.add_<model>`, PUT/PATCH `orgs.change_<model>`, DELETE `orgs.delete_<model>`. A view may list
    other permissions in `write_permissions` instead (the import needs add and change on every kind).
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            return bool(settings.ATC_API_OPEN_READ or (user and user.is_authenticated))
        if not (user and user.is_authenticated):
            return False
        return user.has_perms(required_permissions(view, request.method or ""))


def required_permissions(view: Any, method: str) -> list[str]:
    """Return the Django permissions a write by `method` to `view` needs."""
    explicit = getattr(view, "write_permissions", None)
    if explicit is not None:
        return list(explicit)
    model = getattr(view, "permission_model", None)
    if model is None:
        return ["orgs.__no_such_permission__"]  # a view that does not say what it writes accepts no writes
    return [f"orgs.{WRITE_ACTIONS.get(method, 'change')}_{model}"]
