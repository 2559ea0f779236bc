"""The first page lists the organizations read from the graph, and says so clearly when the graph is down."""

from __future__ import annotations

import pytest
from django.conf import settings

from orgs.graph.connection import GraphUnavailable, connect
from orgs.graph.embedded import free_port


@pytest.mark.django_db  # the home page also shows the change log
def test_the_home_page_lists_the_most_connected_organizations(client, sample_graph):
    response = client.get("/")

    assert response.status_code == 200
    for name in (
        "CIS Anti-Terrorism Center",
        "International Criminal Police Organization",
        "Committee of Experts on Terrorism of the Council of Europe",
        "SECI Anti-Terrorism Task Force",
    ):
        assert name in response.content.decode()


@pytest.mark.django_db
def test_the_home_page_says_when_the_graph_is_empty(client):
    assert "holds no organizations yet" in client.get("/").content.decode()


@pytest.fixture
def graph_server_down(graph_server):
    connect(f"bolt://root:wrong@127.0.0.1:{free_port()}/graph")
    yield
    connect(settings.NEOMODEL_NEO4J_BOLT_URL)


def test_a_graph_server_that_is_down_gives_a_clear_503_page(client, graph_server_down):
    response = client.get("/")

    assert response.status_code == 503
    assert "The graph is unavailable" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_wrong_credentials_for_the_graph_give_the_503_page_too(client, graph_server):
    if graph_server is None:
        pytest.skip("runs against the embedded server")
    with pytest.raises(GraphUnavailable, match="Authentication failed"):
        connect(f"bolt://root:not-the-password@127.0.0.1:{graph_server.bolt_port}/graph")
    try:
        response = client.get("/")  # neomodel retries the connection lazily, with the same wrong password
    finally:
        connect(settings.NEOMODEL_NEO4J_BOLT_URL)

    assert response.status_code == 503
