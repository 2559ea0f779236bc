"""Plain serializers (nodes are not Django models): query parameters, request bodies, and the documented
shape of every response. Responses are built by the `*_out` functions below, which fill every documented key.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from neomodel import ArrayProperty, IntegerProperty
from rest_framework import serializers
from rest_framework.fields import empty

from orgs.api.pagination import MAX_CURSOR_LENGTH
from orgs.dates import as_of_day, parse_partial_date
from orgs.loader import UID_PATTERN
from orgs.search import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, search_problem
from orgs.validation import DATE_FIELDS, MAX_ALIASES, TEXT_LIMITS, editable_fields
from orgs.vocabulary import (
    RELATIONSHIP_TYPES,
    Confidence,
    DocumentKind,
    EventKind,
    NodeLabel,
    OrganizationKind,
)

REL_TYPE_CHOICES = sorted(RELATIONSHIP_TYPES)
# Named enums of the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ORGANIZATION_KINDS = [kind.value for kind in OrganizationKind]
EVENT_KINDS = [kind.value for kind in EventKind]
DOCUMENT_KINDS = [kind.value for kind in DocumentKind]
LABEL_CHOICES = [label.value for label in NodeLabel]


# --- Fields --------------------------------------------------------------------------------------------


# What the schema promises a partial date looks like (orgs.dates reads these; a day past the month's end, such as
# 2003-02-30, matches and is still refused).
PARTIAL_DATE_SCHEMA = {
    "type": "string",
    "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
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
            raise serializers.ValidationError(
                f"unknown: {', '.join(unknown)}; allowed: {', '.join(self.allowed)}"
            )
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

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["unknown field"] for name in unknown})
        return attrs


# --- Query parameters ----------------------------------------------------------------------------------


class QuerySerializer(serializers.Serializer):
    """Query parameters, validated on every read, so built lean: an instance gets only the fields its data
    needs (those given, required or with a default; the others would add nothing to the validated data),
    each made afresh from the declared field's arguments without deep-copying them. DRF's default, a deep
    copy of every declared field, was a third of a cheap call's own time. With no data (the schema
    generator's instance) it gets them all. Names are public names (`from_` is `from`)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        given = getattr(self, "initial_data", None)
        return {
            # DRF keeps each field's own arguments in _args and _kwargs (its stubs leave them out).
            public_name(name): type(field)(*field._args, **field._kwargs)  # type: ignore[attr-defined]
            for name, field in self._declared_fields.items()
            if given is None or public_name(name) in given or field.required or field.default is not empty
        }


class PageQuery(QuerySerializer):
    cursor = serializers.CharField(
        required=False, max_length=MAX_CURSOR_LENGTH, help_text="The `next` cursor of the previous page."
    )
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
        choices=REL_TYPE_CHOICES,
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


class TiesQuery(PageQuery, AsOfQuery):
    type = serializers.ChoiceField(choices=REL_TYPE_CHOICES)
    direction = serializers.ChoiceField(choices=["out", "in"])


class NetworkQuery(AsOfQuery):
    depth = serializers.IntegerField(required=False, min_value=1, max_value=3, default=1)
    types = CommaListField(choices=REL_TYPE_CHOICES, required=False)
    kinds = CommaListField(choices=LABEL_CHOICES, required=False, help_text="Node kinds to include.")
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
    types = CommaListField(choices=REL_TYPE_CHOICES, required=False)


class RelationshipListQuery(PageQuery, AsOfQuery):
    type = CommaListField(choices=REL_TYPE_CHOICES, required=False)
    node = uid_field(required=False, help_text="Either end is this node.")
    from_ = uid_field(required=False, help_text="The start is this node.")
    to = uid_field(required=False, help_text="The end is this node.")
    # A declared field, not the Field attribute `source` the stubs see here.
    source = uid_field(required=False, help_text="The evidence comes from this source.")  # type: ignore[assignment]
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
    """Return the API field of node property `name`, with its size limit (`orgs.validation.TEXT_LIMITS`) in
    the schema; the services check the value again, with the same rules as every other write."""
    help_text = getattr(prop, "help_text", "") or ""
    limit = TEXT_LIMITS.get(name)
    if isinstance(prop, ArrayProperty):
        return serializers.ListField(
            child=serializers.CharField(max_length=limit), max_length=MAX_ALIASES, required=False,
            help_text=help_text,
        )
    if isinstance(prop, IntegerProperty):
        return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)
    choices = getattr(prop, "choices", None)
    if choices:
        return serializers.ChoiceField(
            choices=list(choices), required=False, allow_null=True, help_text=help_text
        )
    if prop.required:
        return serializers.CharField(max_length=limit, help_text=help_text)
    if name in DATE_FIELDS:
        return PartialDateField(required=False, allow_null=True, allow_blank=True, help_text=help_text)
    return serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=limit, help_text=help_text
    )


