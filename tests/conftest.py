"""Test set-up: one graph server for the session, an empty graph for each test.

By default the session starts the embedded server (ArcadeDB's Bolt endpoint) on free loopback ports in a
temporary directory. With NEO4J_TEST_SERVER set (the path of `shared/neo4j/neo4j-test-server`, absolute or from
the repository's root) it starts a throwaway real Neo4j with that launcher instead, and stops it at the end;
NEO4J_TEST_SCHEME=neo4j then connects through a routing `neo4j://` URL rather than `bolt://`. With
NEO4J_TEST_URL set (neomodel form: bolt://user:password@host:7687/neo4j) the same tests run against that server,
which they empty before each test. A server the tests cannot reach stops the session with one line naming it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from orgs.graph.arcadedb import arcadedb_schema, is_arcadedb
from orgs.graph.connection import GraphUnavailable, connect, cypher, parse_graph_url, tell_write_listeners
from orgs.graph.counts import install_counts
from orgs.graph.embedded import EmbeddedServerConfig, EmbeddedServerProcess, GraphServerError, free_port
from orgs.graph.neo4j_server import Neo4jServer, neo4j_server
from orgs.graph.schema import erase_graph, install_schema
from orgs.graph.supervisor import embedded_server_in_use

ROOT = Path(__file__).resolve().parent.parent

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
    """Start the embedded graph server (or a real Neo4j, NEO4J_TEST_SERVER) for the session, or connect to
    NEO4J_TEST_URL; yield the embedded server's config (None for Neo4j)."""
    launcher = os.environ.get("NEO4J_TEST_SERVER")
    if launcher:
        with started_neo4j(ROOT / launcher) as server:
            use_external_server(server.neomodel_url(os.environ.get("NEO4J_TEST_SCHEME", "bolt")))
            yield None
        return
    external_url = os.environ.get("NEO4J_TEST_URL")
    if external_url:
        use_external_server(external_url)
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
    try:
        with embedded_server_in_use(config, settings_module="atc_graph.settings.test", timeout=90):
            yield config
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def spare_graph_server() -> Iterator[EmbeddedServerProcess]:
    """Give the tests of a module that kill or hang a graph server one embedded server apart from the session's
    (starting one takes 8-12 s): not started here, but by each test that finds it dead; killed after the module."""
    data_dir = Path(tempfile.mkdtemp(prefix="atc-graph-spare-"))
    config = EmbeddedServerConfig(
        data_dir=data_dir / "graph", bolt_port=free_port(), http_port=free_port(), password="atcgraph-outage"
    )
    server = EmbeddedServerProcess(config, settings_module="atc_graph.settings.test")
    try:
        yield server
    finally:
        server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def started_neo4j(launcher: Path) -> Iterator[Neo4jServer]:
    """Run a throwaway Neo4j with `launcher` for the block; stop the session in one line if it cannot start."""
    try:
        with neo4j_server(
            launcher,
            heap=os.environ.get("NEO4J_TEST_HEAP", "1g"),
            timeout=float(os.environ.get("NEO4J_TEST_START_TIMEOUT", "300")),
        ) as server:
            yield server
    except GraphServerError as error:
        pytest.exit(f"The tests could not start the graph server (NEO4J_TEST_SERVER): {error}", returncode=3)


def use_external_server(url: str) -> None:
    """Point the settings and every thread at the Neo4j server `url`; stop the session, in one line naming the
    server, if it cannot be reached or refuses the credentials."""
    settings.GRAPH_IS_EMBEDDED = False
    settings.NEOMODEL_NEO4J_BOLT_URL = url
    address = parse_graph_url(url)
    try:
        connect(url)
        cypher("RETURN 1 AS one")
    except GraphUnavailable as error:
        reason = " ".join(str(error).split()) or type(error.__cause__).__name__
        pytest.exit(
            f"The tests could not reach the graph server at {address.uri} as user '{address.auth[0]}': {reason}",
            returncode=3,
        )


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
    reset_graph()


_installed_schema: set[str] = set()


def reset_graph() -> None:
    """Leave the graph empty, with exactly the schema `install_schema` makes.

    Making the schema costs far more than most tests (half a second on ArcadeDB, a fresh database each time),
    so it is installed once; then every node goes in one statement (the counts shards with them, so they are
    made again), and only a test that changed the schema (dropped or added an index) has it put back.
    """
    if not _installed_schema:
        erase_graph()
        schema_installed()
        _installed_schema.update(graph_schema())
        return
    cypher("MATCH (n) DETACH DELETE n")
    tell_write_listeners()
    install_counts()
    schema = graph_schema()
    if schema == _installed_schema:
        return
    if is_arcadedb():
        erase_graph()  # rare enough to make the database again rather than undo the change type by type
    else:
        for line in sorted(schema - _installed_schema):  # constraints sort first: they own their indexes
            kind, name = line.split(" ", 1)
            cypher(f"DROP {kind} `{name}` IF EXISTS")
    schema_installed()


def schema_installed() -> None:
    """Install the schema, and on Neo4j wait until its indexes are online."""
    install_schema()
    if not is_arcadedb():
        cypher("CALL db.awaitIndexes(60)")


def graph_schema() -> set[str]:
    """Return the graph's schema as lines to compare: on Neo4j "INDEX name" or "CONSTRAINT name" for each of
    its indexes and constraints, on ArcadeDB one per type with its properties and indexes (`arcadedb_schema`)."""
    if is_arcadedb():
        return arcadedb_schema()
    indexes = cypher("SHOW INDEXES YIELD name, owningConstraint WHERE owningConstraint IS NULL RETURN name")
    constraints = cypher("SHOW CONSTRAINTS YIELD name RETURN name")
    return {f"INDEX {row['name']}" for row in indexes} | {f"CONSTRAINT {row['name']}" for row in constraints}


@pytest.fixture
def seed_graph() -> dict[str, int]:
    """Load the seed graph; return what the loader wrote per kind."""
    from orgs.importer.write import load_graph_file

    return load_graph_file(settings.SEED_GRAPH_FILE)


@pytest.fixture
def sample_graph() -> dict[str, Any]:
    """Load the tests' own small graph (tests/sample_graph.yaml); return its records, to count on."""
    from tests.cypher_factories import load_sample_graph

    return load_sample_graph()


@pytest.fixture
def centres_graph() -> None:
    """Two organizations that "center" finds, one a unit, and a relationship between them with its source."""
    from tests.service_factories import organization, relationship, source

    source()
    organization("alpha", "Alpha Center", kind="unit")
    organization("beta", "Beta Center")
    relationship("COLLABORATES_WITH", "alpha", "beta")


# --- Headless Chromium for the browser tests ---------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
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
