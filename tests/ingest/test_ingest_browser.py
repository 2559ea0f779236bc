"""What an editor does to add a source, in headless Chromium against the live server: log in, paste a partner page,
review what it proposes (at laptop and phone width), accept the checked proposals and land on the new source's
page. Hostile markup in the pasted text shows as text and never runs. Screenshots go to test-artifacts/."""

import pytest
from playwright.sync_api import expect

from orgs.graph.connection import cypher
from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = (
    "Baltic Anti-Crime Center\n\n"
    "The Center closely collaborates with the Nordic Customs Council and the Europol Liaison Office.\n"
    "Cooperation has been established with the Arctic Police Academy. <img src=x onerror=alert(1)>\n"
)


@pytest.fixture
def editor():
    user = user_with("browser-editor", *ALL_WRITE_PERMISSIONS)
    user.is_staff = True
    user.save()
    return user


def log_in(page, live_server) -> None:
    page.goto(live_server.url + "/sources/add/")
    page.fill("#id_username", "browser-editor")
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    expect(page.locator("h1")).to_have_text("Add a source")


def test_an_editor_pastes_a_page_reviews_its_proposals_and_accepts_the_checked_ones(
    live_server, page, screenshot, editor
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server)
    page.fill("#title", "Partners of the Center")
    page.fill("#url", "https://example.org/partners")
    page.fill("#text", PAGE)
    page.get_by_role("button", name="Read the source").click()
    expect(page.locator("h1")).to_have_text("Partners of the Center")
    proposals = page.locator("ul.proposals li")
    expect(proposals).to_have_count(3)
    expect(page.locator("mark.name").first).to_be_visible()
    screenshot("ingest-review")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot("ingest-review-phone")
    page.set_viewport_size({"width": 1280, "height": 860})
    academy = proposals.filter(has_text="Arctic Police Academy").locator("input[value=accept]")
    academy.focus()
    page.keyboard.press("Space")  # unchecked from the keyboard
    expect(academy).not_to_be_checked()
    page.get_by_role("button", name="Accept the checked").first.click()
    expect(page.locator("h1")).to_have_text("Partners of the Center")
    expect(page.locator(".source-text mark")).to_have_count(2)
    expect(page.locator(".source-text")).to_contain_text("<img src=x onerror=alert(1)>")  # text, not markup
    expect(page.locator(".source-text img")).to_have_count(0)
    assert cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN count(r) AS n")[0]["n"] == 2
    screenshot("ingest-accepted-source")
    assert dialogs == []
