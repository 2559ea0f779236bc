"""The graph schema: neomodel node classes and the one relationship model.

Labels are the class names. Every relationship type in `orgs.vocabulary.RELATIONSHIP_TYPES` uses the `RelationshipModel`
model, so every edge carries the same evidence fields; each node class gets its relationships from that
vocabulary (see `GraphNode.__init_subclass__`), never a list of its own. Writes go through `orgs.services` and
the loader, which validate and keep `search_text` and `degree` current; these classes only describe the shape.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models
from django_neomodel import DjangoNode
from neomodel import (
    ArrayProperty,
    IntegerProperty,
    Relationship,
    RelationshipTo,
    StringProperty,
    StructuredRel,
)
from neomodel.sync_.relationship_manager import RelationshipDefinition

from orgs.vocabulary import (
    RELATIONSHIP_TYPES,
    Choice,
    Confidence,
    DocumentKind,
    EventKind,
    NodeLabel,
    OrganizationKind,
)


def choices_of(enum: type[Choice]) -> dict[str, str]:
    return {member.value: member.label for member in enum}


class RelationshipModel(StructuredRel):
    """Every relationship: its period, its footing, and the evidence it rests on.

    A relationship rests on citations (issue 13): `(:Citation)` nodes keyed by `relationship_uid`, written by the
    services in Cypher (no neomodel class: nothing writes them through neomodel); its period, footing and
    confidence are then derived from them (`orgs.validation.relationship_summary`), with `source_count` and
    `source_uids`. (Relationships written before citations kept one `source_uid` and `evidence`:
    `orgs.importer.upgrade` turns them into one citation each.)
    """

    uid = StringProperty(
        help_text="Stable identifier of this relationship: a hash of its start, type and end, "
        "so unique by construction."
    )
    since = StringProperty(
        help_text="When it began: 2003, 2003-02 or 2003-02-14 (derived from the citations: the earliest stated)."
    )
    until = StringProperty(
        help_text="When it ended, if it did (same form as since; derived from the citations: the latest stated)."
    )
    qualifier = StringProperty(
        help_text="The source's wording of the footing, e.g. 'close ties' (derived from the citations: the first "
        "stated one's)."
    )
    confidence = StringProperty(
        choices=choices_of(Confidence),
        default=Confidence.STATED.value,
        help_text="Whether a source states it outright or it is inferred (derived from the citations: stated if "
        "any is).",
    )
    source_count = IntegerProperty(help_text="How many distinct sources its citations quote (derived from them).")
    source_uids = ArrayProperty(
        StringProperty(), help_text="uids of the sources its citations quote, sorted (derived from them)."
    )
    version = IntegerProperty(
        default=0,
        help_text="Counts the writes to this relationship (its ETag): a write that names an older one is refused.",
    )


def relationships_from(label: str) -> dict[str, RelationshipDefinition]:
    """Return the neomodel relationships a `label` node can start, by attribute name (`member_of`), as the
    vocabulary declares them: to the one kind the type reaches, or to any node (`GraphNode`) when it reaches
    several (the vocabulary says which; writes through the services are checked against it); a symmetric type
    reads both ways."""
    relationships: dict[str, RelationshipDefinition] = {}
    for relationship_type in RELATIONSHIP_TYPES.values():
        if label not in relationship_type.start_labels:
            continue
        end = (
            str(next(iter(relationship_type.end_labels)))
            if len(relationship_type.end_labels) == 1
            else GraphNode.__name__
        )
        declare = Relationship if relationship_type.symmetric else RelationshipTo
        relationships[relationship_type.name.lower()] = declare(
            f"{__name__}.{end}", relationship_type.name, model=RelationshipModel
        )
    return relationships


class GraphNode(DjangoNode):
    """Fields every node has: a uid unique across all kinds (for URLs) and a maintained degree (for rankings).

    Every node also carries the label `Node`, so a uid is found through one index whatever its kind.
    """

    __label__ = "Node"

    uid = StringProperty(unique_index=True, required=True, help_text="Stable identifier used in URLs and the API.")
    degree = IntegerProperty(default=0, index=True, help_text="Number of relationships, kept current by every write.")
    version = IntegerProperty(
        default=0,
        help_text="Counts the writes to this node's fields (its ETag): a write that names an older one is refused. "
        "Nodes written before versions existed read as 0.",
    )

    class Meta:
        app_label = "orgs"

    def __init_subclass__(cls, **kwargs: object) -> None:
        # Runs before neomodel's metaclass collects the class's relationships, so these count as declared.
        super().__init_subclass__(**kwargs)
        if cls.__name__ in NodeLabel.__members__.values():
            for name, relationship in relationships_from(cls.__name__).items():
                setattr(cls, name, relationship)

    def __str__(self) -> str:
        return str(getattr(self, "name", None) or getattr(self, "title", None) or self.uid)


class Organization(GraphNode):
    """A body: international organization, regional centre, council, task force, sub-group, agency."""

    name = StringProperty(unique_index=True, required=True, help_text="Full name, unique among organizations.")
    acronym = StringProperty(help_text="Usual short name, e.g. CODEXTER.")
    aliases = ArrayProperty(StringProperty(), default=list, help_text="Other names and spellings.")
    kind = StringProperty(
        choices=choices_of(OrganizationKind),
        default=OrganizationKind.OTHER.value,
        index=True,
        help_text="What sort of body it is.",
    )
    description = StringProperty(help_text="A sentence or two on what the body is.")
    founded = StringProperty(help_text="When it was founded: 2003, 2003-02 or 2003-02-14.")
    dissolved = StringProperty(help_text="When it ceased to exist, if it did.")
    website = StringProperty(help_text="Official web address.")
    search_text = StringProperty(help_text="Name, acronym and aliases folded for full-text search (derived).")
    former_uids = ArrayProperty(
        StringProperty(), default=list, help_text="uids of organizations merged into this one; old links resolve here."
    )


class Country(GraphNode):
    """A state, as a participant, coordinator or host."""

    name = StringProperty(unique_index=True, required=True, help_text="Short English name, e.g. Turkey.")
    official_name = StringProperty(help_text="Formal name, e.g. Republic of Turkey.")
    iso_code = StringProperty(unique_index=True, help_text="ISO 3166-1 alpha-2 code.")
    aliases = ArrayProperty(StringProperty(), default=list, help_text="Other names and spellings.")


class Event(GraphNode):
    """A meeting, workshop, training, investigation or attack."""

    name = StringProperty(required=True, index=True, help_text="Title as the source gives it.")
    kind = StringProperty(choices=choices_of(EventKind), default=EventKind.OTHER.value, help_text="What happened.")
    start = StringProperty(help_text="First day (or month, or year) of the event.")
    end = StringProperty(help_text="Last day, for events over several days.")
    place = StringProperty(help_text="City or venue.")
    description = StringProperty(help_text="What the source says of it.")


class Document(GraphNode):
    """A founding or policy document: declaration, resolution, agreement."""

    name = StringProperty(required=True, index=True, help_text="Title of the document.")
    kind = StringProperty(
        choices=choices_of(DocumentKind), default=DocumentKind.OTHER.value, help_text="What sort of document."
    )
    date = StringProperty(help_text="When it was adopted.")
    description = StringProperty(help_text="What it says or does.")


class Source(GraphNode):
    """A page or document that evidence comes from."""

    title = StringProperty(required=True, help_text="Title of the page or document.")
    publisher = StringProperty(help_text="Who published it.")
    url = StringProperty(help_text="Where it was read, if online.")
    published = StringProperty(help_text="When it was published: 2009, 2009-03 or 2009-03-14.")
    text = StringProperty(help_text="The full text, so every piece of evidence can be read in context.")


NODE_CLASSES: dict[str, type[GraphNode]] = {
    cls.__name__: cls for cls in (Organization, Country, Event, Document, Source)
}


# --- The change log (a regular Django model, kept in the SQL database beside users and sessions) ---------


class ChangeAction(StrEnum):
    """What a recorded change did."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MERGE = "merge"
    RELATIONSHIP_ADD = "relationship_add"
    RELATIONSHIP_CHANGE = "relationship_change"
    RELATIONSHIP_REMOVE = "relationship_remove"
    CITATION_ADD = "citation_add"
    CITATION_CHANGE = "citation_change"
    CITATION_REMOVE = "citation_remove"
    CITATIONS_UPGRADE = "citations_upgrade"  # today's single-source relationships turned into citations

    @property
    def label(self) -> str:
        """Return what the change did as the history reads it: "changed", "relationship added", "citation removed"."""
        thing, _, action = self.value.rpartition("_")
        verb = {
            "create": "created",
            "update": "changed",
            "delete": "deleted",
            "merge": "merged",
            "add": "added",
            "change": "changed",
            "remove": "removed",
            "upgrade": "upgraded",
        }[action]
        return f"{thing} {verb}" if thing else verb


