"""The importer checks a whole graph file before writing any of it, and says what is wrong where."""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from orgs.graph.connection import AlreadyExists, cypher
from orgs.importer import check
from orgs.importer.check import validate_graph
from orgs.importer.read import GraphFileInvalid, read_graph_file
from orgs.importer.write import CheckedStream, import_graph, load_graph_file, prefetched, write_graph

SOURCE_TEXT = "The CIS ATC is granted an observer status in the INTERPOL and CODEXTER."
SMALL_GRAPH = {
    "sources": [{"uid": "src", "title": "A page", "text": SOURCE_TEXT}],
    "countries": [{"uid": "turkey", "name": "Turkey", "iso_code": "TR"}],
    "organizations": [
        {"uid": "cis-atc", "name": "CIS Anti-Terrorism Center", "kind": "regional_centre", "aliases": ["ATC"]},
        {"uid": "interpol", "name": "INTERPOL", "kind": "international_organization", "founded": "1923"},
    ],
    "relationships": [
        {
            "type": "HAS_OBSERVER_STATUS_IN",
            "from": "cis-atc",
            "to": "interpol",
            "since": "2005",
            "source": "src",
            "evidence": SOURCE_TEXT,
        },
    ],
}


def stated(relationship_type: str, start: str, end: str, evidence: str, **fields: str) -> dict:
    """Return a relationship record in the single-source form, citing the graph's source `src`."""
    return {"type": relationship_type, "from": start, "to": end, "source": "src", "evidence": evidence, **fields}


def node_count() -> int:
    return cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"]


def graph_with(**changes) -> dict:
    graph = copy.deepcopy(SMALL_GRAPH)
    for path, value in changes.items():
        section, index, field = path.split("__")
        graph[section][int(index)][field] = value
    return graph


def test_a_valid_file_is_written_with_degrees_and_search_text():
    write_graph(validate_graph(copy.deepcopy(SMALL_GRAPH)))

    rows = cypher("MATCH (o:Organization) RETURN o.uid AS uid, o.degree AS degree, o.search_text AS text ORDER BY uid")
    assert [(row["uid"], row["degree"]) for row in rows] == [("cis-atc", 1), ("interpol", 1)]
    assert "cis anti terrorism center" in rows[0]["text"]


def test_relationships_of_one_type_keep_exactly_the_properties_each_was_given():
    graph = copy.deepcopy(SMALL_GRAPH)
    graph["organizations"].append({"uid": "codexter", "name": "CODEXTER", "kind": "other"})
    graph["organizations"].append({"uid": "odihr", "name": "ODIHR", "kind": "other"})
    graph["relationships"] += [
        {
            "type": "HAS_OBSERVER_STATUS_IN",
            "from": "cis-atc",
            "to": "codexter",
            "until": "2010",
            "qualifier": "as an observer",
            "confidence": "inferred",
            "source": "src",
            "evidence": SOURCE_TEXT,
        },
        stated("HAS_OBSERVER_STATUS_IN", "odihr", "interpol", SOURCE_TEXT),
    ]

    write_graph(validate_graph(graph))

    rows = cypher(
        "MATCH (a)-[r:HAS_OBSERVER_STATUS_IN]->(b) RETURN b.uid + '<' + a.uid AS relationship, properties(r) AS props"
    )
    kept = {row["relationship"]: {k: v for k, v in row["props"].items() if k not in {"uid", "version"}} for row in rows}
    one_source = {"source_count": 1, "source_uids": ["src"]}
    assert kept == {
        "interpol<cis-atc": {"since": "2005", "confidence": "stated", **one_source},
        "codexter<cis-atc": {"until": "2010", "qualifier": "as an observer", "confidence": "inferred", **one_source},
        "interpol<odihr": {"confidence": "stated", **one_source},
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"relationships__0__type": "LIKES"}, "relationships[0] (cis-atc -LIKES-> interpol): field 'type': unknown"),
        ({"relationships__0__to": "nobody"}, "field 'to': no node with uid 'nobody'"),
        ({"relationships__0__since": "2005-13"}, "field 'since': '2005-13' has no month 13"),
        ({"relationships__0__until": "2001"}, "field 'until': is before since"),
        ({"relationships__0__to": "cis-atc"}, "field 'to': a relationship must join two different nodes"),
        ({"relationships__0__to": "turkey"}, "field 'to': HAS_OBSERVER_STATUS_IN cannot end at a Country"),
        ({"relationships__0__evidence": "Something else."}, "field 'evidence': not found word for word"),
        ({"relationships__0__source": "elsewhere"}, "field 'source': no source with uid 'elsewhere'"),
        ({"organizations__1__kind": "club"}, "organizations[1] (interpol): field 'kind': 'club' is not one of"),
        ({"organizations__1__founded": "last year"}, "field 'founded': 'last year' is not a date"),
        ({"organizations__1__uid": "cis-atc"}, "field 'uid': 'cis-atc' is used twice"),
        ({"organizations__1__name": "CIS Anti-Terrorism Center"}, "field 'name'"),
        ({"organizations__1__colour": "blue"}, "field 'colour': unknown field"),
        ({"organizations__1__former_uids": "old-interpol"}, "field 'former_uids': expected a list of uids"),
        ({"organizations__1__former_uids": ["cis-atc"]}, "field 'former_uids': 'cis-atc' is a node's uid in this file"),
    ],
)
@pytest.mark.parametrize("load", [validate_graph, import_graph], ids=["validate", "import"])
def test_a_bad_record_is_named_with_its_field_and_nothing_is_written(load, changes, expected):
    # import_graph checks relationships while it writes the nodes: a bad one must undo those writes.
    with pytest.raises(GraphFileInvalid) as raised:
        load(graph_with(**changes))

    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
    assert node_count() == 0


