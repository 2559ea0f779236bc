"""Hostile input to the API answers a clear 4xx naming what is wrong, never a 500 or the database's words.

Each group is one rule, held on every write path the API has (create, update, relationships, import as
JSON, CSV and GraphML): nesting depth, cursors, search size, text sizes, control characters and lone
surrogates, URL schemes, ASCII dates, zip sizes, uniqueness messages.
"""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import zipfile
from typing import Any

import pytest
from django.test import override_settings

from orgs.api.formats import CSV_FIELD_LIMIT, RELATIONSHIP_RECORD, _node_columns
from orgs.api.pagination import cursor_encode
from orgs.search import SEARCH_MAX_OFFSET, SEARCH_MAX_WORDS
from orgs.validation import MAX_ALIASES, TEXT_LIMITS
from tests.service_factories import EVIDENCE, node, relationship

DEEP_JSON = "[" * 5000 + "]" * 5000
RECORD_ID = re.compile(r"#\d+:\d+|record")


def post_json(client: Any, url: str, text: str, method: str = "POST") -> Any:
    """Send `text` as a JSON body as it is (the test client would encode a lone surrogate itself)."""
    return client.generic(method, url, text.encode(), content_type="application/json")


SINGLE_SOURCE_EDGES = (*RELATIONSHIP_RECORD, "source", "evidence")


def csv_zip(nodes: list[dict[str, Any]], edges: list[dict[str, Any]] = ()) -> bytes:
    """Return a CSV import (nodes.csv, edges.csv) holding `nodes` and `edges`, as an export would write the nodes;
    the edges in the single-source form (no citations.csv: each row's `source` and `evidence` one citation)."""
    import csv

    files = {}
    for name, columns, rows in (("nodes.csv", _node_columns(), nodes), ("edges.csv", SINGLE_SOURCE_EDGES, edges)):
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
        files[name] = text.getvalue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def import_zip(client: Any, content: bytes) -> Any:
    return client.generic("POST", "/api/import/", content, content_type="application/zip")


def import_json(client: Any, data: dict[str, Any]) -> Any:
    return client.post("/api/import/", data, format="json")


def problems_of(response: Any) -> str:
    assert response.status_code == 400, response.content[:500]
    return " ".join(response.json()["problems"])


# --- 1. Nesting depth: a parser's rule, for every API view and the token endpoint -----------------------


