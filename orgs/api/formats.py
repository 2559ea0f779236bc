"""Graph files in three formats: the loader's JSON, CSV (nodes.csv, edges.csv, citations.csv in a zip) and GraphML.

Each format is written from, and read back into, the loader's graph-file mapping (sections `sources`,
`countries`, `organizations`, `events`, `documents`, `relationships`), so any export can be imported again
through `orgs.importer.check.validate_graph` / `write_graph` and gives the same graph.

Exports are written as streams: each writer takes the file's sections (name, pages of records) and yields
bytes as it goes, so a whole-graph export holds one page of records in memory, not the graph.

A relationship's record lists its citations (`citations`) and, for readers, what they support together (its
since, until, qualifier, confidence; CSV and GraphML also its number of sources): the import checks that these
are what the citations support. Files in today's single-source form (`source`, `evidence`) still import.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import sys
import tempfile
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
from orgs.selectors.citations import citations_of
from orgs.selectors.exports import export_node_pages, export_relationship_pages
from orgs.validation import TEXT_LIMITS, editable_fields
from orgs.vocabulary import CITATION_FIELDS, CITATION_PUBLIC_NAMES, RELATIONSHIP_TYPES, NodeLabel, citation_public

SECTION_OF = {label.value: section for section, label in SECTIONS.items()}
NOT_EXPORTED = frozenset({"degree", "search_text", "version"})  # derived again on import
LIST_FIELDS = frozenset({"aliases", "former_uids"})
# What a relationship's record says of it besides its citations: the summary is derived, written for readers.
RELATIONSHIP_RECORD = ("uid", "type", "from", "to", "since", "until", "qualifier", "confidence")
EDGE_COLUMNS = (*RELATIONSHIP_RECORD, "source_count")
# A citation's record, as a file holds it (public names); citations.csv keys each by its relationship's type and ends.
CITATION_RECORD = ("uid", *(CITATION_PUBLIC_NAMES.get(name, name) for name in CITATION_FIELDS))
CITATION_COLUMNS = ("type", "from", "to", *CITATION_RECORD)
FORMAT_NAME = "atc-graph/2"  # 2: relationships with citations
EXPORT_PAGE = 5000  # relationships whose citations one query reads
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


def relationship_record(row: dict[str, Any], citations: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a relationship's graph-file record: its export row's uid, type, ends and summary under the file's
    names, then its `citations` (as `orgs.selectors.citations.citations_of` gives them), without nulls."""
    named = {**row, "from": row["start"], "to": row["end"]}
    record = {name: named[name] for name in RELATIONSHIP_RECORD if named.get(name) is not None}
    record["citations"] = [
        {
            name: value
            for name, value in citation_public(citation).items()
            if name in CITATION_RECORD and value is not None
        }
        for citation in citations
    ]
    return record