def test_every_problem_of_a_file_is_reported_at_once():
    graph = graph_with(organizations__1__kind="club", relationships__0__since="soon")

    with pytest.raises(GraphFileInvalid) as raised:
        validate_graph(graph)

    assert len(raised.value.problems) == 2


def test_the_same_symmetric_relationship_stated_both_ways_is_refused():
    graph = copy.deepcopy(SMALL_GRAPH)
    for start, end in (("cis-atc", "interpol"), ("interpol", "cis-atc")):
        graph["relationships"].append(stated("COLLABORATES_WITH", start, end, SOURCE_TEXT))

    with pytest.raises(GraphFileInvalid, match="stated twice"):
        validate_graph(graph)


def test_a_write_that_fails_halfway_leaves_the_graph_as_it_was():
    write_graph(validate_graph(copy.deepcopy(SMALL_GRAPH)))
    before = cypher("MATCH (n) RETURN n.uid AS uid ORDER BY uid")
    clash = {
        "organizations": [
            {"uid": "new-body", "name": "A new body"},
            {"uid": "interpol-copy", "name": "INTERPOL"},  # the name is taken in the graph: the write fails
        ]
    }

    with pytest.raises(AlreadyExists):
        write_graph(validate_graph(clash))

    assert cypher("MATCH (n) RETURN n.uid AS uid ORDER BY uid") == before


def test_an_import_into_a_graph_merges_known_relationships_and_counts_every_degree():
    import_graph(copy.deepcopy(SMALL_GRAPH))
    addition = copy.deepcopy(SMALL_GRAPH)  # restates the observer status, adds a body tied to two known ones
    addition["organizations"] = [{"uid": "seci", "name": "SECI Center", "kind": "regional_centre"}]
    addition["relationships"] += [
        stated("COLLABORATES_WITH", "seci", uid, SOURCE_TEXT) for uid in ("interpol", "cis-atc")
    ]

    counts = import_graph(addition)

    assert counts == {"Source": 1, "Country": 1, "Organization": 1, "HAS_OBSERVER_STATUS_IN": 1, "COLLABORATES_WITH": 2}
    assert cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] == 3
    degrees = cypher("MATCH (n:Node) RETURN n.uid AS uid, n.degree AS stored, COUNT { (n)--() } AS live ORDER BY uid")
    assert [(row["uid"], row["stored"]) for row in degrees] == [
        ("cis-atc", 2),
        ("interpol", 2),
        ("seci", 2),
        ("src", 0),
        ("turkey", 0),
    ]
    assert all(row["stored"] == row["live"] for row in degrees)


