"""Graph files in three formats: the loader's JSON, CSV (nodes.csv + edges.csv in a zip) and GraphML.

Each format is written from, and read back into, the loader's graph-file mapping (sections `sources`,
`countries`, `organizations`, `events`, `documents`, `relationships`), so any export can be imported again
through `orgs.importer.check.validate_graph` / `write_graph` and gives the same graph.

Exports are written as streams: each writer takes the file's sections (name, pages of records) and yields
bytes as it goes, so a whole-graph export holds one page of records in memory, not the graph.
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
import zlib
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from django.conf import settings

from orgs.api.renderers import json_bytes
from orgs.importer.read import SECTIONS, shown
from orgs.selectors.exports import export_node_pages, export_relationship_pages
from orgs.validation import TEXT_LIMITS, editable_fields
from orgs.vocabulary import (
    RELATIONSHIP_PROPERTIES,
    RELATIONSHIP_TYPES,
    NodeLabel,
    relationship_public,
    relationship_public_name,
)

SECTION_OF = {label.value: section for section, label in SECTIONS.items()}
NOT_EXPORTED = frozenset({"degree", "search_text", "version"})  # derived again on import
LIST_FIELDS = frozenset({"aliases", "former_uids"})
EDGE_COLUMNS = tuple(
    relationship_public_name(name) for name in ("uid", "type", "start", "end", *RELATIONSHIP_PROPERTIES)
)
FORMAT_NAME = "atc-graph/1"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# Characters XML 1.0 cannot hold, not even as references (C0 controls but tab, LF and CR; U+FFFE, U+FFFF).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# A graph file's sections in file order: (section name, pages of records), the relationships last.
Sections = Iterable[tuple[str, Iterable[list[dict[str, Any]]]]]


class GraphFileUnreadable(Exception):
    """The uploaded file is not a CSV zip or GraphML document this module can read."""


def node_record(props: dict[str, Any]) -> dict[str, Any]:
    """Return a node's graph-file record: its uid, then its other stored properties by name, none derived
    or null."""
    return {
        "uid": props["uid"],
        **{k: v for k, v in sorted(props.items()) if k not in NOT_EXPORTED and k != "uid" and v is not None},
    }


def relationship_record(row: dict[str, Any]) -> dict[str, Any]:
    """Return a relationship's graph-file record: its export row under the file's names, without nulls."""
    return {k: v for k, v in relationship_public(row).items() if v is not None}


def file_header() -> dict[str, Any]:
    """Return the fields a graph file opens with: its format and when it was exported."""
    return {"format": FORMAT_NAME, "exported_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}


def graph_file(export: dict[str, Any]) -> dict[str, Any]:
    """Return the loader-format mapping for an `orgs.selectors.exports.graph_export` result."""
    data = file_header()
    for label, section in SECTION_OF.items():
        data[section] = [node_record(props) for props in sorted(export["nodes"].get(label, []), key=lambda p: p["uid"])]
    data["relationships"] = [relationship_record(relationship) for relationship in export["relationships"]]
    return data


def file_sections(data: dict[str, Any]) -> Sections:
    """Return the sections of a graph-file mapping, each as one page."""
    return [(section, [data.get(section, [])]) for section in (*SECTIONS, "relationships")]


def whole_graph_sections() -> Sections:
    """Return the whole graph's sections, read lazily a keyset page at a time (one short query each) as
    the writer consumes them: nodes by kind then uid, relationships by type then uid."""

    def nodes(label: str) -> Iterator[list[dict[str, Any]]]:
        for page in export_node_pages(label):
            yield [node_record(props) for props in page]

    def relationships() -> Iterator[list[dict[str, Any]]]:
        for relationship_type in sorted(RELATIONSHIP_TYPES):
            for page in export_relationship_pages(relationship_type):
                yield [relationship_record(row) for row in page]

    return [*((section, nodes(label)) for label, section in SECTION_OF.items()), ("relationships", relationships())]


def json_chunks(header: dict[str, Any], sections: Sections) -> Iterator[bytes]:
    """Yield the graph file as JSON, a page at a time: the same bytes the API's JSON renderer gives for the
    whole mapping (header fields, then each section's list)."""
    yield json_bytes(header)[:-1]  # without its closing brace
    for name, pages in sections:
        yield b"," + json_bytes(name) + b":["
        separator = b""
        for page in pages:
            if page:
                yield separator + b",".join(json_bytes(record) for record in page)
                separator = b","
        yield b"]"
    yield b"}"


def _node_columns() -> list[str]:
    names: list[str] = []
    for label in NodeLabel:
        names += [name for name in editable_fields(label.value) if name not in names]
    return ["uid", "label", *names, "former_uids"]


class _Drain(io.RawIOBase):
    """A write-only stream whose written bytes are taken away with `take()` (zipfile and XMLGenerator
    write into it; the response sends what they wrote)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def csv_zip_chunks(sections: Sections) -> Iterator[bytes]:
    """Yield a zip holding nodes.csv (one row per node, `label` column) and edges.csv, a page at a time
    (entries deflated as they are written, their sizes in data descriptors)."""
    sections = list(sections)  # the pages in each stay lazy
    node_pages = (
        [
            {
                **{k: json.dumps(v, ensure_ascii=False) if k in LIST_FIELDS else v for k, v in record.items()},
                "label": SECTIONS[name].value,
            }
            for record in page
        ]
        for name, pages in sections
        if name != "relationships"
        for page in pages
    )
    relationship_pages = (page for name, pages in sections if name == "relationships" for page in pages)
    drain = _Drain()
    with zipfile.ZipFile(drain, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry_name, columns, rows in (
            ("nodes.csv", _node_columns(), node_pages),
            ("edges.csv", EDGE_COLUMNS, relationship_pages),
        ):
            with archive.open(entry_name, "w") as entry:
                text = io.StringIO()
                writer = csv.DictWriter(text, fieldnames=columns)
                writer.writeheader()
                for page in rows:
                    writer.writerows(page)
                    entry.write(text.getvalue().encode("utf-8"))
                    text.seek(0)
                    text.truncate()
                    yield drain.take()
                entry.write(text.getvalue().encode("utf-8"))  # the header alone, if there were no rows
    yield drain.take()


def to_csv_zip(data: dict[str, Any]) -> bytes:
    """Return a zip holding nodes.csv (one row per node, `label` column) and edges.csv."""
    return b"".join(csv_zip_chunks(file_sections(data)))


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
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
        OSError,
    ) as error:  # not a zip, damaged, encrypted, compressed in a way zipfile cannot read
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


def graphml_bytes(written: bytes) -> bytes:
    """Return GraphML bytes with each bare CR written as a reference: a parser reads a bare CR in text as LF.

    XMLGenerator writes a CR bare only in text (attributes get &#13;), and in UTF-8 no other character has
    that byte, so "\r\n" comes back as written.
    """
    return written.replace(b"\r", b"&#13;")


def graphml_chunks(sections: Sections) -> Iterator[bytes]:
    """Yield a GraphML document (typed <key>s; lists as JSON text) that Gephi and Cytoscape open, a page
    at a time, written by an incremental XML writer that escapes every text and attribute."""
    drain = _Drain()
    xml = XMLGenerator(drain, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("graphml", AttributesImpl({"xmlns": GRAPHML_NS}))
    keys = [(f"n_{name}", "node", name) for name in _node_columns()[1:]]
    keys += [(f"e_{name}", "edge", name) for name in EDGE_COLUMNS if name not in ("from", "to")]
    for key, kind, name in keys:
        xml.ignorableWhitespace("\n  ")
        xml.startElement("key", AttributesImpl({"id": key, "for": kind, "attr.name": name, "attr.type": "string"}))
        xml.endElement("key")
    xml.ignorableWhitespace("\n  ")
    xml.startElement("graph", AttributesImpl({"id": "atc-graph", "edgedefault": "directed"}))
    label_of = {section: label.value for section, label in SECTIONS.items()}

    def data(key: str, value: Any) -> None:
        xml.ignorableWhitespace("\n      ")
        xml.startElement("data", AttributesImpl({"key": key}))
        xml.characters(xml_text(json.dumps(value, ensure_ascii=False) if key[2:] in LIST_FIELDS else str(value)))
        xml.endElement("data")

    for name, pages in sections:
        for page in pages:
            for record in page:
                xml.ignorableWhitespace("\n    ")
                if name == "relationships":
                    xml.startElement(
                        "edge", AttributesImpl({"id": record["uid"], "source": record["from"], "target": record["to"]})
                    )
                    for key, value in record.items():
                        if key not in ("from", "to") and value is not None:
                            data(f"e_{key}", value)
                    xml.ignorableWhitespace("\n    ")
                    xml.endElement("edge")
                else:
                    xml.startElement("node", AttributesImpl({"id": record["uid"]}))
                    for key, value in {"label": label_of[name], **record}.items():
                        if key != "uid" and value is not None:
                            data(f"n_{key}", value)
                    xml.ignorableWhitespace("\n    ")
                    xml.endElement("node")
            yield graphml_bytes(drain.take())
    xml.ignorableWhitespace("\n  ")
    xml.endElement("graph")
    xml.ignorableWhitespace("\n")
    xml.endElement("graphml")
    xml.endDocument()
    yield graphml_bytes(drain.take())


def xml_text(value: str) -> str:
    """Return `value` with each character XML 1.0 cannot hold replaced by U+FFFD, so the document stays XML."""
    return NOT_XML.sub("\ufffd", value)


def to_graphml(data: dict[str, Any]) -> bytes:
    """Return a GraphML document (typed <key>s; lists as JSON text) that Gephi and Cytoscape open."""
    return b"".join(graphml_chunks(file_sections(data)))


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
        relationship: dict[str, Any] = {"from": edge.get("source"), "to": edge.get("target")}
        for item in edge.findall("g:data", ns):
            relationship[str(names.get(item.get("key")) or item.get("key"))] = item.text or ""
        data["relationships"].append(relationship)
    return data
