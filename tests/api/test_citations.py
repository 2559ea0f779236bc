"""A relationship's citations through the API: recording with citations, the outcome of recording again, the
citations resource (ETag of the relationship, the last one kept), filters, and errors naming the public field."""

from __future__ import annotations

import pytest

from orgs import services
from orgs.graph.connection import cypher

REPORT = "The Centre and INTERPOL work together closely. The Centre is a member of UNODC's network."
SECOND = "INTERPOL has worked with the Centre since 2001."
WORK_TOGETHER = {"source": "report", "exact": "work together closely", "since": "2003"}
SINCE_2001 = {"source": "second", "exact": "has worked with the Centre", "since": "2001"}


@pytest.fixture
def sources() -> None:
    services.node_create(label="Source", uid="report", data={"title": "A report", "text": REPORT})
    services.node_create(label="Source", uid="second", data={"title": "Another", "text": SECOND})
    for uid in ("centre", "interpol", "unodc"):
        services.node_create(label="Organization", uid=uid, data={"name": uid.upper()})


def record(client, *citations, start="centre", end="interpol"):
    body = {"type": "COLLABORATES_WITH", "from": start, "to": end, "citations": list(citations)}
    return client.post("/api/relationships/", body, format="json")


def test_a_relationship_is_recorded_with_its_citations_and_answers_its_summary_not_a_source(sources, client_as_editor):
    response = record(client_as_editor, WORK_TOGETHER, SINCE_2001)

    assert response.status_code == 201
    body = response.json()
    assert (body["outcome"], body["since"], body["source_count"], body["sources"]) == (
        "created",
        "2001",
        2,
        ["report", "second"],
    )
    assert [(c["source"], c["start"], c["end"]) for c in body["citations"]] == [("report", 24, 45), ("second", 9, 35)]
    assert body["disagreements"] == ["since"]
    assert "evidence" not in body and "source" not in body
    assert response["ETag"] == '"1"'


def test_recording_again_says_whether_a_citation_was_added_or_all_were_there(sources, client_as_editor):
    record(client_as_editor, WORK_TOGETHER)

    added = record(client_as_editor, SINCE_2001, start="interpol", end="centre")
    again = record(client_as_editor, {**WORK_TOGETHER, "exact": "work together\n closely"})

    assert (added.status_code, added.json()["outcome"], added.json()["source_count"]) == (200, "citation_added", 2)
    assert (again.status_code, again.json()["outcome"], again["ETag"]) == (200, "already_recorded", '"2"')
    assert cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"] == 2


def test_errors_inside_the_citations_name_each_by_position_and_public_field(sources, client_as_editor):
    not_there = record(client_as_editor, WORK_TOGETHER, {"source": "report", "exact": "old friends"})
    no_source = record(client_as_editor, {"source": "nowhere", "exact": "x"})
    no_exact = record(client_as_editor, WORK_TOGETHER, {"source": "report"})
    both = client_as_editor.post(
        "/api/relationships/",
        {
            "type": "COLLABORATES_WITH",
            "from": "centre",
            "to": "interpol",
            "citations": [WORK_TOGETHER],
            "source": "report",
            "evidence": "work together closely",
        },
        format="json",
    )

    assert (not_there.status_code, not_there.json()) == (
        400,
        {"citations": {"1": {"exact": ["not found word for word in source 'report'"]}}},
    )
    assert no_source.json() == {"citations": {"0": {"source": ["no source with uid 'nowhere'"]}}}
    assert list(no_exact.json()["citations"]["1"]) == ["exact"]
    assert (both.status_code, both.json()) == (400, {"citations": ["give citations, or source and evidence, not both"]})
    assert cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"] == 0


