"""What an analyst does in a real browser: search, read a body's ties and their evidence, explore its
network, find how two bodies are connected. Headless Chromium against the live server; screenshots go to
test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from orgs.graph import cypher
from tests.factories import make_hub

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def dated_sample_graph(sample_graph):
    """The tests' sample graph, the CIS ATC's observer status in INTERPOL dated from 2005, its only dated tie."""
    cypher("MATCH (:Node {uid: 'cis-atc'})-[r:HAS_OBSERVER_STATUS_IN]->(:Node {uid: 'interpol'}) "
           "SET r.since = '2005'")
    assert not any(tie.get("since") or tie.get("until") for tie in sample_graph["relationships"])
    return sample_graph


def test_an_analyst_goes_from_search_to_evidence_to_the_explorer_and_the_path_finder(
        live_server, page, screenshot, dated_sample_graph):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Most connected bodies")).to_be_visible()
    screenshot("01-home")

    page.get_by_label("Find an organization by name, acronym or alias").fill("anti-terror")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/organizations/\?q=anti-terror"))
    screenshot("02-search")

    page.get_by_role("link", name="CIS Anti-Terrorism Center", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CIS Anti-Terrorism Center")
    observer = page.locator("li.tie", has_text="has observer status in INTERPOL")
    expect(observer).to_contain_text("since 2005")
    evidence = observer.locator("details.evidence")
    evidence.locator("summary").click()
    expect(evidence.locator("blockquote")).to_contain_text("granted an observer status in the INTERPOL")
    expect(page.locator("#mini-network[data-ready=true]")).to_have_count(1)
    screenshot("03-organization")

    page.get_by_role("link", name="Explore the network").click()
    expect(page.locator("#explorer-map[data-ready=true]")).to_have_count(1)
    status = page.locator("#explorer-status")
    before = int(status.get_attribute("data-nodes"))
    assert before > 10
    screenshot("04-explorer")

    # Expand INTERPOL (picked from the list, as a keyboard user would): its tie counts come first, then,
    # as it has few, its neighbours are loaded.
    page.get_by_label("Select a body on the map").select_option("interpol")
    expect(page.get_by_role("heading", name="International Criminal Police Organization")).to_be_visible()
    page.get_by_role("button", name="Expand").click()
    expect(page.locator("#explorer-panel ul.groups li")).not_to_have_count(0)
    expect(page.locator("#explorer-panel ul.groups button").first).to_have_text(re.compile(r"All \d+ shown"))

    # Filter out one relationship type: fewer ties are shown.
    edges = int(status.get_attribute("data-edges"))
    page.get_by_label("Is part of").uncheck()
    expect(status).not_to_have_attribute("data-edges", str(edges))
    assert int(status.get_attribute("data-edges")) < edges
    page.get_by_label("Is part of").check()
    expect(status).to_have_attribute("data-edges", str(edges))

    # As of 2000 the observer status (since 2005) had not begun.
    page.locator("#as-of-year").fill("2000")
    expect(status).to_contain_text("as of 2000")
    assert int(status.get_attribute("data-edges")) == edges - 1
    screenshot("05-explorer-as-of-2000")
    page.get_by_role("button", name="Any year").click()
    expect(status).to_have_attribute("data-edges", str(edges))

    with page.expect_download() as download:
        page.get_by_role("button", name="Export as PNG").click()
    assert download.value.suggested_filename == "cis-atc-network.png"

    page.go_back()
    page.get_by_role("link", name="Find paths from here").click()
    expect(page.get_by_label("From")).to_have_value("CIS Anti-Terrorism Center")
    page.get_by_label("To", exact=True).press_sequentially("Turkish Nat", delay=20)
    expect(page.locator("#to-options option")).not_to_have_count(0)
    page.get_by_label("To", exact=True).fill("Turkish National Police")
    page.get_by_role("button", name="Find paths").click()
    first = page.locator("section.path").first
    expect(first.locator("li.tie")).not_to_have_count(0)
    expect(first).to_contain_text("Turkish National Police")
    first.locator("details.evidence summary").first.click()
    expect(first.locator("blockquote").first).to_be_visible()
    expect(page.locator("#path-network[data-ready=true]")).to_have_count(1)
    screenshot("06-paths")


def test_expanding_a_hub_in_the_explorer_loads_its_neighbours_a_page_at_a_time(live_server, page, screenshot):
    make_hub(partners=180)
    page.goto(live_server.url + "/explore/partner-1001/?depth=1")
    expect(page.locator("#explorer-map[data-ready=true]")).to_have_count(1)
    status = page.locator("#explorer-status")

    page.get_by_label("Select a body on the map").select_option("hub")
    page.get_by_role("button", name="Expand").click()
    load = page.locator("#explorer-panel ul.groups button")
    expect(page.locator("#explorer-panel ul.groups li")).to_have_text(re.compile(r"has as a member · 180"))
    expect(load).to_have_text("Load 50")
    shown = int(status.get_attribute("data-nodes"))
    load.click()
    expect(load).to_have_text("Load more (130 left)")
    assert int(status.get_attribute("data-nodes")) > shown
    screenshot("09-explorer-hub-paged")


def test_the_pages_read_well_on_a_phone(live_server, browser, seed_graph):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        for name, address, whole in (("07-phone-organization", "/organizations/seci-center/", True),
                                     ("08-phone-source", "/sources/cis-atc-partners/", False),
                                     ("10-phone-explorer", "/explore/seci-center/", False)):
            phone.goto(live_server.url + address)
            expect(phone.locator("[data-graph], #explorer-map").and_(phone.locator(":not([data-ready])"))
                   ).to_have_count(0)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 400, f"{address} scrolls sideways on a phone ({width}px)"
            phone.screenshot(path=f"test-artifacts/{name}.png", full_page=whole)
    finally:
        context.close()
