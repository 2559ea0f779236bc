"""The one vocabulary of ATC Graph: node kinds and relationship types.

Every layer (models, services, loader, API, admin, pages, and the browser's scripts and stylesheets through
`/vocabulary.css`) reads from here a kind's plural, addresses and colour, and a relationship type's readings,
colour and the kinds it joins, so a type or kind is added in one place. Relationship types are the names stored
in the graph (UPPER_SNAKE).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class NodeLabel(StrEnum):
    """Labels of the nodes the graph holds."""

    ORGANIZATION = "Organization"
    COUNTRY = "Country"
    EVENT = "Event"
    DOCUMENT = "Document"
    SOURCE = "Source"


@dataclass(frozen=True)
class NodeKind:
    """One kind of node: its label, the plural that names its pages, API path and graph-file section, and the
    colour it is drawn in."""

    label: NodeLabel
    plural: str  # "organizations": /organizations/, /api/organizations/, the graph file's `organizations`
    colour: str

    @property
    def noun(self) -> str:
        """Return the kind as a sentence and Django's model and permission names say it: "organization"."""
        return self.label.value.lower()

    @property
    def title(self) -> str:
        """Return the kind as a heading or a link in the navigation says it: "Organizations"."""
        return self.plural.capitalize()

    @property
    def page_route(self) -> str:
        """Return the name of the route of a node's page: "orgs:organization-detail"."""
        return f"orgs:{self.noun}-detail"

    @property
    def list_route(self) -> str:
        """Return the name of the route of the kind's list page: "orgs:organization-list"."""
        return f"orgs:{self.noun}-list"


# In the order the pages list them.
NODE_KINDS: dict[NodeLabel, NodeKind] = {
    kind.label: kind
    for kind in (
        NodeKind(NodeLabel.ORGANIZATION, "organizations", "#1f5fa8"),
        NodeKind(NodeLabel.COUNTRY, "countries", "#2e8540"),
        NodeKind(NodeLabel.EVENT, "events", "#c05621"),
        NodeKind(NodeLabel.DOCUMENT, "documents", "#6b46c1"),
        NodeKind(NodeLabel.SOURCE, "sources", "#718096"),
    )
}


def with_article(noun: str) -> str:
    """Return `noun` (a node kind, lower-cased) after "a" or "an": "an organization", "a country"."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


class Choice(StrEnum):
    """A stored value with the words a person reads for it."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class OrganizationKind(Choice):
    """What sort of body an organization is."""

    INTERNATIONAL_ORGANIZATION = "international_organization"
    REGIONAL_ORGANIZATION = "regional_organization"
    REGIONAL_CENTRE = "regional_centre"
    COUNCIL_OR_COMMITTEE = "council_or_committee"
    EXECUTIVE_BODY = "executive_body"
    PARLIAMENTARY_ASSEMBLY = "parliamentary_assembly"
    TASK_FORCE = "task_force"
    SUB_GROUP = "sub_group"
    UNIT = "unit"
    OFFICE = "office"
    NATIONAL_AGENCY = "national_agency"
    OTHER = "other"

    @property
    def label(self) -> str:
        return super().label.replace(" or ", " / ")


class EventKind(Choice):
    """What sort of event an event is."""

    MEETING = "meeting"
    WORKSHOP = "workshop"
    TRAINING = "training"
    JOINT_INVESTIGATION = "joint_investigation"
    INVESTIGATION = "investigation"
    ATTACK = "attack"
    OTHER = "other"


class DocumentKind(Choice):
    """What sort of founding or policy document a document is."""

    DECLARATION = "declaration"
    RESOLUTION = "resolution"
    AGREEMENT = "agreement"
    OTHER = "other"


class Confidence(Choice):
    """How directly the evidence states a relationship."""

    STATED = "stated"  # the sentence says it in so many words
    INFERRED = "inferred"  # follows from the sentence and its context on the page


