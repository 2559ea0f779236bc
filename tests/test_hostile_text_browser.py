"""Hostile text already in the graph never runs in a reader's browser: a `javascript:` website or source URL
is shown as text, not a link, and markup in names, quotes and titles is shown as the characters typed.

The graph is written straight through Cypher (tests/cypher_factories.py), as data from before the write paths
refused such addresses would be. Headless Chromium against the live server."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.cypher_factories import IMG_TEXT, JAVASCRIPT_URL, SCRIPT_NAME, make_hostile_graph

PAGES = [
    "/organizations/evil/",
    "/organizations/plain/",
    "/relationships/evil/COLLABORATES_WITH/out/",
    "/relationships/plain/COLLABORATES_WITH/in/",
    "/sources/evil-source/",
    "/paths/?from=evil&to=plain",
    "/explore/evil/",
    "/organizations/",
    "/organizations/?q=evil",
    "/sources/",
    "/",
]

# Every link on the page whose address a browser would run as script, however it is spelled.
SCRIPT_LINKS = """Array.from(document.querySelectorAll("a[href], area[href]")).map(a => a.getAttribute("href"))
  .filter(href => /^(javascript|data|vbscript):/i.test(href.replace(/[\\u0000-\\u0020]/g, "")))"""
# What the payloads would leave behind had any of them run or been parsed as markup.
RAN = """({hostile: window.__hostile === undefined ? null : String(window.__hostile),
  images: document.querySelectorAll("img[onerror]").length,
  scripts: Array.from(document.scripts).filter(s => s.textContent.includes("__hostile")
                                                   && s.type !== "application/json").length})"""


@pytest.fixture
def hostile_graph():
    make_hostile_graph()


@pytest.fixture
def dialogs(page):
    """Collect every alert/confirm/prompt the page opens (and dismiss it)."""
    opened: list[str] = []

    def handle(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", handle)
    return opened


def assert_nothing_ran(page, dialogs, address):
    assert page.evaluate(SCRIPT_LINKS) == [], f"{address} links to a script address"
    assert page.evaluate(RAN) == {"hostile": None, "images": 0, "scripts": 0}, address
    assert dialogs == [], address


@pytest.mark.browser
@pytest.mark.parametrize("address", PAGES)
def test_no_page_links_to_a_script_address_or_runs_markup_from_the_graph(
    live_server, page, dialogs, hostile_graph, address
):
    response = page.goto(live_server.url + address)

    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert_nothing_ran(page, dialogs, address)


@pytest.mark.browser
def test_a_javascript_website_is_shown_as_text_and_clicking_it_runs_nothing(live_server, page, dialogs, hostile_graph):
    page.goto(live_server.url + "/organizations/evil/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(SCRIPT_NAME)
    website = page.locator("dd", has_text=JAVASCRIPT_URL)
    expect(website).to_have_count(1)
    expect(website.locator("a")).to_have_count(0)
    website.click()
    expect(page.locator("li.relationship .qualifier")).to_contain_text(IMG_TEXT)
    expect(page.locator("li.relationship .cite")).not_to_contain_text("original")
    assert_nothing_ran(page, dialogs, "after clicking the website")


@pytest.mark.browser
def test_a_source_with_a_javascript_url_keeps_its_text_and_its_real_links(live_server, page, dialogs, hostile_graph):
    page.goto(live_server.url + "/sources/evil-source/")

    expect(page.locator("dd", has_text=JAVASCRIPT_URL).locator("a")).to_have_count(0)
    page.locator("dd", has_text=JAVASCRIPT_URL).click()
    page.goto(live_server.url + "/organizations/plain/")
    expect(page.locator("dd a[href='https://plain.example/']")).to_have_text("https://plain.example/")
    assert_nothing_ran(page, dialogs, "the source page")


@pytest.mark.browser
def test_the_explorer_shows_names_as_text(live_server, page, dialogs, hostile_graph):
    page.goto(live_server.url + "/explore/plain/")
    expect(page.locator("#explorer-map[data-ready=true]")).to_have_count(1)

    page.get_by_label("Select a body on the map").select_option("evil")

    expect(page.locator("#panel-title")).to_have_text(SCRIPT_NAME)
    expect(page.locator("#explorer-panel a.button")).to_have_attribute("href", re.compile(r"/organizations/evil/$"))
    page.get_by_role("button", name="Expand").click()
    expect(page.locator("#explorer-panel ul.groups li")).not_to_have_count(0)
    assert_nothing_ran(page, dialogs, "the explorer")


@pytest.mark.parametrize(
    "address",
    [
        "/admin/orgs/source/",
        "/admin/orgs/source/evil-source/change/",
        "/admin/orgs/organization/",
        "/admin/orgs/organization/evil/change/",
    ],
)
def test_the_admin_never_links_to_a_script_address(client, hostile_graph, address):
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "correct-horse-battery"))

    response = client.get(address)

    html = response.content.decode()
    assert response.status_code == 200
    assert not any(href.lstrip().lower().startswith("javascript:") for href in html.split('href="')[1:])
    assert "<script>window.__hostile" not in html and '"><img src=x' not in html


@pytest.mark.browser
def test_a_hostile_quote_and_source_text_are_shown_as_the_characters_typed(live_server, page, dialogs, hostile_graph):
    page.goto(live_server.url + "/organizations/evil/")
    quote = page.locator("li.relationship details.citation")
    quote.locator("summary").click()
    expect(quote.locator("blockquote")).to_have_text("Plain Body. " + IMG_TEXT)
    expect(quote.locator("summary")).to_contain_text(IMG_TEXT + " report")
    quote.locator("a.passage").click()

    expect(page).to_have_url(re.compile(r"/sources/evil-source/\?at=cit-"))
    expect(page.locator(".source-text")).to_have_text("Evil Body works with Plain Body. " + IMG_TEXT)
    expect(page.locator(".source-text mark")).to_have_text("Plain Body. " + IMG_TEXT)
    expect(page.locator("table.provenance blockquote")).to_have_text("Plain Body. " + IMG_TEXT)
    assert_nothing_ran(page, dialogs, "the quote and its passage")
