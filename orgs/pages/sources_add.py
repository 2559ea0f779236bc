"""The editors' pages of adding a source: paste or upload it, list the drafts, review and accept one.

Every page needs the permission to add sources; the writes go through `orgs.ingest.drafts`, so the page, the API
and `manage.py ingest_source` keep one set of rules.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from orgs.ingest.drafts import (
    DECISIONS,
    DRAFT_FIELDS,
    SOURCE_EDITING,
    DraftNotFound,
    DraftStale,
    entity_label,
    proposal_summary,
    source_draft_accept,
    source_draft_create,
    source_draft_get,
)
from orgs.ingest.extract import MAX_FILE_BYTES, MAX_TEXT_CHARS, extracted_text
from orgs.ingest.reading import Reading
from orgs.models import SourceDraft
from orgs.validation import ValidationFailed
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel

DRAFTS_LISTED = 100


def editors_only(view: Any) -> Any:
    """Send a visitor to log in and refuse (403) a user who may not add sources."""
    return login_required(permission_required(SOURCE_EDITING, raise_exception=True)(view), login_url="admin:login")


@editors_only
@require_http_methods(["GET", "POST"])
def source_add(request: HttpRequest) -> HttpResponse:
    """Paste a source's text or upload its file, with its title, publisher, address and date; read it into a
    draft and open its review."""
    values = {name: request.POST.get(name, "") for name in (*DRAFT_FIELDS, "text")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is not None and (upload.size or 0) > MAX_FILE_BYTES:
                raise ValidationFailed({"file": [f"at most {MAX_FILE_BYTES // 1024 // 1024} MB"]})
            text = (
                extracted_text(data=upload.read(), filename=upload.name)
                if upload is not None
                else extracted_text(text=values["text"])
            )
            draft = source_draft_create(text=text, actor=request.user, **{n: values[n] for n in DRAFT_FIELDS})
        except ValidationFailed as failed:
            errors = {name: [str(m) for m in messages] for name, messages in failed.errors.items()}
            if len(values["text"]) > MAX_TEXT_CHARS:
                values["text"] = ""  # not sent back: the page would be as large as the paste
        else:
            return redirect("orgs:source-draft", draft_id=draft.pk)
    return render(request, "orgs/source_add.html", {"values": values, "errors": errors}, status=400 if errors else 200)


@editors_only
def source_drafts(request: HttpRequest) -> HttpResponse:
    """The drafts, newest first, with where each stands."""
    drafts = SourceDraft.objects.select_related("created_by").order_by("-id")[:DRAFTS_LISTED]
    return render(request, "orgs/source_drafts.html", {"drafts": drafts})


@editors_only
@require_http_methods(["GET", "POST"])
def source_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Review a draft: its proposals by sentence with the names highlighted, each to accept, reject or change;
    the checked ones accepted in one step (a stale page is refused, and the editor's choices kept)."""
    try:
        draft, reading = source_draft_get(draft_id=draft_id)
    except DraftNotFound:
        raise Http404("There is no such draft.") from None
    errors: dict[str, list[str]] = {}
    problem = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
            accepted = source_draft_accept(
                draft_id=draft.pk,
                decisions=posted_decisions(request.POST, reading),
                expected_version=version,
                actor=request.user,
            )
        except ValueError:
            problem = "The form lost its version: reload the draft."
        except DraftStale as stale:
            problem = f"Nothing was written: {stale}. Reload the draft to see it as it is now."
        except ValidationFailed as failed:
            errors = {name: [str(m) for m in messages] for name, messages in failed.errors.items()}
            problem = "Nothing was written: see the problems marked below."
        else:
            return redirect(reverse(NODE_KINDS[NodeLabel.SOURCE].page_route, kwargs={"uid": accepted.source_uid}))
    context = {
        "draft": draft,
        "sentences": review_sentences(reading, request.POST if request.method == "POST" else None, errors),
        "entities": review_entities(reading, request.POST if request.method == "POST" else None, errors),
        "problem": problem,
        "errors": errors,
        "decisions": DECISIONS,
    }
    return render(request, "orgs/source_draft_review.html", context, status=400 if problem else 200)