def test_deeply_nested_json_to_the_token_endpoint_is_a_400_saying_so(anonymous):
    response = post_json(anonymous, "/api/auth/token/", DEEP_JSON)

    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/organizations/"),
        ("PATCH", "/api/organizations/alpha/"),
        ("POST", "/api/relationships/"),
        ("POST", "/api/import/"),
        ("POST", "/api/sources/"),
    ],
)
def test_deeply_nested_json_to_a_write_is_a_400_saying_so(centres_graph, client_as_editor, method, url):
    response = post_json(client_as_editor, url, DEEP_JSON, method)

    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_nested_deeper_than_a_graph_file_needs_is_refused_where_it_is(client_as_editor):
    body = {"name": "Nested", "aliases": [[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]}

    response = client_as_editor.post("/api/organizations/", body, format="json")

    assert response.status_code == 400
    [(where, messages)] = response.json().items()
    assert where.startswith("aliases[0][0]")
    assert messages == ["nested more than 20 levels deep"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_json_body_past_the_upload_limit_is_a_413(client_as_editor):
    response = client_as_editor.post(
        "/api/import/", {"organizations": [{"uid": "big", "name": "B" * 20_000}]}, format="json"
    )

    assert response.status_code == 413
    assert "upload limit of 10,000 bytes" in response.json()["detail"]


# --- 2. Cursors: exactly what the list handed out -----------------------------------------------------


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "url",
    [
        "/api/organizations/?q=center&cursor=WyJhYmMiXQ",  # ["abc"] where an offset is due
        "/api/organizations/?q=center&cursor=Wy01XQ",  # [-5]
        "/api/organizations/?q=center&cursor=Wy01XQ&kind=unit",  # [-5], which was a Cypher syntax error
        f"/api/organizations/?q=center&cursor={cursor_encode(10**30)}",
        f"/api/organizations/?q=center&cursor={cursor_encode(SEARCH_MAX_OFFSET + 1)}",
        f"/api/organizations/?q=center&cursor={cursor_encode(True)}",
        f"/api/organizations/?q=center&cursor={cursor_encode(1.5)}",
        f"/api/organizations/?q=center&cursor={raw_cursor('[' * 5000 + ']' * 5000)}",
        "/api/organizations/?cursor=WzEsIDJd",  # [1, 2] where a name and a uid are due
        f"/api/organizations/?cursor={cursor_encode('Alpha', 'alpha', 'extra')}",
        f"/api/organizations/?cursor={raw_cursor(json.dumps(['A', 'x']).replace('A', chr(92) + 'ud800'))}",
        f"/api/organizations/?cursor={cursor_encode('A' * 501, 'alpha')}",
        "/api/relationships/?cursor=WzEsIDJd",
        "/api/relationships/?cursor=not-base64!",
        "/api/countries/?cursor=WzEsIDJd",
        "/api/organizations/alpha/relationships/?type=COLLABORATES_WITH&direction=out&cursor=WzEsIDJd",
        f"/api/organizations/?cursor={'A' * 3000}",
    ],
)
def test_a_malformed_cursor_is_a_400_naming_the_cursor(centres_graph, anonymous, url):
    response = anonymous.get(url)

    assert response.status_code == 400, response.content
    assert "cursor" in response.json()


def test_the_cursors_the_lists_hand_out_still_page_through_them(centres_graph, anonymous):
    first = anonymous.get("/api/organizations/?q=center&page_size=1").json()
    second = anonymous.get(first["next"]).json()

    assert [first["results"][0]["uid"], second["results"][0]["uid"]] in (["alpha", "beta"], ["beta", "alpha"])
    by_name = anonymous.get("/api/organizations/?page_size=1").json()
    assert anonymous.get(by_name["next"]).json()["results"][0]["uid"] == "beta"


def test_a_search_is_not_paged_past_its_deepest_offset(centres_graph, anonymous):
    last = cursor_encode(SEARCH_MAX_OFFSET)

    response = anonymous.get(f"/api/organizations/?q=center&cursor={last}&page_size=1")

    assert response.status_code == 200
    assert response.json() == {"next": None, "results": []}


# --- 3. Search terms: one cap for the pages and the API -----------------------------------------------


@pytest.mark.parametrize("q", [" ".join(["w"] * 1100), " ".join(["w"] * (SEARCH_MAX_WORDS + 1)), "x" * 201])
def test_a_search_that_asks_too_much_is_a_400_naming_q(centres_graph, anonymous, q):
    response = anonymous.get("/api/organizations/", {"q": q})

    assert response.status_code == 400
    assert set(response.json()) == {"q"}


def test_a_search_of_as_many_words_as_allowed_is_answered(centres_graph, anonymous):
    response = anonymous.get("/api/organizations/", {"q": " ".join(["cent"] * SEARCH_MAX_WORDS)})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


# --- 4. Lone surrogates and sizes, in every text field ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "X", "kind": "\\ud800"}', "kind"),
        ('{"name": "X\\udfff"}', "name"),
        ('{"name": "X", "aliases": ["ok", "\\ud800"]}', "aliases[1]"),
        ('{"name": "X", "\\ud800": 1}', "detail"),
    ],
)
def test_a_lone_surrogate_is_a_400_naming_its_field(client_as_editor, body, field):
    response = post_json(client_as_editor, "/api/organizations/", body)

    assert response.status_code == 400
    assert "lone surrogate" in " ".join(response.json()[field])


def test_a_paired_surrogate_escape_is_the_character_it_stands_for(client_as_editor):
    response = post_json(client_as_editor, "/api/organizations/", '{"name": "Smile \\ud83d\\ude00"}')

    assert response.status_code == 201
    assert response.json()["name"] == "Smile \N{GRINNING FACE}"


def test_a_lone_surrogate_in_a_relationship_or_an_import_is_a_400(centres_graph, client_as_editor):
    relationship_body = (
        '{"type": "PART_OF", "from": "alpha", "to": "beta", "source": "partners", "evidence": "\\ud800"}'
    )
    assert "evidence" in post_json(client_as_editor, "/api/relationships/", relationship_body).json()
    file_body = '{"organizations": [{"uid": "x", "name": "\\ud800"}]}'
    assert "organizations[0].name" in post_json(client_as_editor, "/api/import/", file_body).json()


