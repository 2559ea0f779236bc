"""Fixtures of the tests of adding a source: an editor who may add sources, signed in to the API or the pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with


@pytest.fixture
def source_editor() -> User:
    return user_with("source-editor", *ALL_WRITE_PERMISSIONS)


@pytest.fixture
def editor_api(source_editor: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(source_editor)
    return client


@pytest.fixture
def editor_pages(source_editor: User) -> Client:
    client = Client()
    client.force_login(source_editor)
    return client