class ChangeRecord(models.Model):
    """One change to the graph made through `orgs.services`: who, when, what, the values before and after."""

    at = models.DateTimeField(auto_now_add=True, db_index=True, help_text="When the change was committed.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="graph_changes",
        help_text="Who made it (empty for scripts).",
    )
    actor_name = models.CharField(
        max_length=150, blank=True, help_text="The actor's username, kept if the account is deleted."
    )
    action = models.CharField(max_length=32, choices=[(each.value, each.label) for each in ChangeAction])
    label = models.CharField(
        max_length=40, help_text="Node label, or relationship type for relationships and their citations."
    )
    node_uid = models.CharField(
        max_length=200, db_index=True, help_text="The node changed; a relationship's start; a merge's survivor."
    )
    other_uid = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="A relationship's end, or the organization merged away."
    )
    relationship_uid = models.CharField(max_length=200, blank=True, help_text="The relationship changed, if any.")
    summary = models.CharField(max_length=300, help_text="One line an admin reads in the history.")
    before = models.JSONField(null=True, blank=True, help_text="Changed values before (none when created).")
    after = models.JSONField(null=True, blank=True, help_text="Changed values after (none when deleted).")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["node_uid", "at"]), models.Index(fields=["other_uid", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'}: {self.summary}"


# --- Sources being added: read, reviewed, then accepted into the graph (orgs/ingest/drafts.py) ----------


class DraftStatus(models.TextChoices):
    """Where a draft source stands."""

    DRAFT = "draft", "Draft"
    ACCEPTING = "accepting", "Being accepted"
    PUBLISHED = "published", "Published"


class SourceDraft(models.Model):
    """A source an editor added, with what reading it proposed; not in the graph (nor on public pages) until
    something from it is accepted, when it becomes the Source node `source_uid`."""

    title = models.CharField(max_length=500, help_text="Title of the page or document.")
    publisher = models.CharField(max_length=300, blank=True, help_text="Who published it.")
    url = models.CharField(max_length=2000, blank=True, help_text="Where it was read, if online (http or https).")
    published = models.CharField(
        max_length=10, blank=True, help_text="When it was published: 2009, 2009-03, 2009-03-14."
    )
    text = models.TextField(help_text="The full text read, as the citations quote it.")
    reading = models.JSONField(help_text="The names and relationships read from the text (orgs.ingest.reading).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="source_drafts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Counts its changes: a stale review is refused.")
    status = models.CharField(max_length=16, choices=DraftStatus.choices, default=DraftStatus.DRAFT, db_index=True)
    source_uid = models.CharField(max_length=100, blank=True, help_text="The Source node it became, once accepted.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"


class RejectedProposal(models.Model):
    """A proposal an editor rejected: reading the same words again does not propose it again."""

    proposal_key = models.CharField(max_length=40, unique=True, help_text="orgs.ingest.reading.proposal_key")
    relationship_type = models.CharField(max_length=40)
    start_name = models.CharField(max_length=300)
    end_name = models.CharField(max_length=300)
    exact = models.TextField(help_text="The passage that proposed it.")
    draft = models.ForeignKey(SourceDraft, null=True, on_delete=models.SET_NULL, related_name="rejections")
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rejected_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.start_name} {self.relationship_type} {self.end_name} (rejected)"
