"""The seed graph holds what the two source documents state, fact by fact, and loads idempotently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from orgs.graph import queries as q
from orgs.graph.connection import cypher
from orgs.importer.read import read_graph_file
from orgs.importer.write import load_graph_file
from orgs.validation import spaced

DOCS = Path(__file__).resolve().parent.parent / "docs"
UID = r"[a-z0-9][a-z0-9._-]*"


def checklist_facts() -> tuple[set[str], set[tuple[str, str, str]]]:
    """Return the node uids and the spelled-out relationships (`a -[TYPE]-> b`) of docs/seed-facts.md's rows."""
    text = "\n".join(re.findall(r"^\| [A-Z]\d+ \|.*$", (DOCS / "seed-facts.md").read_text(), flags=re.M))
    relationships = set(re.findall(rf"`({UID}) -\[([A-Z_]+)\]-> ({UID})`", text))
    named = re.findall(rf"\b(?:orgs?|country|countries|events?|documents?) ((?:`{UID}`(?: \([^)]*\))?(?:, )?)+)", text)
    uids = {uid for names in named for uid in re.findall(rf"`({UID})`", names)}
    return uids | {end for a, _, b in relationships for end in (a, b)}, relationships


def data_model_counts() -> dict[str, int]:
    """Return the seed's counts per label and type as docs/data-model.md's table gives them."""
    section = (DOCS / "data-model.md").read_text().split("## The seed graph", 1)[1].split("\n## ", 1)[0]
    counts: dict[str, int] = {}
    for names, numbers in re.findall(r"^\| ([A-Za-z_ /]+) \| ([\d /]+) \|$", section, flags=re.M):
        counts.update(zip(names.split(" / "), map(int, numbers.split(" / ")), strict=True))
    return counts


def graph_snapshot() -> tuple[dict[str, int], dict[str, int], list]:
    nodes = {row["label"]: row["count"] for row in cypher(q.COUNT_NODES_BY_LABEL)}
    relationships = {row["type"]: row["count"] for row in cypher(q.COUNT_RELATIONSHIPS_BY_TYPE)}
    facts = cypher(
        "MATCH (a:Node)-[r]->(b:Node) RETURN a.uid AS a, type(r) AS t, b.uid AS b, properties(r) AS p, "
        "a.degree AS da ORDER BY a, t, b"
    )
    citations = cypher("MATCH (c:Citation) RETURN properties(c) AS c ORDER BY c.uid")
    return (
        nodes,
        relationships,
        [(f["a"], f["t"], f["b"], sorted(f["p"].items()), f["da"]) for f in facts]
        + [sorted(row["c"].items()) for row in citations],
    )


def relationship(start: str, relationship_type: str, end: str) -> dict | None:
    """Return the relationship's stored properties, with `passages`: its citations' passages."""
    rows = cypher(
        f"MATCH (:Node {{uid: $a}})-[r:{relationship_type}]->(:Node {{uid: $b}}) "
        "OPTIONAL MATCH (c:Citation {relationship_uid: r.uid}) RETURN properties(r) AS p, collect(c.exact) AS passages",
        {"a": start, "b": end},
    )
    return {**rows[0]["p"], "passages": rows[0]["passages"]} if rows else None


def test_the_seed_graph_has_every_node_and_relationship_the_sources_state(seed_graph):
    uids, relationships = checklist_facts()
    in_graph = {row["uid"] for row in cypher("MATCH (n:Node) RETURN n.uid AS uid")}
    stated = {
        (row["a"], row["t"], row["b"])
        for row in cypher("MATCH (a:Node)-[r]->(b:Node) RETURN a.uid AS a, type(r) AS t, b.uid AS b")
    }

    assert len(uids) > 60 and len(relationships) > 30  # the checklist was read
    assert uids <= in_graph
    assert relationships <= stated


def test_the_seed_graph_holds_what_the_data_model_guide_counts(seed_graph):
    nodes, relationships, _ = graph_snapshot()

    assert {**nodes, **relationships} == data_model_counts()


def test_loading_the_seed_twice_leaves_the_same_graph(seed_graph, settings):
    before = graph_snapshot()

    load_graph_file(settings.SEED_GRAPH_FILE)

    assert graph_snapshot() == before


SHORT_PASSAGE = 160  # characters: a name or a clause, not the 600-character sentence that lists nine bodies


def test_every_relationship_of_the_seed_file_lists_its_citations():
    records = read_graph_file(Path(settings.SEED_GRAPH_FILE))["relationships"]

    assert records and all(record.get("citations") and "evidence" not in record for record in records)


def test_every_relationship_rests_on_a_short_passage_found_in_its_source(seed_graph):
    texts = {row["uid"]: row["text"] for row in cypher("MATCH (s:Source) RETURN s.uid AS uid, s.text AS text")}
    rows = cypher(
        "MATCH ()-[r]->() OPTIONAL MATCH (c:Citation {relationship_uid: r.uid}) "
        "RETURN r.uid AS uid, r.source_count AS sources, collect(properties(c)) AS citations"
    )

    assert rows and len({row["uid"] for row in rows}) == len(rows)
    for row in rows:
        assert row["citations"] and row["sources"] == len({c["source_uid"] for c in row["citations"]})
        for citation in row["citations"]:
            found = texts[citation["source_uid"]][citation["start"] : citation["end"]]
            assert spaced(found) == spaced(citation["exact"]), row["uid"]
            assert 10 < len(citation["exact"]) <= SHORT_PASSAGE, citation["exact"]


def test_the_sources_keep_their_full_text(seed_graph):
    texts = {row["uid"]: row["text"] for row in cypher("MATCH (s:Source) RETURN s.uid AS uid, s.text AS text")}

    assert "I-24/7 contact point" in texts["cis-atc-partners"]
    assert "born by merging" in texts["seci-attf"]


