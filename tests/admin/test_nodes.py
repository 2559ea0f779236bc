"""Node admins: change lists that search, filter, order and page through the graph; add, change, delete."""

import pytest
from django.contrib import admin

from orgs.graph.connection import cypher
from orgs.models import ChangeRecord, Organization
from tests.service_factories import country, form_data, node, organization, relationship, source

LIST = "/admin/orgs/organization/"


@pytest.fixture
def organizations() -> None:
    source()
    country("tr", "Turkey")
    organization(
        "interpol",
        "International Criminal Police Organization",
        acronym="INTERPOL",
        aliases=["ICPO"],
        kind="international_organization",
    )
    organization(
        "selec",
        "Southeast European Law Enforcement Center",
        acronym="SELEC",
        aliases=["SECI Center"],
        kind="regional_centre",
    )
    organization("tnp", "Türk Ulusal Polisi", acronym="TNP", kind="national_agency")
    relationship("LOCATED_IN", "tnp", "tr")
    relationship("COLLABORATES_WITH", "selec", "interpol")


def listed(response) -> list[str]:
    return [node.uid for node in response.context["cl"].result_list]


@pytest.mark.usefixtures("organizations")
def test_the_list_shows_the_columns_in_name_order_with_a_count(admin_client):
    response = admin_client.get(LIST)

    assert response.status_code == 200
    assert listed(response) == ["interpol", "selec", "tnp"]
    content = response.content.decode()
    for column in ("Name", "Acronym", "Kind", "Degree"):
        assert f">{column}<" in content or f">{column}</a>" in content
    assert "Regional centre" in content and "3 organizations" in content


@pytest.mark.usefixtures("organizations")
def test_the_list_pages_through_the_graph(admin_client, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Organization], "list_per_page", 2)

    assert listed(admin_client.get(LIST)) == ["interpol", "selec"]
    assert listed(admin_client.get(LIST, {"p": 2})) == ["tnp"]


@pytest.mark.usefixtures("organizations")
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("selec", ["selec"]),  # acronym
        ("SECI center", ["selec"]),  # alias, any case
        ("turk ulusal", ["tnp"]),  # name without its accent
        ("police", ["interpol"]),  # part of the name
        ("nothing like it", []),
    ],
)
def test_search_looks_at_name_acronym_and_aliases(admin_client, query, found):
    assert listed(admin_client.get(LIST, {"q": query})) == found


@pytest.mark.usefixtures("organizations")
def test_the_list_filters_by_kind_and_by_country(admin_client):
    assert listed(admin_client.get(LIST, {"kind__exact": "regional_centre"})) == ["selec"]
    assert listed(admin_client.get(LIST, {"country": "tr"})) == ["tnp"]
    assert "Turkey" in admin_client.get(LIST).content.decode()  # the country filter offers it


@pytest.mark.usefixtures("organizations")
def test_the_list_orders_by_a_column_either_way(admin_client):
    assert listed(admin_client.get(LIST, {"o": "-2"})) == ["tnp", "selec", "interpol"]  # acronym, descending
    assert listed(admin_client.get(LIST, {"o": "5"}))[-1] in {"selec", "interpol"}  # degree ascending