def test_an_import_that_finds_a_bad_node_after_writing_earlier_ones_leaves_nothing(monkeypatch):
    monkeypatch.setattr(check, "BATCH_SIZE", 1)  # each checked node is written before the next is checked
    graph = copy.deepcopy(SMALL_GRAPH)
    graph["organizations"].append({"uid": "atc-again", "name": "CIS Anti-Terrorism Center"})

    with pytest.raises(GraphFileInvalid, match="is also cis-atc's name"):
        import_graph(graph)

    assert node_count() == 0


def test_no_relationship_is_handed_to_the_writer_once_a_node_has_a_problem():
    # import_graph writes what the checking thread hands over until the checker reports: a relationship to the bad node
    # would fail on its missing end and be reported instead of the node's own problem (seen on Neo4j).
    graph = graph_with(organizations__1__founded="last year")
    checked = check.checked_nodes(graph, facts=check.graph_facts(graph))
    handed_over: list[str] = []

    relationships, problems = check.checked_relationships(
        checked, ready=lambda relationship_type, rows: handed_over.append(relationship_type)
    )

    assert handed_over == []
    assert problems == [] and list(relationships) == ["HAS_OBSERVER_STATUS_IN"]  # the relationships themselves are fine


def test_a_relationship_whose_end_was_deleted_since_the_check_is_refused_and_nothing_written():
    write_graph(validate_graph(copy.deepcopy(SMALL_GRAPH)))
    addition = {
        "organizations": [{"uid": "seci", "name": "SECI Center"}],
        "relationships": [stated("COLLABORATES_WITH", "seci", "turkey-police", "The CIS ATC")],
    }
    write_graph(validate_graph({"organizations": [{"uid": "turkey-police", "name": "Turkish National Police"}]}))
    batch = validate_graph(addition)
    cypher("MATCH (n:Node {uid: 'turkey-police'}) DETACH DELETE n")

    with pytest.raises(GraphFileInvalid, match="no node with uid 'turkey-police'"):
        write_graph(batch)

    assert cypher("MATCH (n:Node {uid: 'seci'}) RETURN count(n) AS n")[0]["n"] == 0


def test_checked_batches_arrive_as_they_are_checked_and_can_be_read_again_from_the_first():
    stream: CheckedStream[str] = CheckedStream()
    received: list[str] = []

    def read() -> None:
        received.extend(key for key, rows in stream)

    reader = threading.Thread(target=read)
    reader.start()
    stream.append("first", [{"uid": "a"}])
    stream.append("second", [{"uid": "b"}])
    stream.close()
    reader.join(timeout=5)

    assert received == ["first", "second"]
    assert [key for key, rows in stream] == ["first", "second"]  # a retried transaction starts over


def test_a_stream_closed_with_the_checkers_error_raises_it_after_its_batches():
    stream: CheckedStream[str] = CheckedStream()
    stream.append("first", [{"uid": "a"}])
    stream.close(GraphFileInvalid(["relationships[9]: field 'type': unknown"]))
    received = []

    with pytest.raises(GraphFileInvalid):
        for key, _rows in stream:
            received.append(key)

    assert received == ["first"]


def test_prefetched_items_come_in_order_made_on_another_thread():
    makers = []

    def items():
        for number in range(5):
            makers.append(threading.current_thread())
            yield number

    assert list(prefetched(items())) == [0, 1, 2, 3, 4]
    assert threading.current_thread() not in makers


def test_an_error_making_a_prefetched_item_is_raised_in_its_place():
    def items():
        yield 1
        raise GraphFileInvalid(["relationships: no node with uid 'gone'"])

    received = []
    with pytest.raises(GraphFileInvalid):
        for item in prefetched(items()):
            received.append(item)
    assert received == [1]


def test_leaving_prefetched_items_early_stops_their_maker():
    made = []

    def endless():
        while True:
            made.append(1)
            yield len(made)

    for item in prefetched(endless(), ahead=2):
        if item == 3:
            break

    assert len(made) <= 3 + 2 + 1  # what was taken, what was waiting, and the one being handed over
    assert not [thread for thread in threading.enumerate() if thread.name == "prefetch"]


def test_relationships_may_point_at_nodes_already_in_the_graph():
    write_graph(validate_graph(copy.deepcopy(SMALL_GRAPH)))
    addition = {"relationships": [stated("LOCATED_IN", "cis-atc", "turkey", "The CIS ATC", confidence="inferred")]}

    write_graph(validate_graph(addition))

    located = cypher("MATCH (:Organization {uid: 'cis-atc'})-[:LOCATED_IN]->(c) RETURN c.uid AS uid")
    assert located[0]["uid"] == "turkey"