def node_serializer(label: str) -> type[serializers.Serializer]:
    """Return the serializer of a `label` node, its fields read from the graph schema."""
    fields: dict[str, Any] = {
        "uid": uid_field(required=False, help_text="Stable identifier; chosen from the name if not given."),
        **{name: _field_for(name, prop) for name, prop in editable_fields(label).items()},
        "degree": serializers.IntegerField(
            read_only=True, allow_null=True, help_text="Number of relationships."
        ),
    }
    if label == NodeLabel.ORGANIZATION:
        fields["former_uids"] = serializers.ListField(
            child=serializers.CharField(), read_only=True, help_text="uids merged into this one."
        )
    return type(f"{label}Serializer", (StrictSerializer,), fields)


NODE_SERIALIZERS = {label.value: node_serializer(label.value) for label in NodeLabel}


class NodeSummarySerializer(serializers.Serializer):
    uid = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    acronym = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    # A declared field, not the Field attribute `label` the stubs see here.
    label = serializers.ChoiceField(choices=LABEL_CHOICES)  # type: ignore[assignment]
    degree = serializers.IntegerField(allow_null=True)


class OrganizationListItemSerializer(serializers.Serializer):
    uid = serializers.CharField()
    name = serializers.CharField()
    acronym = serializers.CharField(allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField())
    kind = serializers.CharField(allow_null=True)
    degree = serializers.IntegerField(allow_null=True)


class NodeListItemSerializer(serializers.Serializer):
    uid = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    degree = serializers.IntegerField(allow_null=True)
    date = serializers.CharField(allow_null=True)
    place = serializers.CharField(allow_null=True)
    iso_code = serializers.CharField(allow_null=True)
    publisher = serializers.CharField(allow_null=True)


class EvidenceFieldsSerializer(serializers.Serializer):
    uid = serializers.CharField()
    type = serializers.ChoiceField(choices=REL_TYPE_CHOICES)
    since = serializers.CharField(allow_null=True)
    until = serializers.CharField(allow_null=True)
    qualifier = serializers.CharField(allow_null=True)
    confidence = serializers.CharField(allow_null=True)
    # A declared field, not the Field attribute `source` the stubs see here.
    source = serializers.CharField(  # type: ignore[assignment]
        allow_null=True, help_text="uid of the source of the evidence."
    )
    evidence = serializers.CharField(
        allow_null=True, help_text="The sentence of the source that supports it."
    )


class TieSerializer(EvidenceFieldsSerializer):
    direction = serializers.ChoiceField(choices=["out", "in"])
    other = NodeSummarySerializer()


class TieGroupSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=REL_TYPE_CHOICES)
    direction = serializers.ChoiceField(choices=["out", "in"])
    reads = serializers.CharField(help_text="How the type reads from this node, e.g. 'is a member of'.")
    total = serializers.IntegerField()
    ties = TieSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page of this group, if it has more.")


def node_detail_serializer(label: str) -> type[serializers.Serializer]:
    fields = {
        "label": serializers.ChoiceField(choices=LABEL_CHOICES),
        "relationships": TieGroupSerializer(many=True),
    }
    return type(f"{label}DetailSerializer", (NODE_SERIALIZERS[label],), fields)


NODE_DETAIL_SERIALIZERS = {label.value: node_detail_serializer(label.value) for label in NodeLabel}


class RelationshipSerializer(PublicNames, EvidenceFieldsSerializer):
    from_ = serializers.CharField(help_text="uid of the start node.")
    to = serializers.CharField(help_text="uid of the end node.")


class RelationshipWriteSerializer(PublicNames, StrictSerializer):
    type = serializers.CharField(max_length=40, help_text=f"One of: {', '.join(REL_TYPE_CHOICES)}.")
    from_ = serializers.CharField(max_length=TEXT_LIMITS["uid"], help_text="uid of the start node.")
    to = serializers.CharField(max_length=TEXT_LIMITS["uid"], help_text="uid of the end node.")
    since = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    until = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    qualifier = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=TEXT_LIMITS["qualifier"]
    )
    confidence = serializers.ChoiceField(choices=[c.value for c in Confidence], required=False)
    # A declared field, not the Field attribute `source` the stubs see here.
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=TEXT_LIMITS["source_uid"], help_text="uid of the Source the evidence comes from."
    )
    evidence = serializers.CharField(
        max_length=TEXT_LIMITS["evidence"], help_text="The exact sentence of the source that supports it."
    )


