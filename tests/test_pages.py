"""The analyst pages and the JSON their scripts read, on the tests' sample graph and on generated hubs."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings

from orgs import services
from orgs.graph.connection import GraphUnavailable, connect, cypher, recorded_queries
from orgs.graph.embedded import free_port
from orgs.pages import lists, nodes, parameters
from orgs.selectors.nodes import NODE_SUMMARIES, NODE_SUMMARY
from tests.cypher_factories import (
    CORROBORATING_SOURCES,
    make_corroborated_graph,
    make_hub,
    quoted,
    relationship_with_citations,
    relationships_of,
)

pytestmark = pytest.mark.django_db  # the home page reads the change log from Django's database


def text_of(response) -> str:
    """Return a page's visible text with tags removed and runs of space collapsed."""
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


# --- Home ------------------------------------------------------------------------------------------


def test_the_home_page_shows_what_the_graph_holds_its_hubs_and_its_sources(client, sample_graph):
    page = text_of(client.get("/"))

    def relationships(relationship_type: str) -> int:
        return sum(relationship["type"] == relationship_type for relationship in sample_graph["relationships"])

    assert f"Organizations {len(sample_graph['organizations'])}" in page
    assert f"Countries {len(sample_graph['countries'])}" in page and f"Events {len(sample_graph['events'])}" in page
    assert (
        f"Collaborates with {relationships('COLLABORATES_WITH')}" in page
        and f"Is part of {relationships('PART_OF')}" in page
    )
    hub = f"CIS Anti-Terrorism Center (CIS ATC) {len(relationships_of(sample_graph, 'cis-atc'))} relationships"
    assert page.index(hub) < page.index("SECI Anti-Terrorism Task")
    assert "CIS Anti-Terrorism Center: partners and cooperation" in page


def test_the_home_page_of_an_empty_graph_says_how_to_fill_it(client):
    page = text_of(client.get("/"))

    assert "The graph holds no organizations yet" in page
    assert "No relationships yet." in page
    assert "No edits recorded yet" in page


def test_the_home_page_lists_recent_changes_with_links_to_what_changed(client, sample_graph):
    created = services.node_create(label="Organization", data={"name": "Baltic Sea Task Force"})

    response = client.get("/")
    link = re.search(r'<a href="(/nodes/[^"]+/)">([^<]+)</a>', response.content.decode())

    assert "Baltic Sea Task Force" in link.group(2)
    assert client.get(link.group(1))["Location"] == f"/organizations/{created['uid']}/"


@pytest.mark.parametrize(
    ("who", "sees_the_editor"), [("anonymous", False), ("signed-in reader", False), ("staff", True)]
)
def test_who_made_a_recent_change_is_shown_to_staff_only(client, django_user_model, who, sees_the_editor):
    editor = django_user_model.objects.create_user(username="jdoe-editor", password="x", is_staff=True)
    services.node_create(label="Organization", data={"name": "Baltic Sea Task Force"}, actor=editor)
    if who != "anonymous":
        client.force_login(django_user_model.objects.create_user(username="visitor", is_staff=who == "staff"))

    page = text_of(client.get("/"))

    assert "Baltic Sea Task Force" in page
    assert ("jdoe-editor" in page) is sees_the_editor


# --- Search and lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("interpol", "International Criminal Police Organization"),
        ("ctc", "UN Counter-Terrorism Committee"),
        ("anti-terror", "CIS Anti-Terrorism Center"),
        ("ANTI-TÉRROR cent", "CIS Anti-Terrorism Center"),
    ],
)
def test_search_finds_organizations_by_partial_words_whatever_the_case_and_accents(
    client, sample_graph, typed, expected
):
    response = client.get("/organizations/", {"q": typed})

    assert response.status_code == 200
    assert expected in text_of(response)


@pytest.mark.parametrize(
    ("sort", "first"), [("name", "CIS Anti-Terrorism Center"), ("relationships", "CIS Anti-Terrorism Center")]
)
def test_search_results_can_be_sorted_by_name_or_relationships(client, sample_graph, sort, first):
    body = client.get("/organizations/", {"q": "anti-terror", "sort": sort}).content.decode()

    names = re.findall(r'<td><a href="/organizations/[^/]+/">([^<]+)</a>', body)
    assert names[0] == first
    if sort == "name":
        assert names == sorted(names)