def test_the_citations_resource_lists_adds_changes_and_deletes_under_the_relationship_s_etag(sources, client_as_editor):
    uid = record(client_as_editor, WORK_TOGETHER).json()["uid"]
    url = f"/api/relationships/{uid}/citations/"

    listed = client_as_editor.get(url)
    assert (listed.status_code, [c["exact"] for c in listed.json()], listed["ETag"]) == (
        200,
        ["work together closely"],
        '"1"',
    )

    added = client_as_editor.post(url, SINCE_2001, format="json", HTTP_IF_MATCH='"1"')
    assert (added.status_code, added.json()["outcome"], added["ETag"]) == (201, "citation_added", '"2"')
    cit = added.json()["uid"]
    assert client_as_editor.post(url, SINCE_2001, format="json").json()["outcome"] == "already_recorded"

    stale = client_as_editor.patch(f"{url}{cit}/", {"since": "2002"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    changed = client_as_editor.patch(f"{url}{cit}/", {"since": "2002"}, format="json", HTTP_IF_MATCH='"2"')
    assert (changed.status_code, changed.json()["since"], changed["ETag"]) == (200, "2002", '"3"')
    assert client_as_editor.get(f"/api/relationships/{uid}/").json()["since"] == "2002"

    deleted = client_as_editor.delete(f"{url}{cit}/", HTTP_IF_MATCH='"3"')
    assert deleted.status_code == 204
    (last,) = client_as_editor.get(url).json()
    refused = client_as_editor.delete(f"{url}{last['uid']}/")
    assert (refused.status_code, list(refused.json())) == (400, ["citations"])
    assert client_as_editor.get(f"{url}{cit}/").status_code == 404


def test_a_citation_is_found_only_under_its_own_relationship(sources, client_as_editor):
    one = record(client_as_editor, WORK_TOGETHER).json()
    other = record(client_as_editor, {"source": "report", "exact": "a member of"}, end="unodc").json()

    response = client_as_editor.get(f"/api/relationships/{one['uid']}/citations/{other['citations'][0]['uid']}/")

    assert response.status_code == 404


def test_a_one_citation_relationship_takes_single_source_changes_and_one_with_several_refuses_them(
    sources, client_as_editor
):
    uid = record(client_as_editor, WORK_TOGETHER).json()["uid"]

    changed = client_as_editor.patch(f"/api/relationships/{uid}/", {"until": "2020"}, format="json")
    assert (changed.status_code, changed.json()["citations"][0]["until"]) == (200, "2020")

    client_as_editor.post(f"/api/relationships/{uid}/citations/", SINCE_2001, format="json")
    refused = client_as_editor.patch(f"/api/relationships/{uid}/", {"until": "2021"}, format="json")
    assert (refused.status_code, refused.json()) == (400, {"until": ["derived from the citations: change a citation"]})


def test_the_relationship_list_filters_by_source_and_by_how_many_sources(sources, client_as_editor):
    both = record(client_as_editor, WORK_TOGETHER, SINCE_2001).json()["uid"]
    one = record(client_as_editor, {"source": "report", "exact": "a member of"}, end="unodc").json()["uid"]

    def uids(query: str) -> list[str]:
        return [row["uid"] for row in client_as_editor.get(f"/api/relationships/?{query}").json()["results"]]

    assert uids("sources_min=2") == [both]
    assert sorted(uids("source=report")) == sorted([both, one])
    assert uids("source=second") == [both]
    assert client_as_editor.get("/api/relationships/?sources_min=0").status_code == 400


def test_a_cited_source_cannot_be_deleted_through_the_api(sources, client_as_editor):
    record(client_as_editor, WORK_TOGETHER)

    response = client_as_editor.delete("/api/sources/report/")

    assert response.status_code == 400
    assert "cited by 1 relationship" in str(response.json())


def test_the_schema_documents_the_citations_resource(anonymous):
    paths = anonymous.get("/api/schema/?format=json").json()["paths"]

    assert {"get", "post"} <= set(paths["/api/relationships/{uid}/citations/"])
    assert {"get", "patch", "delete"} <= set(paths["/api/relationships/{uid}/citations/{citation}/"])