class RelationshipUpdateSerializer(StrictSerializer):
    since = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    until = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    qualifier = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=TEXT_LIMITS["qualifier"]
    )
    confidence = serializers.ChoiceField(choices=[c.value for c in Confidence], required=False)
    # A declared field, not the Field attribute `source` the stubs see here.
    source = serializers.CharField(required=False, max_length=TEXT_LIMITS["source_uid"])  # type: ignore[assignment]
    evidence = serializers.CharField(required=False, max_length=TEXT_LIMITS["evidence"])


class NetworkSerializer(serializers.Serializer):
    centre = serializers.CharField()
    depth = serializers.IntegerField()
    limit = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="True when the size cap cut the neighbourhood short.")
    node_count = serializers.IntegerField()
    edge_count = serializers.IntegerField()
    nodes = NodeSummarySerializer(many=True)
    edges = RelationshipSerializer(many=True)


class PathSerializer(serializers.Serializer):
    length = serializers.IntegerField()
    nodes = NodeSummarySerializer(many=True)
    hops = RelationshipSerializer(many=True, help_text="Each hop in order, with its evidence.")


class PathsSerializer(PublicNames):
    from_ = serializers.CharField()
    to = serializers.CharField()
    paths = PathSerializer(many=True)


class HubSerializer(serializers.Serializer):
    uid = serializers.CharField()
    name = serializers.CharField()
    acronym = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    degree = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    nodes = serializers.DictField(child=serializers.IntegerField(), help_text="Count per node kind.")
    relationships = serializers.DictField(child=serializers.IntegerField(), help_text="Count per type.")
    top_by_degree = HubSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Records per kind and type.")
    changes = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per kind and type: how many would be (or were) created, updated.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


def page_serializer(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True, help_text="The next page; null on the last one."),
            "results": item(many=True),
        },
    )


# --- Responses ---------------------------------------------------------------------------------------

NODE_OUT_FIELDS = {label.value: list(NODE_SERIALIZERS[label.value]().fields) for label in NodeLabel}
LIST_VALUED = frozenset({"aliases", "former_uids"})


def node_out(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """Return a node's API body: every documented field (None or [] when unset), no search text."""
    out: dict[str, Any] = {}
    for name in NODE_OUT_FIELDS[label]:
        value = props.get(name)
        out[name] = (value or []) if name in LIST_VALUED else value
    if out.get("degree") is None:
        out["degree"] = 0  # a node no relationship has touched yet
    return out


def summary_out(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": node["uid"],
        "name": node.get("name"),
        "acronym": node.get("acronym"),
        "kind": node.get("kind"),
        "label": node.get("label"),
        "degree": node.get("degree"),
    }


def tie_out(tie: dict[str, Any]) -> dict[str, Any]:
    """Return a relationship seen from one of its ends (selectors' tie rows)."""
    return {
        "uid": tie["uid"],
        "type": tie["type"],
        "since": tie.get("since"),
        "until": tie.get("until"),
        "qualifier": tie.get("qualifier"),
        "confidence": tie.get("confidence"),
        "source": tie.get("source_uid"),
        "evidence": tie.get("evidence"),
        "direction": "out" if tie["outgoing"] else "in",
        "other": summary_out(tie["other"]),
    }


def relationship_out(row: dict[str, Any]) -> dict[str, Any]:
    """Return a relationship body from a selector row (`from`/`to`) or a service result (`start`/`end`)."""
    return {
        "uid": row["uid"],
        "type": row["type"],
        "from": row.get("from", row.get("start")),
        "to": row.get("to", row.get("end")),
        "since": row.get("since"),
        "until": row.get("until"),
        "qualifier": row.get("qualifier"),
        "confidence": row.get("confidence"),
        "source": row.get("source", row.get("source_uid")),
        "evidence": row.get("evidence"),
    }


def organization_item_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": row["uid"],
        "name": row["name"],
        "acronym": row.get("acronym"),
        "aliases": row.get("aliases") or [],
        "kind": row.get("kind"),
        "degree": row.get("degree"),
    }


def node_item_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: row.get(key)
        for key in ("uid", "name", "kind", "degree", "date", "place", "iso_code", "publisher")
    }