# --- Citations (issue 13): a relationship rests on one or more citations, each a passage of one source --------
# A citation's fields, in the order every list of them (forms, files, queries) uses. `start` and `end` are the
# passage's offsets in the source's text (W3C TextPositionSelector: code points, end exclusive), `exact`, `prefix`
# and `suffix` the passage and a little of the text around it (TextQuoteSelector); `since`, `until` and
# `qualifier` are what this source says; `added_by` and `added_at` are set by the services, never by a writer.
CITATION_FIELDS = (
    "source_uid",
    "exact",
    "prefix",
    "suffix",
    "start",
    "end",
    "confidence",
    "since",
    "until",
    "qualifier",
    "added_by",
    "added_at",
)
CITATION_WRITABLE = CITATION_FIELDS[:10]
# What a relationship stores besides its uid and version: each value is derived from its citations by
# `orgs.validation.relationship_summary`, and every writer of a citation stores them again.
RELATIONSHIP_SUMMARY_PROPERTIES = ("since", "until", "qualifier", "confidence", "source_count", "source_uids")
# The properties every relationship carries besides its uid and version (the RelationshipModel in orgs/models.py), in
# the order every list of them (exports, queries) uses; the one list of a relationship's stored fields.
RELATIONSHIP_PROPERTIES = RELATIONSHIP_SUMMARY_PROPERTIES
# A relationship as one source states it, the form before citations: API bodies, graph files and the admin's rows
# may still say it so, and it becomes one citation (`orgs.validation.single_source_citation`).
SINGLE_SOURCE_FIELDS = ("since", "until", "qualifier", "confidence", "source_uid", "evidence")
# Its names of its one citation's fields, where they differ (`evidence` is the passage), and back.
SINGLE_SOURCE_CITATION_NAMES = {"evidence": "exact"}
CITATION_SINGLE_SOURCE_NAMES = {citation: single for single, citation in SINGLE_SOURCE_CITATION_NAMES.items()}
# What graph files and the API call those of them they name otherwise: RELATIONSHIP_PUBLIC_NAMES, below.

ORG = NodeLabel.ORGANIZATION
COUNTRY = NodeLabel.COUNTRY
EVENT = NodeLabel.EVENT
DOCUMENT = NodeLabel.DOCUMENT
ACTORS = frozenset({ORG, COUNTRY})


@dataclass(frozen=True)
class RelationshipType:
    """One relationship type: its graph name, the labels it joins, and how it reads each way."""

    name: str
    forward: str  # "A <forward> B"
    backward: str  # "B <backward> A"
    start_labels: frozenset[NodeLabel]
    end_labels: frozenset[NodeLabel]
    description: str
    colour: str  # of its lines in drawings and its swatch in legends
    symmetric: bool = False

    @property
    def label(self) -> str:
        return self.forward[:1].upper() + self.forward[1:]


RELATIONSHIP_TYPES: dict[str, RelationshipType] = {
    relationship_type.name: relationship_type
    for relationship_type in (
        RelationshipType(
            "COLLABORATES_WITH",
            "collaborates with",
            "collaborates with",
            ACTORS,
            ACTORS,
            "Working cooperation between two bodies; `qualifier` keeps the source's wording "
            '("closely collaborates", "working contacts", "close ties", "cooperation established").',
            colour="#2b6cb0",
            symmetric=True,
        ),
        RelationshipType(
            "HAS_OBSERVER_STATUS_IN",
            "has observer status in",
            "grants observer status to",
            frozenset({ORG}),
            frozenset({ORG}),
            "The start body is an observer in the end body.",
            colour="#d69e2e",
        ),
        RelationshipType(
            "COORDINATES",
            "coordinates",
            "is coordinated by",
            ACTORS,
            frozenset({ORG}),
            "The start (a country or body) coordinates or leads the end body, e.g. a task force or sub-group.",
            colour="#c53030",
        ),
        RelationshipType(
            "MERGED_FROM",
            "was formed by merging",
            "was merged into",
            frozenset({ORG}),
            frozenset({ORG}),
            "The start body was born by merging the end bodies.",
            colour="#805ad5",
        ),
        RelationshipType(
            "SUCCEEDED",
            "succeeded",
            "was succeeded by",
            frozenset({ORG}),
            frozenset({ORG}),
            "The start body took over from the end body: it became, replaced or is the successor of it.",
            colour="#553c9a",
        ),
        RelationshipType(
            "PART_OF",
            "is part of",
            "includes",
            frozenset({ORG}),
            frozenset({ORG}),
            "The start body is an organ, unit, institution or sub-group of the end body.",
            colour="#4a5568",
        ),
        RelationshipType(
            "MEMBER_OF",
            "is a member of",
            "has as a member",
            ACTORS,
            frozenset({ORG}),
            "The start country or body is a member of the end body.",
            colour="#38a169",
        ),
        RelationshipType(
            "HAS_CONTACT_POINT_IN",
            "has a contact point in",
            "has a contact point at",
            frozenset({ORG}),
            frozenset({ORG}),
            "The start body hosts a contact point of the end body's network (`qualifier` names it, e.g. I-24/7).",
            colour="#dd6b20",
        ),
        RelationshipType(
            "LOCATED_IN",
            "is located in",
            "hosts",
            frozenset({ORG}),
            frozenset({COUNTRY}),
            "The body is based in the country.",
            colour="#81e6d9",
        ),
        RelationshipType(
            "ORGANIZED",
            "organized",
            "was organized by",
            ACTORS,
            frozenset({EVENT}),
            "The start body organized or co-organized the event (`qualifier` says which).",
            colour="#ed64a6",
        ),
        RelationshipType(
            "TOOK_PART_IN",
            "took part in",
            "was attended by",
            ACTORS,
            frozenset({EVENT}),
            "The start body or country took part in the event.",
            colour="#f6ad55",
        ),
        RelationshipType(
            "HELD_IN",
            "was held in",
            "hosted",
            frozenset({EVENT}),
            frozenset({COUNTRY}),
            "The event took place in the country (the city is the event's `place`).",
            colour="#9ae6b4",
        ),
        RelationshipType(
            "ADOPTED",
            "adopted",
            "was adopted by",
            ACTORS,
            frozenset({DOCUMENT}),
            "The start body adopted the declaration, resolution or agreement.",
            colour="#b794f4",
        ),
        RelationshipType(
            "BASED_ON",
            "is based on",
            "is the basis of",
            frozenset({ORG}),
            frozenset({DOCUMENT}),
            "The body was created or acts on the strength of the document.",
            colour="#a0aec0",
        ),
        RelationshipType(
            "CONCERNS",
            "concerns",
            "is the subject of",
            frozenset({EVENT, DOCUMENT}),
            frozenset({ORG, COUNTRY, EVENT}),
            "The event or document is about the end node (e.g. an investigation of an attack).",
            colour="#fc8181",
        ),
    )
}