def test_a_search_that_finds_nothing_says_so(client, sample_graph):
    assert "No organization matches “zzyzx”" in text_of(client.get("/organizations/", {"q": "zzyzx"}))


@pytest.mark.parametrize(
    ("facet", "value", "included", "excluded"),
    [
        ("kind", "task_force", "SECI Anti-Terrorism Task Force", "CIS Anti-Terrorism Center"),
        ("country", "turkey", "Turkish National Police", "CIS Anti-Terrorism Center"),
        ("relationship_type", "HAS_OBSERVER_STATUS_IN", "CIS Anti-Terrorism Center", "SECI Center Joint"),
    ],
)
def test_the_organization_list_filters_by_kind_country_and_relationship_type(
    client, sample_graph, facet, value, included, excluded
):
    page = text_of(client.get("/organizations/", {facet: value}))

    assert included in page
    assert excluded not in page.split("Organizations by name")[1]


@pytest.mark.parametrize(
    "former, today",
    [
        (
            "/organizations/?rel_type=COORDINATES&sort=ties",
            "/organizations/?relationship_type=COORDINATES&sort=relationships",
        ),
        ("/ties/cis-atc/COLLABORATES_WITH/out/?as_of=2005", "/relationships/cis-atc/COLLABORATES_WITH/out/?as_of=2005"),
        ("/explore/cis-atc/ties.json?type=PART_OF", "/explore/cis-atc/relationships.json?type=PART_OF"),
    ],
    ids=["a list filter", "a relationship group's page", "the explorer's relationships"],
)
def test_an_address_of_before_the_renaming_redirects_to_todays(client, former, today):
    response = client.get(former)

    assert (response.status_code, response["Location"]) == (301, today)


def test_browsing_organizations_goes_page_by_page_in_name_order(client, sample_graph, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", 10)
    names, pages = [], 0
    address = "/organizations/?kind="
    while address:
        response = client.get(address)
        pages += 1
        names += re.findall(r'<td><a href="/organizations/[^/]+/">([^<]+)</a>', response.content.decode())
        link = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
        address = "/organizations/" + unescape(link.group(1)) if link else None
    everyone = sorted(record["name"] for record in sample_graph["organizations"])
    assert pages == -(-len(everyone) // 10) > 2
    assert names == everyone


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("/countries/", "Albania"),
        ("/events/", "7th Meeting of the Anti-Terrorism Task Force"),
        ("/documents/", "Bucharest Declaration"),
        ("/sources/", "SECI Center: Anti-Terrorism Task Force"),
    ],
)
def test_countries_events_documents_and_sources_can_be_browsed(client, sample_graph, address, expected):
    response = client.get(address)

    assert response.status_code == 200
    assert expected in text_of(response)


def test_autocomplete_suggests_organizations_for_what_is_typed(client, sample_graph):
    results = client.get("/autocomplete.json", {"q": "interp"}).json()["results"]

    assert results[0] == {
        "uid": "interpol",
        "name": "International Criminal Police Organization",
        "acronym": "INTERPOL",
    }


# --- One organization ------------------------------------------------------------------------------


def test_an_organization_page_reads_its_relationships_as_sentences_with_their_evidence(client, sample_graph):
    response = client.get("/organizations/cis-atc/")
    page = text_of(response)

    assert response.status_code == 200
    assert "CIS ATC has observer status in INTERPOL “granted an observer status”" in page
    assert "Evidence: CIS Anti-Terrorism Center: partners and cooperation" in page
    assert "With that the CIS ATC is granted an observer status in the INTERPOL and CODEXTER." in page
    assert "Part of Commonwealth of Independent States" in page
    assert 'href="/explore/cis-atc/"' in response.content.decode()
    assert 'href="/paths/?from=cis-atc"' in response.content.decode()


def test_the_other_end_of_a_relationship_reads_it_backwards(client, sample_graph):
    page = text_of(client.get("/organizations/interpol/"))

    assert "INTERPOL grants observer status to CIS ATC" in page


def test_a_body_lists_its_child_bodies(client, sample_graph):
    page = text_of(client.get("/organizations/cis/"))

    assert "Includes" in page and "CIS Anti-Terrorism Center" in page.split("Includes", 1)[1]


