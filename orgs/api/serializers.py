"""Plain serializers (nodes are not Django models): query parameters, request bodies, and every response,
which the views write through these serializers (`ResponseSerializer`), so what is documented is what is sent.

A relationship has the graph's names in Python (`start`, `end`, `source_uid`) and the public ones in the API
(`from`, `to`, `source`): the fields below say so with DRF's `source`, from `orgs.vocabulary.RELATIONSHIP_PUBLIC_NAMES`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from neomodel import ArrayProperty, IntegerProperty
from rest_framework import serializers
from rest_framework.fields import empty

from orgs.api.pagination import CURSOR_PATTERN, MAX_CURSOR_LENGTH
from orgs.dates import as_of_day, parse_partial_date
from orgs.search import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, search_problem
from orgs.validation import DATE_FIELDS, MAX_ALIASES, MAX_CITATIONS_PER_WRITE, TEXT_LIMITS, UID_PATTERN, editable_fields
from orgs.vocabulary import (
    RELATIONSHIP_TYPES,
    RENAMED_PARAMETERS,
    SINGLE_SOURCE_FIELDS,
    Confidence,
    DocumentKind,
    EventKind,
    NodeLabel,
    OrganizationKind,
    relationship_public_name,
    relationship_python_name,
)

RELATIONSHIP_TYPE_CHOICES = sorted(RELATIONSHIP_TYPES)
# Named enums of the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ORGANIZATION_KINDS = [kind.value for kind in OrganizationKind]
EVENT_KINDS = [kind.value for kind in EventKind]
DOCUMENT_KINDS = [kind.value for kind in DocumentKind]
LABEL_CHOICES = [label.value for label in NodeLabel]


# --- Fields --------------------------------------------------------------------------------------------


# What the schema promises a partial date looks like (orgs.dates reads these): a day the month has, but 29 February,
# which only some years have (the pattern leaves it out; orgs.dates takes it in a leap year).
PARTIAL_DATE_SCHEMA = {
    "type": "string",
    "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])|-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
    "|-(0[469]|11)-(0[1-9]|[12][0-9]|30)|-02-(0[1-9]|1[0-9]|2[0-8]))?$",
    "example": "2003-02",
}


@extend_schema_field(PARTIAL_DATE_SCHEMA)
class PartialDateField(serializers.CharField):
    """A date like 2003, 2003-02 or 2003-02-14."""

    # Text on the wire, None when empty (CharField's stub promises text).
    def to_internal_value(self, data: Any) -> str | None:  # type: ignore[override]
        text = super().to_internal_value(data)
        try:
            return parse_partial_date(text)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class AsOfField(PartialDateField):
    """An "as of" day: a partial date meaning its last day ("2003" → 2003-12-31)."""

    def to_internal_value(self, data: Any) -> str | None:  # type: ignore[override]  # as PartialDateField's
        value = super().to_internal_value(data)
        return as_of_day(value) if value else None


class CommaListField(serializers.CharField):
    """A comma-separated list of choices, e.g. `COLLABORATES_WITH,MEMBER_OF`."""

    def __init__(self, *, choices: list[str], **kwargs: Any):
        self.allowed = choices
        kwargs.setdefault("help_text", f"Comma-separated, any of: {', '.join(choices)}.")
        super().__init__(**kwargs)

    # Text on the wire, a list once read (CharField's stub promises text).
    def to_internal_value(self, data: Any) -> list[str]:  # type: ignore[override]
        items = [item.strip() for item in super().to_internal_value(data).split(",") if item.strip()]
        unknown = [item for item in items if item not in self.allowed]
        if unknown:
            raise serializers.ValidationError(f"unknown: {', '.join(unknown)}; allowed: {', '.join(self.allowed)}")
        return items


class SearchField(serializers.CharField):
    """Words to search for, capped as on the pages (`orgs.search.search_problem`)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", SEARCH_MAX_CHARS)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        problem = search_problem(text)
        if problem:
            raise serializers.ValidationError(problem)
        return text


class TextField(serializers.CharField):
    """Text of field `rule` (`orgs.validation.TEXT_LIMITS`): its size limit and the characters it takes
    (`text_schema_pattern`) are in the schema; the services check the value, with the rules of every write."""

    def __init__(self, rule: str, **kwargs: Any):
        self.rule = rule
        kwargs.setdefault("max_length", TEXT_LIMITS[rule])
        super().__init__(**kwargs)


