"""Presenters: what the pages show, built from selector results without queries."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from orgs.pages.presenters import node_url
from orgs.vocabulary import NODE_KINDS

pytestmark = pytest.mark.no_graph


@pytest.mark.parametrize("label", [label.value for label in NODE_KINDS])
@pytest.mark.parametrize("uid", ["cis-atc", "part-of-955faf790e12", "odd uid:é&?#"])
@pytest.mark.parametrize("script_prefix", ["/", "/atc/"])
def test_a_node_address_is_the_one_reverse_gives(label, uid, script_prefix):
    set_script_prefix(script_prefix)
    try:
        assert node_url(label, uid) == reverse(NODE_KINDS[label].page_route, kwargs={"uid": uid})
    finally:
        clear_script_prefix()
