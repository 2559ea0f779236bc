"""What an analyst does with citations in a real browser: open a relationship's quotes in place on a node page,
follow one to its highlighted passage in the source's text, find the bodies whose relationships rest on a single
source, and ask the path finder for steps that several sources state. Headless Chromium against the live server;
screenshots go to test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from orgs.graph.connection import cypher
from tests.cypher_factories import make_corroborated_graph, relationship_with_citations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FILLER = "".join(f"Paragraph {n} of the long review says nothing of Alpha Agency's partners.\n\n" for n in range(120))
LONG_QUOTE = "In the end, Alpha Agency signed a memorandum with Delta Directorate."


@pytest.fixture
def corroborated_graph():
    """The three reports on Alpha, Beta and Gamma (tests.cypher_factories.make_corroborated_graph), and Delta,
    tied to Alpha by a passage at the end of a long review."""
    relationships = make_corroborated_graph()
    cypher(
        "CREATE (:Node:Source {uid: 'long-review', title: 'Long review', text: $text}) "
        "CREATE (:Node:Organization {uid: 'delta', name: 'Delta Directorate', kind: 'unit', degree: 1, "
        "search_text: 'delta directorate'})",
        {"text": FILLER + LONG_QUOTE},
    )
    relationships["delta"] = relationship_with_citations(
        relationship_type="COLLABORATES_WITH",
        start_uid="alpha",
        end_uid="delta",
        citations=[
            {"source_uid": "long-review", "exact": LONG_QUOTE, "start": len(FILLER), "end": len(FILLER + LONG_QUOTE)}
        ],
    )
    return relationships


def test_an_analyst_opens_a_quote_in_place_and_follows_it_to_the_highlighted_passage(
    live_server, page, screenshot, corroborated_graph
):
    page.goto(live_server.url + "/organizations/alpha/")
    beta = page.locator("li.relationship", has_text="collaborates with Beta Bureau")
    expect(beta.locator(".sources")).to_have_text("3 sources")
    expect(beta.locator(".differ")).to_have_text("sources differ")
    quote = beta.locator("details.citation").nth(1)
    expect(quote.locator("blockquote")).not_to_be_visible()
    quote.locator("summary").click()
    expect(quote.locator("blockquote")).to_have_text("Since 2005 Alpha Agency works with Beta Bureau")
    expect(quote.locator("summary")).to_contain_text("says since 2005")
    screenshot("20-quote-in-place")

    delta = page.locator("li.relationship", has_text="collaborates with Delta Directorate")
    delta.locator("summary").click()
    delta.get_by_role("link", name="Long review").click()

    cited = corroborated_graph["delta"]["citations"][0]["uid"]
    expect(page).to_have_url(re.compile(rf"/sources/long-review/\?at={cited}#{cited}$"))
    passage = page.locator(f"mark#{cited}")
    expect(passage).to_have_text(LONG_QUOTE)
    expect(passage).to_be_in_viewport()
    screenshot("21-highlighted-passage")

    passage.get_by_role("link").click()
    expect(page.locator(f"tr#row-{cited}")).to_be_in_viewport()
    expect(page.locator(f"tr#row-{cited}")).to_contain_text("Alpha Agency collaborates with Delta Directorate")


def test_the_organization_search_finds_the_bodies_whose_relationships_rest_on_a_single_source(
    live_server, page, screenshot, corroborated_graph
):
    cypher("MATCH (o:Organization) WHERE o.uid <> 'beta' SET o.kind = 'unit'")
    page.goto(live_server.url + "/organizations/")

    page.get_by_label("A relationship resting on a single source").check()
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"single_source=1"))
    names = page.locator("table.listing tbody td:first-child a")
    expect(names).to_have_text(["Alpha Agency", "Delta Directorate", "Gamma Group"])
    names.first.click()
    expect(page.locator("li.relationship")).to_have_count(2)  # Gamma and Delta; Beta rests on three sources
    expect(page.get_by_label("Only those resting on a single source")).to_be_checked()
    screenshot("22-single-source")


def test_the_path_finder_shows_the_sources_of_each_step_and_keeps_to_steps_with_enough_of_them(
    live_server, page, screenshot, corroborated_graph
):
    page.goto(live_server.url + "/paths/?from=beta&to=gamma")
    steps = page.locator("section.path li.relationship")
    expect(steps).to_have_count(2)
    expect(steps.locator(".sources")).to_have_text(["3 sources", "1 source"])
    expect(page.locator("#path-network[data-ready=true]")).to_have_count(1)

    page.get_by_label("At least … sources per step").fill("2")
    page.get_by_role("button", name="Find paths").click()

    expect(page).to_have_url(re.compile(r"sources_min=2"))
    expect(page.locator("p.empty")).to_have_text("No connection within 6 steps with at least 2 sources per step.")
    page.get_by_label("At least … sources per step").fill("3")
    page.get_by_label("To", exact=True).fill("Alpha Agency")
    page.get_by_role("button", name="Find paths").click()
    expect(steps).to_have_count(1)
    expect(steps.locator(".sources")).to_have_text("3 sources")
    screenshot("23-paths-sources-min")


def test_the_explorer_draws_a_relationship_wider_the_more_sources_state_it(live_server, page, corroborated_graph):
    page.goto(live_server.url + "/explore/alpha/?depth=1")
    expect(page.locator("#explorer-map[data-ready=true]")).to_have_count(1)

    widths = page.evaluate(
        """() => Object.fromEntries(window.ATCExplorer.cy.edges().map(e => [e.data("target"), e.style("width")]))"""
    )

    assert {end: float(width.removesuffix("px")) for end, width in widths.items()} == {
        "beta": 4,
        "gamma": 1,
        "delta": 1,
    }
