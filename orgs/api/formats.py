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
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

from django.conf import settings

from orgs.loader import SECTIONS
from orgs.validation import editable_fields
from orgs.vocabulary import NodeLabel

SECTION_OF = {label.value: section for section, label in SECTIONS.items()}
NOT_EXPORTED = frozenset({"degree", "search_text"})  # derived again on import
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
# Characters XML 1.0 cannot hold, not even as references (C0 controls but tab, LF and CR; U+FFFE, U+FFFF).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Read back every field this module writes: the csv module's default limit (131,072 characters) is shorter than
# a long source text. The upload's own size limit bounds what a field can hold.
csv.field_size_limit(sys.maxsize)


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


def from_csv_zip(content: bytes) -> dict[str, Any]:
    """Return the graph-file mapping held by a zip of nodes.csv and edges.csv; raise GraphFileUnreadable.

    The zip may expand to no more than an upload may be (DATA_UPLOAD_MAX_MEMORY_SIZE), checked on the sizes it
    declares before anything is decompressed (zipfile stops reading a member at its declared size).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(archive.getinfo(name).file_size for name in ("nodes.csv", "edges.csv"))
            if expanded > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                raise GraphFileUnreadable(f"the zip expands to {expanded:,} bytes; at most "
                                          f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} are read")
            nodes_text = archive.read("nodes.csv").decode("utf-8")
            edges_text = archive.read("edges.csv").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as error:
        raise GraphFileUnreadable(f"expected a zip with nodes.csv and edges.csv: {error}") from None
    try:
        return _graph_of_csv(nodes_text, edges_text)
    except csv.Error as error:
        raise GraphFileUnreadable(f"not a CSV file: {error}") from None


def _graph_of_csv(nodes_text: str, edges_text: str) -> dict[str, Any]:
    data: dict[str, Any] = {section: [] for section in SECTIONS}
    for row in csv.DictReader(io.StringIO(nodes_text)):
        section = SECTION_OF.get(row.pop("label", "") or "")
        if section is None:
            raise GraphFileUnreadable(f"nodes.csv: row {row.get('uid')!r} has no known label")
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value in (None, ""):
                continue
            record[key] = _json_list(value) if key in LIST_FIELDS else value
        data[section].append(record)
    data["relationships"] = [
        {key: value for key, value in row.items() if key is not None and value not in (None, "")}
        for row in csv.DictReader(io.StringIO(edges_text))
    ]
    return data


def _json_list(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value  # the loader reads "a; b" as a list too


def xml_text(value: str) -> str:
    """Return `value` with each character XML 1.0 cannot hold replaced by U+FFFD, so the document stays XML."""
    return NOT_XML.sub("\ufffd", value)


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
                    ET.SubElement(node, f"{{{GRAPHML_NS}}}data", key=f"n_{key}").text = xml_text(text)
    for tie in data.get("relationships", []):
        edge = ET.SubElement(
            graph, f"{{{GRAPHML_NS}}}edge", id=tie["uid"], source=tie["from"], target=tie["to"]
        )
        for key, value in tie.items():
            if key not in ("from", "to") and value is not None:
                ET.SubElement(edge, f"{{{GRAPHML_NS}}}data", key=f"e_{key}").text = xml_text(str(value))
    ET.indent(root)
    # A parser reads a bare CR in text as LF; ElementTree writes CR bare only in text (attributes get &#13;),
    # and in UTF-8 no other character has that byte: written as a reference, "\r\n" comes back as written.
    return ET.tostring(root, encoding="utf-8", xml_declaration=True).replace(b"\r", b"&#13;")


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
            raise GraphFileUnreadable(f"node {record['uid']!r} has no known label")
        data[section].append(record)
    for edge in root.iterfind("g:graph/g:edge", ns):
        tie: dict[str, Any] = {"from": edge.get("source"), "to": edge.get("target")}
        for item in edge.findall("g:data", ns):
            tie[str(names.get(item.get("key")) or item.get("key"))] = item.text or ""
        data["relationships"].append(tie)
    return data
