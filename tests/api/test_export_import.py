"""Exports (JSON, CSV, GraphML; whole graph or a neighbourhood) and the import that reads them back."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.management import call_command

from orgs.api import formats
from orgs.graph.connection import cypher
from orgs.selectors.exports import graph_export
from orgs.services import organizations_merge
from tests.conftest import reset_graph

CONTENT_TYPES = {"json": "application/json", "csv": "application/zip", "graphml": "application/graphml+xml"}


def graph_snapshot() -> dict:
    """Every node's, relationship's and citation's stored properties (derived degree included; not the version,
    which counts writes and starts again at 1 in a new graph), for comparing graphs."""
    export = graph_export()
    nodes = {
        label: sorted(({k: v for k, v in props.items() if k != "version"} for props in rows), key=lambda p: p["uid"])
        for label, rows in export["nodes"].items()
    }
    citations = [row["c"] for row in cypher("MATCH (c:Citation) RETURN properties(c) AS c ORDER BY c.uid")]
    return {"nodes": nodes, "relationships": export["relationships"], "citations": citations}


def downloaded(response) -> dict:
    """The JSON body of a streamed export, read whole."""
    assert response.status_code == 200 and response.streaming
    return json.loads(response.getvalue())


def empty_the_graph() -> None:
    reset_graph()
    assert cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"] == 0


@pytest.mark.parametrize("export_format", ["json", "csv", "graphml"])
def test_export_then_import_into_an_empty_graph_gives_the_same_graph(
    sample_graph, anonymous, client_as_editor, export_format
):
    organizations_merge(survivor_uid="cis-atc", loser_uid="attf")  # a survivor keeps its former uids
    before = graph_snapshot()
    exported = anonymous.get(f"/api/export/?format={export_format}")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith(CONTENT_TYPES[export_format])
    content = exported.getvalue()  # a streamed body is read as it is downloaded

    empty_the_graph()
    imported = client_as_editor.generic("POST", "/api/import/", content, content_type=CONTENT_TYPES[export_format])

    assert imported.status_code == 200, imported.content[:2000]
    assert imported.json()["written"] is True
    assert graph_snapshot() == before
    assert anonymous.get("/api/organizations/attf/").status_code == 308


def test_the_json_export_is_the_loader_format_with_source_texts(sample_graph, anonymous):
    body = downloaded(anonymous.get("/api/export/"))

    assert set(body) >= {"sources", "countries", "organizations", "events", "documents", "relationships"}
    assert all(source["text"] for source in body["sources"])
    assert len(body["relationships"]) == cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    assert not any("search_text" in org or "degree" in org for org in body["organizations"])


def test_the_csv_export_is_a_zip_of_nodes_edges_and_citations(sample_graph, anonymous):
    archive = zipfile.ZipFile(io.BytesIO(anonymous.get("/api/export/?format=csv").getvalue()))

    nodes = archive.read("nodes.csv").decode().splitlines()
    edges = archive.read("edges.csv").decode().splitlines()
    citations = list(csv.reader(io.StringIO(archive.read("citations.csv").decode())))  # passages span lines

    assert nodes[0].startswith("uid,label,name")
    assert edges[0] == "uid,type,from,to,since,until,qualifier,confidence,source_count"
    assert len(edges) - 1 == cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    assert ",".join(citations[0]) == (
        "type,from,to,uid,source,exact,prefix,suffix,start,end,confidence,since,until,qualifier,added_by,added_at"
    )
    assert len(citations) - 1 == cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"]


def test_the_graphml_export_declares_typed_keys(sample_graph, anonymous):
    root = ET.fromstring(anonymous.get("/api/export/?format=graphml").getvalue())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}

    keys = root.findall("g:key", ns)
    assert keys and all(key.get("attr.type") for key in keys)
    assert {key.get("id"): key.get("attr.type") for key in keys}["e_source_count"] == "int"
    assert len(root.findall("g:graph/g:node", ns)) == cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"]
    citations = [json.loads(item.text) for item in root.iterfind("g:graph/g:edge/g:data[@key='e_citations']", ns)]
    assert sum(map(len, citations)) == cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"]


def test_a_neighbourhood_export_holds_its_nodes_edges_and_cited_sources(sample_graph, anonymous, client_as_editor):
    body = downloaded(anonymous.get("/api/export/?around=attf&depth=1"))

    uids = {
        record["uid"] for section in ("organizations", "countries", "events", "documents") for record in body[section]
    }
    assert "attf" in uids
    assert all(relationship["from"] in uids and relationship["to"] in uids for relationship in body["relationships"])
    assert {source["uid"] for source in body["sources"]} == {
        citation["source"] for relationship in body["relationships"] for citation in relationship["citations"]
    }

    empty_the_graph()
    imported = client_as_editor.post("/api/import/", body, format="json")
    assert imported.status_code == 200
    assert imported.json()["counts"]["Organization"] == len(body["organizations"])


def test_exporting_the_neighbourhood_of_an_unknown_node_is_a_404(anonymous):
    assert anonymous.get("/api/export/?around=nobody").status_code == 404
    assert anonymous.get("/api/export/?format=pdf").status_code == 400


def test_a_dry_run_reports_what_would_change_and_writes_nothing(sample_graph, anonymous, client_as_editor):
    body = downloaded(anonymous.get("/api/export/"))
    body["organizations"].append({"uid": "new-body", "name": "A New Body"})
    before = graph_snapshot()

    response = client_as_editor.post("/api/import/?dry_run=true", body, format="json")

    result = response.json()
    assert response.status_code == 200
    assert (result["dry_run"], result["written"]) == (True, False)
    assert result["changes"]["Organization"] == {"create": 1, "update": len(body["organizations"]) - 1}
    assert result["changes"]["PART_OF"]["create"] == 0
    assert graph_snapshot() == before


def test_an_import_with_any_problem_is_refused_whole_and_lists_every_problem(client_as_editor):
    body = {
        "sources": [{"uid": "page", "title": "Page"}],
        "organizations": [{"uid": "a", "name": "A"}, {"uid": "b", "name": "B", "kind": "spaceship"}],
        "relationships": [
            {"type": "LIKES", "from": "a", "to": "a", "source": "page", "evidence": "x"},
            {"type": "PART_OF", "from": "a", "to": "nobody", "source": "page", "evidence": "x"},
        ],
    }

    response = client_as_editor.post("/api/import/", body, format="json")

    assert response.status_code == 400
    problems = "\n".join(response.json()["problems"])
    assert "kind" in problems and "LIKES" in problems and "nobody" in problems
    assert cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"] == 0


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_naming_a_deleted_or_merged_away_uid_is_a_400_naming_the_field(client_as_editor, dry_run):
    for uid, name in (("gone", "Gone Body"), ("kp", "Keeper"), ("dp", "Duplicate")):
        client_as_editor.post("/api/organizations/", {"uid": uid, "name": name}, format="json")
    assert client_as_editor.delete("/api/organizations/gone/").status_code == 204
    organizations_merge(survivor_uid="kp", loser_uid="dp")
    body = {
        "organizations": [
            {"uid": "gone", "name": "Gone Again"},
            {"uid": "dp", "name": "Duplicate Again"},
            {"uid": "fresh", "name": "Fresh Body"},
        ]
    }

    response = client_as_editor.post(f"/api/import/?dry_run={str(dry_run).lower()}", body, format="json")

    assert response.status_code == 400
    gone, merged = response.json()["problems"]
    assert gone.startswith("organizations[0] (gone): field 'uid': 'gone' is the uid of a node deleted on ")
    assert merged.startswith(
        "organizations[1] (dp): field 'uid': 'dp' is the former uid of an organization merged into 'kp'"
    )
    assert client_as_editor.get("/api/organizations/gone/").status_code == 410
    assert client_as_editor.get("/api/organizations/fresh/").status_code == 404


def test_importing_needs_the_permissions(anonymous, client_as_reader):
    assert anonymous.post("/api/import/", {}, format="json").status_code == 401
    assert client_as_reader.post("/api/import/", {}, format="json").status_code == 403


def test_an_unreadable_upload_is_a_400(client_as_editor):
    response = client_as_editor.generic("POST", "/api/import/", b"not a zip", content_type="application/zip")

    assert response.status_code == 400 and response.json()["problems"]


def test_the_import_command_reports_a_dry_run_then_imports(sample_graph, anonymous, tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(downloaded(anonymous.get("/api/export/"))))
    empty_the_graph()

    dry = io.StringIO()
    call_command("import_graph", str(path), "--dry-run", stdout=dry)
    organizations = len(sample_graph["organizations"])
    assert f"Organization: would create {organizations}, update 0" in dry.getvalue()
    assert cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"] == 0

    out = io.StringIO()
    call_command("import_graph", str(path), "--progress", stdout=out)
    assert f"Organization: {organizations}/{organizations}" in out.getvalue()
    assert cypher("MATCH (o:Organization) RETURN count(o) AS n")[0]["n"] == organizations


@pytest.mark.no_graph
def test_graphml_keeps_line_breaks_and_tabs_as_written():
    data = {
        "organizations": [{"uid": "a", "name": "A", "description": "one\r\ntwo\rthree\nfour\tfive"}],
        "relationships": [
            {"uid": "r", "type": "PART_OF", "from": "a", "to": "b", "citations": [{"source": "s", "exact": "x\r\ny"}]}
        ],
    }

    back = formats.from_graphml(formats.to_graphml(data))

    assert back["organizations"][0]["description"] == "one\r\ntwo\rthree\nfour\tfive"
    assert back["relationships"][0]["citations"] == [{"source": "s", "exact": "x\r\ny"}]


@pytest.mark.no_graph
def test_graphml_stays_xml_when_a_text_holds_control_characters():
    data = {"organizations": [{"uid": "a", "name": "A\x00\x01\x1b", "aliases": ["\x01"], "description": "\x0b"}]}

    back = formats.from_graphml(formats.to_graphml(data))  # raised GraphFileUnreadable: not well-formed

    assert back["organizations"][0]["name"] == "A\ufffd\ufffd\ufffd"
    assert back["organizations"][0]["aliases"] == ["\x01"]  # lists travel as JSON, which escapes them
    assert back["organizations"][0]["description"] == "\ufffd"


@pytest.mark.no_graph
def test_a_csv_field_longer_than_the_csv_modules_default_limit_reads_back():
    text = 'word, "quoted"\r\n' * 20_000  # 320,000 characters; the csv module stops at 131,072 by default
    data = {"sources": [{"uid": "long", "title": "Long", "text": text}]}

    assert formats.from_csv_zip(formats.to_csv_zip(data))["sources"][0]["text"] == text


def test_a_zip_that_expands_past_the_upload_limit_is_refused_before_it_is_decompressed(client_as_editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", "uid,label,name\n" + "a" * 20_000_000)  # 20 MB in about 20 KB
        archive.writestr("edges.csv", "uid,type,from,to\n")
    assert len(buffer.getvalue()) < 100_000

    response = client_as_editor.generic("POST", "/api/import/", buffer.getvalue(), content_type="application/zip")

    assert response.status_code == 400
    assert "nodes.csv: larger than 1,000,000 bytes uncompressed" in " ".join(response.json()["problems"])


# --- Files in today's single-source form: each relationship one citation -------------------------------------

OLD_FORM_TEXT = "The CIS ATC works with INTERPOL."
OLD_FORM_NODES = (
    "uid,label,name,kind,title,text\n"
    f"src,Source,,,A page,{OLD_FORM_TEXT}\n"
    "cis-atc,Organization,CIS ATC,regional_centre,,\n"
    "interpol,Organization,INTERPOL,international_organization,,\n"
)
OLD_FORM_GRAPHML = f"""<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="n_label" for="node" attr.name="label" attr.type="string"/>
  <key id="n_name" for="node" attr.name="name" attr.type="string"/>
  <key id="n_kind" for="node" attr.name="kind" attr.type="string"/>
  <key id="n_title" for="node" attr.name="title" attr.type="string"/>
  <key id="n_text" for="node" attr.name="text" attr.type="string"/>
  <key id="e_type" for="edge" attr.name="type" attr.type="string"/>
  <key id="e_since" for="edge" attr.name="since" attr.type="string"/>
  <key id="e_source" for="edge" attr.name="source" attr.type="string"/>
  <key id="e_evidence" for="edge" attr.name="evidence" attr.type="string"/>
  <graph id="atc-graph" edgedefault="directed">
    <node id="src"><data key="n_label">Source</data><data key="n_title">A page</data>
      <data key="n_text">{OLD_FORM_TEXT}</data></node>
    <node id="cis-atc"><data key="n_label">Organization</data><data key="n_name">CIS ATC</data>
      <data key="n_kind">regional_centre</data></node>
    <node id="interpol"><data key="n_label">Organization</data><data key="n_name">INTERPOL</data>
      <data key="n_kind">international_organization</data></node>
    <edge id="r" source="cis-atc" target="interpol"><data key="e_type">COLLABORATES_WITH</data>
      <data key="e_since">2003</data><data key="e_source">src</data><data key="e_evidence">works with INTERPOL</data>
    </edge>
  </graph>