@pytest.mark.parametrize("load", [validate_graph, import_graph], ids=["validate", "import"])
def test_evidence_is_looked_for_in_a_source_already_in_the_graph(load):
    write_graph(validate_graph(copy.deepcopy(SMALL_GRAPH)))
    addition = {"relationships": [stated("LOCATED_IN", "cis-atc", "turkey", "The centre is in Turkey.")]}

    with pytest.raises(GraphFileInvalid) as raised:
        load(addition)

    assert raised.value.problems == [
        "relationships[0] (cis-atc -LOCATED_IN-> turkey): field 'evidence': not found word for word in source 'src'"
    ]
    assert cypher("MATCH ()-[r:LOCATED_IN]->() RETURN count(r) AS n")[0]["n"] == 0


@pytest.mark.parametrize("load", [validate_graph, import_graph], ids=["validate", "import"])
def test_a_source_restated_without_its_text_keeps_the_graphs_text_for_its_evidence(load):
    write_graph(validate_graph(copy.deepcopy(SMALL_GRAPH)))
    addition = {
        "sources": [{"uid": "src", "title": "A page, retitled"}],
        "relationships": [stated("LOCATED_IN", "cis-atc", "turkey", "The centre is in Turkey.")],
    }

    with pytest.raises(GraphFileInvalid, match="field 'evidence': not found word for word in source 'src'"):
        load(addition)


