"""A person in a real browser: log in, edit an organization, add a relationship with its evidence."""

from pathlib import Path

import pytest

from orgs.graph.connection import cypher
from tests.service_factories import node, organization, source

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
