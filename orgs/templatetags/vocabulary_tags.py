"""What every page's frame takes from the vocabulary: the navigation by node kind and the colours' stylesheet."""

from __future__ import annotations

from django import template

from orgs.pages import presenters

register = template.Library()


@register.simple_tag
def node_kind_links() -> tuple[dict[str, str], ...]:
    """Return each node kind's title and list address, for the site's navigation."""
    return presenters.node_kind_links()


@register.simple_tag
def vocabulary_stylesheet_url() -> str:
    """Return the address of the stylesheet that carries the vocabulary's colours."""
    return presenters.vocabulary_stylesheet_url()