def test_a_file_that_is_not_yaml_is_refused_with_its_path(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("organizations: [unclosed", encoding="utf-8")

    with pytest.raises(GraphFileInvalid, match="not valid YAML/JSON"):
        read_graph_file(path)


def test_the_load_command_reports_problems_and_writes_nothing(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(graph_with(relationships__0__type="LIKES")), encoding="utf-8")

    with pytest.raises(CommandError, match=r"(?s)nothing was written.*field 'type'"):
        call_command("load_graph", str(path))

    assert node_count() == 0


def test_the_load_command_dry_run_validates_without_writing(tmp_path: Path, capsys):
    path = tmp_path / "good.yaml"
    path.write_text(yaml.safe_dump(SMALL_GRAPH), encoding="utf-8")

    call_command("load_graph", str(path), "--dry-run")

    assert "is valid" in capsys.readouterr().out
    assert node_count() == 0
    load_graph_file(path)
    assert node_count() == 4


@pytest.fixture
def retired_uids_in_graph() -> None:
    """A graph where 'gone' was deleted and 'dp' merged into 'kp': neither uid may name a node again."""
    from orgs import services

    for uid, name in (("gone", "Gone Body"), ("kp", "Keeper"), ("dp", "Duplicate")):
        services.node_create(label="Organization", uid=uid, data={"name": name})
    services.node_delete(uid="gone")
    services.organizations_merge(survivor_uid="kp", loser_uid="dp")


RETIRED_FILE = {
    "organizations": [
        {"uid": "gone", "name": "Gone Again"},
        {"uid": "fresh", "name": "Fresh Body"},
        {"uid": "dp", "name": "Duplicate Again"},
    ]
}


def test_an_import_naming_a_deleted_or_merged_away_uid_is_refused_whole(retired_uids_in_graph):
    with pytest.raises(GraphFileInvalid) as refused:
        import_graph(copy.deepcopy(RETIRED_FILE))

    assert refused.value.problems == [
        f"organizations[0] (gone): field 'uid': 'gone' is the uid of a node deleted on {today()}, and such uids "
        "are never reused",
        "organizations[2] (dp): field 'uid': 'dp' is the former uid of an organization merged into 'kp', and "
        "such uids are never reused",
    ]
    assert cypher("MATCH (n:Node) WHERE n.uid IN ['gone', 'fresh', 'dp'] RETURN n.uid AS uid") == []
    with pytest.raises(GraphFileInvalid, match="'gone' is the uid of a node deleted"):
        validate_graph(copy.deepcopy(RETIRED_FILE))  # the API's import and dry run check with this


def test_the_load_command_and_its_dry_run_refuse_a_retired_uid_naming_the_record(retired_uids_in_graph, tmp_path: Path):
    path = tmp_path / "retired.yaml"
    path.write_text(yaml.safe_dump(RETIRED_FILE), encoding="utf-8")

    for extra in (["--dry-run"], []):
        with pytest.raises(
            CommandError,
            match=r"(?s)nothing was written.*organizations\[0\] \(gone\): field 'uid'"
            r".*deleted.*organizations\[2\] \(dp\): field 'uid'.*merged into 'kp'",
        ):
            call_command("load_graph", str(path), *extra)

    assert cypher("MATCH (n:Node) WHERE n.uid IN ['gone', 'fresh', 'dp'] RETURN n.uid AS uid") == []


def today() -> str:
    import datetime

    return datetime.datetime.now(datetime.UTC).date().isoformat()


# --- Citations: a relationship record lists the passages of its sources that state it ------------------------

SECOND_TEXT = "Since 2003 the CIS ATC works with INTERPOL. The CIS ATC works with INTERPOL on wanted lists."


def graph_with_citations(*citations: dict, **fields) -> dict:
    """Return the small graph with a second source and its one relationship in the form with `citations`."""
    graph = copy.deepcopy(SMALL_GRAPH)
    graph["sources"].append({"uid": "src-2", "title": "A second page", "text": SECOND_TEXT})
    graph["relationships"] = [
        {"type": "HAS_OBSERVER_STATUS_IN", "from": "cis-atc", "to": "interpol", **fields, "citations": list(citations)}
    ]
    return graph


def stored_citations() -> list[dict]:
    return cypher("MATCH (c:Citation) RETURN properties(c) AS c ORDER BY c.source_uid, c.start")


def stored_relationship() -> dict:
    return cypher("MATCH ()-[r:HAS_OBSERVER_STATUS_IN]->() RETURN properties(r) AS props")[0]["props"]


def test_each_citation_is_anchored_in_its_source_and_the_relationship_keeps_what_they_support_together():
    graph = graph_with_citations(
        {"source": "src", "exact": "observer status in the INTERPOL", "since": "2005"},
        {"source": "src-2", "exact": "works with INTERPOL", "since": "2003", "qualifier": "on wanted lists"},
    )

    import_graph(graph)

    first, second = (row["c"] for row in stored_citations())
    assert first["exact"] == "observer status in the INTERPOL"
    assert SOURCE_TEXT[first["start"] : first["end"]] == first["exact"]
    assert first["prefix"] == SOURCE_TEXT[: first["start"]][-32:]
    assert second["start"] == SECOND_TEXT.index("works with INTERPOL")  # the first of its two occurrences
    assert {first["relationship_uid"], second["relationship_uid"]} == {stored_relationship()["uid"]}
    assert first["relationship_type"] == "HAS_OBSERVER_STATUS_IN"
    assert (first["start_uid"], first["end_uid"]) == ("cis-atc", "interpol")
    assert first["added_by"] == "import" and first["uid"].startswith("cit-")
    relationship = stored_relationship()
    assert relationship["since"] == "2003" and relationship["qualifier"] == "on wanted lists"
    assert relationship["source_count"] == 2 and relationship["source_uids"] == ["src", "src-2"]
    assert "source_uid" not in relationship and "evidence" not in relationship


def test_a_citation_with_start_picks_a_later_occurrence_of_its_passage():
    later = SECOND_TEXT.rindex("works with INTERPOL")

    import_graph(graph_with_citations({"source": "src-2", "exact": "works with INTERPOL", "start": later}))

    assert stored_citations()[0]["c"]["start"] == later


def test_a_record_in_todays_single_source_form_is_one_citation():
    import_graph(copy.deepcopy(SMALL_GRAPH))

    (row,) = stored_citations()
    assert (row["c"]["source_uid"], row["c"]["exact"], row["c"]["start"]) == ("src", SOURCE_TEXT, 0)
    assert row["c"]["since"] == "2005"
    assert stored_relationship()["since"] == "2005"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"source": "src", "evidence": SOURCE_TEXT, "citations": [{"source": "src", "exact": "the INTERPOL"}]},
            "relationships[0] (cis-atc -HAS_OBSERVER_STATUS_IN-> interpol): field 'source': a relationship with "
            "`citations` names its sources in them",
        ),
        ({"citations": []}, "field 'citations': expected a list of one or more citations"),
        ({"citations": [{"source": "src", "exact": "Interpol"}]}, "field 'citations[0].exact': not found word for"),
        ({"citations": [{"source": "nowhere", "exact": "x"}]}, "field 'citations[0].source': no source with uid"),
        ({"citations": [{"source": "src", "exact": " "}]}, "field 'citations[0].exact': this field is required"),
        (
            {"citations": [{"source": "src", "exact": "the INTERPOL", "start": 10**6}]},
            "'citations[0].start': is outside",
        ),
        (
            {"citations": [{"source": "src", "exact": "the INTERPOL", "colour": "red"}]},
            "'citations[0].colour': unknown",
        ),
        (
            {"citations": [{"source": "src", "exact": "the INTERPOL"}, {"source": "src", "exact": "the  INTERPOL"}]},
            "field 'citations[1].exact': the same passage as citations[0]",
        ),
        (
            {"since": "2004", "citations": [{"source": "src", "exact": "the INTERPOL", "since": "2005"}]},
            "field 'since': differs from what its citations support (2005)",
        ),
        (
            {"qualifier": "x", "citations": [{"source": "src", "exact": "the INTERPOL"}]},
            "field 'qualifier': differs from what its citations support (none)",
        ),
    ],
)
def test_a_bad_citation_is_a_problem_naming_the_record_and_field_and_nothing_is_written(record, expected):
    graph = copy.deepcopy(SMALL_GRAPH)
    graph["relationships"][0] = {"type": "HAS_OBSERVER_STATUS_IN", "from": "cis-atc", "to": "interpol", **record}

    with pytest.raises(GraphFileInvalid) as raised:
        import_graph(graph)

    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
    assert node_count() == 0