def uid_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(UID_PATTERN.pattern, max_length=TEXT_LIMITS["uid"], **kwargs)


def public_name(name: str) -> str:
    """Return the name clients see for a declared field: a trailing underscore marks a name Python keeps for
    itself (`from_` is `from`, `format_` is `format`)."""
    return name.removesuffix("_")


class PublicNames(serializers.Serializer):
    """A serializer whose fields read and write their public names (see `public_name`)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {public_name(name): field for name, field in super().get_fields().items()}


class StrictSerializer(serializers.Serializer):
    """A serializer that names fields it does not know instead of ignoring them."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        self._given = data  # what `validate` checks (a list's item serializer has no `initial_data`)
        return dict(super().to_internal_value(data))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self._given, dict):
            unknown = sorted(set(self._given) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["unknown field"] for name in unknown})
        return attrs


# A response body's shape, and what writes it (no docstring: the schema would show it on every response). A
# row is a mapping (a selector's row, a service's result), not a model instance: a key it lacks reads as null,
# a list field's null as []; nested serializers write their part the same way. Writing holds no state, so
# `body`/`bodies` use one instance per serializer, its fields built once (building them, a deep copy of every
# declared field, cost more than writing a page).
class ResponseSerializer(serializers.Serializer):
    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for name, source, write, is_list in self.writing_plan:
            value = instance.get(source)
            body[name] = write(value) if value is not None else [] if is_list else None
        return body

    @cached_property
    def writing_plan(self) -> tuple[tuple[str, str, Callable[[Any], Any], bool], ...]:
        """Return, for each field a body shows, its name, the row's key it reads, how it writes a value and
        whether it is a list: read once, so that writing a row looks nothing else up."""
        return tuple(
            (
                name,
                field.source or name,
                field.to_representation,
                isinstance(field, (serializers.ListField, serializers.ListSerializer)),
            )
            for name, field in self.fields.items()
            if not field.write_only
        )

    @classmethod
    def body(cls, row: Mapping[str, Any]) -> dict[str, Any]:
        """Return the response body this serializer writes for `row`."""
        return _writer(cls).to_representation(row)

    @classmethod
    def bodies(cls, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Return the bodies this serializer writes for `rows`, in order."""
        writer = _writer(cls)
        return [writer.to_representation(row) for row in rows]


_WRITERS: dict[type[ResponseSerializer], ResponseSerializer] = {}


def _writer(serializer_class: type[ResponseSerializer]) -> ResponseSerializer:
    writer = _WRITERS.get(serializer_class)
    if writer is None:
        writer = _WRITERS.setdefault(serializer_class, serializer_class())
    return writer


# --- Query parameters ----------------------------------------------------------------------------------


class QuerySerializer(serializers.Serializer):
    """Query parameters, validated on every read, so built lean: an instance gets a copy (DRF's own field
    cloning, `copy.deepcopy`) of only the fields its data needs (those given, required or with a default; the
    others would add nothing to the validated data). DRF's default, a copy of every declared field, cost twice
    as much. With no data (the schema generator's instance) it gets them all. Names are public names (`from_`
    is `from`)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Refuse the former names of this query's parameters (`RENAMED_PARAMETERS`), naming today's."""
        given = getattr(self, "initial_data", {})
        renamed = {
            old: [f"renamed: use '{new}'"]
            for old, new in RENAMED_PARAMETERS.items()
            if old in given and public_name(new) in {public_name(name) for name in self._declared_fields}
        }
        if renamed:
            raise serializers.ValidationError(renamed)
        return attrs

    def get_fields(self) -> dict[str, serializers.Field]:
        given = getattr(self, "initial_data", None)
        return {
            public_name(name): copy.deepcopy(field)
            for name, field in self._declared_fields.items()
            if given is None or public_name(name) in given or field.required or field.default is not empty
        }


@extend_schema_field({"type": "string", "pattern": CURSOR_PATTERN.pattern, "maxLength": MAX_CURSOR_LENGTH})
class CursorField(serializers.CharField):
    """The `next` cursor of a page (`orgs.api.pagination.cursor_decode` reads it)."""


class PageQuery(QuerySerializer):
    cursor = CursorField(required=False, help_text="The `next` cursor of the previous page.")
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500, default=50)


class OrganizationListQuery(PageQuery):
    q = SearchField(
        required=False,
        allow_blank=True,
        help_text="Words of the name, acronym or an alias (prefixes match); ranked. At most "
        f"{SEARCH_MAX_CHARS} characters and {SEARCH_MAX_WORDS} words.",
    )
    kind = serializers.ChoiceField(choices=[k.value for k in OrganizationKind], required=False)
    country = uid_field(required=False, help_text="uid of the country the organization is located in.")
    relationship_type = serializers.ChoiceField(
        choices=RELATIONSHIP_TYPE_CHOICES,
        required=False,
        help_text="Only organizations with a relationship of this type.",
    )
    as_of = AsOfField(required=False, help_text="Only organizations existing on that date.")
    ordering = serializers.ChoiceField(
        choices=["name", "-name"],
        required=False,
        default="name",
        help_text="By name; ignored with q (ranked by relevance).",
    )


class AsOfQuery(QuerySerializer):
    as_of = AsOfField(required=False, help_text="Only relationships holding on that date (2003, 2003-05 …).")


class DetailQuery(AsOfQuery):
    per_group = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=200,
        default=25,
        help_text="Relationships shown per type and direction.",
    )


class RelationshipsQuery(PageQuery, AsOfQuery):
    type = serializers.ChoiceField(choices=RELATIONSHIP_TYPE_CHOICES)
    direction = serializers.ChoiceField(choices=["out", "in"])


class NetworkQuery(AsOfQuery):
    depth = serializers.IntegerField(required=False, min_value=1, max_value=3, default=1)
    types = CommaListField(choices=RELATIONSHIP_TYPE_CHOICES, required=False)
    labels = CommaListField(
        choices=LABEL_CHOICES, required=False, help_text="Node labels to include (a node's `label` in every body)."
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2000,
        default=500,
        help_text="At most this many nodes; `truncated` says if the cap cut it.",
    )


class PathsQuery(AsOfQuery):
    from_ = uid_field(help_text="uid of the first node.")
    to = uid_field(help_text="uid of the last node.")
    k = serializers.IntegerField(required=False, min_value=1, max_value=10, default=3)
    max_length = serializers.IntegerField(required=False, min_value=1, max_value=10, default=6)
    types = CommaListField(choices=RELATIONSHIP_TYPE_CHOICES, required=False)


class RelationshipListQuery(PageQuery, AsOfQuery):
    type = CommaListField(choices=RELATIONSHIP_TYPE_CHOICES, required=False)
    node = uid_field(required=False, help_text="Either end is this node.")
    from_ = uid_field(required=False, help_text="The start is this node.")
    to = uid_field(required=False, help_text="The end is this node.")
    # A declared field, not the Field attribute `source` the stubs see here.
    source = uid_field(required=False, help_text="One of its citations quotes this source.")  # type: ignore[assignment]
    sources_min = serializers.IntegerField(
        required=False, min_value=1, max_value=100, help_text="It rests on at least this many distinct sources."
    )
    since_after = PartialDateField(required=False, help_text="Began on or after this date.")
    until_before = PartialDateField(required=False, help_text="Ended on or before this date.")


class StatsQuery(QuerySerializer):
    top = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)


EXPORT_FORMATS = ["json", "csv", "graphml"]


class ExportQuery(AsOfQuery):
    format_ = serializers.ChoiceField(choices=EXPORT_FORMATS, required=False, default="json")
    around = uid_field(required=False, help_text="Export only this node's neighbourhood.")
    depth = serializers.IntegerField(required=False, min_value=1, max_value=3, default=1)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=5000, default=500)


class ImportQuery(QuerySerializer):
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Validate and report what would change; write nothing."
    )


# --- Nodes ---------------------------------------------------------------------------------------------


def _field_for(name: str, prop: Any) -> serializers.Field:
    """Return the API field of node property `name`, with its size limit and the characters it takes in the
    schema (`TextField`); the services check the value again, with the same rules as every other write."""
    help_text = getattr(prop, "help_text", "") or ""
    if isinstance(prop, ArrayProperty):
        return serializers.ListField(
            child=TextField(name),
            max_length=MAX_ALIASES,
            required=False,
            help_text=help_text,
        )
    if isinstance(prop, IntegerProperty):
        return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)
    choices = getattr(prop, "choices", None)
    if choices:
        return serializers.ChoiceField(choices=list(choices), required=False, allow_null=True, help_text=help_text)
    if prop.required:
        return TextField(name, help_text=help_text)
    if name in DATE_FIELDS:
        return PartialDateField(required=False, allow_null=True, allow_blank=True, help_text=help_text)
    return TextField(name, required=False, allow_null=True, allow_blank=True, help_text=help_text)


# A node's body (no docstring: the schema shows StrictSerializer's on request and response alike): a node no
# relationship has touched yet has no stored degree, and reads 0.
class NodeSerializer(StrictSerializer, ResponseSerializer):
    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        body = super().to_representation(instance)
        if body.get("degree") is None:
            body["degree"] = 0
        return body


def node_serializer(label: str) -> type[NodeSerializer]:
    """Return the serializer of a `label` node, its fields read from the graph schema."""
    fields: dict[str, Any] = {
        "uid": uid_field(required=False, help_text="Stable identifier; chosen from the name if not given."),
        **{name: _field_for(name, prop) for name, prop in editable_fields(label).items()},
        "degree": serializers.IntegerField(read_only=True, allow_null=True, help_text="Number of relationships."),
    }
    if label == NodeLabel.ORGANIZATION:
        fields["former_uids"] = serializers.ListField(
            child=serializers.CharField(), read_only=True, help_text="uids merged into this one."
        )
    return type(f"{label}Serializer", (NodeSerializer,), fields)


NODE_SERIALIZERS = {label.value: node_serializer(label.value) for label in NodeLabel}


class NodeSummarySerializer(ResponseSerializer):
    uid = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    acronym = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    # A declared field, not the Field attribute `label` the stubs see here.
    label = serializers.ChoiceField(choices=LABEL_CHOICES)  # type: ignore[assignment]
    degree = serializers.IntegerField(allow_null=True)


class OrganizationListItemSerializer(ResponseSerializer):
    uid = serializers.CharField()
    name = serializers.CharField()
    acronym = serializers.CharField(allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField())
    kind = serializers.CharField(allow_null=True)
    degree = serializers.IntegerField(allow_null=True)


class NodeListItemSerializer(ResponseSerializer):
    uid = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    degree = serializers.IntegerField(allow_null=True)
    date = serializers.CharField(allow_null=True)
    place = serializers.CharField(allow_null=True)
    iso_code = serializers.CharField(allow_null=True)
    publisher = serializers.CharField(allow_null=True)


class DirectionField(serializers.ChoiceField):
    """A relationship's direction seen from one of its ends, from a row's `outgoing`: "out" from its start,
    "in" from its end."""

    def __init__(self, **kwargs: Any):
        super().__init__(choices=["out", "in"], source="outgoing", **kwargs)

    def to_representation(self, value: Any) -> str:
        return "out" if value else "in"


# A relationship's fields, in the order its bodies list them: uid and type, (its ends,) then its facts.
class RelationshipKeySerializer(ResponseSerializer):
    uid = serializers.CharField()
    type = serializers.ChoiceField(choices=RELATIONSHIP_TYPE_CHOICES)


class RelationshipEndsSerializer(RelationshipKeySerializer):
    from_ = serializers.CharField(source=relationship_python_name("from"), help_text="uid of the start node.")
    to = serializers.CharField(source=relationship_python_name("to"), help_text="uid of the end node.")


class RelationshipFactsSerializer(ResponseSerializer):
    since = serializers.CharField(allow_null=True, help_text="The earliest `since` its citations state.")
    until = serializers.CharField(allow_null=True, help_text="The latest `until` its citations state.")
    qualifier = serializers.CharField(allow_null=True, help_text="The first stated citation's qualifier.")
    confidence = serializers.CharField(allow_null=True, help_text="`stated` if any citation is stated.")
    source_count = serializers.IntegerField(allow_null=True, help_text="How many distinct sources it rests on.")
    sources = serializers.ListField(
        child=serializers.CharField(),
        source=relationship_python_name("sources"),
        help_text="uids of the sources its citations quote, sorted.",
    )


class CitationSerializer(ResponseSerializer):
    uid = serializers.CharField(help_text="The citation's uid (cit- and 12 hexadecimal digits); it lasts.")
    # A declared field, not the Field attribute `source` the stubs see here.
    source = serializers.CharField(source="source_uid", help_text="uid of the source quoted.")  # type: ignore[assignment]
    exact = serializers.CharField(help_text="The passage, word for word.")
    prefix = serializers.CharField(allow_null=True, help_text="Up to 32 characters of the text just before it.")
    suffix = serializers.CharField(allow_null=True, help_text="Up to 32 characters of the text just after it.")
    start = serializers.IntegerField(
        allow_null=True, help_text="Its offset in the source's text (code points); null when the source has none."
    )
    end = serializers.IntegerField(allow_null=True, help_text="Where it ends in the text (exclusive).")
    confidence = serializers.CharField(allow_null=True)
    since = serializers.CharField(allow_null=True, help_text="When this source says it began.")
    until = serializers.CharField(allow_null=True, help_text="When this source says it ended.")
    qualifier = serializers.CharField(allow_null=True, help_text="This source's wording of the footing.")
    added_by = serializers.CharField(allow_null=True, help_text="Who added it (a username, `import`, `upgrade`).")
    added_at = serializers.CharField(allow_null=True, help_text="When it was added (ISO time, UTC).")


class CitationAddedSerializer(CitationSerializer):
    outcome = serializers.ChoiceField(
        choices=["citation_added", "already_recorded"],
        help_text="`citation_added` (201), or `already_recorded` (200: the relationship had this passage already).",
    )


class RelationshipOfNodeSerializer(RelationshipKeySerializer, RelationshipFactsSerializer):
    direction = DirectionField()
    other = NodeSummarySerializer()
    citations = CitationSerializer(many=True, help_text="What it rests on, in reading order.")
    disagreements = serializers.ListField(
        child=serializers.CharField(), help_text="The fields (`since`, `until`, `qualifier`) its citations differ on."
    )


class RelationshipGroupSerializer(ResponseSerializer):
    type = serializers.ChoiceField(choices=RELATIONSHIP_TYPE_CHOICES)
    direction = DirectionField()
    reads = serializers.CharField(help_text="How the type reads from this node, e.g. 'is a member of'.")
    total = serializers.IntegerField()
    relationships = RelationshipOfNodeSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page of this group, if it has more.")


def node_detail_serializer(label: str) -> type[NodeSerializer]:
    fields = {
        "label": serializers.ChoiceField(choices=LABEL_CHOICES),
        "relationships": RelationshipGroupSerializer(many=True),
    }
    return type(f"{label}DetailSerializer", (NODE_SERIALIZERS[label],), fields)


NODE_DETAIL_SERIALIZERS = {label.value: node_detail_serializer(label.value) for label in NodeLabel}


class RelationshipSerializer(PublicNames, RelationshipEndsSerializer, RelationshipFactsSerializer):
    pass


class RelationshipDetailSerializer(RelationshipSerializer):
    citations = CitationSerializer(many=True, help_text="What it rests on, in reading order (by source, then place).")
    disagreements = serializers.ListField(
        child=serializers.CharField(), help_text="The fields (`since`, `until`, `qualifier`) its citations differ on."
    )


class RelationshipRecordedSerializer(RelationshipDetailSerializer):
    outcome = serializers.ChoiceField(
        choices=["created", "citation_added", "already_recorded"],
        help_text="`created` (201), `citation_added` (200: it was there, either way for a symmetric type), or "
        "`already_recorded` (200: it already had every citation given; nothing changed).",
    )


class CitationWriteSerializer(StrictSerializer):
    # A declared field, not the Field attribute `source` the stubs see here.
    source = TextField("source_uid", source="source_uid", help_text="uid of the source quoted.")  # type: ignore[assignment]
    exact = TextField("exact", help_text="The passage, word for word (line breaks and runs of spaces aside).")
    prefix = TextField("prefix", required=False, allow_null=True, allow_blank=True, trim_whitespace=False)
    suffix = TextField("suffix", required=False, allow_null=True, allow_blank=True, trim_whitespace=False)
    start = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Which occurrence: its offset in the text. Without it, the first (or the one prefix/suffix pick).",
    )
    end = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    confidence = serializers.ChoiceField(choices=[c.value for c in Confidence], required=False)
    since = PartialDateField(required=False, allow_null=True, allow_blank=True)
    until = PartialDateField(required=False, allow_null=True, allow_blank=True)
    qualifier = TextField("qualifier", required=False, allow_null=True, allow_blank=True)


class CitationUpdateSerializer(CitationWriteSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


SINGLE_SOURCE_PUBLIC = tuple(relationship_public_name(name) for name in SINGLE_SOURCE_FIELDS)


class SingleSourceSerializer(StrictSerializer):
    """A relationship in the single-source form: one source, its sentence, and what it says of the period and the
    footing (one citation)."""

    since = PartialDateField(required=False, allow_null=True, allow_blank=True)
    until = PartialDateField(required=False, allow_null=True, allow_blank=True)
    qualifier = TextField("qualifier", required=False, allow_null=True, allow_blank=True)
    confidence = serializers.ChoiceField(choices=[c.value for c in Confidence], required=False)
    # A declared field, not the Field attribute `source` the stubs see here.
    source = TextField(  # type: ignore[assignment]
        "source_uid",
        source=relationship_python_name("source"),
        required=False,
        help_text="Single-source form: uid of the Source the evidence comes from.",
    )
    evidence = TextField(
        "evidence", required=False, help_text="Single-source form: the exact sentence of the source that supports it."
    )


class RelationshipWriteSerializer(PublicNames, SingleSourceSerializer):
    type = serializers.ChoiceField(choices=RELATIONSHIP_TYPE_CHOICES)
    from_ = TextField("uid", source=relationship_python_name("from"), help_text="uid of the start node.")
    to = TextField("uid", source=relationship_python_name("to"), help_text="uid of the end node.")
    citations = serializers.ListField(
        child=CitationWriteSerializer(),
        required=False,
        min_length=1,
        max_length=MAX_CITATIONS_PER_WRITE,
        help_text=f"What it rests on: one to {MAX_CITATIONS_PER_WRITE} passages. Or, instead, the single-source "
        "fields (one citation).",
    )

    @staticmethod
    def schema_forms() -> list[dict[str, Any]]:
        """Return the two forms `validate` takes, for the schema: `citations` and none of the single-source
        fields, or `source` and `evidence` without `citations`."""
        return [
            {"required": ["citations"], "not": {"anyOf": [{"required": [name]} for name in SINGLE_SOURCE_PUBLIC]}},
            {"required": ["source", "evidence"], "not": {"required": ["citations"]}},
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        given = self.initial_data if isinstance(self.initial_data, dict) else {}
        if "citations" in attrs and any(name in given for name in SINGLE_SOURCE_PUBLIC):
            raise serializers.ValidationError({"citations": ["give citations, or source and evidence, not both"]})
        if "citations" not in attrs:
            missing = [name for name in ("source", "evidence") if relationship_python_name(name) not in attrs]
            if missing:
                raise serializers.ValidationError(
                    {name: ["this field is required (or give citations)"] for name in missing}
                )
        return attrs


class RelationshipUpdateSerializer(SingleSourceSerializer):
    """A change to a relationship resting on one citation, in the single-source form."""


class RelationshipReplaceSerializer(RelationshipUpdateSerializer):
    """A relationship resting on one citation, all of it in the single-source form: its source and evidence
    given, what is left out cleared."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in ("source", "evidence"):
            fields[name].required = True
        return fields


class NetworkSerializer(ResponseSerializer):
    centre = serializers.CharField()
    depth = serializers.IntegerField()
    limit = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="True when the size cap cut the neighbourhood short.")
    node_count = serializers.IntegerField()
    edge_count = serializers.IntegerField()
    nodes = NodeSummarySerializer(many=True)
    edges = RelationshipSerializer(many=True)


