"""Concurrent writers through the API: versions (ETag / If-Match), uids that do not collide, uids never reused.

The races run against a live server with real threads, each client its own HTTP connection; the rest through
the test client.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from orgs import services
from orgs.graph.connection import cypher, write_transaction
from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with

EVIDENCE = {"source_uid": "page", "evidence": "A works with B."}


def call(
    method: str, url: str, token: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    """Send one request; return (status, headers, decoded JSON body or None)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def run_at_once(count: int, work) -> list[Any]:
    """Run `work(index)` in `count` threads released together; return their results in index order."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        start.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results


@pytest.fixture
def token(db) -> str:
    return Token.objects.create(user=user_with("racer", *ALL_WRITE_PERMISSIONS)).key


def aliases_of(uid: str) -> list[str]:
    return cypher("MATCH (o:Organization {uid: $uid}) RETURN o.aliases AS a", {"uid": uid})[0]["a"] or []


# --- Versions: ETag and If-Match ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_forty_clients_appending_an_alias_with_if_match_keep_all_forty(live_server, token):
    services.node_create(label="Organization", uid="hub", data={"name": "Hub Centre"})
    url = f"{live_server.url}/api/organizations/hub/"

    def append_alias(index: int) -> int:
        """Read, append, write back with If-Match; on 412 read again. Return how many 412s it took."""
        refused = 0
        while refused < 200:
            status, headers, body = call("GET", url, token)
            assert status == 200, body
            written, _, answer = call(
                "PATCH", url, token, {"aliases": [*body["aliases"], f"Alias {index}"]}, {"If-Match": headers["ETag"]}
            )
            if written == 200:
                return refused
            assert written == 412, answer
            refused += 1
        raise AssertionError("never got its write in")

    refusals = run_at_once(40, append_alias)

    assert sorted(aliases_of("hub")) == sorted(f"Alias {index}" for index in range(40))
    assert sum(refusals) > 0  # the clients did collide, and were refused rather than overwritten
    assert cypher("MATCH (o:Organization {uid: 'hub'}) RETURN o.version AS v")[0]["v"] == 41


def test_a_detail_answers_its_version_as_etag_and_each_write_moves_it(client_as_editor):
    services.node_create(label="Organization", uid="body", data={"name": "Body"})

    first = client_as_editor.get("/api/organizations/body/")
    changed = client_as_editor.patch(
        "/api/organizations/body/", {"acronym": "BD"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    again = client_as_editor.get("/api/organizations/body/")

    assert first["ETag"] == '"1"'
    assert changed.status_code == 200 and changed["ETag"] == again["ETag"] == '"2"'


def test_a_stale_if_match_is_refused_with_412_and_nothing_is_written(client_as_editor):
    services.node_create(label="Organization", uid="body", data={"name": "Body", "acronym": "BD"})
    stale = client_as_editor.get("/api/organizations/body/")["ETag"]
    services.node_update(label="Organization", uid="body", data={"description": "Someone else's edit."})

    patched = client_as_editor.patch("/api/organizations/body/", {"acronym": "XX"}, format="json", HTTP_IF_MATCH=stale)
    put = client_as_editor.put("/api/organizations/body/", {"name": "Renamed"}, format="json", HTTP_IF_MATCH=stale)
    deleted = client_as_editor.delete("/api/organizations/body/", HTTP_IF_MATCH=stale)

    assert [patched.status_code, put.status_code, deleted.status_code] == [412, 412, 412]
    assert patched.json()["code"] == "precondition_failed"
    assert "changed by someone else" in patched.json()["detail"]
    assert patched["ETag"] == '"2"'
    _, now = services.node_get(uid="body")
    assert (now["name"], now["acronym"], now["description"], now["version"]) == (
        "Body",
        "BD",
        "Someone else's edit.",
        2,
    )


def test_without_if_match_a_write_still_goes_ahead(client_as_editor):
    services.node_create(label="Organization", uid="body", data={"name": "Body"})
    services.node_update(label="Organization", uid="body", data={"acronym": "BD"})

    answer = client_as_editor.patch("/api/organizations/body/", {"acronym": "XX"}, format="json")

    assert answer.status_code == 200 and answer.json()["acronym"] == "XX"


def test_if_match_star_or_any_listed_current_tag_lets_the_write_through(client_as_editor):
    services.node_create(label="Organization", uid="body", data={"name": "Body"})

    star = client_as_editor.patch("/api/organizations/body/", {"acronym": "A"}, format="json", HTTP_IF_MATCH="*")
    listed = client_as_editor.patch(
        "/api/organizations/body/", {"acronym": "B"}, format="json", HTTP_IF_MATCH='"1", "2"'
    )
    weak = client_as_editor.patch("/api/organizations/body/", {"acronym": "C"}, format="json", HTTP_IF_MATCH='W/"3"')

    assert [star.status_code, listed.status_code, weak.status_code] == [200, 200, 412]


def test_an_entity_tag_may_hold_a_comma_and_still_lists_beside_the_current_one(client_as_editor):
    services.node_create(label="Organization", uid="body", data={"name": "Body"})

    answer = client_as_editor.patch(
        "/api/organizations/body/", {"acronym": "A"}, format="json", HTTP_IF_MATCH='"x,y", "1"'
    )
    stale = client_as_editor.patch("/api/organizations/body/", {"acronym": "B"}, format="json", HTTP_IF_MATCH='"1,2"')

    assert [answer.status_code, stale.status_code] == [200, 412]
    assert services.node_get(uid="body")[1]["acronym"] == "A"


def test_a_malformed_if_match_is_a_400_naming_the_header(client_as_editor):
    services.node_create(label="Organization", uid="body", data={"name": "Body"})

    answer = client_as_editor.patch("/api/organizations/body/", {"acronym": "A"}, format="json", HTTP_IF_MATCH="3")

    assert answer.status_code == 400 and "If-Match" in answer.json()
    assert services.node_get(uid="body")[1].get("acronym") is None


def test_a_node_written_before_versions_existed_reads_as_version_0(client_as_editor):
    services.node_create(label="Organization", uid="old", data={"name": "Old Body"})
    cypher("MATCH (n:Node {uid: 'old'}) REMOVE n.version")

    tag = client_as_editor.get("/api/organizations/old/")["ETag"]
    answer = client_as_editor.patch("/api/organizations/old/", {"acronym": "OB"}, format="json", HTTP_IF_MATCH=tag)

    assert tag == '"0"' and answer.status_code == 200 and answer["ETag"] == '"1"'


def test_a_relationship_has_its_own_etag_and_a_stale_write_to_it_is_refused(client_as_editor):
    services.node_create(label="Source", uid="page", data={"title": "A page", "text": "A works with B."})
    for uid in ("a", "b"):
        services.node_create(label="Organization", uid=uid, data={"name": f"Body {uid}"})
    relationship, _ = services.relationship_create(
        relationship_type="COLLABORATES_WITH", start_uid="a", end_uid="b", data=EVIDENCE
    )
    url = f"/api/relationships/{relationship['uid']}/"
    stale = client_as_editor.get(url)["ETag"]
    services.relationship_update(uid=relationship["uid"], data={"since": "2004"})

    refused = client_as_editor.patch(url, {"qualifier": "close ties"}, format="json", HTTP_IF_MATCH=stale)
    current = client_as_editor.get(url)
    accepted = client_as_editor.patch(url, {"qualifier": "close ties"}, format="json", HTTP_IF_MATCH=current["ETag"])
    deleted = client_as_editor.delete(url, HTTP_IF_MATCH=current["ETag"])

    assert (stale, refused.status_code, current.json()["qualifier"]) == ('"1"', 412, None)
    assert (accepted.status_code, accepted["ETag"]) == (200, '"3"')
    assert deleted.status_code == 412  # the accepted write moved it on
    assert client_as_editor.delete(url, HTTP_IF_MATCH='"3"').status_code == 204


def test_the_schema_documents_if_match_etag_and_412(anonymous):
    schema = anonymous.get("/api/schema/?format=json").json()
    detail = schema["paths"]["/api/organizations/{uid}/"]
    relationship = schema["paths"]["/api/relationships/{uid}/"]

    for operation in (detail["put"], detail["patch"], detail["delete"], relationship["patch"], relationship["delete"]):
        assert "If-Match" in [parameter["name"] for parameter in operation["parameters"]]
        assert "412" in operation["responses"]
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    assert "ETag" in relationship["get"]["responses"]["200"]["headers"]


# --- uids ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_160_bodies_created_at_once_with_one_acronym_all_get_distinct_uids(live_server, token):
    url = f"{live_server.url}/api/organizations/"

    answers = run_at_once(
        160,
        lambda index: call(
            "POST", url, token, {"name": f"Coordination Centre number {index}", "acronym": "CC", "kind": "unit"}
        ),
    )

    statuses = [status for status, _, _ in answers]
    assert statuses == [201] * 160, [body for status, _, body in answers if status != 201][:3]
    uids = {body["uid"] for _, _, body in answers}
    assert len(uids) == 160 and "cc" in uids
    assert cypher("MATCH (o:Organization {acronym: 'CC'}) RETURN count(o) AS n")[0]["n"] == 160


@pytest.mark.django_db(transaction=True)
def test_the_same_name_created_at_once_is_still_one_body_and_a_clear_409(live_server, token):
    url = f"{live_server.url}/api/organizations/"

    answers = run_at_once(8, lambda index: call("POST", url, token, {"name": "Twin Body", "acronym": f"T{index}"}))

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] + [409] * 7
    assert all("already exists" in body["detail"] for status, _, body in answers if status == 409)
    assert cypher("MATCH (o:Organization {name: 'Twin Body'}) RETURN count(o) AS n")[0]["n"] == 1


def test_a_deleted_organizations_uid_is_never_given_to_a_new_body(client_as_editor):
    made = client_as_editor.post("/api/organizations/", {"name": "First Body", "acronym": "FB"}, format="json")
    assert client_as_editor.delete("/api/organizations/fb/").status_code == 204

    again = client_as_editor.post("/api/organizations/", {"name": "Second Body", "acronym": "FB"}, format="json")
    asked = client_as_editor.post("/api/organizations/", {"name": "Third Body", "uid": "fb"}, format="json")

    assert made.json()["uid"] == "fb"
    assert again.status_code == 201 and again.json()["uid"] == "fb-second-body"
    assert asked.status_code == 409 and "deleted" in asked.json()["detail"]
    assert client_as_editor.get("/api/organizations/fb/").status_code == 410


def test_a_merged_organizations_former_uid_is_never_given_to_a_new_body(client_as_editor):
    services.node_create(label="Organization", data={"name": "Keeper", "acronym": "KP"})
    services.node_create(label="Organization", data={"name": "Duplicate", "acronym": "DP"})
    services.organizations_merge(survivor_uid="kp", loser_uid="dp")

    again = client_as_editor.post("/api/organizations/", {"name": "Other Duplicate", "acronym": "DP"}, format="json")
    asked = client_as_editor.post("/api/organizations/", {"name": "Another", "uid": "dp"}, format="json")

    assert again.status_code == 201 and again.json()["uid"] == "dp-other-duplicate"
    assert asked.status_code == 409 and "merged" in asked.json()["detail"]
    assert client_as_editor.get("/api/organizations/dp/").status_code == 308


def test_a_uid_given_that_a_node_holds_is_a_409_that_says_so(client_as_editor):
    services.node_create(label="Country", uid="turkey", data={"name": "Turkey"})

    asked = client_as_editor.post("/api/organizations/", {"name": "Turkish Body", "uid": "turkey"}, format="json")

    assert asked.status_code == 409 and "'turkey' is a node's uid" in asked.json()["detail"]


def test_an_import_that_rewrites_a_node_moves_its_version_so_an_older_etag_is_refused(client_as_editor):
    services.node_create(label="Organization", uid="body", data={"name": "Body"})
    stale = client_as_editor.get("/api/organizations/body/")["ETag"]

    graph_file = {
        "organizations": [
            {"uid": "body", "name": "Body", "description": "From the file."},
            {"uid": "newcomer", "name": "Newcomer"},
        ]
    }
    imported = client_as_editor.post("/api/import/", graph_file, format="json")
    refused = client_as_editor.patch("/api/organizations/body/", {"acronym": "B"}, format="json", HTTP_IF_MATCH=stale)
    again = client_as_editor.post("/api/import/", graph_file, format="json")  # changes nothing: versions stay

    assert imported.status_code == 200 and refused.status_code == 412 and again.status_code == 200
    assert client_as_editor.get("/api/organizations/body/")["ETag"] == '"2"'
    assert client_as_editor.get("/api/organizations/newcomer/")["ETag"] == '"1"'


def test_writers_past_the_write_places_wait_their_turn_and_answer_503_when_none_comes_free(client_as_editor, settings):
    settings.GRAPH_WRITE_CONCURRENCY, settings.GRAPH_WRITE_WAIT = 1, 0.5
    holding, release = threading.Event(), threading.Event()

    def long_write() -> None:
        holding.set()
        release.wait(30)

    holder = threading.Thread(target=lambda: write_transaction(long_write))
    holder.start()
    holding.wait(30)
    try:
        busy = client_as_editor.post("/api/organizations/", {"name": "Waiting Body", "kind": "unit"}, format="json")
    finally:
        release.set()
        holder.join(30)
    after = client_as_editor.post("/api/organizations/", {"name": "Waiting Body", "kind": "unit"}, format="json")

    assert (busy.status_code, busy.json()["code"]) == (503, "graph_unavailable")
    assert busy["Retry-After"].isdigit()
    assert after.status_code == 201
