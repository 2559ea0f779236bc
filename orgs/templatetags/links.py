"""Links to addresses people typed (a website, a source's URL): a link only for http(s), plain text otherwise."""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from orgs.validation import url_problem

register = template.Library()


@register.filter
def is_web_address(value: object) -> bool:
    """Return whether `value` is an address a link may go to: one the write rule takes
    (`orgs.validation.url_problem`: absolute http or https with a host, not javascript:, data:, …), once the
    white space around it is stripped."""
    return isinstance(value, str) and url_problem(value.strip()) is None


@register.simple_tag
def web_link(url: object, text: object = None) -> SafeString:
    """Render `<a href=url>text</a>` for an http(s) `url`; otherwise `text` (by default the url) as escaped text.

    Stored data may hold addresses written before the http(s) rule, or straight into the graph: rendering is
    the last defence against a `javascript:` link.
    """
    label = url if text is None else text
    if is_web_address(url):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', str(url).strip(), label)
    return escape("" if label is None else label)
