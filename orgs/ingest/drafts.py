"""Drafts: a new source read and kept for review, then what the editor accepts written in one transaction.

A draft lives in the SQL database (`orgs.models.SourceDraft`) and is on no public page; accepting it creates its
Source node, the new nodes it names and each accepted relationship (or a new citation of one the graph has)
through `orgs.services`, all in one graph transaction recorded under the editor's name. Rejected proposals are
kept (`RejectedProposal`) so reading the same words again does not propose them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from orgs import services
from orgs.dates import parse_partial_date, period_is_ordered
from orgs.graph.connection import AlreadyExists, write_transaction
from orgs.ingest.matching import reading_matched
from orgs.ingest.reader import read_source
from orgs.ingest.reading import Entity, Proposal, Reading
from orgs.models import DraftStatus, RejectedProposal, SourceDraft
from orgs.selectors.nodes import node_labels
from orgs.validation import ValidationFailed, clean_node_properties
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

SOURCE_EDITING = "orgs.add_source"  # the permission every page and call of adding a source needs
DRAFT_FIELDS = ("title", "publisher", "url", "published")  # a draft's own fields beside its text
DECISIONS = ("accept", "reject", "skip")  # what an editor may decide of a proposal; "skip" leaves it out
ORDINALS = {1: "second", 2: "third", 3: "fourth", 4: "fifth"}


class DraftNotFound(Exception):
    """No draft has that id."""


class DraftStale(Exception):
    """The draft changed (or was accepted) since the editor read it: the message says which."""


@dataclass
class Accepted:
    """What accepting a draft wrote."""

    source_uid: str
    created_nodes: list[dict[str, str]]
    relationships: list[dict[str, str]]
    rejected: int

    def as_json(self) -> dict[str, Any]:
        """Return it as the API answers it."""
        return {
            "source": self.source_uid,
            "created_nodes": self.created_nodes,
            "relationships": self.relationships,
            "rejected": self.rejected,
        }


def source_draft_create(
    *, title: str, text: str, publisher: str = "", url: str = "", published: str = "", actor: Any = None
) -> SourceDraft:
    """Read `text` (plain text: `orgs.ingest.extract.extracted_text`) and keep it as a draft with its proposals
    matched to the graph, less those rejected before; return the draft. Raise ValidationFailed naming a bad field
    (the Source node's own rules for title, publisher, url and text)."""
    fields = {
        "title": title,
        "text": text,
        **({"publisher": publisher} if publisher else {}),
        **({"url": url} if url else {}),
    }
    errors: dict[str, list[str]] = {}
    try:
        cleaned = clean_node_properties(NodeLabel.SOURCE.value, fields)
    except ValidationFailed as failed:
        errors.update(failed.errors)
        cleaned = fields
    try:
        published = parse_partial_date(published) or ""
    except ValueError as error:
        errors["published"] = [str(error)]
    if errors:
        raise ValidationFailed(errors)
    reading = reading_matched(read_source(cleaned["text"], title=cleaned["title"], publisher=publisher or None))
    rejected = set(
        RejectedProposal.objects.filter(proposal_key__in=[p.key for p in reading.proposals]).values_list(
            "proposal_key", flat=True
        )
    )
    reading.proposals = [p for p in reading.proposals if p.key not in rejected]
    return SourceDraft.objects.create(
        title=cleaned["title"],
        publisher=cleaned.get("publisher", ""),
        url=cleaned.get("url", ""),
        published=published,
        text=cleaned["text"],
        reading=reading.as_json(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def source_draft_get(*, draft_id: int) -> tuple[SourceDraft, Reading]:
    """Return the draft `draft_id` and its reading; raise DraftNotFound."""
    draft = SourceDraft.objects.filter(pk=draft_id).first()
    if draft is None:
        raise DraftNotFound(f"no draft with id {draft_id}")
    return draft, Reading.from_json(draft.text, draft.reading)


def proposal_summary(reading: Reading, proposal: Proposal) -> str:
    """Return a proposal in plain words: "CIS ATC collaborates with CSTO — adds a second source"."""
    start, end = reading.entity(proposal.start), reading.entity(proposal.end)
    words = f"{entity_label(start)} {RELATIONSHIP_TYPES[proposal.relationship_type].forward} {entity_label(end)}"
    if proposal.existing_uid:
        count = proposal.existing_source_count
        ordinal = ORDINALS.get(count)
        words += f" — adds a {ordinal} source" if ordinal else f" — adds a source (it has {count})"
    return words


def entity_label(entity: Entity) -> str:
    """Return how a proposal names an entity: its acronym if it has one, else its name."""
    return entity.acronym or entity.name


def source_draft_accept(*, draft_id: int, decisions: Any, expected_version: int, actor: Any = None) -> Accepted:
    """Write what the editor decided of the draft `draft_id` (see docs/ingest.md for `decisions`) in one graph
    transaction: its Source node, the new nodes, each accepted relationship or new citation; keep the rejections;
    publish the draft. Raise DraftNotFound; DraftStale when the draft's version is not `expected_version` or it
    was accepted meanwhile; ValidationFailed naming the proposal or entity at fault, with nothing written."""
    draft, reading = source_draft_get(draft_id=draft_id)
    plan = _plan(reading, decisions)
    claimed = SourceDraft.objects.filter(pk=draft_id, version=expected_version, status=DraftStatus.DRAFT).update(
        status=DraftStatus.ACCEPTING, version=F("version") + 1
    )
    if not claimed:
        draft.refresh_from_db()
        if draft.status != DraftStatus.DRAFT:
            raise DraftStale(f"this draft was {draft.get_status_display().lower()} by another editor meanwhile")
        raise DraftStale(f"this draft changed since you read it (version {draft.version}, not {expected_version})")
    try:
        accepted = write_transaction(lambda: _write(draft, reading, plan, actor))
    except BaseException:
        SourceDraft.objects.filter(pk=draft_id).update(status=DraftStatus.DRAFT, version=F("version") - 1)
        raise
    with transaction.atomic():
        SourceDraft.objects.filter(pk=draft_id).update(
            status=DraftStatus.PUBLISHED, source_uid=accepted.source_uid, version=F("version") + 1
        )
        user = actor if getattr(actor, "is_authenticated", False) else None
        RejectedProposal.objects.bulk_create(
            [
                RejectedProposal(
                    proposal_key=p.key,
                    relationship_type=p.relationship_type,
                    start_name=reading.entity(p.start).name[:300],
                    end_name=reading.entity(p.end).name[:300],
                    exact=p.exact,
                    draft_id=draft_id,
                    rejected_by=user,
                )
                for p in plan.rejected
            ],
            ignore_conflicts=True,
        )
    return accepted


@dataclass
class _Plan:
    accepted: list[tuple[Proposal, str, str, str, str | None, str | None]]  # proposal, type, start, end, since, until
    rejected: list[Proposal]
    entities: dict[str, dict[str, Any]]  # key: {"match": uid or None, "name", "acronym", "kind"}


def _plan(reading: Reading, decisions: Any) -> _Plan:
    """Return what `decisions` ask of `reading`, checked; raise ValidationFailed naming each bad one."""
    if not isinstance(decisions, dict):
        raise ValidationFailed({"decisions": ["expected an object with `entities` and `proposals`"]})
    entity_decisions = decisions.get("entities") or {}
    proposal_decisions = decisions.get("proposals") or {}
    errors: dict[str, list[str]] = {}
    if not isinstance(entity_decisions, dict) or not isinstance(proposal_decisions, dict):
        raise ValidationFailed({"decisions": ["`entities` and `proposals` are objects keyed by entity and proposal"]})
    known_entities = {e.key: e for e in reading.entities}
    known_proposals = {p.key: p for p in reading.proposals}
    for key in entity_decisions:
        if key not in known_entities:
            errors.setdefault(f"entities.{key}", []).append("no such entity in this draft")
    for key in proposal_decisions:
        if key not in known_proposals:
            errors.setdefault(f"proposals.{key}", []).append("no such proposal in this draft")
    entities: dict[str, dict[str, Any]] = {}
    for entity in reading.entities:
        asked = entity_decisions.get(entity.key) or {}
        if not isinstance(asked, dict):
            errors.setdefault(f"entities.{entity.key}", []).append("expected an object")
            continue
        match = asked["match"] if "match" in asked else (None if entity.ambiguous else entity.match_uid)
        if match is not None and not isinstance(match, str):
            errors.setdefault(f"entities.{entity.key}", []).append("match is a node's uid, or null for a new node")
            continue
        entities[entity.key] = {
            "match": match or None,
            "chosen": "match" in asked or not entity.ambiguous,
            "name": str(asked.get("name") or entity.name).strip(),
            "acronym": asked.get("acronym", entity.acronym),
            "kind": asked.get("kind", entity.kind),
        }
    accepted, rejected = [], []
    for proposal in reading.proposals:
        asked = proposal_decisions.get(proposal.key) or {}
        where = f"proposals.{proposal.key}"
        if not isinstance(asked, dict):
            errors.setdefault(where, []).append("expected an object")
            continue
        decision = asked.get("decision", "skip")
        if not isinstance(decision, str) or decision not in DECISIONS:
            errors.setdefault(where, []).append(f"decision is one of {', '.join(DECISIONS)}")
            continue
        if decision == "reject":
            rejected.append(proposal)
        if decision != "accept":
            continue
        relationship_type = asked.get("relationship_type") or proposal.relationship_type
        if not isinstance(relationship_type, str) or relationship_type not in RELATIONSHIP_TYPES:
            errors.setdefault(where, []).append("relationship_type is not a relationship type")
            continue
        start, end = (proposal.end, proposal.start) if asked.get("reversed") else (proposal.start, proposal.end)
        for key in (start, end):
            if key in entities and not entities[key]["chosen"]:
                entity = known_entities[key]
                choices = ", ".join(c.uid for c in entity.candidates[:3])
                errors.setdefault(where, []).append(
                    f"'{entity.name}' may be any of {choices}: choose which is meant, or a new node"
                )
        since, until = proposal.since, proposal.until
        try:
            since = parse_partial_date(asked["since"]) if "since" in asked else since
            until = parse_partial_date(asked["until"]) if "until" in asked else until
        except ValueError as error:
            errors.setdefault(where, []).append(str(error))
            continue
        if not period_is_ordered(since, until):
            errors.setdefault(where, []).append("until is before since")
            continue
        accepted.append((proposal, relationship_type, start, end, since, until))
    if errors:
        raise ValidationFailed(errors)
    if not accepted:
        raise ValidationFailed(
            {"proposals": ["accept at least one proposal: the source is published with what it supports"]}
        )
    return _Plan(accepted, rejected, entities)


def _write(draft: SourceDraft, reading: Reading, plan: _Plan, actor: Any) -> Accepted:
    """Write the plan inside the current transaction; return what was written."""
    source = services.node_create(
        label=NodeLabel.SOURCE.value,
        data={
            "title": draft.title,
            "text": draft.text,
            **({"publisher": draft.publisher} if draft.publisher else {}),
            **({"url": draft.url} if draft.url else {}),
            **({"published": draft.published} if draft.published else {}),
        },
        actor=actor,
    )
    used = {key for _, _, start, end, _, _ in plan.accepted for key in (start, end)}
    chosen = {key: plan.entities[key]["match"] for key in used if plan.entities[key]["match"]}
    present = node_labels(uids=sorted(set(chosen.values())))
    errors: dict[str, list[str]] = {}
    for key, uid in chosen.items():
        entity = reading.entity(key)
        if present.get(uid) != entity.label:
            errors.setdefault(f"entities.{key}", []).append(
                f"the {entity.label.lower()} '{uid}' chosen for '{entity.name}' is no longer in the graph "
                "(deleted or merged meanwhile): choose again"
                if uid not in present
                else f"'{uid}' is {present[uid].lower()}, not {entity.label.lower()}"
            )
    if errors:
        raise ValidationFailed(errors)
    uids = dict(chosen)
    created: list[dict[str, str]] = []
    for key in sorted(used - set(chosen)):
        entity = reading.entity(key)
        try:
            node = services.node_create(
                label=entity.label, data=_new_node_fields(entity, plan.entities[key]), actor=actor
            )
        except ValidationFailed as failed:
            raise ValidationFailed(
                {f"entities.{key}.{name}": messages for name, messages in failed.errors.items()}
            ) from None
        except AlreadyExists as taken:
            raise ValidationFailed({f"entities.{key}": [f"{taken}: choose the existing node instead"]}) from None
        uids[key] = node["uid"]
        created.append({"entity": key, "uid": node["uid"], "label": entity.label, "name": _display_name(node)})
    written = []
    for proposal, relationship_type, start, end, since, until in plan.accepted:
        citation = {
            "source_uid": source["uid"],
            "exact": proposal.exact,
            "start": proposal.passage.start,
            "end": proposal.passage.end,
            "confidence": proposal.confidence,
            **({"since": since} if since else {}),
            **({"until": until} if until else {}),
            **({"qualifier": proposal.qualifier} if proposal.qualifier else {}),
        }
        try:
            relationship, outcome = services.relationship_create(
                relationship_type=relationship_type,
                start_uid=uids[start],
                end_uid=uids[end],
                data={"citations": [citation]},
                actor=actor,
            )
        except ValidationFailed as failed:
            lines = "; ".join(f"{name}: {messages}" for name, messages in failed.errors.items())
            raise ValidationFailed({f"proposals.{proposal.key}": [lines]}) from None
        written.append({"proposal": proposal.key, "uid": relationship["uid"], "outcome": outcome})
    return Accepted(source["uid"], created, written, len(plan.rejected))


def _new_node_fields(entity: Entity, decided: dict[str, Any]) -> dict[str, Any]:
    """Return the fields of a new node for `entity` as the editor decided them."""
    fields: dict[str, Any] = {"name": decided["name"]}
    if entity.label == NodeLabel.ORGANIZATION.value and decided.get("acronym"):
        fields["acronym"] = decided["acronym"]
    if entity.label == NodeLabel.COUNTRY.value and entity.fields.get("iso_code"):
        fields["iso_code"] = entity.fields["iso_code"]
    if entity.label != NodeLabel.COUNTRY.value and decided.get("kind"):
        fields["kind"] = decided["kind"]
    return fields


def _display_name(node: dict[str, Any]) -> str:
    return str(node.get("name") or node.get("title") or node.get("uid"))
