"""Test set-up: one graph server for the session, an empty graph for each test.

By default the session starts the embedded server (ArcadeDB's Bolt endpoint) on free loopback ports in a
temporary directory. With NEO4J_TEST_URL set (neomodel form: bolt://user:password@host:7687/neo4j) the
same tests run against that server instead, which they empty before each test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from orgs.graph import connect, erase_graph, install_schema
from orgs.graphserver import EmbeddedServerConfig, EmbeddedServerProcess, free_port


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_graph: the test does not touch the graph server")


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
