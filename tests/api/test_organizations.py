"""The organizations resource: list, search, filters, pages, detail, writes, merged and deleted uids."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from orgs import services
from orgs.graph.connection import cypher, recorded_queries
from tests.cypher_factories import make_hub

EVIDENCE_SOURCE = {"title": "Test page", "text": "A works with B. B is part of C."}


def organization(uid: str, name: str, **fields) -> None:
    services.node_create(label="Organization", uid=uid, data={"name": name, **fields})


def source(uid: str = "page") -> None:
    services.node_create(label="Source", uid=uid, data=EVIDENCE_SOURCE)


def relationship(relationship_type: str, start: str, end: str, **fields) -> dict:
    return services.relationship_create(
        relationship_type=relationship_type,
        start_uid=start,
        end_uid=end,
        data={"source_uid": "page", "evidence": "A works with B.", **fields},
    )


# --- Reading ---------------------------------------------------------------------------------------------


def test_the_list_pages_by_name_with_an_opaque_cursor_until_the_last_page(anonymous):
    for index in range(7):
        organization(f"org-{index}", f"Body {index}")

    seen, url = [], "/api/organizations/?page_size=3"
    while url:
        body = anonymous.get(url).json()
        seen += [row["uid"] for row in body["results"]]
        url = body["next"]

    assert seen == [f"org-{index}" for index in range(7)]


def test_the_list_orders_by_name_descending_on_request(anonymous):
    for index in range(4):
        organization(f"org-{index}", f"Body {index}")

    first = anonymous.get("/api/organizations/?ordering=-name&page_size=2").json()
    second = anonymous.get(first["next"]).json()

    assert [row["uid"] for row in first["results"] + second["results"]] == [
        "org-3",
        "org-2",
        "org-1",
        "org-0",
    ]


def test_search_finds_an_organization_by_name_acronym_or_alias(sample_graph, anonymous):
    by_acronym = anonymous.get("/api/organizations/?q=CODEXTER").json()["results"]
    by_alias = anonymous.get("/api/organizations/?q=ICPO").json()["results"]
    by_prefix = anonymous.get("/api/organizations/?q=interp").json()["results"]

    assert by_acronym[0]["uid"] == "codexter"
    assert "interpol" in [row["uid"] for row in by_alias + by_prefix]


def test_the_list_filters_by_kind_country_and_relationship_type(sample_graph, anonymous):
    task_forces = anonymous.get("/api/organizations/?kind=task_force&page_size=500").json()["results"]
    in_turkey = anonymous.get("/api/organizations/?country=turkey").json()["results"]
    merged = anonymous.get("/api/organizations/?relationship_type=MERGED_FROM").json()["results"]

    assert task_forces and all(row["kind"] == "task_force" for row in task_forces)
    assert in_turkey and all(
        cypher(
            "MATCH (:Organization {uid: $uid})-[:LOCATED_IN]->(:Country {uid: 'turkey'}) RETURN 1 AS x",
            {"uid": row["uid"]},
        )
        for row in in_turkey
    )
    assert merged and all(
        cypher("MATCH (:Organization {uid: $uid})-[:MERGED_FROM]-() RETURN 1 AS x", {"uid": row["uid"]})
        for row in merged
    )


def test_the_list_as_of_a_date_leaves_out_bodies_not_yet_founded_or_dissolved(anonymous):
    organization("old", "Old body", founded="1990", dissolved="2000")
    organization("new", "New body", founded="2010")
    organization("timeless", "Timeless body")

    uids = [row["uid"] for row in anonymous.get("/api/organizations/?as_of=2005").json()["results"]]

    assert uids == ["timeless"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("kind=spaceship", "kind"),
        ("relationship_type=LIKES", "relationship_type"),
        ("as_of=2003-13", "as_of"),
        ("page_size=0", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("ordering=degree", "ordering"),
    ],
)
def test_a_bad_list_parameter_is_a_400_naming_it(anonymous, query, field):
    response = anonymous.get(f"/api/organizations/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_the_detail_embeds_relationships_grouped_by_type_and_direction_with_citations(anonymous):
    source()
    organization("a", "A")
    organization("b", "B")
    organization("c", "C")
    relationship("COLLABORATES_WITH", "a", "b", qualifier="closely")
    relationship("PART_OF", "b", "c", evidence="B is part of C.")

    body = anonymous.get("/api/organizations/b/").json()

    groups = {(group["type"], group["direction"]): group for group in body["relationships"]}
    assert set(groups) == {("COLLABORATES_WITH", "in"), ("PART_OF", "out")}
    partner = groups[("COLLABORATES_WITH", "in")]["relationships"][0]
    assert partner["other"]["uid"] == "a"
    assert (partner["citations"][0]["exact"], partner["sources"], partner["qualifier"]) == (
        "A works with B.",
        ["page"],
        "closely",
    )
    assert groups[("PART_OF", "out")]["reads"] == "is part of"
    assert body["name"] == "B" and body["label"] == "Organization"


def test_a_hub_detail_caps_each_group_and_pages_the_rest(anonymous):
    source()
    organization("hub", "Hub")
    for index in range(12):
        organization(f"p{index:02d}", f"Partner {index:02d}")
        relationship("COLLABORATES_WITH", "hub", f"p{index:02d}")

    body = anonymous.get("/api/organizations/hub/?per_group=5").json()
    group = body["relationships"][0]
    rest, url = [], group["next"]
    while url:
        page = anonymous.get(url).json()
        rest += [each["other"]["uid"] for each in page["results"]]
        url = page["next"]

    assert (group["total"], len(group["relationships"])) == (12, 5)
    assert [each["other"]["uid"] for each in group["relationships"]] + rest == [f"p{index:02d}" for index in range(12)]


@pytest.mark.parametrize(("partners", "sources"), [(5, 1), (1000, 3)])
def test_a_detail_makes_two_graph_queries_whatever_its_number_of_relationships_and_citations(
    anonymous, partners, sources
):
    make_hub(partners=partners, sources=sources)

    with recorded_queries() as queries:
        response = anonymous.get("/api/organizations/hub/")

    group = response.json()["relationships"][0]
    assert (group["total"], len(group["relationships"])) == (partners, min(partners, 25))
    assert {len(each["citations"]) for each in group["relationships"]} == {sources}
    assert len(queries) == 2


def test_the_detail_as_of_a_date_shows_only_relationships_holding_then(anonymous):
    source()
    for uid in ("a", "b", "c"):
        organization(uid, uid.upper())
    relationship("COLLABORATES_WITH", "a", "b", since="2001", until="2004")
    relationship("COLLABORATES_WITH", "a", "c", since="2010")

    early = anonymous.get("/api/organizations/a/?as_of=2003").json()["relationships"]
    late = anonymous.get("/api/organizations/a/?as_of=2012").json()["relationships"]

    assert [t["other"]["uid"] for t in early[0]["relationships"]] == ["b"]
    assert [t["other"]["uid"] for t in late[0]["relationships"]] == ["c"]


def test_an_unknown_uid_is_a_404(anonymous):
    response = anonymous.get("/api/organizations/nobody/")

    assert response.status_code == 404
    assert "nobody" in response.json()["detail"]


def test_a_country_uid_is_not_an_organization(sample_graph, anonymous):
    assert anonymous.get("/api/organizations/turkey/").status_code == 404
    assert anonymous.get("/api/countries/turkey/").status_code == 200


def test_an_organization_merged_into_another_answers_308_with_the_survivors_url(anonymous):
    organization("survivor", "Survivor")
    cypher("MATCH (o:Organization {uid: 'survivor'}) SET o.former_uids = ['absorbed']")

    response = anonymous.get("/api/organizations/absorbed/?per_group=3")
    network = anonymous.get("/api/organizations/absorbed/network/")

    assert response.status_code == 308
    assert response["Location"] == "http://testserver/api/organizations/survivor/?per_group=3"
    assert network.status_code == 308 and network["Location"].endswith("/api/organizations/survivor/network/")


def test_a_deleted_organization_answers_410(client_as_editor, anonymous):
    organization("gone", "Gone")

    deleted = client_as_editor.delete("/api/organizations/gone/")

    assert deleted.status_code == 204
    assert anonymous.get("/api/organizations/gone/").status_code == 410


# --- Writing ---------------------------------------------------------------------------------------------


def test_an_editor_creates_an_organization_and_gets_its_url(client_as_editor):
    response = client_as_editor.post(
        "/api/organizations/",
        {
            "name": "Anti-Terrorism Unit",
            "acronym": "ATU",
            "aliases": ["Unit"],
            "kind": "unit",
            "founded": "2003-02",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response["Location"].endswith("/api/organizations/atu/")
    assert response.json()["uid"] == "atu"
    assert client_as_editor.get("/api/organizations/?q=unit").json()["results"][0]["uid"] == "atu"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": "X", "kind": "spaceship"}, "kind"),
        ({"name": "X", "founded": "around 2003"}, "founded"),
        ({"name": "X", "founded": "2005", "dissolved": "2001"}, "dissolved"),
        ({"name": "X", "colour": "blue"}, "colour"),
        ({"name": "X", "uid": "Not A Slug"}, "uid"),
        ({"name": "X", "aliases": "not-a-list"}, "aliases"),
    ],
)
def test_a_bad_organization_is_a_400_naming_the_field_and_nothing_is_written(client_as_editor, body, field):
    response = client_as_editor.post("/api/organizations/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert cypher("MATCH (o:Organization) RETURN count(o) AS n")[0]["n"] == 0


def test_a_taken_name_or_uid_is_a_409(client_as_editor):
    organization("atu", "Anti-Terrorism Unit")

    same_name = client_as_editor.post("/api/organizations/", {"name": "Anti-Terrorism Unit"}, format="json")
    same_uid = client_as_editor.post("/api/organizations/", {"name": "Other", "uid": "atu"}, format="json")

    assert (same_name.status_code, same_uid.status_code) == (409, 409)
    assert cypher("MATCH (o:Organization) RETURN count(o) AS n")[0]["n"] == 1


def test_put_replaces_and_patch_changes_some_fields(client_as_editor):
    organization("atu", "Anti-Terrorism Unit", acronym="ATU", website="https://atu.example")

    patched = client_as_editor.patch("/api/organizations/atu/", {"kind": "unit"}, format="json").json()
    put = client_as_editor.put(
        "/api/organizations/atu/", {"name": "Anti-Terrorism Unit", "kind": "office"}, format="json"
    )

    assert (patched["kind"], patched["acronym"]) == ("unit", "ATU")
    assert put.status_code == 200 and put.json()["kind"] == "office"
    assert client_as_editor.patch("/api/organizations/atu/", {"uid": "other"}, format="json").status_code == 400
    assert client_as_editor.patch("/api/organizations/none/", {"kind": "unit"}, format="json").status_code == 404


def test_renaming_to_a_taken_name_is_a_409(client_as_editor):
    organization("a", "A")
    organization("b", "B")

    assert client_as_editor.patch("/api/organizations/b/", {"name": "A"}, format="json").status_code == 409


# --- Who may do what -------------------------------------------------------------------------------------


def test_anonymous_users_read_but_cannot_write(anonymous):
    assert anonymous.get("/api/organizations/").status_code == 200
    assert anonymous.post("/api/organizations/", {"name": "X"}, format="json").status_code == 401


def test_a_user_without_the_permission_cannot_write(client_as_reader):
    assert client_as_reader.post("/api/organizations/", {"name": "X"}, format="json").status_code == 403


def test_a_script_writes_with_a_token(editor):
    token = Token.objects.create(user=editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post("/api/organizations/", {"name": "X"}, format="json")

    assert response.status_code == 201
    assert response.json()["kind"] == "other"  # the schema's default


def test_a_token_is_handed_out_for_a_username_and_password(editor, anonymous):
    response = anonymous.post(
        "/api/auth/token/", {"username": "editor", "password": "correct-horse-battery"}, format="json"
    )

    assert response.status_code == 200 and response.json()["token"]


@override_settings(ATC_API_OPEN_READ=False)
def test_reading_can_be_closed_to_anonymous_users(anonymous, client_as_reader):
    assert anonymous.get("/api/organizations/").status_code == 401
    assert client_as_reader.get("/api/organizations/").status_code == 200


def test_an_api_write_is_recorded_in_the_change_history_with_its_user(client_as_editor, editor):
    from orgs.history import change_records_of

    client_as_editor.post("/api/organizations/", {"name": "Recorded Body", "uid": "recorded"}, format="json")

    [record] = change_records_of(uid="recorded")
    assert record.actor == editor
