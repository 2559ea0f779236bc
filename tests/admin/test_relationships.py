"""Relationships in the admin: the table on an organization's change page, node search, the full list."""

import pytest

from orgs import services
from orgs.graph.connection import AlreadyExists, cypher
from orgs.models import ChangeRecord
from tests.service_factories import EVIDENCE, country, form_data, node, organization, relationship, source

URL = "/admin/orgs/organization/cis-atc/change/"


@pytest.fixture(autouse=True)
def graph() -> None:
    source()
    organization("cis-atc", "CIS Anti-Terrorism Center", acronym="CIS ATC")
    organization("interpol", "INTERPOL")
    organization("csto", "Collective Security Treaty Organization", acronym="CSTO")
    country("ru", "Russia")
    relationship("COLLABORATES_WITH", "cis-atc", "csto", qualifier="working contacts")


def relationships() -> set[tuple[str, str, str]]:
    rows = cypher("MATCH (a:Node)-[r]->(b:Node) RETURN type(r) AS type, a.uid AS a, b.uid AS b")
    return {(row["type"], row["a"], row["b"]) for row in rows}


def page_with_new_rows(client, *rows: dict) -> dict:
    """Return the change page's data with `rows` typed into its empty relationship rows."""
    data = form_data(client.get(URL))
    first_empty = int(data["relationships-INITIAL_FORMS"])
    data["relationships-TOTAL_FORMS"] = str(first_empty + len(rows))
    for offset, row in enumerate(rows):
        prefix = f"relationships-{first_empty + offset}-"
        data.update(
            {
                f"{prefix}{name}": value
                for name, value in {
                    "confidence": "stated",
                    "source_uid": "partners",
                    "evidence": EVIDENCE,
                    **row,
                }.items()
            }
        )
    return data


def test_the_change_page_shows_the_relationships_with_their_footing(admin_client):
    content = admin_client.get(URL).content.decode()

    assert "Relationships" in content and 'value="csto"' in content and "working contacts" in content
    assert "Collective Security Treaty Organization" in content


def test_a_relationship_one_source_states_shows_that_citation_in_its_row_and_saves_unchanged(admin_client):
    data = form_data(admin_client.get(URL))
    row = next(key[: -len("other")] for key, value in data.items() if key.endswith("-other") and value == "csto")

    assert (data[f"{row}source_uid"], data[f"{row}evidence"]) == ("partners", EVIDENCE)
    assert admin_client.post(URL, data).status_code == 302
    [citation] = cypher("MATCH (c:Citation) RETURN properties(c) AS c")
    assert (citation["c"]["source_uid"], citation["c"]["exact"]) == ("partners", EVIDENCE)


def test_a_relationship_with_evidence_is_added_from_the_table(admin_client, admin_user):
    data = page_with_new_rows(
        admin_client,
        {
            "relation": "HAS_OBSERVER_STATUS_IN>",
            "other": "interpol",
            "since": "2005",
            "qualifier": "observer status",
        },
    )

    assert admin_client.post(URL, data).status_code == 302

    assert ("HAS_OBSERVER_STATUS_IN", "cis-atc", "interpol") in relationships()
    added = cypher("MATCH ()-[r:HAS_OBSERVER_STATUS_IN]->() RETURN properties(r) AS p")[0]["p"]
    [cited] = cypher("MATCH (c:Citation {relationship_uid: $uid}) RETURN properties(c) AS c", {"uid": added["uid"]})
    assert (added["since"], added["source_uids"], cited["c"]["exact"]) == ("2005", ["partners"], EVIDENCE)
    record = ChangeRecord.objects.get(action="relationship_add", other_uid="interpol")
    assert record.actor == admin_user


def test_the_inverse_direction_makes_the_other_node_the_start(admin_client):
    data = page_with_new_rows(admin_client, {"relation": "MEMBER_OF<", "other": "ru"})

    assert admin_client.post(URL, data).status_code == 302
    assert ("MEMBER_OF", "ru", "cis-atc") in relationships()


