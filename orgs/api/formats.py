"""Graph files in three formats: the loader's JSON, CSV (nodes.csv + edges.csv in a zip) and GraphML.

Each format is written from, and read back into, the loader's graph-file mapping (sections `sources`,
`countries`, `organizations`, `events`, `documents`, `relationships`), so any export can be imported again
through `orgs.loader.validate_graph` / `write_graph` and gives the same graph.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import sys
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings

from orgs.loader import SECTIONS, shown
from orgs.validation import TEXT_LIMITS, editable_fields
from orgs.vocabulary import NodeLabel

SECTION_OF = {label.value: section for section, label in SECTIONS.items()}
NOT_EXPORTED = frozenset({"degree", "search_text", "version"})  # derived again on import
LIST_FIELDS = frozenset({"aliases", "former_uids"})
EDGE_COLUMNS = (
    "uid",
    "type",
    "from",
    "to",
    "since",
    "until",
    "qualifier",
    "confidence",
    "source",
    "evidence",
)
FORMAT_NAME = "atc-graph/1"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


class GraphFileUnreadable(Exception):
    """The uploaded file is not a CSV zip or GraphML document this module can read."""


def graph_file(export: dict[str, Any]) -> dict[str, Any]:
    """Return the loader-format mapping for a `selectors.graph_export` result."""
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "exported_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    for label, section in SECTION_OF.items():
        data[section] = [
            {
                "uid": props["uid"],
                **{
                    k: v
                    for k, v in sorted(props.items())
                    if k not in NOT_EXPORTED and k != "uid" and v is not None
                },
            }
            for props in sorted(export["nodes"].get(label, []), key=lambda p: p["uid"])
        ]
    data["relationships"] = [
        {k: v for k, v in tie.items() if v is not None} for tie in export["relationships"]
    ]
    return data


def _node_columns() -> list[str]:
    names: list[str] = []
    for label in NodeLabel:
        names += [name for name in editable_fields(label.value) if name not in names]
    return ["uid", "label", *names, "former_uids"]


def to_csv_zip(data: dict[str, Any]) -> bytes:
    """Return a zip holding nodes.csv (one row per node, `label` column) and edges.csv."""
    columns = _node_columns()
    nodes, edges = io.StringIO(), io.StringIO()
    writer = csv.DictWriter(nodes, fieldnames=columns)
    writer.writeheader()
    for section, label in SECTIONS.items():
        for record in data.get(section, []):
            row = {k: json.dumps(v, ensure_ascii=False) if k in LIST_FIELDS else v for k, v in record.items()}
            writer.writerow({**row, "label": label.value})
    edge_writer = csv.DictWriter(edges, fieldnames=EDGE_COLUMNS)
    edge_writer.writeheader()
    for tie in data.get("relationships", []):
        edge_writer.writerow(tie)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", nodes.getvalue())
        archive.writestr("edges.csv", edges.getvalue())
    return buffer.getvalue()


# A CSV field as long as the longest text a field takes (a source's text) and a little more, so that one too
# long is named by the validation, field by field; the csv module's own limit (131,072) refused such a file
# with a 500. The limit is the csv module's, for the whole process: nothing else here reads CSV.
CSV_FIELD_LIMIT = max(TEXT_LIMITS.values()) + 1_000
csv.field_size_limit(CSV_FIELD_LIMIT)
CSV_MEMBERS = ("nodes.csv", "edges.csv")


def unzipped_member(archive: zipfile.ZipFile, name: str, budget: int) -> bytes:
    """Return the file `name` of `archive`, decompressed, refusing (GraphFileUnreadable) one larger than `budget`
    bytes: by the size its header declares, before decompressing, and by what decompressing yields, read a
    block at a time (a header can lie)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise GraphFileUnreadable(f"expected a zip with nodes.csv and edges.csv: there is no {name}") from None
    too_large = GraphFileUnreadable(
        f"{name}: larger than {budget:,} bytes uncompressed (the upload limit, ATC_API_MAX_UPLOAD_BYTES, holds "
        "for the zip's files together)"
    )
    if info.file_size > budget:
        raise too_large
    blocks, size = [], 0
    with archive.open(info) as member:
        while block := member.read(1 << 20):
            size += len(block)
            if size > budget:
                raise too_large
            blocks.append(block)
    return b"".join(blocks)


