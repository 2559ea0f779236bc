"""The maintained counts: right after every kind of write, answered without counting the graph."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command

from orgs import services
from orgs.graph import queries as q
from orgs.graph.connection import AlreadyExists, cypher, recorded_queries, write_transaction
from orgs.graph.counts import COUNT_SHARDS, add_to_counts, install_counts, recount_graph
from orgs.importer.write import import_graph
from orgs.selectors.stats import graph_counts
from tests import service_factories as make


def live_counts() -> dict[str, dict[str, int]]:
    """The counts as a full scan of the graph gives them, shaped as `graph_counts`."""
    live = cypher(q.LIVE_COUNTS)[0]["counts"]
    maintained = graph_counts()
    return {part: {name: live[name] for name in maintained[part]} for part in maintained}


@pytest.fixture
def four_bodies():
    make.source()
    make.country("fr", "France")
    for uid in ("a", "b", "c", "d"):
        make.organization(uid, f"Body {uid.upper()}")
    make.relationship("COLLABORATES_WITH", "a", "b")
    make.relationship("MEMBER_OF", "c", "a")
    make.relationship("MEMBER_OF", "d", "b")
    make.relationship("LOCATED_IN", "a", "fr")


def test_creates_are_counted(four_bodies):
    counts = graph_counts()

    assert counts == live_counts()
    assert counts["nodes"]["Organization"] == 4 and counts["nodes"]["Source"] == 1
    assert counts["relationships"]["MEMBER_OF"] == 2


def test_deleting_a_node_uncounts_it_and_its_relationships(four_bodies):
    services.node_delete(uid="a")

    assert graph_counts() == live_counts()
    assert graph_counts()["relationships"]["LOCATED_IN"] == 0


def test_deleting_a_relationship_uncounts_it(four_bodies):
    uid = cypher("MATCH ()-[r:MEMBER_OF]->(:Node {uid: 'a'}) RETURN r.uid AS uid")[0]["uid"]
    services.relationship_delete(uid=uid)

    assert graph_counts() == live_counts()
    assert graph_counts()["relationships"]["MEMBER_OF"] == 1


def test_a_merge_counts_the_loser_gone_and_its_relationships_moved_or_dropped(four_bodies):
    services.organizations_merge(survivor_uid="a", loser_uid="b")  # a–b dropped, d→b moved to d→a

    assert graph_counts() == live_counts()
    assert graph_counts()["nodes"]["Organization"] == 3


def test_an_import_counts_what_it_creates_and_not_what_it_only_updates(four_bodies):
    graph = {
        "sources": [{"uid": "partners", "title": "Partners page"}],
        "organizations": [{"uid": "a", "name": "Body A"}, {"uid": "e", "name": "Body E"}],
        "relationships": [
            {"type": "MEMBER_OF", "from": "c", "to": "a", "source": "partners", "evidence": "Listed."},
            {"type": "MEMBER_OF", "from": "e", "to": "a", "source": "partners", "evidence": "Listed."},
            {"type": "COLLABORATES_WITH", "from": "c", "to": "d", "source": "partners", "evidence": "Joint."},
        ],
    }
    import_graph(graph)

    assert graph_counts() == live_counts()
    assert graph_counts()["relationships"]["MEMBER_OF"] == 3


def test_a_write_that_fails_changes_no_count(four_bodies):
    before = graph_counts()
    with pytest.raises(AlreadyExists):
        make.organization("a2", "Body A")  # the name is taken

    assert graph_counts() == before == live_counts()


def test_concurrent_creates_all_succeed_and_are_all_counted():
    # Each a create as node_create writes it to the graph (its change log row, in SQLite, left out: the
    # test database is not for concurrent writers); conflicts on a counts shard are retried.
    failures: list[BaseException] = []

    def create(worker: int) -> None:
        try:
            for i in range(5):

                def work(uid: str = f"w{worker}-{i}") -> None:
                    cypher(q.create_node("Organization"), {"uid": uid, "props": {"name": uid}})
                    add_to_counts({"Organization": 1})

                write_transaction(work)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=create, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert graph_counts()["nodes"]["Organization"] == 40 == live_counts()["nodes"]["Organization"]


def test_setup_graph_counts_a_graph_from_before_the_counts_and_can_run_again(four_bodies):
    cypher("MATCH (c:GraphCounts) DELETE c")  # a data directory from before the counts
    assert graph_counts()["nodes"]["Organization"] == 0

    call_command("setup_graph")
    call_command("setup_graph")

    assert graph_counts() == live_counts()
    assert cypher("MATCH (c:GraphCounts) RETURN count(c) AS n")[0]["n"] == COUNT_SHARDS


def test_setting_up_a_graph_with_the_one_counts_node_of_before_the_shards_keeps_its_counts(four_bodies):
    cypher("MATCH (c:GraphCounts) DELETE c")
    # The one node an earlier version kept: no shard number; it lacks a type added since (counted live then).
    cypher("CREATE (c:GraphCounts) SET c.Organization = 7, c.Source = 1, c.MEMBER_OF = 2")

    install_counts()
    install_counts()

    counts = graph_counts()
    assert counts["nodes"]["Organization"] == 7  # kept from the old node, not recounted
    assert counts["relationships"]["LOCATED_IN"] == 1  # counted live
    shards = cypher("MATCH (c:GraphCounts) RETURN c.shard AS shard ORDER BY shard")
    assert [row["shard"] for row in shards] == list(range(COUNT_SHARDS))

    services.node_delete(uid="a")  # a write after the upgrade counts as before
    assert graph_counts()["nodes"]["Organization"] == 6


def test_the_counts_are_spread_over_shards_and_a_recount_puts_them_on_one(four_bodies):
    def create(uid: str) -> None:  # as node_create writes it, its change log row left out (see above)
        def work() -> None:
            cypher(q.create_node("Organization"), {"uid": uid, "props": {"name": uid}})
            add_to_counts({"Organization": 1})

        write_transaction(work)

    writers = [threading.Thread(target=create, args=(f"t{index}",)) for index in range(12)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    written = cypher("MATCH (c:GraphCounts) WHERE c.Organization <> 0 RETURN count(c) AS n")[0]["n"]

    assert written > 1  # thirteen threads, sixteen shards: all on one would be one chance in 16**12
    assert graph_counts() == live_counts()
    assert recount_graph()["Organization"] == 16 == graph_counts()["nodes"]["Organization"]
    assert cypher("MATCH (c:GraphCounts) WHERE c.Organization <> 0 RETURN c.shard AS s") == [{"s": 0}]


@pytest.mark.parametrize("url", ["/api/stats/", "/"])
def test_stats_and_the_home_page_read_the_counts_without_counting_the_graph(four_bodies, client, url):
    with recorded_queries() as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert q.COUNTS in queries
    assert not [query for query in queries if "count(" in query.lower() or "COUNT {" in query]