def relationship_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the graph-file records of relationship export `rows`, their citations read in one query."""
    citations = citations_of(relationship_uids=[row["uid"] for row in rows])
    return [relationship_record(row, citations.get(row["uid"], [])) for row in rows]


def file_header() -> dict[str, Any]:
    """Return the fields a graph file opens with: its format and when it was exported."""
    return {"format": FORMAT_NAME, "exported_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}


def graph_file(export: dict[str, Any]) -> dict[str, Any]:
    """Return the loader-format mapping for an `orgs.selectors.exports.graph_export` result."""
    data = file_header()
    for label, section in SECTION_OF.items():
        data[section] = [node_record(props) for props in sorted(export["nodes"].get(label, []), key=lambda p: p["uid"])]
    relationships = export["relationships"]
    data["relationships"] = [
        record
        for start in range(0, len(relationships), EXPORT_PAGE)
        for record in relationship_records(relationships[start : start + EXPORT_PAGE])
    ]
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
                yield relationship_records(page)

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
    """Yield a zip holding nodes.csv (one row per node, `label` column), edges.csv and citations.csv (one row per
    citation, keyed by its relationship's type and ends), a page at a time (entries deflated as they are written,
    their sizes in data descriptors).

    A zip's entries are written one after the other: the citations of each page of relationships wait in a
    temporary file (on disk past a few megabytes) until edges.csv is written.
    """
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
    with (
        zipfile.ZipFile(drain, "w", zipfile.ZIP_DEFLATED) as archive,
        tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8", newline="") as waiting,
    ):
        citation_writer = csv.DictWriter(waiting, fieldnames=CITATION_COLUMNS)
        citation_writer.writeheader()

        def edge_pages() -> Iterator[list[dict[str, Any]]]:
            for page in relationship_pages:
                edges = []
                for record in page:
                    citations = record.get("citations", [])
                    keys: dict[str, Any] = {"type": record["type"], "from": record["from"], "to": record["to"]}
                    citation_writer.writerows({**keys, **citation} for citation in citations)
                    edge = {name: value for name, value in record.items() if name != "citations"}
                    edges.append({**edge, "source_count": len({citation["source"] for citation in citations})})
                yield edges

        def waiting_pages() -> Iterator[str]:
            waiting.seek(0)
            while block := waiting.read(1 << 20):
                yield block

        for entry_name, columns, rows in (
            ("nodes.csv", _node_columns(), node_pages),
            ("edges.csv", EDGE_COLUMNS, edge_pages()),
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
        with archive.open("citations.csv", "w") as entry:
            for block in waiting_pages():
                entry.write(block.encode("utf-8"))
                yield drain.take()
    yield drain.take()


def to_csv_zip(data: dict[str, Any]) -> bytes:
    """Return a zip holding nodes.csv (one row per node, `label` column), edges.csv and citations.csv."""
    return b"".join(csv_zip_chunks(file_sections(data)))


# A CSV field as long as the longest text a field takes (a source's text) and a little more, so that one too
# long is named by the validation, field by field; the csv module's own limit (131,072) refused such a file
# with a 500. The limit is the csv module's, for the whole process: nothing else here reads CSV.
CSV_FIELD_LIMIT = max(TEXT_LIMITS.values()) + 1_000
csv.field_size_limit(CSV_FIELD_LIMIT)
CSV_MEMBERS = ("nodes.csv", "edges.csv")
CITATIONS_MEMBER = "citations.csv"  # absent from a zip in today's single-source form (edges.csv with `source`)


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
    """Return the graph-file mapping held by a zip of nodes.csv, edges.csv and citations.csv; raise
    GraphFileUnreadable.

    Without citations.csv, edges.csv is in today's single-source form (`source`, `evidence` columns). Together the
    files may hold at most the upload limit (`DATA_UPLOAD_MAX_MEMORY_SIZE`) uncompressed.
    """
    budget = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or sys.maxsize
    texts: dict[str, str] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = (*CSV_MEMBERS, *((CITATIONS_MEMBER,) if CITATIONS_MEMBER in archive.namelist() else ()))
            for name in members:
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
    if CITATIONS_MEMBER in texts:
        _attach_citations(data["relationships"], csv_rows(CITATIONS_MEMBER, texts[CITATIONS_MEMBER]))
    return data


def _attach_citations(relationships: list[dict[str, Any]], rows: Iterable[dict[str, Any]]) -> None:
    """Give each relationship record its citations from the rows of citations.csv (keyed by type, from and to);
    raise GraphFileUnreadable for a row that names no relationship of edges.csv."""
    by_key: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for relationship in relationships:
        relationship["citations"] = []
        by_key.setdefault((relationship.get("type"), relationship.get("from"), relationship.get("to")), relationship)
    for number, row in enumerate(rows, 1):
        cited = by_key.get((row.get("type"), row.get("from"), row.get("to")))
        if cited is None:
            raise GraphFileUnreadable(
                f"{CITATIONS_MEMBER}: row {number} (after the header) names no relationship of edges.csv: "
                f"{shown(row.get('from'))} -{shown(row.get('type'))}-> {shown(row.get('to'))}"
            )
        cited["citations"].append(
            {
                key: value
                for key, value in row.items()
                if key is not None and key not in ("type", "from", "to") and value not in (None, "")
            }
        )


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
    keys += [(f"e_{name}", "edge", name) for name in (*EDGE_COLUMNS, "citations") if name not in ("from", "to")]
    for key, kind, name in keys:
        xml.ignorableWhitespace("\n  ")
        kind_of_value = "int" if name == "source_count" else "string"  # Gephi weighs edges by an int
        xml.startElement("key", AttributesImpl({"id": key, "for": kind, "attr.name": name, "attr.type": kind_of_value}))
        xml.endElement("key")
    xml.ignorableWhitespace("\n  ")
    xml.startElement("graph", AttributesImpl({"id": "atc-graph", "edgedefault": "directed"}))
    label_of = {section: label.value for section, label in SECTIONS.items()}

    def data(key: str, value: Any) -> None:
        xml.ignorableWhitespace("\n      ")
        xml.startElement("data", AttributesImpl({"key": key}))
        as_json = key[2:] in LIST_FIELDS or key == "e_citations"
        xml.characters(xml_text(json.dumps(value, ensure_ascii=False) if as_json else str(value)))
        xml.endElement("data")

    for name, pages in sections:
        for page in pages:
            for record in page:
                xml.ignorableWhitespace("\n    ")
                if name == "relationships":
                    xml.startElement(
                        "edge", AttributesImpl({"id": record["uid"], "source": record["from"], "target": record["to"]})
                    )
                    sources = {citation["source"] for citation in record.get("citations", [])}
                    for key, value in {**record, "source_count": len(sources)}.items():
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
    """Return a GraphML document (typed <key>s; lists and citations as JSON text) that Gephi and Cytoscape open."""
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
            name = str(names.get(item.get("key")) or item.get("key"))
            relationship[name] = _json_list(item.text or "") if name == "citations" else (item.text or "")
        data["relationships"].append(relationship)
    return data