def from_csv_zip(content: bytes) -> dict[str, Any]:
    """Return the graph-file mapping held by a zip of nodes.csv and edges.csv; raise GraphFileUnreadable.

    Together the two files may hold at most the upload limit (`DATA_UPLOAD_MAX_MEMORY_SIZE`) uncompressed.
    """
    budget = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or sys.maxsize
    texts: dict[str, str] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in CSV_MEMBERS:
                unpacked = unzipped_member(archive, name, budget)
                budget -= len(unpacked)
                texts[name] = unpacked.decode("utf-8")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError,
            OSError) as error:  # not a zip, damaged, encrypted, compressed in a way zipfile cannot read
        raise GraphFileUnreadable(f"expected a zip with nodes.csv and edges.csv: {error}") from None
    except UnicodeDecodeError as error:
        raise GraphFileUnreadable(f"{name}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    data: dict[str, Any] = {section: [] for section in SECTIONS}
    for row in csv_rows("nodes.csv", texts["nodes.csv"]):
        section = SECTION_OF.get(row.pop("label", "") or "")
        if section is None:
            raise GraphFileUnreadable(f"nodes.csv: row {shown(row.get('uid'))} has no known label")
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value in (None, ""):
                continue
            record[key] = _json_list(value) if key in LIST_FIELDS else value
        data[section].append(record)
    data["relationships"] = [
        {key: value for key, value in row.items() if key is not None and value not in (None, "")}
        for row in csv_rows("edges.csv", texts["edges.csv"])
    ]
    return data


def csv_rows(name: str, text: str) -> Iterator[dict[str, Any]]:
    """Yield the rows of CSV file `name` as mappings; raise GraphFileUnreadable naming the row the csv module
    could not read (a field longer than CSV_FIELD_LIMIT, a line break in an unquoted field)."""
    rows = 0
    try:
        for row in csv.DictReader(io.StringIO(text)):
            rows += 1
            yield row
    except csv.Error as error:
        raise GraphFileUnreadable(f"{name}: row {rows + 1} (after the header): {error}") from None


def _json_list(value: str) -> Any:
    try:
        return json.loads(value)
    except (json.JSONDecodeError, RecursionError):
        return value  # the loader reads "a; b" as a list too, and names what is wrong with it


def to_graphml(data: dict[str, Any]) -> bytes:
    """Return a GraphML document (typed <key>s; lists as JSON text) that Gephi and Cytoscape open."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    node_keys = _node_columns()[1:]
    for name in node_keys:
        ET.SubElement(
            root,
            f"{{{GRAPHML_NS}}}key",
            id=f"n_{name}",
            attrib={"for": "node", "attr.name": name, "attr.type": "string"},
        )
    for name in EDGE_COLUMNS:
        if name not in ("from", "to"):
            ET.SubElement(
                root,
                f"{{{GRAPHML_NS}}}key",
                id=f"e_{name}",
                attrib={"for": "edge", "attr.name": name, "attr.type": "string"},
            )
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", id="atc-graph", edgedefault="directed")
    for section, label in SECTIONS.items():
        for record in data.get(section, []):
            node = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", id=record["uid"])
            for key, value in {"label": label.value, **record}.items():
                if key != "uid" and value is not None:
                    text = json.dumps(value, ensure_ascii=False) if key in LIST_FIELDS else str(value)
                    ET.SubElement(node, f"{{{GRAPHML_NS}}}data", key=f"n_{key}").text = text
    for tie in data.get("relationships", []):
        edge = ET.SubElement(
            graph, f"{{{GRAPHML_NS}}}edge", id=tie["uid"], source=tie["from"], target=tie["to"]
        )
        for key, value in tie.items():
            if key not in ("from", "to") and value is not None:
                ET.SubElement(edge, f"{{{GRAPHML_NS}}}data", key=f"e_{key}").text = str(value)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def from_graphml(content: bytes) -> dict[str, Any]:
    """Return the graph-file mapping held by a GraphML document written by `to_graphml`."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as error:
        raise GraphFileUnreadable(f"not a GraphML document: {error}") from None
    ns = {"g": GRAPHML_NS}
    names = {key.get("id"): key.get("attr.name") for key in root.findall("g:key", ns)}
    data: dict[str, Any] = {section: [] for section in SECTIONS}
    data["relationships"] = []
    for node in root.iterfind("g:graph/g:node", ns):
        record: dict[str, Any] = {"uid": node.get("id")}
        for item in node.findall("g:data", ns):
            name = str(names.get(item.get("key")) or item.get("key"))
            record[name] = _json_list(item.text or "") if name in LIST_FIELDS else (item.text or "")
        section = SECTION_OF.get(record.pop("label", ""))
        if section is None:
            raise GraphFileUnreadable(f"node {shown(record['uid'])} has no known label")
        data[section].append(record)
    for edge in root.iterfind("g:graph/g:edge", ns):
        tie: dict[str, Any] = {"from": edge.get("source"), "to": edge.get("target")}
        for item in edge.findall("g:data", ns):
            tie[str(names.get(item.get("key")) or item.get("key"))] = item.text or ""
        data["relationships"].append(tie)
    return data