def test_an_organization_page_shows_a_timeline_of_dated_relationships(client, sample_graph):
    cypher(
        "MATCH (:Node {uid: 'cis-atc'})-[r:HAS_OBSERVER_STATUS_IN]->(:Node {uid: 'interpol'}) "
        "SET r.since = '2005', r.until = '2019'"
    )

    page = text_of(client.get("/organizations/cis-atc/"))

    assert "2005 – 2019" in page
    assert "2005 Began: has observer status in INTERPOL" in page
    assert "2019 Ended: has observer status in INTERPOL" in page


def test_a_timeline_lists_the_dated_events_a_node_is_tied_to(client, sample_graph):
    page = text_of(client.get("/countries/turkey/"))

    assert "2013-11-04 Hosted Workshop addressing the links between Terrorism and Organized Crime" in page


def test_as_of_a_year_the_page_leaves_out_relationships_not_yet_begun(client, sample_graph):
    cypher("MATCH (:Node {uid: 'cis-atc'})-[r:HAS_OBSERVER_STATUS_IN]->(:Node {uid: 'interpol'}) SET r.since = '2005'")

    assert "has observer status in INTERPOL" not in text_of(client.get("/organizations/cis-atc/?as_of=2000"))
    assert "has observer status in INTERPOL" in text_of(client.get("/organizations/cis-atc/?as_of=2010"))


@pytest.mark.parametrize(
    ("address", "kicker", "expected"),
    [
        ("/countries/turkey/", "Country", "Turkey hosts COE-DAT"),
        ("/events/attf-7th-meeting/", "Event", "7th Meeting of the Anti-Terrorism Task Force"),
        ("/documents/bucharest-declaration/", "Document", "Bucharest Declaration"),
    ],
)
def test_countries_events_and_documents_share_the_detail_page(client, sample_graph, address, kicker, expected):
    response = client.get(address)

    assert response.status_code == 200
    assert kicker in text_of(response) and expected in text_of(response)


def test_a_node_asked_for_under_the_wrong_kind_redirects_to_its_page(client, sample_graph):
    response = client.get("/organizations/turkey/")

    assert response.status_code == 302
    assert response["Location"] == "/countries/turkey/"


def test_an_unknown_organization_is_not_found(client, sample_graph):
    response = client.get("/organizations/no-such-body/")

    assert response.status_code == 404
    assert "There is no organization 'no-such-body' in the graph." in text_of(response)


def test_a_hub_shows_counts_per_type_and_pages_each_group(client):
    make_hub(partners=60)

    page = text_of(client.get("/organizations/hub/"))

    assert "Has as a member (60)" in page
    assert page.count("Hub Organization has as a member Partner") == nodes.RELATIONSHIPS_PER_GROUP
    assert "Show all 60 — 35 more" in page


def test_a_group_of_relationships_is_paged_by_name(client):
    make_hub(partners=60)

    first = client.get("/relationships/hub/MEMBER_OF/in/")
    link = unescape(re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1))
    second = client.get("/relationships/hub/MEMBER_OF/in/" + link)

    assert text_of(first).count("has as a member Partner") == parameters.PAGE_SIZE
    assert "Partner 1050" in text_of(first) and "Partner 1051" not in text_of(first)
    assert text_of(second).count("has as a member Partner") == 10
    assert "Partner 1051" in text_of(second) and 'rel="next"' not in second.content.decode()


@pytest.mark.parametrize(("partners", "sources"), [(5, 1), (500, 1), (1000, 3)])
def test_an_organization_page_makes_two_graph_queries_whatever_its_number_of_relationships_and_citations(
    client, partners, sources
):
    make_hub(partners=partners, sources=sources)

    with recorded_queries() as queries:
        response = client.get("/organizations/hub/")

    assert response.status_code == 200
    assert f"Has as a member ({partners})" in text_of(response)
    assert (
        response.content.decode().count('class="evidence citation"')
        == min(partners, nodes.RELATIONSHIPS_PER_GROUP) * sources
    )
    assert len(queries) == 2


# --- Citations on a node's page --------------------------------------------------------------------