@pytest.mark.parametrize("partner", ["interpol", "codexter"])
def test_the_cis_atc_has_observer_status_in_interpol_and_codexter(seed_graph, partner):
    observer = relationship("cis-atc", "HAS_OBSERVER_STATUS_IN", partner)

    assert observer is not None
    (passage,) = observer["passages"]
    assert "is granted an observer status in the INTERPOL" in passage and partner.upper() in passage


def test_the_cis_atc_holds_the_interpol_i_24_7_contact_point(seed_graph):
    contact = relationship("cis-atc", "HAS_CONTACT_POINT_IN", "interpol")

    assert contact["qualifier"] == "I-24/7"
    assert contact["passages"] == ["The Center has the INTERPOL's I-24/7 contact point"]


def test_the_cis_atc_collaborates_with_every_body_its_page_names(seed_graph):
    partners = {
        row["uid"]: row["qualifier"]
        for row in cypher(
            "MATCH (:Organization {uid: 'cis-atc'})-[r:COLLABORATES_WITH]->(p) "
            "RETURN p.uid AS uid, r.qualifier AS qualifier"
        )
    }

    assert set(partners) >= {
        "cis-executive-committee",
        "cis-inter-parliamentary-assembly",
        "cis-border-forces-commanders-council",
        "cis-defence-ministers-council",
        "cis-interior-ministers-council",
        "cis-customs-heads-council",
        "cis-prosecutors-general-council",
        "cis-fiu-heads-council",
        "cis-migration-heads-council",
        "cis-organized-crime-coordination-office",
        "csto",
        "sco-rats",
        "un-ctc",
        "unodc",
        "interpol",
        "osce-atu",
        "codexter",
        "caricc",
        "rilo-moscow",
        "coe-dat",
        "cbss-task-force-organized-crime",
        "acsrt",
        "searcct",
        "cicte",
    }  # rows C2-C22 and C26-C28 of docs/seed-facts.md
    assert partners["csto"].startswith("working contacts")
    assert partners["sco-rats"].startswith("working contacts")
    assert partners["interpol"] == "close ties"
    assert partners["cis-executive-committee"] == "closely collaborates"


def test_the_anti_terrorism_task_force_was_merged_from_two_task_forces_and_is_coordinated_by_turkey(seed_graph):
    merged_from = cypher(
        "MATCH (:Organization {uid: 'attf'})-[:MERGED_FROM]->(o)<-[:COORDINATES]-(c:Country) "
        "RETURN c.uid AS coordinator ORDER BY coordinator"
    )
    coordinators = cypher("MATCH (c)-[:COORDINATES]->(:Organization {uid: 'attf'}) RETURN c.uid AS uid ORDER BY uid")

    assert {row["coordinator"] for row in merged_from} >= {"albania", "romania"}
    assert {row["uid"] for row in coordinators} >= {"turkey", "turkish-national-police"}


def test_each_sub_group_of_the_task_force_is_led_by_the_country_the_page_names(seed_graph):
    rows = cypher(
        "MATCH (c:Country)-[:COORDINATES]->(s:Organization {kind: 'sub_group'})-[:PART_OF]->"
        "(:Organization {uid: 'attf'}) RETURN s.name AS name, c.uid AS country ORDER BY name"
    )

    assert {(row["name"], row["country"]) for row in rows} >= {
        ("ATTF Sub-group on Terrorist Groups", "turkey"),
        ("ATTF Sub-group on Trafficking in Small Arms and Light Weapons", "albania"),
        ("ATTF Sub-group on Trafficking in Weapons of Mass Destruction", "romania"),
    }


def test_events_keep_the_dates_and_places_the_page_gives_and_no_invented_year(seed_graph):
    events = {
        row["name"]: row
        for row in cypher(
            "MATCH (e:Event) OPTIONAL MATCH (e)-[:HELD_IN]->(c:Country) "
            "RETURN e.name AS name, e.start AS start, e.end AS end, e.place AS place, c.uid AS country"
        )
    }

    workshop = events["Workshop addressing the links between Terrorism and Organized Crime"]
    assert (workshop["start"], workshop["end"], workshop["place"], workshop["country"]) == (
        "2013-11-04",
        "2013-11-05",
        "Antalya",
        "turkey",
    )
    fourth = events["4th Anti-Terrorism Task Force Meeting"]
    assert (fourth["start"], fourth["place"], fourth["country"]) == (None, "Bucharest", "romania")
    training = events["Training on Operations against Hi-jacked Planes"]
    assert (training["start"], training["place"], training["country"]) == ("2008", "Ankara", "turkey")


def test_the_declaration_and_resolution_stand_behind_the_task_force(seed_graph):
    rows = cypher(
        "MATCH (:Organization {uid: 'attf'})-[:BASED_ON]->(d:Document)<-[:ADOPTED]-(j) "
        "RETURN d.kind AS kind, j.uid AS adopted_by ORDER BY kind"
    )

    adopted = {(row["kind"], row["adopted_by"]) for row in rows}
    assert adopted >= {("declaration", "seci-jcc"), ("resolution", "seci-jcc")}


def test_parent_bodies_a_reader_needs_are_linked_with_part_of(seed_graph):
    parents = {
        row["child"]: row["parent"]
        for row in cypher("MATCH (c:Organization)-[:PART_OF]->(p:Organization) RETURN c.uid AS child, p.uid AS parent")
    }

    assert parents["codexter"] == "council-of-europe"
    assert parents["sco-rats"] == "sco"
    assert parents["cicte"] == "oas"
    assert parents["rilo-moscow"] == "wco"
    assert parents["cis-atc"] == "cis"
    assert parents["attf"] == "seci-center"
