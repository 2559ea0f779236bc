"""The relationships resource: filtered lists, detail, writes, and a 400 naming each bad field."""

from __future__ import annotations

import pytest

from orgs import services
from orgs.graph.connection import cypher

PAGE_TEXT = "A works with B. B is part of C. C coordinates A."
NEW_RELATIONSHIP = {
    "type": "COLLABORATES_WITH",
    "from": "b",
    "to": "c",
    "source": "page",
    "evidence": "A works with B.",
}


@pytest.fixture
def small_graph() -> None:
    services.node_create(label="Source", uid="page", data={"title": "Page", "text": PAGE_TEXT})
    services.node_create(label="Source", uid="other-page", data={"title": "Other page"})
    for uid in ("a", "b", "c"):
        services.node_create(label="Organization", uid=uid, data={"name": uid.upper()})
    services.node_create(label="Country", uid="turkey", data={"name": "Turkey"})
    for relationship_type, start, end, fields in (
        ("COLLABORATES_WITH", "a", "b", {"since": "2001", "until": "2004"}),
        ("PART_OF", "b", "c", {"since": "2006"}),
        ("COORDINATES", "c", "a", {"source_uid": "other-page"}),
    ):
        services.relationship_create(
            relationship_type=relationship_type,
            start_uid=start,
            end_uid=end,
            data={"source_uid": "page", "evidence": "A works with B.", **fields},
        )


def uids_of(client, query: str) -> list[tuple[str, str, str]]:
    body = client.get(f"/api/relationships/?{query}").json()
    return [(row["type"], row["from"], row["to"]) for row in body["results"]]


def test_relationships_are_listed_by_type_and_filtered(small_graph, anonymous):
    everything = uids_of(anonymous, "")

    assert everything == [("COLLABORATES_WITH", "a", "b"), ("COORDINATES", "c", "a"), ("PART_OF", "b", "c")]
    assert uids_of(anonymous, "type=PART_OF,COORDINATES") == [
        ("COORDINATES", "c", "a"),
        ("PART_OF", "b", "c"),
    ]
    assert uids_of(anonymous, "node=a") == [("COLLABORATES_WITH", "a", "b"), ("COORDINATES", "c", "a")]
    assert uids_of(anonymous, "from=b") == [("PART_OF", "b", "c")]
    assert uids_of(anonymous, "to=a") == [("COORDINATES", "c", "a")]
    assert uids_of(anonymous, "from=a&to=b") == [("COLLABORATES_WITH", "a", "b")]
    assert uids_of(anonymous, "source=other-page") == [("COORDINATES", "c", "a")]
    assert uids_of(anonymous, "since_after=2005") == [("PART_OF", "b", "c")]
    assert uids_of(anonymous, "until_before=2005") == [("COLLABORATES_WITH", "a", "b")]
    assert uids_of(anonymous, "as_of=2003") == [("COLLABORATES_WITH", "a", "b"), ("COORDINATES", "c", "a")]