def test_each_relationship_says_how_many_sources_state_it_and_opens_each_quote_in_place(client):
    make_corroborated_graph()

    response = client.get("/organizations/alpha/")
    body, page = response.content.decode(), text_of(response)

    assert "Alpha Agency collaborates with Beta Bureau since 2003 3 sources sources differ" in page
    assert "Alpha Agency collaborates with Gamma Group 1 source" in page
    assert body.count('<details class="evidence citation"') == 4
    assert "Evidence: Report A — says since 2003" in page and "Evidence: Report B — says since 2005" in page
    assert "Alpha Agency and Beta Bureau have cooperated since 2003" in page


def test_a_quote_links_to_its_passage_on_the_source_page(client):
    cited = make_corroborated_graph()["beta"]["citations"][1]

    body = client.get("/organizations/beta/").content.decode()

    assert f'href="/sources/report-b/?at={cited["uid"]}#{cited["uid"]}"' in body


def test_a_node_page_can_show_only_the_relationships_resting_on_a_single_source(client):
    make_corroborated_graph()

    page = text_of(client.get("/organizations/alpha/", {"single_source": "1"}))

    assert "Alpha Agency collaborates with Gamma Group" in page
    assert "Beta Bureau" not in page.split("Relationships", 1)[1].split("Timeline", 1)[0]


def test_a_group_page_shows_the_sources_of_each_relationship(client):
    make_hub(partners=60, sources=2)

    page = text_of(client.get("/relationships/hub/MEMBER_OF/in/"))

    assert page.count("2 sources") == parameters.PAGE_SIZE
    assert "Evidence: Register of members 2" in page


def test_the_organization_search_finds_bodies_with_a_relationship_resting_on_a_single_source(client):
    make_corroborated_graph()
    relationship_with_citations(
        relationship_type="COLLABORATES_WITH",
        start_uid="beta",
        end_uid="gamma",
        citations=[{"source_uid": "report-a", "exact": "Beta Bureau"}, {"source_uid": "report-b", "exact": "Beta"}],
    )

    response = client.get("/organizations/", {"single_source": "1"})
    names = re.findall(r'<a href="/organizations/[^"]+">([^<]+)</a>', response.content.decode())

    assert response.status_code == 200
    assert names == ["Alpha Agency", "Gamma Group"]
    assert 'href="/organizations/alpha/?single_source=1"' in response.content.decode()


# --- Sources ---------------------------------------------------------------------------------------


def test_a_source_page_lists_every_relationship_it_supports(client, sample_graph):
    response = client.get("/sources/seci-attf/")
    page = text_of(response)

    supported = sum(relationship["source"] == "seci-attf" for relationship in sample_graph["relationships"])
    assert "Relationships this source supports" in page
    assert response.content.decode().count("<blockquote>") == supported
    assert "Turkey hosts" not in page and "Turkish National Police is located in Turkey" in page


def test_a_source_page_highlights_every_cited_passage_in_its_text_linked_to_its_citation(client):
    relationships = make_corroborated_graph()
    first, second = relationships["beta"]["citations"][1], relationships["gamma"]["citations"][0]

    body = client.get("/sources/report-b/").content.decode()
    text = unescape(re.sub(r"<[^>]+>", "", body.split('class="source-text">', 1)[1].split("</div>", 1)[0]))

    assert text == CORROBORATING_SOURCES["report-b"]  # the text whole, in order, between the marks
    assert re.search(
        f'<mark id="{first["uid"]}" data-citations="{first["uid"]}"><a href="\\?at={first["uid"]}#row-{first["uid"]}">'
        "Since 2005 Alpha Agency works with Beta Bureau</a></mark>",
        body,
    )
    assert f'<mark id="{second["uid"]}"' in body
    assert f'<tr id="row-{first["uid"]}"' in body and f'<tr id="row-{second["uid"]}"' in body


def test_overlapping_passages_are_each_highlighted_and_each_has_its_anchor(client):
    relationships = make_corroborated_graph()
    inner = relationship_with_citations(
        relationship_type="COLLABORATES_WITH",
        start_uid="beta",
        end_uid="gamma",
        citations=[quoted("report-b", "Alpha Agency works")],
    )["citations"][0]

    body = client.get("/sources/report-b/").content.decode()

    outer = relationships["beta"]["citations"][1]
    assert f'id="{outer["uid"]}"' in body and f'id="{inner["uid"]}"' in body
    assert f'data-citations="{outer["uid"]} {inner["uid"]}"' in body


