"""Test set-up: one graph server for the session, an empty graph for each test.

By default the session starts the embedded server (ArcadeDB's Bolt endpoint) on free loopback ports in a
temporary directory. With NEO4J_TEST_URL set (neomodel form: bolt://user:password@host:7687/neo4j) the
same tests run against that server instead, which they empty before each test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from orgs.graph import connect, erase_graph, install_schema
from orgs.graphserver import EmbeddedServerConfig, EmbeddedServerProcess, free_port

# Property tests: a few examples in CI, many on demand (HYPOTHESIS_PROFILE=thorough).
hypothesis_settings.register_profile("ci", max_examples=25, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=500, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_graph: the test does not touch the graph server")
    # The live server listens with Django's backlog of 10 connections: a burst of clients (the concurrency
    # tests send 160 at once) gets connections reset before Django sees them. Listen as a real server does.
    from django.core.servers.basehttp import WSGIServer

    WSGIServer.request_queue_size = 256


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give graph tests the SQL test database too: each write through `orgs.services` records a change."""
    for item in items:
        if not item.get_closest_marker("no_graph"):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def graph_server() -> Iterator[EmbeddedServerConfig | None]:
    """Start the embedded graph server for the session, or connect to NEO4J_TEST_URL; yield its config."""
    external_url = os.environ.get("NEO4J_TEST_URL")
    if external_url:
        settings.GRAPH_IS_EMBEDDED = False
        settings.NEOMODEL_NEO4J_BOLT_URL = external_url
        connect(external_url)
        yield None
        return
    # A directory of its own: pytest prunes old basetemp folders, which a parallel run could take from under us.
    data_dir = Path(tempfile.mkdtemp(prefix="atc-graph-test-"))
    config = EmbeddedServerConfig(
        data_dir=data_dir,
        bolt_port=free_port(),
        http_port=free_port(),
        password="atcgraph-test",
    )
    server = EmbeddedServerProcess(config, settings_module="atc_graph.settings.test")
    server.start(timeout=90)
    try:
        settings.GRAPH_SERVER.update(
            BOLT_PORT=config.bolt_port, HTTP_PORT=config.http_port, PASSWORD=config.password,
            DATA_DIR=config.data_dir,
        )
        settings.NEOMODEL_NEO4J_BOLT_URL = config.neomodel_url
        connect(config.neomodel_url)
        yield config
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def graph_server_before_live_server(request: pytest.FixtureRequest) -> None:
    """Start the graph server first when a test uses the live server.

    pytest-django's live server overrides the settings during each of its tests and restores them afterwards,
    so the graph URL `graph_server` writes must be written before that, or it is lost after the first test.
    """
    if any("live_server" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("graph_server")


@pytest.fixture(autouse=True)
def empty_graph(request: pytest.FixtureRequest) -> None:
    """Give each test an empty graph with the schema installed (tests marked no_graph skip this).

    Graph tests also get the SQL test database: every write through `orgs.services` records a change there.
    """
    if request.node.get_closest_marker("no_graph"):
        return
    request.getfixturevalue("db")
    request.getfixturevalue("graph_server")
    erase_graph()
    install_schema()


@pytest.fixture
def seed_graph() -> dict[str, int]:
    """Load the seed graph; return what the loader wrote per kind."""
    from orgs.loader import load_graph_file

    return load_graph_file(settings.SEED_GRAPH_FILE)


# --- Headless Chromium for the browser tests ---------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Start one headless Chromium (the Debian package, never a downloaded one) for the whole session."""
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the live server's views touch the graph from theirs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """Give a test a fresh laptop-sized browser tab; its console errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert not errors, f"the page reported errors: {errors}"


@pytest.fixture
def screenshot(page: Any) -> Callable[[str], Path]:
    """Return a function that saves a full-page screenshot of the tab under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