def test_a_summary_written_beside_the_citations_that_matches_them_is_accepted():
    graph = graph_with_citations(
        {"source": "src", "exact": "the INTERPOL", "since": "2005"}, since="2005", confidence="stated", source_count=1
    )

    import_graph(graph)

    assert stored_relationship()["since"] == "2005"


def test_a_file_adds_its_citations_to_a_relationship_already_in_the_graph_and_keeps_the_others():
    import_graph(graph_with_citations({"source": "src", "exact": "the INTERPOL", "since": "2005"}))
    before = stored_relationship()

    import_graph(graph_with_citations({"source": "src-2", "exact": "works with INTERPOL", "since": "2003"}))

    assert [row["c"]["source_uid"] for row in stored_citations()] == ["src", "src-2"]
    after = stored_relationship()
    assert after["uid"] == before["uid"]
    assert (after["since"], after["source_count"], after["version"]) == ("2003", 2, before["version"] + 1)


def test_a_citation_with_the_uid_of_one_in_the_graph_is_updated_not_doubled():
    import_graph(graph_with_citations({"source": "src", "exact": "the INTERPOL", "since": "2005"}))
    (first,) = (row["c"] for row in stored_citations())

    import_graph(graph_with_citations({"uid": first["uid"], "source": "src", "exact": "observer status"}))

    (citation,) = (row["c"] for row in stored_citations())  # the file's record of it: its `since` is gone
    assert (citation["uid"], citation["exact"], citation.get("since")) == (first["uid"], "observer status", None)
    assert citation["added_at"] == first["added_at"]
    assert "since" not in stored_relationship()


def test_a_citation_with_the_same_source_and_passage_takes_the_files_values():
    import_graph(graph_with_citations({"source": "src", "exact": "the INTERPOL", "since": "2005"}))

    import_graph(graph_with_citations({"source": "src", "exact": "the  INTERPOL", "since": "2004"}))

    (citation,) = (row["c"] for row in stored_citations())
    assert citation["since"] == stored_relationship()["since"] == "2004"


def test_loading_a_file_with_citations_twice_leaves_the_same_graph():
    graph = graph_with_citations(
        {"source": "src", "exact": "the INTERPOL"}, {"source": "src-2", "exact": "works with INTERPOL"}
    )
    import_graph(copy.deepcopy(graph))
    citations, relationship = stored_citations(), stored_relationship()

    import_graph(copy.deepcopy(graph))

    assert stored_citations() == citations
    assert stored_relationship() == relationship
