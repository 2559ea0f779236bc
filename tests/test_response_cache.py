"""Anonymous answers kept until the graph changes (orgs/response_cache.py, ATC_RESPONSE_CACHE).

A kept answer is told apart from a fresh one by renaming a body straight in the graph server, as a write made
without the app would: the app cannot know of it, so a kept answer still shows the old name and a fresh one the
new. Every write through the app (services, the API, imports, another process) makes the next answer fresh.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from orgs import services
from orgs.api.throttling import AnonRateThrottle
from orgs.graph.connection import cypher
from orgs.response_cache import GRAPH_ANSWERED_WITHIN_SECONDS
from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with
from tests.project import run_python
from tests.service_factories import organization
from tests.test_graph_outage import own_graph_server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# Addresses that name the body "Alpha Unit" (uid alpha) while it is called that, pages and API alike.
READS = [
    "/organizations/alpha/",
    "/organizations/",
    "/explore/alpha.json",
    "/explore/alpha/groups.json",
    "/api/organizations/alpha/",
    "/api/organizations/",
    "/api/organizations/alpha/network/",
]


@pytest.fixture
def kept_answers(settings, tmp_path) -> Path:
    """Turn kept answers on, in a cache directory of this test's own (`make run` keeps them under var/)."""
    location = tmp_path / "responses"
    settings.ATC_RESPONSE_CACHE = True
    settings.CACHES = {
        **settings.CACHES,
        "responses": {"BACKEND": "orgs.response_cache.AnswerFileCache", "LOCATION": str(location)},
    }
    return location


@pytest.fixture
def alpha() -> str:
    return organization("alpha", "Alpha Unit", kind="unit")


@pytest.fixture
def client_as_editor() -> APIClient:
    client = APIClient()
    client.force_authenticate(user_with("editor", *ALL_WRITE_PERMISSIONS))
    return client


def rename_behind_the_apps_back(uid: str, name: str) -> None:
    """Rename a body straight in the graph server, as a write made without the app would."""
    cypher("MATCH (o:Organization {uid: $uid}) SET o.name = $name", {"uid": uid, "name": name})


def named(response, name: str) -> bool:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return name.encode() in response.content


@pytest.mark.parametrize("url", READS)
def test_an_anonymous_read_is_answered_as_kept_until_the_app_writes(kept_answers, alpha, url):
    anonymous = Client()
    assert named(anonymous.get(url), "Alpha Unit")

    rename_behind_the_apps_back("alpha", "Beta Unit")
    assert named(anonymous.get(url), "Alpha Unit")  # kept
    assert anonymous.head(url).status_code == 200

    services.node_update(label="Organization", uid="alpha", data={"name": "Gamma Unit"})
    assert named(anonymous.get(url), "Gamma Unit")


def test_without_the_setting_every_answer_is_made_afresh(alpha):
    anonymous = Client()
    assert named(anonymous.get("/organizations/alpha/"), "Alpha Unit")

    rename_behind_the_apps_back("alpha", "Beta Unit")

    assert named(anonymous.get("/organizations/alpha/"), "Beta Unit")


def test_an_api_write_makes_the_next_anonymous_read_fresh(kept_answers, alpha, client_as_editor):
    anonymous = APIClient()
    assert named(anonymous.get("/api/organizations/alpha/"), "Alpha Unit")
    assert named(anonymous.get("/organizations/alpha/"), "Alpha Unit")

    changed = client_as_editor.patch("/api/organizations/alpha/", {"name": "Gamma Unit"}, format="json")

    assert changed.status_code == 200
    assert named(anonymous.get("/api/organizations/alpha/"), "Gamma Unit")
    assert named(anonymous.get("/organizations/alpha/"), "Gamma Unit")


def test_an_import_makes_the_next_anonymous_read_fresh(kept_answers, alpha, client_as_editor):
    anonymous = Client()
    assert named(anonymous.get("/organizations/"), "Alpha Unit")

    imported = client_as_editor.post(
        "/api/import/", {"organizations": [{"uid": "delta", "name": "Delta Unit", "kind": "unit"}]}, format="json"
    )

    assert imported.status_code == 200, imported.content
    assert named(anonymous.get("/organizations/"), "Delta Unit")


def test_a_write_by_another_process_makes_the_next_read_fresh(kept_answers, alpha, tmp_path):
    """`manage.py import_graph` from a shell (settings `local`: serving from the cache off) shares the cache
    directory with the server, as on one machine, and its write is seen at once."""
    anonymous = Client()
    assert named(anonymous.get("/organizations/alpha/"), "Alpha Unit")
    graph_file = tmp_path / "rename.json"
    graph_file.write_text(json.dumps({"organizations": [{"uid": "alpha", "name": "Gamma Unit", "kind": "unit"}]}))
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="atc_graph.settings.local",
        NEO4J_BOLT_URL=django_settings.NEOMODEL_NEO4J_BOLT_URL,
        ATC_RESPONSE_CACHE_DIR=str(kept_answers),
        DATABASE_URL=f"sqlite:///{tmp_path}/django.sqlite3",
    )

    finished = run_python("manage.py", "import_graph", str(graph_file), env=env)

    assert finished.returncode == 0, finished.stderr
    assert named(anonymous.get("/organizations/alpha/"), "Gamma Unit")


