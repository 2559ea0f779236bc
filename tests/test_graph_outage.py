"""A graph server that dies: the app answers 503 at once (JSON where JSON was asked) and recovers by itself."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import Client
from neo4j.exceptions import ResultFailedError, ServiceUnavailable, SessionExpired
from neomodel import config as neomodel_config
from rest_framework.test import APIClient

from orgs import services
from orgs.graph.connection import GraphUnavailable, connect, cypher, shared_driver, translated_errors
from orgs.graph.embedded import EmbeddedServerConfig, EmbeddedServerProcess, bolt_answers, free_port
from orgs.graph.schema import install_schema
from orgs.graph.supervisor import GraphWatchdog
from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with

# Committed SQL writes (transaction=True): the requests from other threads read the change log too.
pytestmark = [pytest.mark.no_graph, pytest.mark.django_db(transaction=True), pytest.mark.slow]

PAGES = ["/", "/organizations/", "/organizations/crash-test-unit/"]
JSON_ENDPOINTS = [
    "/explore/crash-test-unit.json",
    "/explore/crash-test-unit/groups.json",
    "/explore/crash-test-unit/relationships.json?type=LOCATED_IN&outgoing=1",
    "/autocomplete.json?q=crash",
    "/api/organizations/",
    "/api/organizations/crash-test-unit/",
]


@contextmanager
def app_pointed_at(config: EmbeddedServerConfig) -> Iterator[None]:
    """Point the app at the graph server `config` describes; point it back at the session's server after."""
    previous_server, previous_url = dict(settings.GRAPH_SERVER), settings.NEOMODEL_NEO4J_BOLT_URL
    try:
        settings.GRAPH_SERVER.update(
            BOLT_PORT=config.bolt_port, HTTP_PORT=config.http_port, PASSWORD=config.password, DATA_DIR=config.data_dir
        )
        settings.NEOMODEL_NEO4J_BOLT_URL = config.neomodel_url
        connect(config.neomodel_url)
        yield
    finally:
        settings.GRAPH_SERVER.clear()
        settings.GRAPH_SERVER.update(previous_server)
        settings.NEOMODEL_NEO4J_BOLT_URL = previous_url
        connect(previous_url)


@pytest.fixture
def own_graph_server(spare_graph_server: EmbeddedServerProcess) -> Iterator[EmbeddedServerProcess]:
    """Point the app at the module's spare embedded server, running (started again if a test left it dead) and
    holding one organization and nothing else; kill it after a test that left it hung."""
    server = spare_graph_server
    if not server.is_running():
        server.start(timeout=90)
    with app_pointed_at(server.config):
        cypher("MATCH (n) DETACH DELETE n")
        install_schema()
        services.node_create(
            label="Organization", data={"name": "Crash Test Unit", "kind": "unit"}, uid="crash-test-unit"
        )
        yield server
    if server.is_running() and not bolt_answers(server.config, timeout=2):
        server.kill()


def timed_get(client: Client, url: str) -> tuple[float, object]:
    started = time.monotonic()
    response = client.get(url)
    return time.monotonic() - started, response


def statuses_from_threads(pool: ThreadPoolExecutor, urls: list[str]) -> list[int]:
    """GET each of `urls` twice from the pool's threads (reused, as a threaded WSGI server reuses them)."""
    return list(pool.map(lambda url: Client().get(url).status_code, urls * 2))


