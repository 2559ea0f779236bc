"""The one rule for links to addresses people typed: http(s) with a host is a link, anything else is text."""

import pytest
from django.template import Context, Template

from orgs.templatetags.links import is_web_address

pytestmark = pytest.mark.no_graph


@pytest.mark.parametrize(
    "address",
    ["https://www.osce.org/", "http://example.org/a?b=1&c=2", "HTTPS://EXAMPLE.ORG", "  https://padded.example/  "],
)
def test_http_and_https_addresses_are_web_addresses(address):
    assert is_web_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(document.domain)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "/organizations/x/",
        "https://",
        "www.example.org",
        "",
        None,
        42,
        "http://[::1",
    ],
)
def test_anything_else_is_not(address):
    assert not is_web_address(address)


def render(url, text=None):
    return Template("{% load links %}{% web_link url text %}").render(Context({"url": url, "text": text}))


def test_a_web_address_renders_as_an_escaped_link():
    assert render('https://example.org/?a=1&b="2"') == (
        '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;" rel="noopener noreferrer">'
        "https://example.org/?a=1&amp;b=&quot;2&quot;</a>"
    )


def test_any_other_address_renders_as_escaped_text():
    assert render("javascript:alert('<b>')") == "javascript:alert(&#x27;&lt;b&gt;&#x27;)"
    assert render("javascript:alert(1)", "original") == "original"