def test_signed_in_users_and_token_clients_are_never_given_a_kept_answer(kept_answers, alpha):
    anonymous = APIClient()
    assert named(anonymous.get("/organizations/alpha/"), "Alpha Unit")
    assert named(anonymous.get("/api/organizations/alpha/"), "Alpha Unit")
    rename_behind_the_apps_back("alpha", "Beta Unit")
    signed_in = Client()
    signed_in.force_login(User.objects.create_user("analyst", password="correct-horse-battery"))
    token_client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_with('script')).key}")
    forced = APIClient()
    forced.force_authenticate(user_with("forced", *ALL_WRITE_PERMISSIONS))

    assert named(signed_in.get("/organizations/alpha/"), "Beta Unit")
    assert named(signed_in.get("/api/organizations/alpha/"), "Beta Unit")
    assert named(token_client.get("/api/organizations/alpha/"), "Beta Unit")
    assert named(forced.get("/api/organizations/alpha/"), "Beta Unit")
    # Nor are their answers kept for anyone else.
    assert named(anonymous.get("/organizations/alpha/"), "Alpha Unit")
    assert named(anonymous.get("/api/organizations/alpha/"), "Alpha Unit")


def test_a_client_with_a_session_cookie_is_given_a_fresh_answer(kept_answers, alpha):
    assert named(Client().get("/organizations/alpha/"), "Alpha Unit")
    rename_behind_the_apps_back("alpha", "Beta Unit")
    with_cookie = Client()
    with_cookie.cookies[django_settings.SESSION_COOKIE_NAME] = "not-a-session"

    assert named(with_cookie.get("/organizations/alpha/"), "Beta Unit")


def test_the_browsable_api_carries_a_csrf_token_and_is_never_kept(kept_answers, alpha):
    anonymous = APIClient()
    html = anonymous.get("/api/organizations/alpha/", HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html") and named(html, "Alpha Unit")
    assert named(anonymous.get("/api/organizations/alpha/"), "Alpha Unit")  # JSON: kept under its own key

    rename_behind_the_apps_back("alpha", "Beta Unit")

    assert named(anonymous.get("/api/organizations/alpha/", HTTP_ACCEPT="text/html"), "Beta Unit")
    json_again = anonymous.get("/api/organizations/alpha/")
    assert json_again["Content-Type"] == "application/json" and named(json_again, "Alpha Unit")


def test_exports_are_never_kept(kept_answers, alpha):
    anonymous = Client()
    assert b"Alpha Unit" in b"".join(anonymous.get("/api/export/").streaming_content)

    rename_behind_the_apps_back("alpha", "Beta Unit")

    assert b"Beta Unit" in b"".join(anonymous.get("/api/export/").streaming_content)


def test_kept_answers_still_count_against_the_anonymous_throttle(kept_answers, alpha, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()

    statuses = [APIClient().get("/api/stats/").status_code for _ in range(4)]
    cache.clear()

    assert statuses == [200, 200, 200, 429]


def test_a_kept_answer_carries_the_headers_of_the_fresh_one(kept_answers, alpha):
    anonymous = APIClient()
    fresh = anonymous.get("/api/organizations/alpha/")
    kept = anonymous.get("/api/organizations/alpha/")

    for header in ("Content-Type", "ETag", "Vary", "Allow", "Content-Security-Policy", "X-Frame-Options"):
        assert kept[header] == fresh[header], header
    assert kept.content == fresh.content


@pytest.mark.no_graph
@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_dead_graph_server_gets_a_503_not_a_kept_answer(kept_answers, own_graph_server):  # noqa: F811
    anonymous = Client()
    urls = ["/organizations/crash-test-unit/", "/api/organizations/crash-test-unit/"]
    for url in urls:
        assert named(anonymous.get(url), "Crash Test Unit")
        assert named(anonymous.get(url), "Crash Test Unit")

    own_graph_server.kill()
    time.sleep(GRAPH_ANSWERED_WITHIN_SECONDS)  # a kept answer within a second of the last one is not checked

    for url in urls:
        assert anonymous.get(url).status_code == 503, url
    own_graph_server.start(timeout=90)
    back = time.monotonic()
    while (status := anonymous.get(urls[0]).status_code) != 200 and time.monotonic() - back < 30:
        time.sleep(0.2)
    assert status == 200


def test_no_kept_answer_older_than_a_committed_write_is_given_while_writes_and_reads_run_at_once(
    kept_answers, alpha, client_as_editor
):
    urls = ["/api/organizations/alpha/", "/organizations/alpha/"]
    committed: list[tuple[float, int]] = []  # (when the write's answer came back, the version it wrote)
    reads: list[tuple[float, str, int]] = []  # (when the read was sent, its address, the version it showed)
    writing = threading.Event()
    writing.set()

    def read(url: str) -> None:
        client = Client()
        while writing.is_set():
            sent = time.monotonic()
            response = client.get(url)
            assert response.status_code == 200
            shown = re.search(rb"version (\d+) of the description", response.content)
            reads.append((sent, url, int(shown[1]) if shown else 0))

    with ThreadPoolExecutor(max_workers=4) as readers:
        running = [readers.submit(read, url) for url in urls * 2]
        try:
            for version in range(1, 16):
                description = f"version {version} of the description"
                patched = client_as_editor.patch(
                    "/api/organizations/alpha/", {"description": description}, format="json"
                )
                assert patched.status_code == 200, patched.content
                committed.append((time.monotonic(), version))
                time.sleep(0.05)  # let the readers keep the new answer before the next write replaces it
        finally:
            writing.clear()
        for reader in running:
            reader.result()

    def last_committed_before(moment: float) -> int:
        return max((version for at, version in committed if at <= moment), default=0)

    stale = [
        (url, shown, last_committed_before(sent)) for sent, url, shown in reads if shown < last_committed_before(sent)
    ]
    assert len(reads) > 4 * 15 and not stale, stale[:5]