def test_a_source_cited_many_times_lists_its_citations_a_page_at_a_time_in_reading_order(client):
    make_hub(partners=120)  # each membership cites `register` once, without an anchor (it has no text)

    first = client.get("/sources/register/")
    link = unescape(re.search(r'rel="next" href="\?([^"]+)"', first.content.decode()).group(1))
    second = client.get("/sources/register/?" + link)

    rows = re.findall(r'<tr id="row-([^"]+)"', first.content.decode() + second.content.decode())
    assert len(rows) == 100 and len(set(rows)) == 100 and rows == sorted(rows)


def test_a_link_to_a_citation_opens_the_page_of_the_list_holding_it(client):
    make_hub(partners=120)
    wanted = f"cit-{100000000 + 107}1"

    response = client.get("/sources/register/", {"at": wanted})

    rows = re.findall(r'<tr id="row-([^"]+)"', response.content.decode())
    assert rows[0] == wanted and len(rows) == 14  # it and the 13 after it
    assert "« First page" in text_of(response)


def test_an_unknown_source_is_not_found(client, sample_graph):
    assert client.get("/sources/nowhere/").status_code == 404


# --- Network explorer ------------------------------------------------------------------------------


def test_the_explorer_page_loads_its_drawing_from_local_files(client, sample_graph):
    body = client.get("/explore/cis-atc/").content.decode()

    assert "/static/vendor/cytoscape.min.js" in body and "/static/js/explorer.js" in body
    assert not re.search(r'src="(https?:)?//', body)


def test_the_explorer_json_holds_the_neighbourhood_with_links(client, sample_graph):
    data = client.get("/explore/cis-atc.json", {"depth": 1}).json()

    uids = {node["id"] for node in data["nodes"]}
    assert {"cis-atc", "interpol", "codexter"} <= uids
    assert data["truncated"] is False
    interpol = next(node for node in data["nodes"] if node["id"] == "interpol")
    assert interpol["url"] == "/organizations/interpol/"
    observer = next(
        edge for edge in data["edges"] if edge["type"] == "HAS_OBSERVER_STATUS_IN" and edge["target"] == "interpol"
    )
    assert observer["source"] == "cis-atc" and observer["reading"] == "has observer status in"
    assert observer["source_count"] == 1


def test_the_explorer_json_gives_each_relationship_its_number_of_sources_and_can_require_several(client):
    make_corroborated_graph()

    every = client.get("/explore/alpha.json", {"depth": 1}).json()
    corroborated = client.get("/explore/alpha.json", {"depth": 1, "sources_min": 2}).json()

    assert {edge["target"]: edge["source_count"] for edge in every["edges"]} == {"beta": 3, "gamma": 1}
    assert [edge["target"] for edge in corroborated["edges"]] == ["beta"]


def test_the_explorer_json_caps_its_size_and_says_when_it_did(client):
    make_hub(partners=600)

    data = client.get("/explore/hub.json").json()
    small = client.get("/explore/hub.json", {"limit": 10}).json()

    assert len(data["nodes"]) == 500 and data["truncated"] is True and data["limit"] == 500
    assert len(small["nodes"]) == 10 and small["truncated"] is True


def test_the_explorer_json_filters_by_type_kind_and_year(client, sample_graph):
    cypher("MATCH (:Node {uid: 'cis-atc'})-[r:HAS_OBSERVER_STATUS_IN]->(:Node {uid: 'interpol'}) SET r.since = '2005'")

    by_type = client.get("/explore/cis-atc.json", {"depth": 1, "type": "HAS_OBSERVER_STATUS_IN"}).json()
    by_kind = client.get("/explore/turkey.json", {"depth": 1, "label": "Event"}).json()
    in_2000 = client.get(
        "/explore/cis-atc.json", {"depth": 1, "type": "HAS_OBSERVER_STATUS_IN", "as_of": "2000"}
    ).json()

    assert {node["id"] for node in by_type["nodes"]} == {"cis-atc", "interpol", "codexter"}
    assert {node["label"] for node in by_kind["nodes"]} == {"Country", "Event"}
    assert {node["id"] for node in in_2000["nodes"]} == {"cis-atc", "codexter"}


