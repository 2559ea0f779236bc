"""The reader's rules: `orgs/cue_phrases.yaml` loaded once and checked against the vocabulary.

The file is the one home of the words by which a source says a relationship or names a body; the reader
(`orgs.ingest.reader`) holds only the logic that applies them.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry
import yaml

from orgs.vocabulary import RELATIONSHIP_TYPES, DocumentKind, EventKind, NodeLabel, OrganizationKind

RULES_FILE = Path(__file__).resolve().parent.parent / "cue_phrases.yaml"
CUE_STARTS = ("before", "after", "owner", "following", "listed_before", "listed_after")
KINDS_OF = {
    NodeLabel.ORGANIZATION.value: OrganizationKind,
    NodeLabel.EVENT.value: EventKind,
    NodeLabel.DOCUMENT.value: DocumentKind,
}


class RulesProblem(Exception):
    """The rules file says something the reader cannot use; the message names the entry."""


def folded(text: str) -> str:
    """Return `text` as names are compared: accents dropped, lower case, hyphens and runs of spaces as one space,
    British spellings as American ("Centre" and "Center" are one word)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = plain.casefold().replace("-", " ").replace("’", "'").split()
    return " ".join(BRITISH.get(word, word) for word in words)


BRITISH = {"centre": "center", "defence": "defense", "organisation": "organization", "organised": "organized"}


@dataclass(frozen=True)
class Cue:
    """Words that state a relationship of `relationship_type` (see the rules file for `start`)."""

    say: tuple[str, ...]  # folded words
    relationship_type: str
    start: str
    qualifier: str
    after_cue: str | None
    confidence: str


@dataclass(frozen=True)
class Head:
    """Words that end a name and say its label and kind."""

    words: tuple[str, ...]
    label: str
    kind: str


@dataclass(frozen=True)
class Rules:
    """Everything the rules file says, ready for the reader."""

    cues: tuple[Cue, ...]
    line_labels: dict[str, str]
    heads: tuple[Head, ...]  # longest first
    event_owner_heads: frozenset[str]
    event_subject_heads: frozenset[str]
    place_words: frozenset[str]
    name_connectors: frozenset[str]
    running_on: frozenset[str]
    name_enders: tuple[tuple[str, ...], ...]
    parent_bodies: tuple[tuple[str, str], ...]
    common_name_words: frozenset[str]  # with the heads' and connectors' words
    demonyms: dict[str, str]  # folded demonym: ISO code
    country_names: dict[str, str]  # name as written: ISO code
    country_display: dict[str, str]  # ISO code: the short English name

    def head_of(self, words: list[str]) -> Head | None:
        """Return the head that `words` (folded) end with, or None."""
        for head in self.heads:
            if len(words) >= len(head.words) and tuple(words[-len(head.words) :]) == head.words:
                return head
        return None


@functools.cache
def reader_rules() -> Rules:
    """Return the rules of `RULES_FILE`; raise RulesProblem naming a wrong entry."""
    try:
        data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RulesProblem(f"{RULES_FILE.name}: {error}") from None
    return Rules(
        cues=tuple(_cues(data.get("cues") or {})),
        line_labels={folded(label): _known_type(t, f"line_labels.{label}") for label, t in data["line_labels"].items()},
        heads=tuple(sorted(_heads(data.get("heads") or {}), key=lambda head: -len(head.words))),
        event_owner_heads=frozenset(map(folded, data.get("event_owner_heads") or [])),
        event_subject_heads=frozenset(map(folded, data.get("event_subject_heads") or [])),
        place_words=frozenset(map(folded, data.get("place_words") or [])),
        name_connectors=frozenset(map(folded, data.get("name_connectors") or [])),
        running_on=frozenset(map(folded, data.get("running_on") or [])),
        name_enders=tuple(tuple(folded(ender).split()) for ender in data.get("name_enders") or []),
        parent_bodies=tuple((str(name), str(acronym)) for name, acronym in data.get("parent_bodies") or []),
        common_name_words=frozenset(
            {
                *map(folded, data.get("common_name_words") or []),
                *(word for head in _heads(data.get("heads") or {}) for word in head.words),
                *map(folded, data.get("name_connectors") or []),
            }
        ),
        demonyms={folded(word): code for code, words in (data.get("demonyms") or {}).items() for word in words},
        country_names=_country_names(data.get("country_names") or {}),
        country_display=_country_display(data.get("country_names") or {}),
    )


def _known_type(name: Any, where: str) -> str:
    if name not in RELATIONSHIP_TYPES:
        raise RulesProblem(f"{where}: {name!r} is not a relationship type of orgs/vocabulary.py")
    return str(name)


def _cues(by_type: dict[str, list[dict[str, Any]]]) -> list[Cue]:
    cues = []
    for relationship_type, entries in by_type.items():
        _known_type(relationship_type, "cues")
        for entry in entries:
            where = f"cues.{relationship_type}: {entry!r}"
            if not isinstance(entry, dict) or not str(entry.get("say", "")).strip():
                raise RulesProblem(f"{where}: each cue needs `say`")
            start = entry.get("start", "before")
            if start not in CUE_STARTS:
                raise RulesProblem(f"{where}: `start` is one of {', '.join(CUE_STARTS)}")
            after_cue = entry.get("after_cue")
            if after_cue is not None:
                _known_type(after_cue, where)
            cues.append(
                Cue(
                    say=tuple(folded(entry["say"]).split()),
                    relationship_type=relationship_type,
                    start=start,
                    qualifier=str(entry.get("qualifier") or entry["say"]),
                    after_cue=after_cue,
                    confidence=str(entry.get("confidence", "stated")),
                )
            )
    return cues


def _heads(by_label: dict[str, dict[str, list[str]]]) -> list[Head]:
    heads: list[Head] = []
    for label, by_kind in by_label.items():
        if label not in KINDS_OF:
            raise RulesProblem(f"heads: {label!r} is not Organization, Event or Document")
        for kind, words in by_kind.items():
            if kind not in {choice.value for choice in KINDS_OF[label]}:
                raise RulesProblem(f"heads.{label}: {kind!r} is not a kind of orgs/vocabulary.py")
            heads.extend(Head(tuple(folded(word).split()), label, kind) for word in words)
    return heads


def _country_names(extra: dict[str, list[str]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name:
                names[name] = country.alpha_2
    for code, spellings in extra.items():
        for spelling in spellings:
            names[spelling] = code
    return names


def _country_display(extra: dict[str, list[str]]) -> dict[str, str]:
    display = {
        country.alpha_2: getattr(country, "common_name", None) or country.name for country in pycountry.countries
    }
    display.update({code: spellings[0] for code, spellings in extra.items() if spellings})
    return display
