"""Drafts: a source read and kept for review, then what the editor accepts written at once, or nothing."""

from __future__ import annotations

import threading

import pytest

from orgs import services
from orgs.graph.connection import cypher
from orgs.ingest.drafts import DraftStale, proposal_summary, source_draft_accept, source_draft_create, source_draft_get
from orgs.models import ChangeRecord, DraftStatus, RejectedProposal, SourceDraft
from orgs.validation import ValidationFailed
from tests.service_factories import organization, relationship, source

PAGE = (
    "Baltic Anti-Crime Center\n\n"
    "The Center closely collaborates with the Nordic Customs Council and the Europol Liaison Office.\n"
)


@pytest.fixture
def editor(source_editor):
    return source_editor


def accept_all(draft: SourceDraft, **entities: dict) -> dict:
    _, reading = source_draft_get(draft_id=draft.pk)
    return {"entities": entities, "proposals": {p.key: {"decision": "accept"} for p in reading.proposals}}


def test_a_draft_keeps_the_text_and_its_proposals_and_writes_nothing_to_the_graph(editor) -> None:
    draft = source_draft_create(title="Partners", text=PAGE, publisher="BACC", actor=editor)
    _, reading = source_draft_get(draft_id=draft.pk)
    assert draft.status == DraftStatus.DRAFT and draft.created_by == editor
    assert len(reading.proposals) == 2
    assert cypher("MATCH (n:Node) RETURN count(n) AS nodes")[0]["nodes"] == 0


def test_accepting_writes_the_source_the_new_bodies_and_the_relationships_with_their_quotes(editor) -> None:
    draft = source_draft_create(title="Partners", text=PAGE, published="2024-05", actor=editor)
    accepted = source_draft_accept(draft_id=draft.pk, decisions=accept_all(draft), expected_version=1, actor=editor)
    assert services.node_get(uid=accepted.source_uid)[1]["published"] == "2024-05"
    assert {node["name"] for node in accepted.created_nodes} == {
        "Baltic Anti-Crime Center",
        "Nordic Customs Council",
        "Europol Liaison Office",
    }
    assert [each["outcome"] for each in accepted.relationships] == ["created", "created"]
    rows = cypher(
        "MATCH (a:Organization)-[r:COLLABORATES_WITH]-(b:Organization {name: 'Nordic Customs Council'}) "
        "RETURN a.name AS start, r.source_uids AS sources"
    )
    assert rows == [{"start": "Baltic Anti-Crime Center", "sources": [accepted.source_uid]}]
    draft.refresh_from_db()
    assert (draft.status, draft.source_uid) == (DraftStatus.PUBLISHED, accepted.source_uid)
    assert ChangeRecord.objects.filter(actor=editor).count() >= 6


def test_a_proposal_that_restates_a_known_relationship_adds_a_source_to_it(editor) -> None:
    source()
    organization("bacc", "Baltic Anti-Crime Center")
    organization("ncc", "Nordic Customs Council")
    relationship("COLLABORATES_WITH", "bacc", "ncc")
    draft = source_draft_create(title="Partners", text=PAGE, actor=editor)
    _, reading = source_draft_get(draft_id=draft.pk)
    restating = next(p for p in reading.proposals if p.existing_uid)
    assert proposal_summary(reading, restating) == (
        "Baltic Anti-Crime Center collaborates with Nordic Customs Council — adds a second source"
    )
    accepted = source_draft_accept(draft_id=draft.pk, decisions=accept_all(draft), expected_version=1, actor=editor)
    assert {each["outcome"] for each in accepted.relationships} == {"created", "citation_added"}
    assert services.relationship_get(uid=restating.existing_uid)["source_count"] == 2


def test_a_rejected_proposal_is_not_proposed_again(editor) -> None:
    draft = source_draft_create(title="Partners", text=PAGE, actor=editor)
    _, reading = source_draft_get(draft_id=draft.pk)
    first, second = reading.proposals
    decisions = {"proposals": {first.key: {"decision": "accept"}, second.key: {"decision": "reject"}}}
    source_draft_accept(draft_id=draft.pk, decisions=decisions, expected_version=1, actor=editor)
    assert RejectedProposal.objects.filter(proposal_key=second.key).exists()
    again = source_draft_create(title="Partners again", text=PAGE, actor=editor)
    assert [p.key for p in source_draft_get(draft_id=again.pk)[1].proposals] == [first.key]


def test_an_ambiguous_name_must_be_chosen_before_its_relationship_is_accepted(editor) -> None:
    organization("ncc-1", "Nordic Customs Council of Ministers", aliases=["Nordic Customs Council"])
    organization("ncc-2", "Nordic Council on Customs", aliases=["Nordic Customs Council"])
    draft = source_draft_create(title="Partners", text=PAGE, actor=editor)
    _, reading = source_draft_get(draft_id=draft.pk)
    council = next(e for e in reading.entities if e.name == "Nordic Customs Council")
    assert council.ambiguous and council.match_uid is None
    with pytest.raises(ValidationFailed, match="choose which is meant"):
        source_draft_accept(draft_id=draft.pk, decisions=accept_all(draft), expected_version=1, actor=editor)
    accepted = source_draft_accept(
        draft_id=draft.pk, decisions=accept_all(draft, **{council.key: {"match": "ncc-2"}}), expected_version=1
    )
    assert "ncc-2" not in {node["uid"] for node in accepted.created_nodes}


def test_a_node_deleted_meanwhile_fails_the_accept_and_leaves_the_graph_and_the_draft_as_they_were(editor) -> None:
    organization("ncc", "Nordic Customs Council")
    draft = source_draft_create(title="Partners", text=PAGE, actor=editor)
    services.node_delete(uid="ncc")
    before = cypher("MATCH (n:Node) RETURN count(n) AS nodes")[0]["nodes"]
    with pytest.raises(ValidationFailed, match="no longer in the graph"):
        source_draft_accept(draft_id=draft.pk, decisions=accept_all(draft), expected_version=1, actor=editor)
    assert cypher("MATCH (n:Node) RETURN count(n) AS nodes")[0]["nodes"] == before
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (DraftStatus.DRAFT, 1)


def test_a_stale_version_is_refused(editor) -> None:
    draft = source_draft_create(title="Partners", text=PAGE, actor=editor)
    with pytest.raises(DraftStale, match="changed since you read it"):
        source_draft_accept(draft_id=draft.pk, decisions=accept_all(draft), expected_version=7, actor=editor)


@pytest.mark.django_db(transaction=True)
def test_two_editors_accepting_at_once_write_it_once(editor) -> None:
    draft = source_draft_create(title="Partners", text=PAGE, actor=editor)
    decisions = accept_all(draft)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            source_draft_accept(draft_id=draft.pk, decisions=decisions, expected_version=1, actor=editor)
            outcomes.append("accepted")
        except DraftStale:
            outcomes.append("stale")

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "stale"]
    assert cypher("MATCH (s:Source) RETURN count(s) AS sources")[0]["sources"] == 1


def test_bad_fields_are_named(editor) -> None:
    with pytest.raises(ValidationFailed) as failed:
        source_draft_create(title="", text=PAGE, url="javascript:alert(1)", published="last year", actor=editor)
    assert {"title", "url", "published"} <= set(failed.value.errors)