def test_expanding_a_hub_gives_its_counts_first_then_pages_of_neighbours(client):
    make_hub(partners=120)

    groups = client.get("/explore/hub/groups.json").json()["groups"]
    first = client.get("/explore/hub/relationships.json", {"type": "MEMBER_OF", "outgoing": "0"}).json()
    second = client.get(
        "/explore/hub/relationships.json", {"type": "MEMBER_OF", "outgoing": "0", **first["next"]}
    ).json()

    assert groups == [{"type": "MEMBER_OF", "outgoing": False, "total": 120, "reading": "has as a member"}]
    assert len(first["nodes"]) == parameters.PAGE_SIZE and first["edges"][0]["target"] == "hub"
    assert second["nodes"][0]["id"] == "partner-1051"


def test_the_explorer_of_an_unknown_node_is_not_found(client, sample_graph):
    assert client.get("/explore/nobody/").status_code == 404
    assert client.get("/explore/nobody.json").status_code == 404


# --- Path finder -----------------------------------------------------------------------------------


def test_the_path_finder_explains_each_step_with_its_evidence(client, sample_graph):
    response = client.get("/paths/", {"from": "cis-atc", "to": "Turkish National Police"})
    page = text_of(response)

    assert "From CIS Anti-Terrorism Center to Turkish National Police" in page
    assert "CIS ATC collaborates with COE-DAT" in page
    assert "COE-DAT is located in Turkey" in page
    assert "Turkey hosts Turkish National Police" in page
    assert "<blockquote>" in response.content.decode()


def test_the_path_finder_shows_the_sources_of_each_step_and_can_require_several(client):
    make_corroborated_graph()

    any_number = text_of(client.get("/paths/", {"from": "beta", "to": "gamma"}))
    corroborated = text_of(client.get("/paths/", {"from": "beta", "to": "gamma", "sources_min": "2"}))

    assert "Beta Bureau collaborates with Alpha Agency" in any_number and "3 sources" in any_number
    assert "1 source" in any_number
    assert "No connection within 6 steps with at least 2 sources per step." in corroborated


def test_the_path_finder_keeps_to_the_chosen_relationship_types(client, sample_graph):
    page = text_of(client.get("/paths/", {"from": "cis-atc", "to": "turkish-national-police", "type": "PART_OF"}))

    assert "No connection within 6 steps through the chosen relationship types." in page


def test_the_path_finder_keeps_to_relationships_valid_in_the_chosen_year(client, sample_graph):
    cypher("MATCH (:Node {uid: 'cis-atc'})-[r:COLLABORATES_WITH]->(:Node {uid: 'coe-dat'}) SET r.since = '2010'")

    found = text_of(client.get("/paths/", {"from": "cis-atc", "to": "coe-dat", "max_length": 1}))
    before = text_of(client.get("/paths/", {"from": "cis-atc", "to": "coe-dat", "max_length": 1, "as_of": "2005"}))

    assert "CIS ATC collaborates with COE-DAT" in found
    assert "No connection within 1 step valid in 2005." in before


def test_the_path_finder_reads_two_uids_in_one_query(client, sample_graph):
    with recorded_queries() as queries:
        page = text_of(client.get("/paths/", {"from": "cis-atc", "to": "turkish-national-police"}))

    assert "From CIS Anti-Terrorism Center to Turkish National Police" in page
    assert [query for query in queries if query in (NODE_SUMMARY, NODE_SUMMARIES)] == [NODE_SUMMARIES]


def test_the_path_finder_says_when_a_name_matches_nothing(client, sample_graph):
    page = text_of(client.get("/paths/", {"from": "cis-atc", "to": "zzyzx"}))

    assert "No organization matches “zzyzx”." in page


def test_the_path_finder_starts_empty(client, sample_graph):
    response = client.get("/paths/", {"from": "cis-atc"})

    assert response.status_code == 200
    assert 'value="CIS Anti-Terrorism Center"' in response.content.decode()


# --- When the graph server is down -----------------------------------------------------------------


def test_pages_answer_503_with_a_clear_page_when_the_graph_server_is_down(client, graph_server):
    try:
        try:
            connect(f"bolt://root:wrong@127.0.0.1:{free_port()}/graph")
        except GraphUnavailable:
            pass
        response = client.get("/organizations/cis-atc/")
    finally:
        connect(settings.NEOMODEL_NEO4J_BOLT_URL)

    assert response.status_code == 503
    assert "The graph is unavailable" in text_of(response)
    assert response["Retry-After"]
