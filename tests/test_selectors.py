"""Reads answer their question in one query (or one per hop), on the tests' sample graph and on hubs."""

from __future__ import annotations

from orgs.dates import as_of_day, holds_on, valid_on_clause, years_held
from orgs.graph import name_sample
from orgs.graph.connection import cypher, recorded_queries
from orgs.selectors.network import neighbourhood
from orgs.selectors.nodes import node_profile, node_relationships_page
from orgs.selectors.organizations import organization_list
from orgs.selectors.paths import paths_between
from orgs.selectors.stats import graph_counts, hubs
from tests.cypher_factories import relationships_of


def make_hub(uid: str, partners: int) -> None:
    """Create an organization with `partners` COLLABORATES_WITH relationships, half of them ended in 2000."""
    cypher(
        "CREATE (h:Node:Organization {uid: $uid, name: $uid, degree: $n}) WITH h "
        "UNWIND range(1, $n) AS i "
        "CREATE (p:Node:Organization {uid: $uid + '-p' + toString(i), name: 'Partner ' + toString(100000 + i), "
        "degree: 1}) "
        "CREATE (h)-[:COLLABORATES_WITH {uid: 'collaborates-with-' + toString(100000000000 + i), source_uid: 's', "
        "evidence: 'e', until: CASE WHEN i % 2 = 0 THEN '2000' ELSE NULL END}]->(p)",
        {"uid": uid, "n": partners},
    )


def test_a_profile_groups_relationships_by_type_and_direction(sample_graph):
    profile = node_profile(uid="attf")

    groups = {(g["type"], g["outgoing"]): g for g in profile["groups"]}
    assert profile["label"] == "Organization"
    assert groups[("MERGED_FROM", True)]["total"] == 2
    assert {t["other"]["uid"] for t in groups[("COORDINATES", False)]["relationships"]} == {
        "turkey",
        "turkish-national-police",
    }
    assert groups[("PART_OF", False)]["total"] == 3  # its three sub-groups


def test_a_profile_of_an_unknown_uid_is_none(sample_graph):
    assert node_profile(uid="no-such-body") is None


def test_a_hub_profile_is_one_query_that_counts_every_relationship_but_returns_a_page(sample_graph):
    make_hub("hub", 500)

    with recorded_queries() as queries:
        profile = node_profile(uid="hub", per_group=25)

    assert len(queries) == 1
    [group] = profile["groups"]
    assert (group["total"], len(group["relationships"])) == (500, 25)


def test_as_of_hides_relationships_that_had_ended(sample_graph):
    make_hub("hub", 10)

    [group] = node_profile(uid="hub", as_of="2005-06-30")["groups"]

    assert group["total"] == 5
    assert node_profile(uid="hub", as_of="2000-06-30")["groups"][0]["total"] == 10


def test_relationship_pages_continue_after_the_last_name_seen(sample_graph):
    make_hub("hub", 30)
    first = node_relationships_page(uid="hub", relationship_type="COLLABORATES_WITH", outgoing=True, limit=20)
    last = first[-1]["other"]

    rest = node_relationships_page(
        uid="hub", relationship_type="COLLABORATES_WITH", outgoing=True, limit=20, after=(last["name"], last["uid"])
    )

    names = [t["other"]["name"] for t in first + rest]
    assert len(names) == 30 and names == sorted(names)


def test_search_finds_bodies_by_partial_name_acronym_or_alias_whatever_the_case_or_accents(sample_graph):
    def found(text: str) -> list[str]:
        return [row["uid"] for row in organization_list(q=text)]

    assert found("interpol")[0] == "interpol"
    assert "un-ctc" in found("ctc")
    assert {"cis-atc", "attf"} <= set(found("anti-terror"))
    assert "turkish-national-police" in found("TÜRKISH NAT")


def test_search_results_page_in_one_order_without_gaps_or_repeats(sample_graph):
    whole = organization_list(q="terror", limit=9)
    pages = [organization_list(q="terror", skip=skip, limit=3) for skip in (0, 3, 6)]

    assert len(whole) == 9
    assert [row["uid"] for page in pages for row in page] == [row["uid"] for row in whole]
    assert [row["score"] for row in whole] == sorted((row["score"] for row in whole), reverse=True)


def test_the_list_by_name_pages_with_a_keyset(sample_graph):
    first = organization_list(limit=10)
    second = organization_list(limit=10, after=(first[-1]["name"], first[-1]["uid"]))

    everything = organization_list(limit=20)
    assert first + second == everything


def test_the_list_filters_by_kind_country_and_relationship_type(sample_graph):
    assert len(organization_list(kind="sub_group")) == 3
    in_turkey = {row["uid"] for row in organization_list(country="turkey")}
    assert in_turkey == {"coe-dat", "turkish-national-police"}
    assert {row["uid"] for row in organization_list(relationship_type="MERGED_FROM")} == {
        "attf",
        "small-light-weapons-task-force",
        "nuclear-strategic-materials-task-force",
    }


