"""Reads answer their question in one query (or one per hop), on the tests' sample graph and on hubs."""

from __future__ import annotations

from orgs.dates import as_of_day, holds_on, valid_on_clause, years_held
from orgs.graph import name_sample
from orgs.graph.connection import cypher, recorded_queries
from orgs.selectors.citations import citations_of
from orgs.selectors.exports import export_relationship_pages, graph_export
from orgs.selectors.network import neighbourhood
from orgs.selectors.nodes import node_profile, node_relationships_page
from orgs.selectors.organizations import organization_list
from orgs.selectors.paths import paths_between
from orgs.selectors.relationships import relationship_list
from orgs.selectors.sources import source_page, source_passages
from orgs.selectors.stats import graph_counts, hubs
from tests.cypher_factories import make_corroborated_graph, relationships_of
from tests.cypher_factories import make_hub as make_cited_hub


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


def test_paths_between_two_bodies_go_step_by_step_with_their_sources(sample_graph):
    paths = paths_between(from_uid="codexter", to_uid="interpol", k=5)

    assert paths and all(len(path["relationships"]) == 2 for path in paths)
    assert all(path["nodes"][0]["uid"] == "codexter" and path["nodes"][-1]["uid"] == "interpol" for path in paths)
    assert all(relationship["source_count"] == 1 for path in paths for relationship in path["relationships"])
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
    monkeypatch.setattr(name_sample.ORGANIZATION_NAMES, "_kept", {})
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
    monkeypatch.setattr(name_sample.ORGANIZATION_NAMES, "_kept", {})
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


# --- Citations -------------------------------------------------------------------------------------


def test_the_citations_of_a_page_s_relationships_come_in_one_query_in_reading_order_with_their_sources():
    relationships = make_corroborated_graph()

    with recorded_queries() as queries:
        found = citations_of(relationship_uids=[relationships["beta"]["uid"], relationships["gamma"]["uid"], "none"])

    assert len(queries) == 1
    assert [citation["source_uid"] for citation in found[relationships["beta"]["uid"]]] == [
        "report-a",
        "report-b",
        "report-c",
    ]
    first = found[relationships["beta"]["uid"]][0]
    assert (first["title"], first["url"], first["since"]) == ("Report A", "https://reports.example/report-a", "2003")
    assert first["uid"] == relationships["beta"]["citations"][0]["uid"]
    assert "relationship_uid" not in first and "none" not in found


def test_every_relationship_a_read_returns_carries_its_number_of_sources():
    make_corroborated_graph()

    [group] = node_profile(uid="alpha")["groups"]
    network = neighbourhood(uid="alpha", depth=1)
    [path] = paths_between(from_uid="beta", to_uid="gamma", k=1)

    assert {r["other"]["uid"]: r["source_count"] for r in group["relationships"]} == {"beta": 3, "gamma": 1}
    assert {r["end"]: r["source_count"] for r in network["edges"]} == {"beta": 3, "gamma": 1}
    assert [r["source_count"] for r in path["relationships"]] == [3, 1]


def test_node_groups_and_neighbourhoods_keep_to_relationships_with_enough_sources():
    make_corroborated_graph()

    [single] = node_profile(uid="alpha", sources_max=1)["groups"]
    corroborated = node_relationships_page(
        uid="alpha", relationship_type="COLLABORATES_WITH", outgoing=True, sources_min=2
    )

    assert [r["other"]["uid"] for r in single["relationships"]] == ["gamma"] and single["total"] == 1
    assert [r["other"]["uid"] for r in corroborated] == ["beta"]
    assert {node["uid"] for node in neighbourhood(uid="alpha", sources_min=2)["nodes"]} == {"alpha", "beta"}


def test_paths_can_require_at_least_n_sources_on_every_hop():
    make_corroborated_graph()
    cypher(
        "MATCH (b:Node {uid: 'beta'}) MATCH (g:Node {uid: 'gamma'}) "
        "CREATE (b)-[:COLLABORATES_WITH {uid: 'direct', source_count: 1, source_uids: ['report-a']}]->(g)"
    )

    assert [len(path["relationships"]) for path in paths_between(from_uid="beta", to_uid="gamma")] == [1]
    assert paths_between(from_uid="beta", to_uid="gamma", sources_min=2) == []
    assert paths_between(from_uid="alpha", to_uid="beta", sources_min=3)[0]["relationships"][0]["source_count"] == 3


