"""The graph model: constraints, relationships' derived summary, and the server answering over Bolt."""

import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from neomodel.exceptions import UniqueProperty

from orgs.graph import queries as q
from orgs.graph.arcadedb import is_arcadedb
from orgs.graph.connection import AlreadyExists, GraphAddress, cypher, parse_graph_url, write_transaction
from orgs.graph.counts import COUNT_SHARDS, add_to_counts
from orgs.graph.schema import install_schema
from orgs.models import Country, Event, Organization, Source


def test_an_organization_saved_through_the_model_can_be_read_back_by_uid():
    Organization(
        uid="interpol",
        name="International Criminal Police Organization",
        acronym="INTERPOL",
        aliases=["ICPO"],
        kind="international_organization",
    ).save()

    found = Organization.nodes.get(uid="interpol")

    assert found.name == "International Criminal Police Organization"
    assert found.aliases == ["ICPO"]
    assert found.degree == 0


def test_two_organizations_cannot_share_a_name():
    Organization(uid="a", name="Council of Europe").save()

    with pytest.raises((UniqueProperty, AlreadyExists)):
        write_transaction(lambda: Organization(uid="b", name="Council of Europe").save())

    assert cypher("MATCH (o:Organization) RETURN count(o) AS n")[0]["n"] == 1


def test_two_organizations_cannot_share_a_uid():
    Organization(uid="same", name="One").save()

    with pytest.raises((UniqueProperty, AlreadyExists)):
        write_transaction(lambda: Organization(uid="same", name="Other").save())


def test_a_relationship_keeps_its_period_footing_and_sources():
    cis = Organization(uid="cis-atc", name="CIS Anti-Terrorism Center").save()
    interpol = Organization(uid="interpol", name="INTERPOL").save()

    cis.has_observer_status_in.connect(
        interpol,
        {
            "uid": "t1",
            "since": "2005",
            "qualifier": "observer status",
            "source_count": 1,
            "source_uids": ["cis-atc-partners"],
        },
    )

    relationship = cis.has_observer_status_in.relationship(interpol)
    assert (relationship.since, relationship.qualifier, relationship.source_count, relationship.source_uids) == (
        "2005",
        "observer status",
        1,
        ["cis-atc-partners"],
    )


def test_the_models_relationships_reach_every_kind_the_vocabulary_lets_them():
    turkey, greece = Country(uid="turkey", name="Turkey").save(), Country(uid="greece", name="Greece").save()
    inquiry, attack = Event(uid="inquiry", name="Inquiry").save(), Event(uid="attack", name="Attack").save()
    osce = Organization(uid="osce", name="OSCE").save()

    turkey.collaborates_with.connect(greece, {"uid": "t1"})
    inquiry.concerns.connect(attack, {"uid": "t2"})
    inquiry.concerns.connect(osce, {"uid": "t3"})

    assert [partner.uid for partner in greece.collaborates_with.all()] == ["turkey"]  # symmetric: either end
    assert sorted((type(subject).__name__, subject.uid) for subject in inquiry.concerns.all()) == [
        ("Event", "attack"),
        ("Organization", "osce"),
    ]
    assert not hasattr(Source, "concerns") and not hasattr(Event, "member_of")


def test_a_failed_write_transaction_leaves_the_graph_as_it_was():
    def create_then_fail():
        Organization(uid="x", name="X").save()
        raise RuntimeError("something went wrong after the first write")

    with pytest.raises(RuntimeError):
        write_transaction(create_then_fail)

    assert cypher("MATCH (o:Organization) RETURN count(o) AS n")[0]["n"] == 0


@pytest.mark.no_graph
@pytest.mark.parametrize(
    ("url", "address"),
    [
        (
            "bolt://root:atcgraph@127.0.0.1:7687/graph",
            GraphAddress("bolt://127.0.0.1:7687", ("root", "atcgraph"), "graph"),
        ),
        (
            "neo4j+s://neo4j:p@ss:w%rd@example.databases.neo4j.io:7687/neo4j",
            GraphAddress("neo4j+s://example.databases.neo4j.io:7687", ("neo4j", "p@ss:w%rd"), "neo4j"),
        ),
        ("neo4j://neo4j:secret@cluster:7687", GraphAddress("neo4j://cluster:7687", ("neo4j", "secret"), None)),
    ],
)
def test_a_graph_url_gives_the_address_credentials_and_database(url, address):
    assert parse_graph_url(url) == address


