"""Round trips with hostile text: a generated graph, exported, imported into an empty graph and exported again,
gives the same files, in JSON, CSV and GraphML, and the same graph.

The graphs are small (sources, organizations, countries, events, documents and relationships, each in the form
with one to three citations or in today's single-source form) and their text is hostile: quotes, angle brackets,
ampersands, commas and line breaks, markup and XML's special characters, emoji and other scripts, padding that
validation strips, long-ish passages.
Only records the validation accepts are generated (its function is asked), so the test follows the rules as
they tighten. GraphML cannot hold every character (XML 1.0 has no C0 controls but tab, LF, CR): those
the validation still lets through come back from it as U+FFFD, and the document stays XML.
CI runs 25 graphs per format; `HYPOTHESIS_PROFILE=thorough` runs 500.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from orgs.api.formats import xml_text
from orgs.validation import ValidationFailed, clean_node_properties, spaced
from orgs.vocabulary import NodeLabel
from tests.api.test_export_import import CONTENT_TYPES, empty_the_graph, graph_snapshot

FRAGMENTS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '"',
    "'",
    "&",
    "&amp;",
    "&#13;",
    "<",
    ">",
    "]]>",
    "<![CDATA[",
    "<!--",
    ",",
    ";",
    '","',
    "\n",
    "\r\n",
    "\r",
    "\t",
    "  ",
    "=cmd|' /C calc'!A0",
    "\\",
    "\\n",
    "é",
    "Ω",
    "中文",
    "مرحبا",
    "\u202e",
    "\u200b",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "\U0001f600",
    '{"a": [1]}',
    '["x"]',
    "null",
    "; ",
    "a;b",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x01",
    "\x7f",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(exclude_categories=["Cs"]), max_size=12)),
    min_size=1,
    max_size=8,
).map("".join)
long_text = st.lists(hostile_text, min_size=20, max_size=120).map(" ".join)
text = st.one_of(hostile_text, hostile_text, long_text)
dates = st.sampled_from([None, "1999", "2003-02", "2010-12-31"])
web_addresses = st.builds(
    lambda path, query: f"https://example.org/{path}?q={query}",
    st.text(st.characters(exclude_categories=["Cs", "Cc", "Zs"]), max_size=10).map(
        lambda s: s.replace("#", "").replace("?", "")
    ),
    hostile_text,
)
COLLABORATION_TYPES = {
    (NodeLabel.ORGANIZATION, NodeLabel.ORGANIZATION): "COLLABORATES_WITH",
    (NodeLabel.ORGANIZATION, NodeLabel.COUNTRY): "LOCATED_IN",
    (NodeLabel.ORGANIZATION, NodeLabel.EVENT): "TOOK_PART_IN",
    (NodeLabel.ORGANIZATION, NodeLabel.DOCUMENT): "ADOPTED",
}


def accepted(label: NodeLabel, record: dict[str, Any]) -> bool:
    """Return whether the validation takes `record` (its uid aside) as a `label` node."""
    try:
        clean_node_properties(label.value, {k: v for k, v in record.items() if k != "uid"})
    except ValidationFailed:
        return False
    return True


def unique_name(name: str, index: int) -> str:
    return f"{name.strip()} #{index}"  # names are unique per label; stripped as validation would


@st.composite
def graph_files(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a small graph file, every record one the validation accepts."""

    def node(label: NodeLabel, record: dict[str, Any]) -> dict[str, Any]:
        record = {k: v for k, v in record.items() if v not in (None, [], "")}
        assume(accepted(label, record))
        return record

    organizations = [
        node(
            NodeLabel.ORGANIZATION,
            {
                "uid": f"org-{i}",
                "name": unique_name(draw(hostile_text), i),
                "acronym": draw(st.none() | hostile_text),
                "aliases": draw(st.lists(hostile_text, max_size=3)),
                "description": draw(st.none() | text),
                "founded": draw(dates),
                "website": draw(st.none() | web_addresses),
            },
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    others = {
        NodeLabel.COUNTRY: [
            node(
                NodeLabel.COUNTRY,
                {
                    "uid": "country-0",
                    "name": unique_name(draw(hostile_text), 0),
                    "official_name": draw(hostile_text),
                    "aliases": draw(st.lists(hostile_text, max_size=2)),
                },
            )
        ]
        if draw(st.booleans())
        else [],
        NodeLabel.EVENT: [
            node(
                NodeLabel.EVENT,
                {
                    "uid": "event-0",
                    "name": draw(hostile_text),
                    "start": draw(dates),
                    "place": draw(st.none() | hostile_text),
                    "description": draw(st.none() | text),
                },
            )
        ]
        if draw(st.booleans())
        else [],
        NodeLabel.DOCUMENT: [
            node(
                NodeLabel.DOCUMENT,
                {
                    "uid": "document-0",
                    "name": draw(hostile_text),
                    "date": draw(dates),
                    "description": draw(st.none() | text),
                },
            )
        ]
        if draw(st.booleans())
        else [],
    }
    targets = [(NodeLabel.ORGANIZATION, org["uid"]) for org in organizations[1:]] + [
        (label, record["uid"]) for label, records in others.items() for record in records
    ]
    passages = {uid: [draw(hostile_text).strip() for _ in range(draw(st.integers(1, 3)))] for _, uid in targets}
    assume(all(all(quotes) and len({spaced(quote) for quote in quotes}) == len(quotes) for quotes in passages.values()))
    source_text = draw(st.none() | hostile_text)
    every_passage = [quote for quotes in passages.values() for quote in quotes]
    source = node(
        NodeLabel.SOURCE,
        {
            "uid": "source-0",
            "title": draw(hostile_text),
            "publisher": draw(st.none() | hostile_text),
            "url": draw(st.none() | web_addresses),
            # the passages must be found in the source's text, word for word
            "text": "\n\n".join([source_text or "", *every_passage]).strip() if draw(st.booleans()) else None,
        },
    )
    other_source = node(NodeLabel.SOURCE, {"uid": "source-1", "title": draw(hostile_text)})  # no text: unanchored

    def single_source(uid: str) -> dict[str, Any]:
        """Today's form: the source and its one sentence on the record."""
        return {
            "since": draw(dates),
            "qualifier": draw(st.none() | hostile_text),
            "confidence": draw(st.sampled_from(["stated", "inferred"])),
            "source": "source-0",
            "evidence": passages[uid][0],
        }

    def cited(uid: str) -> dict[str, Any]:
        """The form with citations: each passage of the relationship a citation, of either source."""
        return {
            "citations": [
                {
                    k: v
                    for k, v in {
                        "source": draw(st.sampled_from(["source-0", "source-1"])),
                        "exact": quote,
                        "since": draw(dates),
                        "qualifier": draw(st.none() | hostile_text),
                        "confidence": draw(st.sampled_from(["stated", "inferred"])),
                    }.items()
                    if v is not None
                }
                for quote in passages[uid]
            ]
        }

    relationships = [
        {
            k: v
            for k, v in {
                "type": COLLABORATION_TYPES[(NodeLabel.ORGANIZATION, label)],
                "from": organizations[0]["uid"],
                "to": uid,
                **(cited(uid) if draw(st.booleans()) else single_source(uid)),
            }.items()
            if v is not None
        }
        for label, uid in targets
    ]
    return {
        "sources": [source, other_source],
        "organizations": organizations,
        "countries": others[NodeLabel.COUNTRY],
        "events": others[NodeLabel.EVENT],
        "documents": others[NodeLabel.DOCUMENT],
        "relationships": relationships,
    }


def as_graphml_keeps_it(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Return `snapshot` with its texts as GraphML keeps them: characters XML cannot hold become U+FFFD
    (lists travel as JSON text, which escapes them)."""

    def kept(props: dict[str, Any]) -> dict[str, Any]:
        return {k: xml_text(v) if isinstance(v, str) else v for k, v in props.items()}

    return {
        "nodes": {label: [kept(p) for p in rows] for label, rows in snapshot["nodes"].items()},
        "relationships": [kept(relationship) for relationship in snapshot["relationships"]],
        "citations": snapshot["citations"],  # they travel as JSON text, which escapes them
    }


def body(response: Any) -> bytes:
    """Return a response's bytes, whether it was streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def comparable(export_format: str, content: bytes) -> Any:
    """Return what must be equal between two exports: the JSON without its time stamp, the CSV files
    (not the zip's own dates), the GraphML document byte for byte."""
    if export_format == "json":
        data = json.loads(content)
        data.pop("exported_at", None)
        return data
    if export_format == "csv":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {name: archive.read(name) for name in sorted(archive.namelist())}
    return content


def export(client: Any, export_format: str) -> bytes:
    response = client.get(f"/api/export/?format={export_format}")
    assert response.status_code == 200
    return body(response)


def import_file(client: Any, export_format: str, content: bytes) -> None:
    response = client.generic("POST", "/api/import/", content, content_type=CONTENT_TYPES[export_format])
    assert response.status_code == 200, body(response)[:3000]


@pytest.mark.slow
@pytest.mark.parametrize("export_format", ["json", "csv", "graphml"])
def test_export_import_export_gives_the_same_files_and_the_same_graph(anonymous, client_as_editor, export_format):
    @settings(
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    )
    @given(graph=graph_files())
    def round_trip(graph: dict[str, Any]) -> None:
        empty_the_graph()
        import_file(client_as_editor, "json", json.dumps(graph).encode())
        before = graph_snapshot()
        first = export(anonymous, export_format)

        empty_the_graph()
        import_file(client_as_editor, export_format, first)
        second = export(anonymous, export_format)

        assert comparable(export_format, second) == comparable(export_format, first)
        assert graph_snapshot() == (as_graphml_keeps_it(before) if export_format == "graphml" else before)

    round_trip()