def test_the_organization_list_can_keep_bodies_with_a_relationship_resting_on_a_single_source():
    make_corroborated_graph()

    found = {row["uid"] for row in organization_list(single_source=True, limit=500)}
    searched = {row["uid"] for row in organization_list(q="agency", single_source=True)}

    assert {"alpha", "gamma"} <= found and "beta" not in found
    assert searched == {"alpha"}


def test_the_relationship_list_filters_by_a_source_its_citations_quote_and_by_their_number():
    make_corroborated_graph()

    by_source = relationship_list(node="alpha", source="report-c")
    corroborated = relationship_list(types=["COLLABORATES_WITH"], sources_min=2)

    assert [row["end"] for row in by_source] == ["beta"]
    assert [row["end"] for row in corroborated] == ["beta"]


def test_a_source_page_reads_its_citations_in_reading_order_a_page_at_a_time_without_gaps_or_repeats():
    make_cited_hub(partners=30)
    make_corroborated_graph()

    pages, after = [], None
    while True:
        page = source_page(uid="register", after=after, limit=7)
        pages.append([row["citation"]["uid"] for row in page["citations"]])
        after = page["next"]
        if after is None:
            break
    report = source_page(uid="report-b")

    seen = [uid for page in pages for uid in page]
    assert len(pages) == 5 and len(seen) == 30 and seen == sorted(set(seen))
    assert [row["citation"]["start"] for row in report["citations"]] == [17, 65]
    assert report["citations"][0]["start"]["uid"] == "alpha" and report["citations"][0]["sources"] == 3
    assert source_page(uid="nowhere") is None


def test_a_source_page_opened_at_a_citation_starts_with_it():
    make_cited_hub(partners=30)

    page = source_page(uid="register", at="cit-1000000201", limit=5)

    assert [row["citation"]["uid"] for row in page["citations"]][0] == "cit-1000000201"
    assert source_page(uid="register", at="cit-unknown", limit=5)["citations"][0]["citation"]["uid"] == (
        "cit-1000000011"
    )


def test_a_source_s_passages_are_its_anchored_spans_and_say_when_there_are_too_many():
    make_corroborated_graph()

    passages = source_passages(uid="report-b")
    few = source_passages(uid="report-b", limit=1)

    assert [(p["start"], p["end"]) for p in passages["passages"]] == [(17, 63), (65, 100)]
    assert passages["complete"] is True and few["complete"] is False and len(few["passages"]) == 1


def test_exports_can_carry_each_relationship_s_citations_a_page_at_a_time():
    relationships = make_corroborated_graph()

    with recorded_queries() as queries:
        pages = list(export_relationship_pages("COLLABORATES_WITH", batch=1, citations=True))
    around = graph_export(around="gamma", citations=True)

    assert len(pages) == 2 and len(queries) == 5  # each page: its relationships, then their citations; then the end
    cited = {row["end"]: [citation["uid"] for citation in row["citations"]] for [row] in pages}
    assert cited == {end: [c["uid"] for c in relationships[end]["citations"]] for end in ("beta", "gamma")}
    assert [row["citations"][0]["exact"] for row in around["relationships"]] == ["Alpha Agency works with Gamma Group"]
    assert [source["uid"] for source in around["nodes"]["Source"]] == ["report-b"]


def test_a_source_page_reads_windows_of_sampled_reading_keys_and_still_pages_exactly(monkeypatch):
    monkeypatch.setattr(name_sample, "CITATION_WINDOW", 3)
    monkeypatch.setattr(name_sample.READING_KEYS, "_kept", {})
    make_cited_hub(partners=40)
    everything = [
        row["uid"] for row in cypher("MATCH (c:Citation {source_uid: 'register'}) RETURN c.uid AS uid ORDER BY uid")
    ]

    seen, after = [], None
    while True:
        page = source_page(uid="register", after=after, limit=6)
        seen += [row["citation"]["uid"] for row in page["citations"]]
        after = page["next"]
        if after is None:
            break
    opened = source_page(uid="register", at=everything[17], limit=5)

    assert name_sample.reading_key_sample("register")  # the windows are in use
    assert seen == everything
    assert [row["citation"]["uid"] for row in opened["citations"]] == everything[17:22]
