"""API test fixtures: an anonymous client, a writer with the Django permissions, a token for scripts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from orgs.vocabulary import NodeLabel


def graph_permission(codename: str) -> Permission:
    """Return the Permission row `orgs.<codename>`, creating it (and its content type) if no migration did."""
    action, model = codename.split("_", 1)
    content_type, _ = ContentType.objects.get_or_create(app_label="orgs", model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": f"Can {action} {model}"}
    )
    return permission


ALL_WRITE_PERMISSIONS = [
    f"{action}_{label.value.lower()}" for label in NodeLabel for action in ("add", "change", "delete")
]


def user_with(username: str, *codenames: str, password: str = "correct-horse-battery") -> User:
    user = User.objects.create_user(username=username, password=password)
    user.user_permissions.add(*(graph_permission(codename) for codename in codenames))
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def anonymous(db) -> APIClient:
    return APIClient()


@pytest.fixture
def editor(db) -> User:
    return user_with("editor", *ALL_WRITE_PERMISSIONS)


@pytest.fixture
def client_as_editor(editor) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def reader(db) -> User:
    return user_with("reader")


@pytest.fixture
def client_as_reader(reader) -> APIClient:
    client = APIClient()
    client.force_authenticate(reader)
    return client
