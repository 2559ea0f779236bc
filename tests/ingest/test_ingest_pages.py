"""The editors' pages of adding a source, through Django's test client: who may see them, the review's form."""

from __future__ import annotations

import re

from django.test import Client

from orgs.graph.connection import cypher
from orgs.ingest.drafts import source_draft_create, source_draft_get
from orgs.models import SourceDraft
from tests.api.conftest import user_with

PAGE = "Baltic Anti-Crime Center\n\nThe Center closely collaborates with the <b>Nordic</b> Customs Council.\n"


def test_the_pages_are_for_editors_only() -> None:
    assert Client().get("/sources/add/").status_code == 302
    reader = Client()
    reader.force_login(user_with("page-reader"))
    assert reader.get("/sources/add/").status_code == 403
    assert reader.get("/sources/drafts/").status_code == 403


def test_a_pasted_text_opens_its_review_with_each_proposal_in_plain_words(editor_pages) -> None:
    answer = editor_pages.post("/sources/add/", {"title": "Partners", "text": PAGE})
    draft = SourceDraft.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/sources/drafts/{draft.pk}/"
    review = editor_pages.get(answer["Location"]).content.decode()
    assert "Baltic Anti-Crime Center collaborates with Customs Council" in review  # the markup cuts the name
    assert "&lt;b&gt;Nordic&lt;/b&gt;" in review and "<b>Nordic</b>" not in review
    assert re.search(r'<mark class="name" data-label="Organization"><a href="#entity-e\d+">Center</a></mark>', review)


def test_bad_fields_are_shown_beside_them_and_what_was_typed_is_kept(editor_pages) -> None:
    answer = editor_pages.post("/sources/add/", {"title": "Partners", "text": PAGE, "url": "javascript:alert(1)"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "must be an http:// or https:// address" in page and 'value="javascript:alert(1)"' in page
    assert not SourceDraft.objects.exists()


def test_accepting_the_checked_proposals_publishes_the_source_and_a_stale_page_is_refused(editor_pages) -> None:
    draft = source_draft_create(title="Partners", text=PAGE)
    _, reading = source_draft_get(draft_id=draft.pk)
    (proposal,) = reading.proposals
    form = {"version": "1", f"decision-{proposal.key}": "accept", f"since-{proposal.key}": "2010"}
    stale = editor_pages.post(f"/sources/drafts/{draft.pk}/", {**form, "version": "9"})
    assert stale.status_code == 400 and "Nothing was written" in stale.content.decode()
    answer = editor_pages.post(f"/sources/drafts/{draft.pk}/", form)
    assert answer.status_code == 302 and answer["Location"] == "/sources/partners/"
    assert cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN r.since AS since") == [{"since": "2010"}]
    assert "This draft was accepted" in editor_pages.get(f"/sources/drafts/{draft.pk}/").content.decode()


def test_a_bad_date_is_named_on_its_proposal_and_nothing_is_written(editor_pages) -> None:
    draft = source_draft_create(title="Partners", text=PAGE)
    (proposal,) = source_draft_get(draft_id=draft.pk)[1].proposals
    answer = editor_pages.post(
        f"/sources/drafts/{draft.pk}/",
        {"version": "1", f"decision-{proposal.key}": "accept", f"since-{proposal.key}": "soon"},
    )
    assert answer.status_code == 400 and "is not a date like 2003" in answer.content.decode()
    assert cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"] == 0


def test_a_paste_of_ten_megabytes_is_refused_with_its_size_and_not_sent_back(editor_pages) -> None:
    answer = editor_pages.post("/sources/add/", {"title": "Big", "text": "The Baltic Centre. " * 550_000})
    page = answer.content.decode()
    assert answer.status_code == 400 and "at most 1,000,000 characters of text" in page
    assert len(page) < 100_000 and not SourceDraft.objects.exists()