@pytest.mark.parametrize(
    ("label_path", "field", "value"),
    [
        ("organizations", "name", "N" * 1_000_000),
        ("organizations", "name", "N" * (TEXT_LIMITS["name"] + 1)),
        ("organizations", "acronym", "A" * (TEXT_LIMITS["acronym"] + 1)),
        ("organizations", "description", "d" * (TEXT_LIMITS["description"] + 1)),
        ("organizations", "aliases", ["a" * (TEXT_LIMITS["aliases"] + 1)]),
        ("organizations", "aliases", [f"alias {n}" for n in range(MAX_ALIASES + 1)]),
        ("countries", "iso_code", "TURK"),
        ("events", "place", "p" * (TEXT_LIMITS["place"] + 1)),
        ("sources", "text", "t" * (TEXT_LIMITS["text"] + 1)),
    ],
)
def test_text_past_its_size_limit_is_a_400_naming_the_field(client_as_editor, label_path, field, value):
    name_field = "title" if label_path == "sources" else "name"
    body = {name_field: "Big", field: value} if field != name_field else {field: value}

    response = client_as_editor.post(f"/api/{label_path}/", body, format="json")

    assert response.status_code == 400, response.content[:300]
    assert field in response.json()


def test_text_of_exactly_the_limit_is_kept_whole(client_as_editor):
    name, description = "N" * TEXT_LIMITS["name"], "d" * TEXT_LIMITS["description"]

    response = client_as_editor.post("/api/organizations/", {"name": name, "description": description}, format="json")

    assert response.status_code == 201
    assert node(response.json()["uid"])["description"] == description


def test_a_source_text_as_long_as_allowed_is_stored(client_as_editor):
    text = ("The two bodies closely collaborate. " * 60_000)[: TEXT_LIMITS["text"]]

    response = client_as_editor.post("/api/sources/", {"title": "Long report", "text": text}, format="json")

    assert response.status_code == 201
    assert len(node(response.json()["uid"])["text"]) == TEXT_LIMITS["text"]


def test_an_evidence_or_qualifier_past_its_limit_is_a_400_naming_it(centres_graph, client_as_editor):
    body = {"type": "PART_OF", "from": "alpha", "to": "beta", "source": "partners", "evidence": EVIDENCE}
    long_evidence = {**body, "evidence": "e" * (TEXT_LIMITS["evidence"] + 1)}
    long_qualifier = {**body, "qualifier": "q" * (TEXT_LIMITS["qualifier"] + 1)}

    assert "evidence" in client_as_editor.post("/api/relationships/", long_evidence, format="json").json()
    assert "qualifier" in client_as_editor.post("/api/relationships/", long_qualifier, format="json").json()


def test_a_name_of_a_megabyte_in_an_import_is_named_and_nothing_is_written(client_as_editor):
    response = import_json(client_as_editor, {"organizations": [{"uid": "big", "name": "N" * 1_000_000}]})

    assert "organizations[0] (big): field 'name': at most 300 characters" in problems_of(response)
    assert client_as_editor.get("/api/organizations/big/").status_code == 404


def test_a_csv_field_of_200000_characters_is_named(client_as_editor):
    content = csv_zip([{"uid": "big", "label": "Organization", "name": "Big", "description": "d" * 200_000}])

    assert "field 'description': at most 20,000 characters (this has 200,000)" in problems_of(
        import_zip(client_as_editor, content)
    )


def test_a_csv_field_longer_than_any_field_takes_is_named_by_its_line(client_as_editor):
    content = csv_zip(
        [
            {"uid": "ok", "label": "Organization", "name": "Fine"},
            {"uid": "big", "label": "Organization", "name": "Big", "description": "d" * (CSV_FIELD_LIMIT + 1)},
        ]
    )

    response = import_zip(client_as_editor, content)

    assert response.status_code == 400
    assert "nodes.csv: row 2 (after the header): field larger than field limit" in response.json()["detail"]


def test_a_csv_file_the_csv_module_cannot_read_is_a_400_naming_the_row(client_as_editor):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("nodes.csv", "uid,label,name\nx,Organization,A\rB\n")
        archive.writestr("edges.csv", "uid,type,from,to\n")

    response = import_zip(client_as_editor, buffer.getvalue())

    assert response.status_code == 400
    assert response.json()["detail"].startswith("nodes.csv: row 1 (after the header): new-line character")


