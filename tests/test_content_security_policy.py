"""Nothing hostile runs: every response carries a Content-Security-Policy that allows no inline script and no
host but this one, and every kind of page still works under it in headless Chromium, with no violation
reported and no request to another host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.service_factories import organization, source

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


# ReDoc alone gets more: its own <style> elements carry the response's nonce, the scrollbar stylesheet and the
# empty style element it writes as it loads are allowed by their hashes, its search runs in a blob: worker.
REDOC_POLICY = {
    **POLICY,
    "style-src": [
        "'self'",
        "'nonce-…'",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    ],
    "worker-src": ["'self'", "blob:"],
}


def directives(header: str) -> dict[str, list[str]]:
    """Return a Content-Security-Policy header's directives and their sources (sorted; a nonce as 'nonce-…')."""
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {
        name: sorted("'nonce-…'" if source.startswith("'nonce-") else source for source in sources)
        for name, *sources in parts
    }


def expected_policy(address: str) -> dict[str, list[str]]:
    policy = REDOC_POLICY if address.startswith("/api/redoc/") else POLICY
    return {name: sorted(sources) for name, sources in policy.items()}


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/organizations/?q=interpol",
        "/organizations/cis-atc/",
        "/explore/cis-atc/",
        "/explore/cis-atc.json",
        "/paths/",
        "/sources/",
        "/no-such-page/",
        "/admin/login/",
        "/api/",
        "/api/organizations/",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/redoc/",
        "/api/schema/",
        "/vocabulary.css",
    ],
)
def test_every_response_carries_the_policy(client, address):
    organization("cis-atc", "CIS Anti-Terrorism Center")

    response = client.get(address)

    assert directives(response["Content-Security-Policy"]) == expected_policy(address)


def test_the_redoc_page_hands_its_nonce_to_redoc_and_no_other_page_has_one(client):
    redoc = client.get("/api/redoc/")
    home = client.get("/")

    [nonce] = re.findall(r"'nonce-([^']+)'", redoc["Content-Security-Policy"])
    assert f'data-nonce="{nonce}"' in redoc.content.decode()
    assert client.get("/api/redoc/")["Content-Security-Policy"] != redoc["Content-Security-Policy"]
    assert "nonce" not in home["Content-Security-Policy"]


def test_refusals_carry_the_policy_too(client):
    refused_write = client.post("/api/organizations/", {}, content_type="application/json")
    logins = [client.post("/admin/login/", {"username": "nobody", "password": f"guess-{n}"}) for n in range(5)]

    assert refused_write.status_code == 401
    assert directives(refused_write["Content-Security-Policy"]) == expected_policy("/api/")
    assert logins[-1].status_code == 429
    assert directives(logins[-1]["Content-Security-Policy"]) == expected_policy("/admin/login/")


# --- In the browser -------------------------------------------------------------------------------------------

# Collected before any of the page's own scripts run (an init script is not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                           + ` (${event.sourceFile}:${event.lineNumber} ${event.sample})`);
});
"""


class StrictTab:
    """A browser tab that records CSP violations, console errors and requests to any host but the server's."""

    def __init__(self, page: Any, origin: str):
        self.page = page
        self.origin = origin
        self.problems: list[str] = []
        self.foreign: list[str] = []
        self.stopped: list[str] = []  # requests to other hosts the policy stopped before they left the browser
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: self.problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)

    def _failed(self, request: Any) -> None:
        if request.url in self.foreign and request.failure in {"csp", "net::ERR_BLOCKED_BY_CSP"}:
            self.foreign.remove(request.url)
            self.stopped.append(request.url)

    def visit(self, address: str) -> Any:
        response = self.page.goto(self.origin + address)
        assert directives(response.headers["content-security-policy"]) == expected_policy(address), address
        return self.page

    def assert_clean(self, blocked: str = "") -> None:
        """Assert nothing was blocked (but `blocked`, a URL the page must not load) and nothing went wrong."""
        violations = [v for v in self.page.evaluate("window.__violations") if not blocked or blocked not in v]
        assert violations == [], f"{self.page.url}: the policy blocked {violations}"
        problems = [p for p in self.problems if not blocked or blocked not in p]
        assert problems == [], f"{self.page.url}: the page reported {problems}"
        assert self.foreign == [], f"{self.page.url}: requests to other hosts: {self.foreign}"
        assert set(self.stopped) <= {blocked}, f"{self.page.url}: stopped requests to other hosts: {self.stopped}"
        self.stopped.clear()
        self.page.evaluate("window.__violations = []")
        self.problems.clear()