</graphml>
"""


def csv_zip(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(f"{name}.csv", text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        (
            "application/json",
            json.dumps(
                {
                    **formats.from_csv_zip(csv_zip(nodes=OLD_FORM_NODES, edges="uid,type,from,to\n")),
                    "relationships": [
                        {
                            "type": "COLLABORATES_WITH",
                            "from": "cis-atc",
                            "to": "interpol",
                            "since": "2003",
                            "source": "src",
                            "evidence": "works with INTERPOL",
                        }
                    ],
                }
            ).encode(),
        ),
        (
            "application/zip",
            csv_zip(
                nodes=OLD_FORM_NODES,
                edges=(
                    "type,from,to,since,source,evidence\n"
                    "COLLABORATES_WITH,cis-atc,interpol,2003,src,works with INTERPOL\n"
                ),
            ),
        ),
        ("application/graphml+xml", OLD_FORM_GRAPHML.encode()),
    ],
    ids=["json", "csv", "graphml"],
)
def test_a_file_in_todays_single_source_form_imports_each_relationship_as_one_citation(
    client_as_editor, content_type, content
):
    imported = client_as_editor.generic("POST", "/api/import/", content, content_type=content_type)

    assert imported.status_code == 200, imported.content[:2000]
    (row,) = cypher("MATCH (c:Citation) RETURN properties(c) AS c")
    assert (row["c"]["source_uid"], row["c"]["exact"], row["c"]["since"]) == ("src", "works with INTERPOL", "2003")
    assert row["c"]["start"] == OLD_FORM_TEXT.index("works with INTERPOL")
    relationship = cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN properties(r) AS r")[0]["r"]
    assert (relationship["since"], relationship["source_count"]) == ("2003", 1)


def test_a_citations_csv_row_naming_no_relationship_of_edges_csv_is_a_400(client_as_editor):
    content = csv_zip(
        nodes=OLD_FORM_NODES,
        edges="type,from,to\n",
        citations="type,from,to,source,exact\nCOLLABORATES_WITH,cis-atc,interpol,src,works with INTERPOL\n",
    )

    response = client_as_editor.generic("POST", "/api/import/", content, content_type="application/zip")

    assert response.status_code == 400
    assert "citations.csv: row 1 (after the header) names no relationship of edges.csv" in response.content.decode()
