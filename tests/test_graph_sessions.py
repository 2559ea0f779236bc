"""Reads go out in read mode (a neo4j:// URL routes them to followers and read replicas), writes in write
transactions, and a read sees the writes this process committed before it (one bookmark manager)."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import READ_ACCESS, WRITE_ACCESS
from neo4j.exceptions import ClientError

from orgs import services
from orgs.graph.arcadedb import is_arcadedb
from orgs.graph.connection import cypher, read_cypher, session_bookmarks, shared_driver
from orgs.selectors.nodes import node_profile
from orgs.selectors.organizations import organization_list
from orgs.selectors.stats import hubs


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Return the configuration of every session the app opens on the shared driver from now on (the
    sessions themselves are the real ones)."""
    driver = shared_driver()
    opened: list[dict[str, Any]] = []
    open_session = driver.session

    def recorded_session(**config: Any) -> Any:
        opened.append(config)
        return open_session(**config)

    monkeypatch.setattr(driver, "session", recorded_session)
    return opened


def test_selectors_read_in_read_sessions(sessions):
    organization_list(q="police")
    organization_list()
    node_profile(uid="nobody")
    hubs(limit=5)

    assert sessions
    assert {config["default_access_mode"] for config in sessions} == {READ_ACCESS}


def test_a_service_writes_in_one_write_transaction(sessions):
    services.node_create(label="Organization", data={"name": "SECI Center"})

    assert [config["default_access_mode"] for config in sessions] == [WRITE_ACCESS]


def test_a_read_after_a_write_carries_the_writes_bookmark_and_sees_it(sessions):
    before = session_bookmarks().get_bookmarks()
    created = services.node_create(label="Organization", data={"name": "SECI Center"})
    after_write = session_bookmarks().get_bookmarks()

    profile = node_profile(uid=created["uid"])

    assert profile is not None and profile["node"]["name"] == "SECI Center"
    assert all(config["bookmark_manager"] is session_bookmarks() for config in sessions)
    if not is_arcadedb():  # Neo4j hands out a bookmark for each commit; ArcadeDB's Bolt endpoint none
        assert after_write and after_write != before


def test_a_write_sent_as_a_read_is_refused_by_neo4j_and_run_by_arcadedb():
    query = "CREATE (n:Node {uid: 'written-in-read-mode'}) RETURN n.uid AS uid"
    if is_arcadedb():  # ArcadeDB does not enforce the access mode: routing it is the driver's part only
        assert read_cypher(query) == [{"uid": "written-in-read-mode"}]
    else:
        with pytest.raises(ClientError, match="read access mode"):
            read_cypher(query)
        assert cypher("MATCH (n:Node {uid: 'written-in-read-mode'}) RETURN count(n) AS n") == [{"n": 0}]
