"""One vocabulary: each node kind's plural, addresses and colour, and each relationship type's colour, come from
orgs/vocabulary.py to the pages, the API, the graph files, the permissions and the browser's stylesheet."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from orgs.importer.read import SECTIONS
from orgs.pages import presenters
from orgs.permissions import GRAPH_MODELS
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel

pytestmark = pytest.mark.no_graph

COLOUR = re.compile(r"#[0-9a-f]{6}")


def test_every_node_label_has_a_kind_with_a_plural_and_a_colour():
    assert list(NODE_KINDS) == list(NodeLabel)
    for kind in NODE_KINDS.values():
        assert kind.plural.islower() and kind.plural != kind.noun
        assert COLOUR.fullmatch(kind.colour), kind


def test_every_relationship_type_has_a_colour():
    for relationship_type in RELATIONSHIP_TYPES.values():
        assert COLOUR.fullmatch(relationship_type.colour), relationship_type.name


@pytest.mark.parametrize("label", list(NodeLabel))
def test_a_kinds_plural_names_its_pages_its_api_path_and_its_graph_file_section(label):
    kind = NODE_KINDS[label]

    assert reverse(kind.list_route) == f"/{kind.plural}/"
    assert reverse(kind.page_route, kwargs={"uid": "x"}) == f"/{kind.plural}/x/"
    assert reverse(f"api:{kind.plural}-detail", kwargs={"uid": "x"}) == f"/api/{kind.plural}/x/"
    assert SECTIONS[kind.plural] is label
    assert kind.noun in GRAPH_MODELS


def test_the_stylesheet_gives_each_kind_and_type_its_colour_as_a_custom_property_and_a_swatch():
    css = presenters.vocabulary_stylesheet()

    for label, kind in NODE_KINDS.items():
        assert f"--node-colour-{label}: {kind.colour};" in css
        assert f".swatch.node-{label} {{ background: var(--node-colour-{label}); }}" in css
    for name, relationship_type in RELATIONSHIP_TYPES.items():
        assert f"--edge-colour-{name}: {relationship_type.colour};" in css
        assert f".swatch.edge-{name} {{ background: var(--edge-colour-{name}); }}" in css


def test_the_stylesheet_is_served_as_css_named_by_its_version_and_kept_by_browsers(client):
    address = presenters.vocabulary_stylesheet_url()

    response = client.get(address)

    assert re.fullmatch(r"/vocabulary\.css\?v=[0-9a-f]{16}", address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    assert response.content.decode() == presenters.vocabulary_stylesheet()