def test_the_relationship_list_pages_across_types_with_a_cursor(small_graph, anonymous):
    seen, url = [], "/api/relationships/?page_size=1"
    while url:
        body = anonymous.get(url).json()
        seen += [row["type"] for row in body["results"]]
        url = body["next"]

    assert seen == ["COLLABORATES_WITH", "COORDINATES", "PART_OF"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("type=LIKES", "type"),
        ("since_after=2003-02-30", "since_after"),
        ("since_after=2005&until_before=2001", "until_before"),
        ("node=Not%20a%20uid", "node"),
    ],
)
def test_a_bad_relationship_filter_is_a_400_naming_it(anonymous, query, field):
    response = anonymous.get(f"/api/relationships/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_an_editor_records_a_relationship_with_its_evidence(small_graph, client_as_editor):
    response = client_as_editor.post(
        "/api/relationships/",
        {
            "type": "MEMBER_OF",
            "from": "turkey",
            "to": "a",
            "since": "2003",
            "qualifier": "founding member",
            "source": "page",
            "evidence": "B is part of C.",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["type"], body["from"], body["to"], body["sources"], body["outcome"]) == (
        "MEMBER_OF",
        "turkey",
        "a",
        ["page"],
        "created",
    )
    assert [(c["source"], c["exact"], c["qualifier"]) for c in body["citations"]] == [
        ("page", "B is part of C.", "founding member")
    ]
    assert "evidence" not in body and "source" not in body
    assert client_as_editor.get(response["Location"]).json() == {
        name: value for name, value in body.items() if name != "outcome"
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"type": "LIKES"}, "type"),
        ({"to": "nobody"}, "to"),
        ({"from": "nobody"}, "from"),
        ({"to": "b"}, "to"),  # b → b: a relationship joins two different nodes
        ({"since": "2005", "until": "2001"}, "until"),
        ({"since": "May 2003"}, "since"),
        ({"source": "nowhere"}, "source"),
        ({"evidence": ""}, "evidence"),
        ({"type": "LOCATED_IN", "to": "c"}, "to"),  # LOCATED_IN ends at a country
        ({"confidence": "rumoured"}, "confidence"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_relationship_is_a_400_naming_the_field_and_nothing_is_written(
    small_graph, client_as_editor, change, field
):
    body = {**NEW_RELATIONSHIP, **change}

    response = client_as_editor.post("/api/relationships/", body, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] == 3


def test_evidence_not_in_the_text_of_its_source_is_a_400_naming_the_evidence(small_graph, client_as_editor):
    uid = client_as_editor.get("/api/relationships/?type=PART_OF").json()["results"][0]["uid"]
    not_on_the_page = {"evidence": ["not found word for word in source 'page'"]}

    created = client_as_editor.post(
        "/api/relationships/", {**NEW_RELATIONSHIP, "evidence": "B and C are old friends."}, format="json"
    )
    patched = client_as_editor.patch(
        f"/api/relationships/{uid}/", {"evidence": "B and C are old friends."}, format="json"
    )

    assert (created.status_code, created.json()) == (400, not_on_the_page)
    assert (patched.status_code, patched.json()) == (400, not_on_the_page)
    assert cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] == 3
    assert client_as_editor.get(f"/api/relationships/{uid}/").json()["citations"][0]["exact"] == "A works with B."


def test_a_missing_endpoint_is_a_400(client_as_editor):
    response = client_as_editor.post(
        "/api/relationships/",
        {"type": "PART_OF", "to": "c", "source": "page", "evidence": "x"},
        format="json",
    )

    assert response.status_code == 400 and "from" in response.json()


def test_recording_the_same_relationship_again_is_already_recorded_not_a_conflict(small_graph, client_as_editor):
    body = {
        "type": "COLLABORATES_WITH",
        "from": "b",
        "to": "a",
        "source": "page",
        "evidence": "A works with B.",
    }

    response = client_as_editor.post("/api/relationships/", body, format="json")

    assert (response.status_code, response.json()["outcome"]) == (200, "already_recorded")
    assert cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN count(r) AS n")[0]["n"] == 1


def test_a_relationship_is_read_updated_and_deleted_by_uid(small_graph, client_as_editor):
    uid = client_as_editor.get("/api/relationships/?type=PART_OF").json()["results"][0]["uid"]

    patched = client_as_editor.patch(
        f"/api/relationships/{uid}/", {"until": "2010", "qualifier": "organ"}, format="json"
    )
    reversed_dates = client_as_editor.patch(f"/api/relationships/{uid}/", {"until": "2000"}, format="json")
    moved = client_as_editor.patch(f"/api/relationships/{uid}/", {"to": "a"}, format="json")
    put = client_as_editor.put(
        f"/api/relationships/{uid}/", {"source": "page", "evidence": "B is part of C."}, format="json"
    )
    deleted = client_as_editor.delete(f"/api/relationships/{uid}/")

    assert patched.status_code == 200
    assert (patched.json()["since"], patched.json()["until"], patched.json()["qualifier"]) == (
        "2006",
        "2010",
        "organ",
    )
    assert reversed_dates.status_code == 400 and "until" in reversed_dates.json()
    assert moved.status_code == 400 and "to" in moved.json()
    assert put.status_code == 200 and (put.json()["since"], put.json()["qualifier"]) == (None, None)
    assert deleted.status_code == 204
    assert client_as_editor.get(f"/api/relationships/{uid}/").status_code == 404


def test_an_unknown_relationship_uid_is_a_404(anonymous, client_as_editor):
    assert anonymous.get("/api/relationships/part-of-000000000000/").status_code == 404
    assert anonymous.get("/api/relationships/whatever/").status_code == 404
    assert client_as_editor.delete("/api/relationships/whatever/").status_code == 404


def test_relationship_writes_need_the_permission(small_graph, anonymous, client_as_reader):
    assert anonymous.post("/api/relationships/", NEW_RELATIONSHIP, format="json").status_code == 401
    assert client_as_reader.post("/api/relationships/", NEW_RELATIONSHIP, format="json").status_code == 403