def posted_decisions(post: Any, reading: Reading) -> dict[str, Any]:
    """Return the review form's choices as `source_draft_accept` takes them."""
    entities = {}
    for entity in reading.entities:
        chosen = post.get(f"match-{entity.key}")
        typed = post.get(f"other-{entity.key}", "").strip()
        if typed:
            entities[entity.key] = {"match": typed}
        elif chosen not in (None, "auto", "choose"):
            entities[entity.key] = {"match": chosen or None}
    proposals = {}
    for proposal in reading.proposals:
        decided: dict[str, Any] = {"decision": post.get(f"decision-{proposal.key}", "skip")}
        if post.get(f"type-{proposal.key}"):
            decided["relationship_type"] = post.get(f"type-{proposal.key}")
        decided["reversed"] = post.get(f"reversed-{proposal.key}") == "on"
        for name in ("since", "until"):
            decided[name] = post.get(f"{name}-{proposal.key}", "").strip() or None
        proposals[proposal.key] = decided
    return {"entities": entities, "proposals": proposals}


def review_sentences(reading: Reading, post: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Return the proposals grouped by sentence in reading order: each sentence in pieces (the names
    highlighted) and its proposals with the form's values."""
    groups: dict[tuple[int, int], list[Any]] = {}
    for proposal in reading.proposals:
        groups.setdefault((proposal.sentence.start, proposal.sentence.end), []).append(proposal)
    spans = sorted(
        ((span.start, span.end, entity) for entity in reading.entities for span in entity.mentions),
        key=lambda item: (item[0], -item[1]),
    )
    sentences = []
    for (start, end), proposals in sorted(groups.items()):
        sentences.append(
            {
                "pieces": _pieces(reading.text, start, end, [s for s in spans if start <= s[0] and s[1] <= end]),
                "proposals": [_proposal_row(reading, p, post, errors) for p in proposals],
            }
        )
    return sentences


def _pieces(text: str, start: int, end: int, spans: list[tuple[int, int, Any]]) -> list[dict[str, Any]]:
    pieces, at = [], start
    for begin, finish, entity in spans:
        if begin < at:
            continue  # a name inside one already highlighted
        if begin > at:
            pieces.append({"text": text[at:begin]})
        pieces.append({"text": text[begin:finish], "entity": entity.key, "label": entity.label})
        at = finish
    if at < end:
        pieces.append({"text": text[at:end]})
    return pieces


def _proposal_row(reading: Reading, proposal: Any, post: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    start, end = reading.entity(proposal.start), reading.entity(proposal.end)
    types = [
        name
        for name, kind in RELATIONSHIP_TYPES.items()
        if {start.label, end.label} <= kind.start_labels | kind.end_labels
    ]
    value = (lambda name, default: post.get(f"{name}-{proposal.key}", default)) if post is not None else None
    return {
        "proposal": proposal,
        "summary": proposal_summary(reading, proposal),
        "types": [(name, RELATIONSHIP_TYPES[name].label) for name in types],
        "decision": value("decision", "accept") if value else "accept",
        "type": value("type", proposal.relationship_type) if value else proposal.relationship_type,
        "reversed": bool(post is not None and post.get(f"reversed-{proposal.key}") == "on"),
        "since": value("since", proposal.since or "") if value else proposal.since or "",
        "until": value("until", proposal.until or "") if value else proposal.until or "",
        "errors": errors.get(f"proposals.{proposal.key}", []),
        "start_label": entity_label(start),
        "end_label": entity_label(end),
    }


def review_entities(reading: Reading, post: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Return the names read, each with its candidates and the choice the form holds (matched node, new, or
    to be chosen)."""
    rows = []
    for entity in reading.entities:
        default = "" if not entity.match_uid else entity.match_uid
        chosen = post.get(f"match-{entity.key}", "auto") if post is not None else "auto"
        rows.append(
            {
                "entity": entity,
                "chosen": (default if not entity.ambiguous else "choose") if chosen == "auto" else chosen,
                "other": post.get(f"other-{entity.key}", "") if post is not None else "",
                "errors": [
                    m
                    for name, messages in errors.items()
                    if name.startswith(f"entities.{entity.key}")
                    for m in messages
                ],
            }
        )
    return rows
