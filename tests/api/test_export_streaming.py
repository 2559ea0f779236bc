"""Whole-graph exports are streamed: read in short keyset pages as the client downloads, written a page at a
time in each format, and rate-limited for anonymous clients."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.cache import cache

from orgs.api import formats
from orgs.api.renderers import FastJSONRenderer
from orgs.api.throttling import AnonRateThrottle
from orgs.graph.connection import recorded_queries
from orgs.selectors import exports
from tests import service_factories as make


@pytest.fixture
def small_pages(monkeypatch):
    """A graph of 7 organizations in a chain, 1 source, 6 relationships, exported 3 rows a query."""
    monkeypatch.setattr(exports, "EXPORT_BATCH", 3)
    make.source()
    for i in range(7):
        make.organization(f"org-{i}", f'Body <{i}> & "Partners"', description=f"line one\nline {i}")
    for i in range(6):
        make.relationship("COLLABORATES_WITH", f"org-{i}", f"org-{i + 1}")


def whole_file() -> dict:
    """The graph file of the whole graph as one mapping (read without paging into memory)."""
    return formats.graph_file(exports.graph_export())


@pytest.mark.parametrize("export_format", ["json", "csv", "graphml"])
def test_an_export_reads_the_graph_a_short_page_at_a_time_as_it_is_downloaded(small_pages, anonymous, export_format):
    with recorded_queries() as queries:
        response = anonymous.get(f"/api/export/?format={export_format}")
        before_download = len(queries)
        chunks = iter(response.streaming_content)
        while not queries:
            next(chunks)
        after_first_page = len(queries)
        rest = list(chunks)

    assert response.streaming and rest
    assert before_download == 0  # nothing is read until the client reads
    assert after_first_page == 1  # the file's first page needed one query, and the rest none yet
    pages = [query for query in queries if "LIMIT $limit" in query]
    citations = [query for query in queries if "(c:Citation" in query]
    assert len(pages) + len(citations) == len(queries)  # every read is one keyset page, or the citations of one
    assert len([query for query in pages if ":Organization)" in query]) == 3  # 7 bodies: 3 + 3 + 1
    assert len(citations) == 2  # 6 relationships: 3 + 3, each page's citations read in one query


def test_the_streamed_json_is_byte_for_byte_what_the_renderer_writes_for_the_whole_file(small_pages):
    data = whole_file()
    header = {"format": data["format"], "exported_at": data["exported_at"]}

    streamed = b"".join(formats.json_chunks(header, formats.whole_graph_sections()))

    assert streamed == FastJSONRenderer().render(data)


def test_the_streamed_csv_and_graphml_hold_the_whole_graph_with_its_text_escaped(small_pages, anonymous):
    expected = {section: records for section, records in whole_file().items() if isinstance(records, list)}
    archive = zipfile.ZipFile(io.BytesIO(anonymous.get("/api/export/?format=csv").getvalue()))
    graphml = anonymous.get("/api/export/?format=graphml").getvalue()

    from_csv = formats.from_csv_zip(b"".join(formats.csv_zip_chunks(formats.file_sections(expected))))
    assert archive.testzip() is None
    assert formats.from_csv_zip(archive.fp.getvalue()) == from_csv
    ET.fromstring(graphml)  # well-formed, whatever the names hold
    from_graphml = formats.from_graphml(graphml)
    assert from_graphml["organizations"] == expected["organizations"]
    assert from_graphml["relationships"] == [
        {**{k: v if k == "citations" else str(v) for k, v in relationship.items()}, "source_count": "1"}
        for relationship in expected["relationships"]
    ]
    assert from_csv["relationships"] == [
        {**relationship, "source_count": "1", "citations": [{k: str(v) for k, v in c.items()} for c in citations]}
        for relationship in from_graphml["relationships"]
        for citations in [relationship["citations"]]
    ]
    assert from_csv["organizations"] == from_graphml["organizations"]


def test_an_export_of_an_empty_graph_is_a_file_with_empty_sections(anonymous):
    body = json.loads(anonymous.get("/api/export/").getvalue())
    nodes = zipfile.ZipFile(io.BytesIO(anonymous.get("/api/export/?format=csv").getvalue())).read("nodes.csv")

    assert body["format"] == "atc-graph/2" and body["organizations"] == [] and body["relationships"] == []
    assert nodes.decode().startswith("uid,label,")


@pytest.mark.parametrize(
    "client_fixture, statuses",
    [("anonymous", [200, 200, 429]), ("client_as_reader", [200, 200, 200])],
    ids=["anonymous exports have their own rate", "signed-in users are on the user rate"],
)
def test_anonymous_exports_are_throttled_on_their_own_rate(client_fixture, statuses, request, monkeypatch):
    client = request.getfixturevalue(client_fixture)
    monkeypatch.setattr(
        AnonRateThrottle, "THROTTLE_RATES", {"anon": "100/minute", "export_anon": "2/hour", "user": "100/minute"}
    )
    cache.clear()

    answered = [client.get("/api/export/?format=csv") for _ in range(3)]
    stats = client.get("/api/stats/")
    cache.clear()

    assert [response.status_code for response in answered] == statuses
    assert stats.status_code == 200  # other reads keep the ordinary rate
    if statuses[-1] == 429:
        assert 0 < int(answered[-1]["Retry-After"]) <= 3600