@pytest.mark.no_graph
@pytest.mark.parametrize("url", ["bolt://127.0.0.1:7687", "localhost:7687", "bolt://root@host:7687/graph"])
def test_a_graph_url_without_credentials_is_refused_with_the_form_it_needs(url):
    with pytest.raises(ImproperlyConfigured, match="scheme://user:password@host:port/database"):
        parse_graph_url(url)


def open_bolt_connections() -> int:
    """Count this process's established TCP connections to the graph server's Bolt port."""
    port = int(settings.NEOMODEL_NEO4J_BOLT_URL.rsplit("@", 1)[1].split("/")[0].rsplit(":", 1)[1])
    sockets = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            sockets.add(target[len("socket:[") : -1])
    count = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            established = fields[3] == "01"
            if established and int(fields[2].rsplit(":", 1)[1], 16) == port and fields[9] in sockets:
                count += 1
    return count


def test_queries_on_new_threads_share_one_connection_pool():
    # A server such as runserver runs each request on a new thread: none may open a connection of its own.
    cypher("RETURN 1 AS one")
    before = open_bolt_connections()
    one_at_a_time, all_queried = threading.Lock(), threading.Barrier(5)
    during: list[int] = []

    def query_on_a_new_thread() -> None:
        with one_at_a_time:
            cypher("RETURN 1 AS one")
        all_queried.wait(timeout=30)  # every thread still alive while the connections are counted
        all_queried.wait(timeout=30)

    threads = [threading.Thread(target=query_on_a_new_thread) for _ in range(4)]
    for thread in threads:
        thread.start()
    all_queried.wait(timeout=30)
    during.append(open_bolt_connections())
    all_queried.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=30)

    assert before >= 1
    assert during == [before]


def test_the_server_identifies_itself(graph_server):
    assert is_arcadedb() is (graph_server is not None)


def test_installing_the_schema_again_on_a_graph_that_has_it_changes_nothing():
    install_schema()
    install_schema()

    Organization(uid="a", name="A").save()
    with pytest.raises((UniqueProperty, AlreadyExists)):
        write_transaction(lambda: Organization(uid="b", name="A").save())


def test_a_test_that_changed_the_schema_leaves_the_next_one_exactly_the_installed_schema():
    from tests.conftest import graph_schema, reset_graph

    installed = graph_schema()
    cypher(f"DROP INDEX {q.range_index_name('Document', 'name')}")
    cypher("CREATE INDEX left_by_a_test IF NOT EXISTS FOR (n:Organization) ON (n.website)")
    assert graph_schema() != installed

    reset_graph()

    assert graph_schema() == installed


def test_the_next_test_gets_an_empty_graph_with_every_counts_shard_at_zero_whatever_this_one_wrote():
    from tests.conftest import reset_graph

    Organization(uid="a", name="A").save()
    cypher("CREATE (:Node:Country {uid: 'c', name: 'C'})-[:LOCATED_IN {uid: 'r'}]->(:Node:Event {uid: 'e'})")
    write_transaction(lambda: add_to_counts({"Organization": 1, "LOCATED_IN": 1}))

    reset_graph()

    assert cypher("MATCH (n) WHERE NOT n:GraphCounts RETURN count(n) AS n") == [{"n": 0}]
    shards = cypher(q.COUNTS_BY_SHARD)
    assert sorted(row["shard"] for row in shards) == list(range(COUNT_SHARDS))
    assert {value for row in shards for name, value in row["counts"].items() if name != "shard"} == {0}
    Organization(uid="a", name="A").save()  # the uniqueness indexes keep nothing of the deleted node


def test_writers_still_colliding_after_every_retry_get_graph_unavailable_not_a_server_fault():
    from neo4j.exceptions import TransientError

    from orgs.graph.connection import GraphUnavailable, write_transaction

    tries = []

    def always_collides() -> None:
        tries.append(1)
        raise TransientError("concurrent change to the same record")

    with pytest.raises(GraphUnavailable, match="busy"):
        write_transaction(always_collides, attempts=3)
    assert len(tries) == 3
