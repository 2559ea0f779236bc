"""The API of adding a source: POST a text or a file, read the draft, accept its proposals in one step."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from rest_framework.test import APIClient

from orgs.graph.connection import cypher
from tests.api.conftest import user_with

PAGE = "Baltic Anti-Crime Center\n\nThe Center closely collaborates with the Nordic Customs Council.\n"


def test_a_pasted_text_becomes_a_draft_whose_accepted_proposals_become_cited_relationships(editor_api) -> None:
    created = editor_api.post(
        "/api/sources/ingest/", {"title": "Partners", "url": "https://example.org/p", "text": PAGE}, format="json"
    )
    assert created.status_code == 201, created.json()
    draft = created.json()
    (proposal,) = draft["proposals"]
    assert proposal["summary"] == "Baltic Anti-Crime Center collaborates with Nordic Customs Council"
    assert editor_api.get(f"/api/sources/drafts/{draft['id']}/").json()["version"] == 1
    assert editor_api.get("/api/sources/drafts/").json()["results"][0]["id"] == draft["id"]
    body = {"version": 1, "decisions": {"proposals": {proposal["key"]: {"decision": "accept", "since": "2009"}}}}
    accepted = editor_api.post(f"/api/sources/drafts/{draft['id']}/accept/", body, format="json")
    assert accepted.status_code == 200, accepted.json()
    (written,) = accepted.json()["relationships"]
    assert written["outcome"] == "created"
    assert cypher("MATCH ()-[r {uid: $uid}]-() RETURN r.since AS since LIMIT 1", {"uid": written["uid"]}) == [
        {"since": "2009"}
    ]
    again = editor_api.post(f"/api/sources/drafts/{draft['id']}/accept/", body, format="json")
    assert again.status_code == 409 and "another editor" in again.json()["detail"]


def test_drafts_are_for_editors_only(editor_api) -> None:
    draft = editor_api.post("/api/sources/ingest/", {"title": "P", "text": PAGE}, format="json").json()
    reader = APIClient()
    reader.force_authenticate(user_with("reader-only"))
    assert reader.get(f"/api/sources/drafts/{draft['id']}/").status_code == 403
    assert APIClient().post("/api/sources/ingest/", {"title": "P", "text": PAGE}, format="json").status_code in (
        401,
        403,
    )


@pytest.mark.parametrize(
    ("upload", "field", "words"),
    [
        (("page.txt", b"\x00\x01\x02\x03" * 100), "file", "binary"),
        (("page.exe", b"MZ"), "file", ".txt, .html or .pdf"),
        (("empty.txt", b"   \n"), "file", "no text"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_with_why(editor_api, upload, field, words) -> None:
    name, data = upload
    file = io.BytesIO(data)
    file.name = name
    answer = editor_api.post("/api/sources/ingest/", {"title": "P", "file": file}, format="multipart")
    assert answer.status_code == 400
    assert words in " ".join(answer.json()[field])


def test_html_is_read_without_its_scripts_and_a_pdf_without_text_is_refused(editor_api) -> None:
    html = io.BytesIO(
        b"<html><head><script>alert(1)</script></head><body><nav>Home | About</nav>"
        b"<p onclick='alert(2)'>The Baltic Anti-Crime Center closely collaborates with the Nordic Customs "
        b"Council.</p></body></html>"
    )
    html.name = "page.html"
    draft = editor_api.post("/api/sources/ingest/", {"title": "P", "file": html}, format="multipart").json()
    text = editor_api.get(f"/api/sources/drafts/{draft['id']}/").json()
    assert "alert" not in str(text) and len(text["proposals"]) == 1
    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(blank)
    blank.seek(0)
    blank.name = "scan.pdf"
    answer = editor_api.post("/api/sources/ingest/", {"title": "P", "file": blank}, format="multipart")
    assert answer.status_code == 400 and "no text layer" in answer.json()["file"][0]


def test_bad_fields_and_decisions_answer_400_naming_them(editor_api) -> None:
    answer = editor_api.post("/api/sources/ingest/", {"title": "P", "text": "", "url": "javascript:x"}, format="json")
    assert answer.status_code == 400 and "text" in answer.json()
    draft = editor_api.post("/api/sources/ingest/", {"title": "P", "text": PAGE}, format="json").json()
    answer = editor_api.post(
        f"/api/sources/drafts/{draft['id']}/accept/",
        {"version": 1, "decisions": {"proposals": {"p-nope": {"decision": "accept"}}}},
        format="json",
    )
    assert answer.status_code == 400 and "proposals.p-nope" in answer.json()
    assert editor_api.get("/api/sources/drafts/abc/").status_code == 404
    assert editor_api.post(f"/api/sources/drafts/{draft['id']}/accept/", {}, format="json").status_code == 400


def test_hostile_bodies_answer_400_and_write_nothing(editor_api) -> None:
    deep = "[" * 5000 + "]" * 5000
    answer = editor_api.post("/api/sources/ingest/", deep, content_type="application/json")
    assert answer.status_code == 400
    draft = editor_api.post("/api/sources/ingest/", {"title": "P", "text": PAGE}, format="json").json()
    (proposal,) = draft["proposals"]
    odd_decisions = [
        {"entities": {draft["entities"][0]["key"]: {"match": 5}}},
        {"proposals": {proposal["key"]: {"decision": ["accept"]}}},
        {"proposals": {proposal["key"]: {"decision": "accept", "relationship_type": {"x": 1}}}},
        {"proposals": {proposal["key"]: {"decision": "accept", "since": 2009.5}}},
        {
            "entities": {draft["entities"][0]["key"]: {"match": None, "name": "x" * 400}},
            "proposals": {proposal["key"]: {"decision": "accept"}},
        },
        [],
    ]
    for decisions in odd_decisions:
        answer = editor_api.post(
            f"/api/sources/drafts/{draft['id']}/accept/", {"version": 1, "decisions": decisions}, format="json"
        )
        assert answer.status_code == 400, (decisions, answer.content)
    assert cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"] == 0
    title = editor_api.post("/api/sources/ingest/", {"title": "t" * 501, "text": PAGE}, format="json")
    assert title.status_code == 400 and "title" in title.json()