def test_one_save_edits_removes_and_adds_relationships_and_changes_the_node(admin_client):
    data = page_with_new_rows(admin_client, {"relation": "PART_OF>", "other": "interpol"})
    data.update({"acronym": "ATC", "relationships-0-until": "2020", "relationships-0-qualifier": "close ties"})
    admin_client.post(URL, data)
    assert relationships() == {("COLLABORATES_WITH", "cis-atc", "csto"), ("PART_OF", "cis-atc", "interpol")}
    assert cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN r.until AS u, r.qualifier AS q")[0] == {
        "u": "2020",
        "q": "close ties",
    }

    data = form_data(admin_client.get(URL))
    removed = next(key for key, value in data.items() if value == "csto").replace("other", "DELETE")
    data[removed] = "on"
    assert admin_client.post(URL, data).status_code == 302

    assert relationships() == {("PART_OF", "cis-atc", "interpol")}
    assert node("cis-atc")["acronym"] == "ATC" and node("csto")["degree"] == 0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"relation": "PART_OF>", "other": "interpol"}, {"relation": "PART_OF>", "other": "interpol"}],
            "The same relationship is listed twice.",
        ),
        ([{"relation": "COLLABORATES_WITH<", "other": "csto"}], "The same relationship is listed twice."),
        (
            [{"relation": "PART_OF>", "other": "interpol", "since": "2010", "until": "2003"}],
            "is before since",
        ),
        ([{"relation": "PART_OF>", "other": "nobody"}], "No node has the uid &#x27;nobody&#x27;."),
        ([{"relation": "LOCATED_IN>", "other": "interpol"}], "LOCATED_IN cannot end at a Organization"),
        ([{"relation": "PART_OF>", "other": "interpol", "evidence": ""}], "This field is required."),
        ([{"relation": "PART_OF>", "other": "cis-atc"}], "a relationship must join two different nodes"),
    ],
)
def test_a_relationship_that_makes_no_sense_is_refused_and_nothing_is_saved(admin_client, rows, message):
    data = page_with_new_rows(admin_client, *rows)
    data["acronym"] = "CHANGED"

    response = admin_client.post(URL, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content and "Correct the relationships below." in content
    assert relationships() == {("COLLABORATES_WITH", "cis-atc", "csto")}
    assert node("cis-atc")["acronym"] == "CIS ATC"


def test_evidence_not_in_the_text_of_its_source_is_a_form_error_on_the_evidence(admin_client):
    services.node_create(label="Source", uid="quoted", data={"title": "Quoted", "text": "CIS ATC is in INTERPOL."})
    data = page_with_new_rows(admin_client, {"relation": "PART_OF>", "other": "interpol", "source_uid": "quoted"})

    response = admin_client.post(URL, data)

    assert response.status_code == 200
    rows = response.context["adminform"].form.relationships.forms
    assert [form.errors for form in rows if form.errors] == [
        {"evidence": ["not found word for word in source 'quoted'"]}
    ]
    assert relationships() == {("COLLABORATES_WITH", "cis-atc", "csto")}


def test_a_refusal_at_save_time_rolls_back_the_whole_form(admin_client, monkeypatch):
    def refuse(**kwargs):
        raise AlreadyExists("cis-atc is part of interpol is already recorded")

    monkeypatch.setattr(services, "relationship_create", refuse)
    data = page_with_new_rows(admin_client, {"relation": "PART_OF>", "other": "interpol"})
    data.update({"acronym": "CHANGED", "relationships-0-until": "2020"})

    response = admin_client.post(URL, data)

    assert response.status_code == 200
    assert "is already recorded" in response.content.decode()
    assert node("cis-atc")["acronym"] == "CIS ATC"
    assert cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN r.until AS u")[0]["u"] is None
    assert not ChangeRecord.objects.filter(action__in=["update", "relationship_change"]).exists()


def test_a_new_organization_can_be_added_with_its_relationships(admin_client):
    response = admin_client.post(
        "/admin/orgs/organization/add/",
        {
            "name": "OSCE Anti-Terrorism Unit",
            "acronym": "ATU",
            "kind": "unit",
            "relationships-TOTAL_FORMS": "1",
            "relationships-INITIAL_FORMS": "0",
            "relationships-0-relation": "COLLABORATES_WITH>",
            "relationships-0-other": "cis-atc",
            "relationships-0-confidence": "stated",
            "relationships-0-source_uid": "partners",
            "relationships-0-evidence": EVIDENCE,
        },
    )

    assert response.status_code == 302
    assert ("COLLABORATES_WITH", "atu", "cis-atc") in relationships()


def test_the_node_search_answers_the_other_end_field_by_name(admin_client, client):
    found = admin_client.get("/admin/orgs/organization/graph-search/", {"q": "collective"}).json()["results"]

    assert found == [
        {
            "uid": "csto",
            "name": "Collective Security Treaty Organization",
            "acronym": "CSTO",
            "label": "Organization",
        }
    ]
    assert [
        row["uid"]
        for row in admin_client.get("/admin/orgs/organization/graph-search/", {"q": "russ"}).json()["results"]
    ] == ["ru"]
    assert client.get("/admin/orgs/organization/graph-search/", {"q": "collective"}).status_code == 302  # login


def test_the_relationship_list_shows_every_relationship_and_filters_it(admin_client):
    relationship("PART_OF", "cis-atc", "interpol", confidence="inferred")

    everything = admin_client.get("/admin/orgs/organization/relationships/")
    assert everything.context["total"] == 2 and "working contacts" in everything.content.decode()

    part_of = admin_client.get("/admin/orgs/organization/relationships/", {"type": "PART_OF"})
    assert [(row["start"], row["end"]) for row in part_of.context["rows"]] == [("cis-atc", "interpol")]
    inferred = admin_client.get("/admin/orgs/organization/relationships/", {"confidence": "inferred"})
    assert inferred.context["total"] == 1
    of_csto = admin_client.get("/admin/orgs/organization/relationships/", {"node": "csto"})
    assert [row["type"] for row in of_csto.context["rows"]] == ["COLLABORATES_WITH"]


def test_a_country_page_has_its_own_relationship_table(admin_client):
    url = "/admin/orgs/country/ru/change/"
    data = form_data(admin_client.get(url))
    data.update(
        {
            "relationships-TOTAL_FORMS": "1",
            "relationships-0-relation": "MEMBER_OF>",
            "relationships-0-other": "csto",
            "relationships-0-confidence": "stated",
            "relationships-0-source_uid": "partners",
            "relationships-0-evidence": EVIDENCE,
        }
    )

    assert admin_client.post(url, data).status_code == 302
    assert ("MEMBER_OF", "ru", "csto") in relationships()


def test_a_source_page_has_no_relationship_table(admin_client):
    assert "relationships-TOTAL_FORMS" not in admin_client.get("/admin/orgs/source/partners/change/").content.decode()
