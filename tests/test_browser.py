"""What an analyst does in a real browser: search, read a body's relationships and their evidence, explore its
network, find how two bodies are connected. Headless Chromium against the live server; screenshots go to
test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from orgs import services
from orgs.graph.connection import cypher
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel
from tests import service_factories
from tests.cypher_factories import make_hub
from tests.service_factories import country, organization, relationship, source

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def dated_sample_graph(sample_graph):
    """The tests' sample graph, the CIS ATC's observer status in INTERPOL dated from 2005, its only dated
    relationship."""
    cypher("MATCH (:Node {uid: 'cis-atc'})-[r:HAS_OBSERVER_STATUS_IN]->(:Node {uid: 'interpol'}) SET r.since = '2005'")
    assert not any(
        relationship.get("since") or relationship.get("until") for relationship in sample_graph["relationships"]
    )
    return sample_graph


def test_an_analyst_goes_from_search_to_evidence_to_the_explorer_and_the_path_finder(
    live_server, page, screenshot, dated_sample_graph
):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Most connected bodies")).to_be_visible()
    screenshot("01-home")

    page.get_by_label("Find an organization by name, acronym or alias").fill("anti-terror")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/organizations/\?q=anti-terror"))
    screenshot("02-search")

    page.get_by_role("link", name="CIS Anti-Terrorism Center", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CIS Anti-Terrorism Center")
    observer = page.locator("li.relationship", has_text="has observer status in INTERPOL")
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

    # Expand INTERPOL (picked from the list, as a keyboard user would): its relationship counts come first, then,
    # as it has few, its neighbours are loaded.
    page.get_by_label("Select a body on the map").select_option("interpol")
    expect(page.get_by_role("heading", name="International Criminal Police Organization")).to_be_visible()
    page.get_by_role("button", name="Expand").click()
    expect(page.locator("#explorer-panel ul.groups li")).not_to_have_count(0)
    expect(page.locator("#explorer-panel ul.groups button").first).to_have_text(re.compile(r"All \d+ shown"))

    # Filter out one relationship type: fewer relationships are shown.
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
    expect(first.locator("li.relationship")).not_to_have_count(0)
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


def rgb(colour: str) -> list[int]:
    """Return the red, green and blue of a colour as `#rrggbb` or as a browser writes it, `rgb(r, g, b)`."""
    if colour.startswith("#"):
        return [int(colour[at : at + 2], 16) for at in (1, 3, 5)]
    return [int(part) for part in re.findall(r"\d+", colour)[:3]]


def test_each_kind_of_node_and_type_of_relationship_has_its_vocabulary_colour_in_the_explorer(
    live_server, page, screenshot
):
    source()
    organization("osce", "Organization for Security and Co-operation in Europe", acronym="OSCE")
    country("austria", "Austria")
    services.node_create(label="Event", data={"name": "Counter-terrorism workshop"}, uid="workshop")
    services.node_create(label="Document", data={"name": "Bucharest declaration"}, uid="declaration")
    for relationship_type, end in (("LOCATED_IN", "austria"), ("ORGANIZED", "workshop"), ("ADOPTED", "declaration")):
        relationship(relationship_type, "osce", end)

    page.goto(live_server.url + "/explore/osce/?depth=1")
    expect(page.locator("#explorer-map[data-ready=true]")).to_have_count(1)
    drawn = page.evaluate("""() => {
        const cy = window.ATCExplorer.cy;
        return {nodes: cy.nodes().map(n => [n.data("label"), n.style("background-color")]),
                edges: cy.edges().map(e => [e.data("type"), e.style("line-color")])};
    }""")
    swatches = page.evaluate("""() => Array.from(document.querySelectorAll(".swatch"), swatch =>
        [swatch.className.split("-").slice(1).join("-"), getComputedStyle(swatch).backgroundColor])""")

    drawn_kinds = {label: rgb(colour) for label, colour in drawn["nodes"]}
    assert drawn_kinds == {
        label.value: rgb(kind.colour) for label, kind in NODE_KINDS.items() if label is not NodeLabel.SOURCE
    }
    assert {relationship_type: rgb(colour) for relationship_type, colour in drawn["edges"]} == {
        relationship_type: rgb(RELATIONSHIP_TYPES[relationship_type].colour)
        for relationship_type in ("LOCATED_IN", "ORGANIZED", "ADOPTED")
    }
    vocabulary = {
        **{label.value: kind.colour for label, kind in NODE_KINDS.items()},
        **{name: relationship_type.colour for name, relationship_type in RELATIONSHIP_TYPES.items()},
    }
    assert len(swatches) == len(NODE_KINDS) - 1 + len(RELATIONSHIP_TYPES)
    assert {name: rgb(colour) for name, colour in swatches} == {name: rgb(vocabulary[name]) for name, _ in swatches}
    screenshot("11-explorer-colours")


def test_the_pages_read_well_on_a_phone(live_server, browser, seed_graph):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        for name, address, whole in (
            ("07-phone-organization", "/organizations/seci-center/", True),
            ("08-phone-source", "/sources/cis-atc-partners/", False),
            ("10-phone-explorer", "/explore/seci-center/", False),
        ):
            phone.goto(live_server.url + address)
            expect(
                phone.locator("[data-graph], #explorer-map").and_(phone.locator(":not([data-ready])"))
            ).to_have_count(0)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 400, f"{address} scrolls sideways on a phone ({width}px)"
            phone.screenshot(path=f"test-artifacts/{name}.png", full_page=whole)
    finally:
        context.close()


# (other end, since, until): the explorer's year slider and the node page's ?as_of= must keep the same relationships.
DATED_RELATIONSHIPS = [
    ("ended-march-2005", "2003", "2005-03"),  # over as of 2005 (31 December), though it held in 2005
    ("ended-2005", None, "2005"),  # "until 2005" holds through 2005
    ("ended-new-year-2005", None, "2004-12-31"),
    ("began-june-2005", "2005-06", None),
    ("began-last-day-2005", "2005-12-31", None),
    ("began-2006", "2006", None),
    ("always", None, None),
]


def test_the_explorers_year_slider_keeps_the_relationships_the_node_page_keeps_as_of_that_year(
    live_server, page, screenshot
):
    service_factories.source()
    service_factories.organization("centre", "Centre Body")
    for other, since, until in DATED_RELATIONSHIPS:
        service_factories.organization(other, f"Body {other}")
        service_factories.relationship("COLLABORATES_WITH", "centre", other, since=since, until=until)
    page.goto(live_server.url + "/explore/centre/?depth=1")
    expect(page.locator("#explorer-map[data-ready=true]")).to_have_count(1)
    status = page.locator("#explorer-status")
    expect(status).to_have_attribute("data-edges", str(len(DATED_RELATIONSHIPS)))
    in_the_explorer = {}
    for year in (2004, 2005, 2006):
        page.locator("#as-of-year").fill(str(year))
        expect(status).to_contain_text(f"as of {year}")
        in_the_explorer[year] = set(
            page.evaluate("window.ATCExplorer.cy.edges().not('.hidden').map(function (e) { return e.target().id(); })")
        )
        if year == 2005:
            screenshot("11-explorer-as-of-2005")

    on_the_page = {}
    for year in (2004, 2005, 2006):
        page.goto(f"{live_server.url}/organizations/centre/?as_of={year}")
        links = page.locator("li.relationship .sentence a").evaluate_all("links => links.map(a => a.pathname)")
        on_the_page[year] = {path.strip("/").split("/")[-1] for path in links}

    assert in_the_explorer == on_the_page
    assert on_the_page[2005] == {"ended-2005", "began-june-2005", "began-last-day-2005", "always"}