def test_a_nul_in_a_csv_field_is_named_with_its_field(client_as_editor):
    content = csv_zip([{"uid": "x", "label": "Organization", "name": "A\0B"}])

    assert "field 'name': contains a control character (U+0000)" in problems_of(import_zip(client_as_editor, content))


# --- 5. Control characters, on every write path ----------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["Bad\x01name", "\x1b[31mRed", "Nul\x00", "Del\x7f", "Two\nlines", "Tab\tname", "Line\u2028separator"]
)
def test_a_control_character_in_a_one_line_field_is_a_400_naming_it(client_as_editor, value):
    response = client_as_editor.post("/api/organizations/", {"name": value}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()


def test_a_description_may_hold_line_breaks_and_tabs_but_no_other_control_character(client_as_editor):
    kept = client_as_editor.post(
        "/api/organizations/", {"name": "Lines", "description": "One\n\tTwo\r\nThree"}, format="json"
    )
    refused = client_as_editor.post("/api/organizations/", {"name": "Bell", "description": "Ding\x07"}, format="json")

    assert kept.status_code == 201
    assert kept.json()["description"] == "One\n\tTwo\nThree"  # line breaks kept as \n: every format writes them back
    assert refused.status_code == 400
    assert "control character (U+0007) at position 5" in " ".join(refused.json()["description"])


def test_control_characters_are_refused_by_updates_relationships_and_every_import_format(
    centres_graph, client_as_editor
):
    assert "acronym" in client_as_editor.patch("/api/organizations/alpha/", {"acronym": "A\x1b"}, format="json").json()
    body = {"type": "PART_OF", "from": "alpha", "to": "beta", "source": "partners", "evidence": EVIDENCE}
    assert (
        "qualifier"
        in client_as_editor.post("/api/relationships/", {**body, "qualifier": "close\x01"}, format="json").json()
    )
    assert (
        "evidence"
        in client_as_editor.patch(
            f"/api/relationships/{relationship('MEMBER_OF', 'alpha', 'beta')['uid']}/",
            {"evidence": "x\x00"},
            format="json",
        ).json()
    )
    assert "field 'name': contains a control character" in problems_of(
        import_json(client_as_editor, {"organizations": [{"uid": "c", "name": "C\x01"}]})
    )
    assert "field 'name': contains a control character" in problems_of(
        import_zip(client_as_editor, csv_zip([{"uid": "c", "label": "Organization", "name": "C\x01"}]))
    )
    assert "field 'qualifier': contains a control character" in problems_of(
        import_zip(
            client_as_editor,
            csv_zip(
                [],
                [
                    {
                        "type": "PART_OF",
                        "from": "alpha",
                        "to": "beta",
                        "source": "partners",
                        "evidence": EVIDENCE,
                        "qualifier": "q\x1b",
                    }
                ],
            ),
        )
    )


def test_the_graphml_export_of_what_was_accepted_is_xml_that_imports_again(centres_graph, anonymous, client_as_editor):
    client_as_editor.patch("/api/organizations/alpha/", {"description": "Tabs\tand\nlines"}, format="json")
    exported = anonymous.get("/api/export/?format=graphml")

    imported = client_as_editor.generic(
        "POST", "/api/import/?dry_run=true", exported.getvalue(), content_type="application/graphml+xml"
    )

    assert imported.status_code == 200, imported.content[:500]


# --- 6. Only http and https addresses --------------------------------------------------------------------

BAD_URLS = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/file",
    "//example.org/no-scheme",
    "https://",
    "http://exa mple.org/",
    "https://example.org:port/",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_website_that_is_not_http_or_https_is_a_400_naming_it(client_as_editor, url):
    response = client_as_editor.post("/api/organizations/", {"name": "Web", "website": url}, format="json")

    assert response.status_code == 400
    assert "website" in response.json()


def test_a_source_url_that_is_not_http_or_https_is_refused_on_every_path(centres_graph, client_as_editor):
    bad = "javascript:alert(document.domain)"
    assert "url" in client_as_editor.post("/api/sources/", {"title": "S", "url": bad}, format="json").json()
    assert "url" in client_as_editor.patch("/api/sources/partners/", {"url": bad}, format="json").json()
    assert "field 'url': must be an http:// or https:// address" in problems_of(
        import_json(client_as_editor, {"sources": [{"uid": "s", "title": "S", "url": bad}]})
    )
    assert "field 'website': must be an http:// or https:// address" in problems_of(
        import_zip(client_as_editor, csv_zip([{"uid": "w", "label": "Organization", "name": "W", "website": bad}]))
    )


def test_http_and_https_addresses_are_kept(client_as_editor):
    for url in ("https://www.example.org/a?b=c#d", "HTTP://EXAMPLE.ORG", "http://127.0.0.1:8000/"):
        response = client_as_editor.post("/api/organizations/", {"name": url, "website": url}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["website"] == url


# --- 7. Dates in ASCII digits ------------------------------------------------------------------------------


def test_a_date_in_other_digits_is_a_400_naming_it(centres_graph, client_as_editor, anonymous):
    assert (
        "founded"
        in client_as_editor.post("/api/organizations/", {"name": "Digits", "founded": "２００３"}, format="json").json()
    )
    body = {"type": "PART_OF", "from": "alpha", "to": "beta", "source": "partners", "evidence": EVIDENCE}
    assert "since" in client_as_editor.post("/api/relationships/", {**body, "since": "٢٠٠٣"}, format="json").json()
    assert "as_of" in anonymous.get("/api/organizations/?as_of=２００３").json()
    assert (
        "founded"
        in client_as_editor.post(
            "/api/organizations/", {"name": "Newline", "founded": "2003\n-01"}, format="json"
        ).json()
    )


# --- 8. Zip imports bounded before decompression ----------------------------------------------------------


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000_000)
def test_a_zip_that_expands_past_the_upload_limit_is_refused_naming_the_file(client_as_editor):
    bomb = zip_of({"nodes.csv": b"uid,label,name\n" + b" " * 50_000_000, "edges.csv": b"uid\n"})
    assert len(bomb) < 100_000

    response = import_zip(client_as_editor, bomb)

    assert response.status_code == 400
    assert "nodes.csv: larger than 1,000,000 bytes uncompressed" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000_000)