@pytest.fixture
def tab(browser, live_server) -> Iterator[StrictTab]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    strict = StrictTab(context.new_page(), live_server.url)
    yield strict
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_analyst_pages_work_under_the_policy(tab, sample_graph):
    page = tab.visit("/")
    expect(page.get_by_role("heading", name="Most connected bodies")).to_be_visible()
    tab.assert_clean()

    tab.visit("/organizations/")
    page.get_by_label("Search organizations").first.fill("interpol")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="International Criminal Police Organization")).not_to_have_count(0)
    tab.assert_clean()

    tab.visit("/organizations/cis-atc/")
    expect(page.locator("#mini-network[data-ready=true]")).to_have_count(1)
    page.locator("details.evidence summary").first.click()
    tab.assert_clean()

    tab.visit("/explore/cis-atc/")
    expect(page.locator("#explorer-map[data-ready=true]")).to_have_count(1)
    assert int(page.locator("#explorer-status").get_attribute("data-nodes")) > 10
    page.get_by_label("Select a body on the map").select_option("interpol")
    page.get_by_role("button", name="Expand").click()
    expect(page.locator("#explorer-panel ul.groups li")).not_to_have_count(0)
    tab.assert_clean()

    tab.visit("/paths/")
    page.get_by_label("From").press_sequentially("CIS Anti", delay=20)
    expect(page.locator("#from-options option")).not_to_have_count(0)
    page.get_by_label("From").fill("CIS Anti-Terrorism Center")
    page.get_by_label("To", exact=True).fill("Turkish National Police")
    page.get_by_role("button", name="Find paths").click()
    expect(page.locator("#path-network[data-ready=true]")).to_have_count(1)
    tab.assert_clean()

    tab.visit("/sources/cis-atc-partners/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.locator(".source-text mark a").first.click()
    expect(page).to_have_url(re.compile(r"\?at=cit-"))
    tab.assert_clean()
    tab.visit("/sources/")
    tab.visit("/countries/")
    tab.assert_clean()


@pytest.mark.browser
@pytest.mark.slow
def test_the_admin_works_under_the_policy(tab, admin_user):
    source("cis-atc-partners", "CIS ATC: partners and cooperation")
    organization("cis-atc", "CIS Anti-Terrorism Center")
    organization("interpol", "International Criminal Police Organization", acronym="INTERPOL")
    page = tab.visit("/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    tab.assert_clean()

    for address in (
        "/admin/orgs/organization/",
        "/admin/orgs/organization/?q=interpol",
        "/admin/orgs/organization/cis-atc/change/",
        "/admin/orgs/organization/add/",
        "/admin/orgs/organization/relationships/",
        "/admin/orgs/changerecord/",
        "/admin/orgs/organization/cis-atc/history/",
        "/admin/auth/user/",
    ):
        tab.visit(address)
        tab.assert_clean()

    tab.visit("/admin/orgs/organization/cis-atc/change/")
    page.fill("#id_relationships-0-other", "intern")  # the node search (a static script) still answers
    page.wait_for_selector("#graph-node-options option[value=interpol]", state="attached")
    tab.assert_clean()


@pytest.mark.browser
@pytest.mark.slow
def test_the_api_documentation_and_the_browsable_api_work_under_the_policy(tab):
    organization("cis-atc", "CIS Anti-Terrorism Center")

    page = tab.visit("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    tab.assert_clean()

    tab.visit("/api/redoc/")
    expect(page.get_by_role("heading", name="ATC Graph API")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-section-id]").first).to_be_attached()
    page.get_by_placeholder("Search...").press_sequentially("organizations", delay=20)  # the index is a worker's
    expect(page.locator("[data-role='search:results'] li").first).to_be_visible(timeout=15_000)
    # The bundle draws Redocly's logo from its CDN; the policy stops it (and ReDoc then hides it).
    tab.assert_clean(blocked="https://cdn.redoc.ly/redoc/logo-mini.svg")

    for address in ("/api/", "/api/organizations/", "/api/organizations/cis-atc/", "/api/stats/"):
        tab.visit(address)
        expect(page.locator(".response-info")).to_be_visible()
        tab.assert_clean()