#: The four relationship types the product is built around; the API uses these exact names.
CORE_RELATIONSHIP_TYPES = ("COLLABORATES_WITH", "HAS_OBSERVER_STATUS_IN", "COORDINATES", "MERGED_FROM")

# A relationship's ends and source have two sets of names: the graph's own in Python (its start and end node, the
# stored `source_uid`: selectors' rows, services, the loader's rows) and the public ones of the API and the graph
# files (`from`, `to`, `source`). This table is the one translation between them.
RELATIONSHIP_PUBLIC_NAMES = {"start": "from", "end": "to", "source_uid": "source", "source_uids": "sources"}
RELATIONSHIP_PYTHON_NAMES = {public: python for python, public in RELATIONSHIP_PUBLIC_NAMES.items()}
# A citation's own table: its `start` and `end` are offsets in the source's text, not a relationship's ends, so a
# citation never goes through `relationship_public`.
CITATION_PUBLIC_NAMES = {"source_uid": "source"}
CITATION_PYTHON_NAMES = {public: python for python, public in CITATION_PUBLIC_NAMES.items()}
# Query parameters and values that had other names before the one word for a relationship (and `labels` for node
# kinds): the pages redirect an old address to its new one, the API answers 400 naming the new parameter, so an
# old link still works and an old script is told rather than silently given an unfiltered answer.
RENAMED_PARAMETERS = {"kinds": "labels", "rel_type": "relationship_type"}
RENAMED_VALUES = {("sort", "ties"): "relationships"}


def relationship_public_name(name: str) -> str:
    """Return the public name (API, graph files) of a relationship's field `name` as Python calls it."""
    return RELATIONSHIP_PUBLIC_NAMES.get(name, name)


def relationship_python_name(name: str) -> str:
    """Return the name Python gives a relationship's field that the API and the graph files call `name`."""
    return RELATIONSHIP_PYTHON_NAMES.get(name, name)


def relationship_public(row: dict[str, Any]) -> dict[str, Any]:
    """Return a relationship row with its fields under their public names, in the same order."""
    return {relationship_public_name(name): value for name, value in row.items()}


def citation_public(citation: dict[str, Any]) -> dict[str, Any]:
    """Return a citation with its fields under their public names (API, graph files), in the same order."""
    return {CITATION_PUBLIC_NAMES.get(name, name): value for name, value in citation.items()}


def citation_python(citation: dict[str, Any]) -> dict[str, Any]:
    """Return a citation the API or a graph file wrote with its fields under the names Python gives them."""
    return {CITATION_PYTHON_NAMES.get(name, name): value for name, value in citation.items()}
