"""The admin's "changed since you opened it" check: a save over someone else's change is refused, not applied."""

from __future__ import annotations

from orgs import services
from tests.service_factories import form_data, node, organization, relationship, source

LIST = "/admin/orgs/organization/"
REFUSED = "changed by someone else since you opened it"


def test_the_change_page_carries_the_version_it_was_opened_on(admin_client):
    organization("selec", "Southeast European Law Enforcement Center")
    services.node_update(label="Organization", uid="selec", data={"acronym": "SELEC"})

    page = admin_client.get(f"{LIST}selec/change/")

    assert 'name="opened_version" value="2"' in page.content.decode()
    assert 'type="hidden"' in page.content.decode()


def test_saving_after_someone_else_changed_the_node_shows_an_error_and_writes_nothing(admin_client):
    organization("selec", "Southeast European Law Enforcement Center", acronym="SELEC")
    url = f"{LIST}selec/change/"
    data = form_data(admin_client.get(url))
    services.node_update(label="Organization", uid="selec", data={"description": "Someone else's sentence."})
    data.update(acronym="SELEC-X")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert REFUSED in response.content.decode() and "Reload the page" in response.content.decode()
    kept = node("selec")
    assert (kept["acronym"], kept["description"], kept["version"]) == ("SELEC", "Someone else's sentence.", 2)


def test_a_save_with_nothing_in_between_goes_through_and_the_same_form_cannot_be_saved_twice(admin_client):
    organization("selec", "Southeast European Law Enforcement Center", acronym="SELEC")
    url = f"{LIST}selec/change/"
    data = form_data(admin_client.get(url))

    first = admin_client.post(url, {**data, "acronym": "SELEC-X"})
    second = admin_client.post(url, {**data, "acronym": "SELEC-Y"})

    assert first.status_code == 302
    assert second.status_code == 200 and REFUSED in second.content.decode()
    assert (node("selec")["acronym"], node("selec")["version"]) == ("SELEC-X", 2)


def test_a_relationship_row_changed_by_someone_else_since_the_page_opened_is_not_overwritten(admin_client):
    source()
    organization("cis-atc", "CIS Anti-Terrorism Center")
    organization("interpol", "International Criminal Police Organization")
    made = relationship("COLLABORATES_WITH", "cis-atc", "interpol")
    url = f"{LIST}cis-atc/change/"
    data = form_data(admin_client.get(url))
    services.relationship_update(uid=made["uid"], data={"qualifier": "close ties"})
    data["relationships-0-until"] = "2020"

    response = admin_client.post(url, data)

    assert response.status_code == 200 and REFUSED in response.content.decode()
    kept = services.relationship_get(uid=made["uid"])
    assert (kept["qualifier"], kept.get("until")) == ("close ties", None)