def test_adding_an_organization_writes_it_through_the_services_and_records_who(admin_client, admin_user):
    response = admin_client.post(
        f"{LIST}add/",
        {
            "name": "Council of Europe",
            "acronym": "CoE",
            "aliases": "Conseil de l'Europe\nCOE",
            "kind": "regional_organization",
            "founded": "1949",
            "relationships-TOTAL_FORMS": "0",
            "relationships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    created = node("coe")
    assert (created["name"], created["aliases"], created["founded"]) == (
        "Council of Europe",
        ["Conseil de l'Europe", "COE"],
        "1949",
    )
    assert "conseil de l europe" in created["search_text"]
    record = ChangeRecord.objects.get(node_uid="coe")
    assert (record.action, record.actor) == ("create", admin_user)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("founded", "19x9", "is not a date like 2003"),
        ("dissolved", "1900", "is before founded"),
        ("name", "", "This field is required."),
        ("kind", "secret_society", "Select a valid choice"),
    ],
)
def test_an_invalid_organization_is_shown_again_with_the_error_and_not_saved(admin_client, field, value, error):
    data = {
        "name": "Council of Europe",
        "kind": "other",
        "founded": "1949",
        "relationships-TOTAL_FORMS": "0",
        "relationships-INITIAL_FORMS": "0",
        field: value,
    }

    response = admin_client.post(f"{LIST}add/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert cypher("MATCH (n:Organization) RETURN count(n) AS n")[0]["n"] == 0


def test_a_second_organization_with_the_same_name_is_refused_on_the_name_field(admin_client):
    organization("coe", "Council of Europe")

    response = admin_client.post(
        f"{LIST}add/",
        {
            "name": "Council of Europe",
            "kind": "other",
            "relationships-TOTAL_FORMS": "0",
            "relationships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors["name"])
    assert cypher("MATCH (n:Organization) RETURN count(n) AS n")[0]["n"] == 1


@pytest.mark.usefixtures("organizations")
def test_changing_an_organization_saves_it_and_the_history_page_shows_before_and_after(admin_client):
    url = f"{LIST}selec/change/"
    data = form_data(admin_client.get(url))
    data.update(acronym="SELEC-X", aliases="SECI Center\nSELEC Bucharest")

    assert admin_client.post(url, data).status_code == 302

    changed = node("selec")
    assert (changed["acronym"], changed["aliases"]) == ("SELEC-X", ["SECI Center", "SELEC Bucharest"])
    history = admin_client.get(f"{LIST}selec/history/")
    content = history.content.decode()
    assert history.status_code == 200 and "changed acronym, aliases" in content
    assert "SELEC-X" in content and "SELEC Bucharest" in content and "admin" in content
    assert "Relationship added" in content  # the relationship made by the fixture is part of its story


@pytest.mark.usefixtures("organizations")
def test_the_delete_page_lists_the_relationships_that_go_with_the_organization(admin_client):
    response = admin_client.get(f"{LIST}selec/delete/")

    content = response.content.decode()
    assert "Southeast European Law Enforcement Center collaborates with International Criminal Police" in content
    assert node("selec")  # nothing happened yet


@pytest.mark.usefixtures("organizations")
def test_deleting_an_organization_removes_it_and_its_relationships_and_records_it(admin_client):
    response = admin_client.post(f"{LIST}selec/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert cypher("MATCH (n:Organization {uid: 'selec'}) RETURN n") == []
    assert node("interpol")["degree"] == 0
    assert ChangeRecord.objects.filter(node_uid="selec", action="delete").exists()
    assert "deleted Organization" in admin_client.get(f"{LIST}selec/history/").content.decode()


@pytest.mark.usefixtures("organizations")
def test_the_bulk_delete_action_previews_then_deletes_the_selected_organizations(admin_client):
    selection = {"action": "delete_selected", "_selected_action": ["selec", "tnp"]}

    preview = admin_client.post(LIST, selection)
    assert preview.status_code == 200
    assert "Türk Ulusal Polisi is located in Turkey" in preview.content.decode()

    done = admin_client.post(LIST, {**selection, "post": "yes"})
    assert done.status_code == 302
    assert [row["uid"] for row in cypher("MATCH (n:Organization) RETURN n.uid AS uid")] == ["interpol"]


def test_a_missing_organization_redirects_with_a_message(admin_client):
    response = admin_client.get(f"{LIST}nobody/change/", follow=True)

    assert "doesn’t exist" in response.content.decode()


@pytest.mark.parametrize(
    ("model", "data", "uid"),
    [
        ("country", {"name": "Turkey", "iso_code": "TR", "aliases": "Türkiye"}, "turkey"),
        (
            "event",
            {"name": "Workshop on terrorist financing", "kind": "workshop", "start": "2019-05"},
            "workshop-on-terrorist-financing",
        ),
        (
            "document",
            {"name": "Bucharest Declaration", "kind": "declaration", "date": "2008"},
            "bucharest-declaration",
        ),
        (
            "source",
            {"title": "SECI Center history", "url": "https://example.org/seci"},
            "seci-center-history",
        ),
    ],
)
def test_every_node_type_can_be_added_listed_and_changed(admin_client, model, data, uid):
    no_relationship_rows = {"relationships-TOTAL_FORMS": "0", "relationships-INITIAL_FORMS": "0"}
    assert admin_client.post(f"/admin/orgs/{model}/add/", {**data, **no_relationship_rows}).status_code == 302
    assert uid in admin_client.get(f"/admin/orgs/{model}/").content.decode()

    url = f"/admin/orgs/{model}/{uid}/change/"
    changed = {**form_data(admin_client.get(url)), "name" if "name" in data else "title": "Renamed"}
    assert admin_client.post(url, changed).status_code == 302
    assert node(uid).get("name", node(uid).get("title")) == "Renamed"