class PathSerializer(ResponseSerializer):
    length = serializers.IntegerField()
    nodes = NodeSummarySerializer(many=True)
    hops = RelationshipSerializer(many=True, source="relationships", help_text="Each hop in order, with its evidence.")


class PathsSerializer(PublicNames, ResponseSerializer):
    from_ = serializers.CharField()
    to = serializers.CharField()
    paths = PathSerializer(many=True)


class HubSerializer(ResponseSerializer):
    uid = serializers.CharField()
    name = serializers.CharField()
    acronym = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    degree = serializers.IntegerField()


class StatsSerializer(ResponseSerializer):
    nodes = serializers.DictField(child=serializers.IntegerField(), help_text="Count per node kind.")
    relationships = serializers.DictField(child=serializers.IntegerField(), help_text="Count per type.")
    top_by_degree = HubSerializer(many=True)


class ImportResultSerializer(ResponseSerializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Records per kind and type.")
    changes = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per kind and type: how many would be (or were) created, updated.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class ErrorSerializer(ResponseSerializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


def page_serializer(item: type[ResponseSerializer], name: str) -> type[ResponseSerializer]:
    """Return the serializer of a cursor page of `item`s, named `name` in the schema."""
    page = type(
        name,
        (ResponseSerializer,),
        {
            "next": serializers.URLField(allow_null=True, help_text="The next page; null on the last one."),
            "results": item(many=True),
        },
    )
    # A page is one object: drf-spectacular would take a viewset's `list` action to answer a list of them.
    return extend_schema_serializer(many=False)(page)
