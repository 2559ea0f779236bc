"""What reading a source gives: the names it mentions (entities) and the relationships it proposes between them.

Plain data, kept as JSON with the draft (`Reading.as_json`, `Reading.from_json`), so a draft is reviewed as it was
read even when the rules change later.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Span:
    """Where a name occurs in the source's text: code-point offsets, `end` exclusive."""

    start: int
    end: int


@dataclass
class Candidate:
    """A node of the graph a name may mean, and how well the name matches it (0–100)."""

    uid: str
    name: str
    score: float


@dataclass
class Entity:
    """One body, country, event or document the source names, however many times and spellings.

    `label` is a node label (`orgs.vocabulary.NodeLabel`), `kind` a kind of that label where the text says it,
    `fields` what else the text gives (country, date, place). `match_uid` is the node it was matched to, None
    for a new one; `ambiguous` when two nodes match equally well and the editor must choose among `candidates`.
    `is_subject` marks the page's own subject ("the Center").
    """

    key: str
    label: str
    name: str
    acronym: str | None = None
    kind: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    mentions: list[Span] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    match_uid: str | None = None
    ambiguous: bool = False
    is_subject: bool = False


@dataclass
class Proposal:
    """A relationship the source states, from entity `start` to entity `end` (their keys).

    `sentence` is the span of the sentence that states it, `passage` the span of the words quoted as its
    citation (`exact` is that text). `existing_uid` is the relationship of the graph it restates (it would add
    a citation to it), with the number of sources that relationship has.
    """

    key: str
    relationship_type: str
    start: str
    end: str
    sentence: Span
    passage: Span
    exact: str
    confidence: str
    since: str | None = None
    until: str | None = None
    qualifier: str | None = None
    rule: str = ""
    existing_uid: str | None = None
    existing_source_count: int = 0


@dataclass
class Reading:
    """The text as read: its entities and the relationships proposed between them."""

    text: str
    entities: list[Entity] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)

    def entity(self, key: str) -> Entity:
        """Return the entity with `key`; raise KeyError when there is none."""
        for entity in self.entities:
            if entity.key == key:
                return entity
        raise KeyError(key)

    def as_json(self) -> dict[str, Any]:
        """Return the reading as JSON-ready data (the text is kept by the draft, not here)."""
        return {
            "entities": [asdict(entity) for entity in self.entities],
            "proposals": [asdict(proposal) for proposal in self.proposals],
        }

    @classmethod
    def from_json(cls, text: str, data: dict[str, Any]) -> Reading:
        """Return the Reading of `text` that `as_json` gave `data`."""
        entities = [
            Entity(
                **{
                    **entity,
                    "mentions": [Span(**span) for span in entity["mentions"]],
                    "candidates": [Candidate(**candidate) for candidate in entity["candidates"]],
                }
            )
            for entity in data.get("entities", [])
        ]
        proposals = [
            Proposal(**{**proposal, "sentence": Span(**proposal["sentence"]), "passage": Span(**proposal["passage"])})
            for proposal in data.get("proposals", [])
        ]
        return cls(text=text, entities=entities, proposals=proposals)


def proposal_key(relationship_type: str, start_name: str, end_name: str, exact: str) -> str:
    """Return the stable key of a proposal: the same tie stated by the same words gets the same key whenever the
    text is read again, so a rejection is remembered."""
    folded = "\x1f".join(part.casefold() for part in (relationship_type, start_name, end_name, " ".join(exact.split())))
    return "p-" + hashlib.blake2b(folded.encode(), digest_size=8).hexdigest()