def test_a_neighbourhood_reports_when_its_cap_cut_it_short(sample_graph):
    small = neighbourhood(uid="cis-atc", depth=1, limit=10)
    full = neighbourhood(uid="cis-atc", depth=1, limit=500)

    assert (len(small["nodes"]), small["truncated"]) == (10, True)
    neighbours = {
        uid
        for relationship in relationships_of(sample_graph, "cis-atc")
        for uid in (relationship["from"], relationship["to"])
    } - {"cis-atc"}
    assert len(neighbours) > 10
    assert (len(full["nodes"]), full["truncated"]) == (1 + len(neighbours), False)


def test_a_neighbourhood_can_keep_only_some_relationship_types(sample_graph):
    result = neighbourhood(uid="cis-atc", depth=1, types=["HAS_OBSERVER_STATUS_IN"])

    assert {node["uid"] for node in result["nodes"]} == {"cis-atc", "interpol", "codexter"}


def test_paths_between_two_bodies_go_step_by_step_with_evidence(sample_graph):
    paths = paths_between(from_uid="codexter", to_uid="interpol", k=5)

    assert paths and all(len(path["relationships"]) == 2 for path in paths)
    assert all(path["nodes"][0]["uid"] == "codexter" and path["nodes"][-1]["uid"] == "interpol" for path in paths)
    assert all(relationship["evidence"] for path in paths for relationship in path["relationships"])
    assert len({tuple(t["uid"] for t in path["relationships"]) for path in paths}) == len(paths)


def test_paths_can_be_limited_to_some_relationship_types(sample_graph):
    paths = paths_between(from_uid="codexter", to_uid="interpol", types=["HAS_OBSERVER_STATUS_IN"])

    assert [[t["type"] for t in p["relationships"]] for p in paths] == [
        ["HAS_OBSERVER_STATUS_IN", "HAS_OBSERVER_STATUS_IN"]
    ]


def test_counts_and_hubs_come_from_the_graph(sample_graph):
    counts = graph_counts()

    assert counts["nodes"]["Organization"] == len(sample_graph["organizations"])
    assert counts["relationships"]["MERGED_FROM"] == 2  # the ATTF's two predecessors
    assert hubs(limit=1)[0]["uid"] == "cis-atc"


def test_the_list_by_name_reads_windows_of_sampled_names_and_still_pages_exactly(sample_graph, monkeypatch):
    monkeypatch.setattr(name_sample, "NAME_WINDOW", 3)
    monkeypatch.setattr(name_sample, "END_WINDOW", 1)
    monkeypatch.setattr(name_sample, "_name_sample", {"at": None, "names": []})
    everything = [row["uid"] for row in cypher("MATCH (o:Organization) RETURN o.uid AS uid ORDER BY o.name, o.uid")]

    def walk(descending: bool) -> list[str]:
        seen: list[str] = []
        after = None
        while True:
            page = organization_list(limit=4, after=after, descending=descending)
            seen += [row["uid"] for row in page]
            if len(page) < 4:
                return seen
            after = (page[-1]["name"], page[-1]["uid"])

    assert name_sample.organization_name_sample()  # the windows are in use
    assert walk(descending=False) == everything
    assert walk(descending=True) == everything[::-1]


def test_the_first_page_by_name_either_way_is_one_query_whatever_the_sample(sample_graph, monkeypatch):
    monkeypatch.setattr(name_sample, "NAME_WINDOW", 3)
    monkeypatch.setattr(name_sample, "END_WINDOW", 4)
    monkeypatch.setattr(name_sample, "_name_sample", {"at": None, "names": []})
    names = [row["name"] for row in cypher("MATCH (o:Organization) RETURN o.name AS name")]

    sample = name_sample.organization_name_sample()

    assert sample  # the windows are in use
    assert sum(name < sample[0] for name in names) >= 4
    assert sum(name > sample[-1] for name in names) >= 4
    for descending in (False, True):
        with recorded_queries() as queries:
            assert len(organization_list(limit=4, descending=descending)) == 4
        assert len(queries) == 1


PERIOD_ENDS = [None, "2004", "2005", "2005-03", "2005-03-15", "2005-12", "2005-12-31", "2006"]
AS_OF = ["2004", "2005", "2005-03", "2005-03-15", "2005-06", "2006", "2005-12-31"]


def test_the_cypher_as_of_rule_and_the_python_one_agree_on_every_precision():
    periods = [{"since": since, "until": until} for since in PERIOD_ENDS for until in PERIOD_ENDS]
    for as_of in AS_OF:
        day = as_of_day(as_of)
        query = f"UNWIND $periods AS r RETURN {valid_on_clause('r')} AS holds"

        in_cypher = [row["holds"] for row in cypher(query, {"periods": periods, "as_of": day})]

        assert in_cypher == [holds_on(p["since"], p["until"], day) for p in periods], as_of


def test_the_years_a_period_holds_are_those_the_as_of_rule_says():
    for since in PERIOD_ENDS:
        for until in PERIOD_ENDS:
            first, last = years_held(since, until)
            for year in range(2002, 2009):
                in_years = (first is None or first <= year) and (last is None or year <= last)
                assert in_years == holds_on(since, until, as_of_day(str(year))), (since, until, year)


def test_a_relationship_that_ended_in_march_2005_no_longer_holds_as_of_2005():
    assert years_held("2003", "2005-03") == (2003, 2004)
    assert not holds_on("2003", "2005-03", as_of_day("2005"))
    assert holds_on("2003", "2005", as_of_day("2005"))  # "until 2005" holds through the year
