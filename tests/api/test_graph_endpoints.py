"""Neighbourhoods, paths, statistics, throttling, and the 503 when the graph server is down."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache

from orgs import services
from orgs.api.throttling import AnonRateThrottle, UserRateThrottle
from orgs.graph.connection import connect
from orgs.graph.embedded import free_port


@pytest.fixture
def chain() -> None:
    """a — b — c — d in a line (COLLABORATES_WITH), and b PART_OF e; an event near a."""
    services.node_create(label="Source", uid="page", data={"title": "Page"})
    for uid in "abcde":
        services.node_create(label="Organization", uid=uid, data={"name": uid.upper()})
    services.node_create(label="Event", uid="meeting", data={"name": "Meeting", "kind": "meeting"})
    for relationship_type, start, end, since in (
        ("COLLABORATES_WITH", "a", "b", "2001"),
        ("COLLABORATES_WITH", "b", "c", "2005"),
        ("COLLABORATES_WITH", "c", "d", "2001"),
        ("PART_OF", "b", "e", None),
        ("ORGANIZED", "a", "meeting", None),
    ):
        services.relationship_create(
            relationship_type=relationship_type,
            start_uid=start,
            end_uid=end,
            data={"source_uid": "page", "evidence": f"{start} and {end}", "since": since},
        )


def node_uids(body: dict) -> set[str]:
    return {node["uid"] for node in body["nodes"]}


def test_the_network_grows_with_depth(chain, anonymous):
    one = anonymous.get("/api/organizations/a/network/?depth=1").json()
    two = anonymous.get("/api/organizations/a/network/?depth=2").json()
    three = anonymous.get("/api/organizations/a/network/?depth=3").json()

    assert node_uids(one) == {"a", "b", "meeting"}
    assert node_uids(two) == {"a", "b", "meeting", "c", "e"}
    assert node_uids(three) == {"a", "b", "meeting", "c", "e", "d"}
    assert (three["node_count"], three["edge_count"], three["truncated"]) == (6, 5, False)
    assert all(edge["sources"] == ["page"] for edge in three["edges"])


def test_the_network_filters_by_relationship_type_node_kind_and_date(chain, anonymous):
    by_type = anonymous.get("/api/organizations/a/network/?depth=3&types=COLLABORATES_WITH").json()
    by_kind = anonymous.get("/api/organizations/a/network/?depth=1&labels=Event").json()
    as_of = anonymous.get("/api/organizations/a/network/?depth=3&as_of=2003").json()

    assert node_uids(by_type) == {"a", "b", "c", "d"}
    assert node_uids(by_kind) == {"a", "meeting"}
    assert node_uids(as_of) == {"a", "b", "meeting", "e"}


def test_the_network_reports_when_its_size_cap_cut_it_short(chain, anonymous):
    body = anonymous.get("/api/organizations/a/network/?depth=3&limit=3").json()

    assert body["truncated"] is True
    assert body["node_count"] == 3 and body["limit"] == 3


@pytest.mark.parametrize(
    "query, field",
    [
        ("depth=4", "depth"),
        ("types=LIKES", "types"),
        ("labels=Planet", "labels"),
        ("limit=0", "limit"),
        ("as_of=yesterday", "as_of"),
    ],
)
def test_bad_network_parameters_are_a_400(chain, anonymous, query, field):
    response = anonymous.get(f"/api/organizations/a/network/?{query}")

    assert response.status_code == 400 and field in response.json()


def test_the_network_of_an_unknown_organization_is_a_404(anonymous):
    assert anonymous.get("/api/organizations/nobody/network/").status_code == 404


def test_paths_give_each_hop_with_its_sources(chain, anonymous):
    body = anonymous.get("/api/paths/?from=a&to=d").json()

    [path] = body["paths"]
    assert path["length"] == 3
    assert [node["uid"] for node in path["nodes"]] == ["a", "b", "c", "d"]
    assert [(hop["from"], hop["source_count"], hop["sources"]) for hop in path["hops"]] == [
        ("a", 1, ["page"]),
        ("b", 1, ["page"]),
        ("c", 1, ["page"]),
    ]


def test_paths_respect_max_length_types_and_as_of(chain, anonymous):
    assert anonymous.get("/api/paths/?from=a&to=d&max_length=2").json()["paths"] == []
    assert anonymous.get("/api/paths/?from=a&to=e&types=COLLABORATES_WITH").json()["paths"] == []
    assert anonymous.get("/api/paths/?from=a&to=d&as_of=2003").json()["paths"] == []
    assert len(anonymous.get("/api/paths/?from=a&to=e&types=COLLABORATES_WITH,PART_OF").json()["paths"]) == 1


def test_paths_between_unknown_or_identical_nodes_are_refused(chain, anonymous):
    assert anonymous.get("/api/paths/?from=a&to=nobody").status_code == 404
    assert anonymous.get("/api/paths/?from=a&to=a").status_code == 400
    missing = anonymous.get("/api/paths/?to=a")
    assert missing.status_code == 400 and "from" in missing.json()


def test_stats_count_kinds_and_types_and_rank_by_degree(chain, anonymous):
    body = anonymous.get("/api/stats/?top=2").json()

    assert body["nodes"]["Organization"] == 5 and body["nodes"]["Event"] == 1
    assert body["relationships"]["COLLABORATES_WITH"] == 3
    assert [row["uid"] for row in body["top_by_degree"]] == ["b", "a"]


def test_anonymous_use_is_throttled_and_told_when_to_come_back(anonymous, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()

    responses = [anonymous.get("/api/stats/") for _ in range(4)]
    cache.clear()

    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert 0 < int(responses[-1]["Retry-After"]) <= 60


@pytest.mark.parametrize(
    "client_fixture, statuses",
    [("client_as_reader", [200, 200, 429]), ("anonymous", [200, 200, 200])],
    ids=["signed-in use is throttled", "anonymous use is not counted"],
)
def test_the_user_rate_throttles_signed_in_users_only(client_fixture, statuses, request, monkeypatch):
    client = request.getfixturevalue(client_fixture)
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    cache.clear()

    answered = [client.get("/api/stats/").status_code for _ in range(3)]
    cache.clear()

    assert answered == statuses


def test_a_graph_server_that_is_down_gives_a_503_with_a_clear_body(anonymous):
    connect(f"bolt://root:x@127.0.0.1:{free_port()}/graph")
    try:
        response = anonymous.get("/api/organizations/")
    finally:
        connect(settings.NEOMODEL_NEO4J_BOLT_URL)

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The graph server is unavailable; try again shortly.",
        "code": "graph_unavailable",
    }
    assert response["Retry-After"]
