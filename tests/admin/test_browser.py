"""A person in a real browser: log in, edit an organization, add a relationship with its evidence, cite a second
source for it."""

from pathlib import Path

import pytest

from orgs import services
from orgs.graph.connection import cypher
from tests.service_factories import node, organization, relationship, source

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SENTENCE = "With that the CIS ATC is granted an observer status in the INTERPOL."


@pytest.fixture
def page(browser):
    # The session's one Chromium (tests/conftest.py): a second sync_playwright() in this thread would fail.
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_an_admin_edits_an_organization_and_adds_a_relationship_with_evidence(page, live_server, admin_user):
    source("cis-atc-partners", "CIS ATC: partners and cooperation")
    organization("cis-atc", "CIS Anti-Terrorism Center")
    organization("interpol", "International Criminal Police Organization", acronym="INTERPOL")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/orgs/organization/cis-atc/change/")

    page.fill("#id_acronym", "CIS ATC")
    page.select_option("#id_relationships-0-relation", "HAS_OBSERVER_STATUS_IN>")
    page.fill("#id_relationships-0-other", "intern")  # the node search offers INTERPOL by name
    page.wait_for_selector("#graph-node-options option[value=interpol]", state="attached")
    page.fill("#id_relationships-0-other", "interpol")
    page.fill("#id_relationships-0-since", "2005")
    page.select_option("#id_relationships-0-source_uid", "cis-atc-partners")
    page.fill("#id_relationships-0-evidence", SENTENCE)
    page.click("input[name=_continue]")

    page.wait_for_selector(".messagelist .success")
    assert page.input_value("#id_relationships-0-other") == "interpol"
    assert "International Criminal Police Organization" in page.inner_text("#relationships-group")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-relationship-added.png"), full_page=True)
    [row] = cypher(
        "MATCH (:Organization {uid: 'cis-atc'})-[r:HAS_OBSERVER_STATUS_IN]->(:Organization {uid: 'interpol'}) "
        "MATCH (c:Citation {relationship_uid: r.uid}) RETURN r.since AS since, c.exact AS exact"
    )
    assert (row["since"], row["exact"]) == ("2005", SENTENCE)  # the sentence is the relationship's one citation
    assert node("cis-atc")["acronym"] == "CIS ATC"

    page.goto(f"{live_server.url}/organizations/")  # "/" became the home page (issue 3)
    row = page.locator("tr", has_text="CIS Anti-Terrorism Center")
    assert "CIS ATC" in row.inner_text() and row.locator("td").nth(3).inner_text() == "1"


@pytest.mark.browser
def test_an_admin_adds_a_second_source_to_a_relationship_and_is_told_when_a_passage_is_not_in_it(
    page, live_server, admin_user
):
    source("cis-atc-partners", "CIS ATC: partners and cooperation")
    services.node_create(
        label="Source", uid="charter", data={"title": "Charter", "text": f"Since 2005. {SENTENCE} And so on."}
    )
    organization("cis-atc", "CIS Anti-Terrorism Center")
    organization("interpol", "International Criminal Police Organization", acronym="INTERPOL")
    relationship("HAS_OBSERVER_STATUS_IN", "cis-atc", "interpol", source_uid="cis-atc-partners")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/orgs/organization/cis-atc/change/")

    page.select_option(
        "#id_citations-0-relationship",
        label=("CIS Anti-Terrorism Center has observer status in International Criminal Police Organization"),
    )
    page.select_option("#id_citations-0-source_uid", "charter")
    page.fill("#id_citations-0-exact", "granted an observer status")
    page.click("input[name=_continue]")

    page.wait_for_selector(".messagelist .success")
    assert "2 sources: edit them under Citations" in page.inner_text("#relationships-group")
    assert page.input_value("#id_citations-0-exact") == "granted an observer status"

    page.fill("#id_citations-0-exact", "granted a full membership")
    page.click("input[name=_continue]")

    error = page.locator("#citation-0 .field-exact .errorlist")
    assert error.inner_text() == "not found word for word in source 'charter'"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-citation-refused.png"), full_page=True)
    assert cypher("MATCH (c:Citation {source_uid: 'charter'}) RETURN c.exact AS exact")[0]["exact"] == (
        "granted an observer status"
    )
