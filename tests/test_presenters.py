"""Presenters: what the pages show, built from selector results without queries."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from orgs.pages.presenters import node_url, relationship_view, source_text_pieces, sources_label
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


def test_a_source_text_is_cut_at_its_passages_bounds_each_piece_naming_the_citations_quoting_it():
    text = "One two three four five."
    passages = [{"start": 4, "end": 13, "uids": ["cit-outer"]}, {"start": 8, "end": 18, "uids": ["cit-b", "cit-c"]}]

    pieces = source_text_pieces(text, passages)

    assert "".join(piece["text"] for piece in pieces) == text
    assert pieces == [
        {"text": "One "},
        {"text": "two ", "citations": ["cit-outer"], "id": "cit-outer", "anchors": []},
        {"text": "three", "citations": ["cit-outer", "cit-b", "cit-c"], "id": "cit-b", "anchors": ["cit-c"]},
        {"text": " four", "citations": ["cit-b", "cit-c"], "id": None, "anchors": []},
        {"text": " five."},
    ]


def test_a_relationship_says_how_many_sources_state_it_and_where_they_differ():
    relationship = {
        "uid": "r",
        "type": "COLLABORATES_WITH",
        "outgoing": True,
        "source_count": 2,
        "other": {"uid": "b", "label": "Organization", "name": "B"},
    }
    citations = {
        "r": [
            {"uid": "cit-1", "source_uid": "s1", "exact": "x", "since": "2003"},
            {"uid": "cit-2", "source_uid": "s2", "exact": "y", "since": "2005"},
        ]
    }

    view = relationship_view(relationship, citations)

    assert (view["sources"], view["differ"]) == ("2 sources", ["since"])
    assert [citation["period"] for citation in view["citations"]] == ["since 2003", "since 2005"]
    assert view["citations"][1]["passage_url"] == "/sources/s2/?at=cit-2#cit-2"
    assert sources_label(1) == "1 source" and sources_label(None) == ""