def test_the_two_files_of_a_zip_count_together(client_as_editor):
    content = zip_of({"nodes.csv": b"uid,label,name\n" + b" " * 600_000, "edges.csv": b"uid\n" + b" " * 600_000})

    assert "edges.csv: larger than" in import_zip(client_as_editor, content).json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000_000)
def test_a_zip_whose_headers_understate_a_file_is_not_believed(client_as_editor):
    content = bytearray(zip_of({"nodes.csv": b"uid,label,name\n" + b" " * 5_000_000, "edges.csv": b"uid\n"}))
    declared = struct.pack("<I", 5_000_015)
    while (at := content.find(declared)) != -1:  # the size in the local header and in the central directory
        content[at : at + 4] = struct.pack("<I", 100)

    response = import_zip(client_as_editor, bytes(content))

    assert response.status_code == 400
    assert "nodes.csv" in response.json()["detail"] or "zip" in response.json()["detail"]


# --- 9. Error texts in a person's terms -----------------------------------------------------------------


def test_a_taken_uid_is_a_409_in_plain_words(centres_graph, client_as_editor):
    response = client_as_editor.post("/api/organizations/", {"uid": "alpha", "name": "Other"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "'alpha' is a node's uid; choose another uid or leave it out to get one"


def test_a_name_taken_is_a_409_in_plain_words(centres_graph, client_as_editor):
    response = client_as_editor.post("/api/organizations/", {"name": "Alpha Center"}, format="json")

    assert response.json()["detail"] == "an organization named 'Alpha Center' already exists"


def test_an_import_of_a_name_taken_in_the_graph_says_so_without_record_ids(centres_graph, client_as_editor):
    response = import_json(client_as_editor, {"organizations": [{"uid": "other", "name": "Alpha Center"}]})

    assert response.status_code == 409
    assert response.json()["detail"] == "an organization named 'Alpha Center' already exists"
    assert not RECORD_ID.search(response.content.decode())


@pytest.mark.parametrize("body", ["1.1931720169057622e+211", "true", "null", "7"])
def test_a_json_body_that_is_not_an_object_is_a_400(centres_graph, client_as_editor, body):
    response = client_as_editor.generic("PUT", "/api/organizations/alpha/", body, content_type="application/json")

    assert response.status_code == 400, response.content[:300]