def test_a_dead_graph_server_gets_a_prompt_503_and_the_app_serves_again_once_it_is_back(own_graph_server):
    client = Client()
    editor = APIClient()
    editor.force_authenticate(user_with("editor", *ALL_WRITE_PERMISSIONS))
    pool = ThreadPoolExecutor(max_workers=3)
    for url in PAGES + JSON_ENDPOINTS:
        assert client.get(url).status_code == 200, url
    assert set(statuses_from_threads(pool, PAGES + JSON_ENDPOINTS)) == {200}

    own_graph_server.kill()

    for url in PAGES + JSON_ENDPOINTS:
        seconds, response = timed_get(client, url)
        assert response.status_code == 503, url
        assert seconds < 1.0, f"{url} took {seconds:.2f} s"
        assert response["Retry-After"].isdigit(), url
        if url in JSON_ENDPOINTS:
            assert response["Content-Type"].startswith("application/json"), url
            assert json.loads(response.content)["code"] == "graph_unavailable", url
        else:
            assert response["Content-Type"].startswith("text/html"), url
    write = editor.post("/api/organizations/", {"name": "Written While Down", "kind": "unit"}, format="json")
    assert (write.status_code, write.json()["code"]) == (503, "graph_unavailable")
    assert set(statuses_from_threads(pool, PAGES + JSON_ENDPOINTS)) == {503}

    own_graph_server.start(timeout=90)  # the same data directory and ports; the app is not restarted
    back = time.monotonic()
    for url in PAGES + JSON_ENDPOINTS:
        while (status := client.get(url).status_code) != 200 and time.monotonic() - back < 30:
            time.sleep(0.2)
        assert status == 200, f"{url} still answers {status} 30 s after the graph server came back"
    assert set(statuses_from_threads(pool, PAGES + JSON_ENDPOINTS)) == {200}
    assert (
        editor.post("/api/organizations/", {"name": "Written Once Back", "kind": "unit"}, format="json").status_code
        == 201
    )
    assert b"Crash Test Unit" in client.get("/organizations/crash-test-unit/").content
    pool.shutdown()


def test_json_is_answered_where_json_was_asked_while_the_graph_is_down(own_graph_server):
    own_graph_server.kill()

    response = Client().get("/organizations/", HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")


def test_a_graph_server_that_takes_connections_but_never_answers_gets_a_503_within_about_a_second(tmp_path):
    with socket.socket() as hung:  # listens (the kernel accepts connections) but never speaks Bolt
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)
        config = EmbeddedServerConfig(data_dir=tmp_path, bolt_port=hung.getsockname()[1], http_port=free_port())
        with app_pointed_at(config):
            for url in ["/organizations/", "/api/organizations/"]:
                seconds, response = timed_get(Client(), url)

                assert response.status_code == 503, url
                # The driver's default would wait 30 s.
                assert seconds < settings.GRAPH_CONNECTION_TIMEOUT + 1, f"{url} took {seconds:.2f} s"


def test_a_hung_graph_server_is_killed_and_restarted_and_requests_answer_503_meanwhile(own_graph_server):
    log: list[str] = []
    watchdog = GraphWatchdog(own_graph_server, log.append, start_timeout=90, probe_every=1, probe_timeout=1, misses=2)
    client = Client()
    assert client.get("/organizations/crash-test-unit/").status_code == 200  # the pool holds a connection to it
    watchdog.start()
    try:
        hung_pid = own_graph_server.process.pid
        os.kill(hung_pid, signal.SIGSTOP)  # alive, listening, answering nothing

        seconds, response = timed_get(client, "/organizations/crash-test-unit/")

        # Without the watchdog this request waits for ever on its connection to the stopped server; the probes
        # find it hung after about 1 + 2 × 1.5 s, and its kill ends the wait.
        assert response.status_code == 503  # its connection closed by the kill; the restart comes after a pause
        assert seconds < 20, f"the request took {seconds:.1f} s"
        assert any("does not answer" in line for line in log), log
        back = time.monotonic()
        while (status := client.get("/organizations/crash-test-unit/").status_code) != 200:
            assert time.monotonic() - back < 120, f"still {status} two minutes after the kill: {log}"
            time.sleep(0.5)
        assert own_graph_server.process.pid != hung_pid and watchdog.restarts == 1
        assert b"Crash Test Unit" in client.get("/organizations/crash-test-unit/").content  # the data survived
    finally:
        watchdog.stop()


def test_a_result_read_after_its_server_died_mid_stream_is_graph_unavailable_not_a_driver_error(own_graph_server):
    with shared_driver().session(database=neomodel_config.DATABASE_NAME) as session:
        result = session.run("UNWIND range(1, 200000) AS i RETURN i")
        records = iter(result)
        next(records)  # streaming: the server sends the records a batch at a time
        own_graph_server.kill()
        with pytest.raises((ServiceUnavailable, SessionExpired)):
            list(records)  # the read that meets the dropped connection

        # Whoever reads the result again (a rollback reading what is left of a transaction's results) gets the
        # driver's ResultFailedError, which must answer 503 as the first failure does.
        with pytest.raises(GraphUnavailable) as raised, translated_errors():
            list(result)

    assert isinstance(raised.value.__cause__, ResultFailedError)
