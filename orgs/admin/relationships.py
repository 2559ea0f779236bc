"""A node's relationships on its change page: a formset of rows to change, remove or add, checked together
and written through `orgs.services` in the node's transaction, before its citations (`orgs.admin.citations`)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest

from orgs import services
from orgs.admin import selectors
from orgs.admin.base import (
    CHANGED_SINCE_OPENED,
    SERVICE_ERRORS,
    GraphWriteRefused,
    NodeForm,
    RecordRowForm,
    WrittenVersions,
)
from orgs.admin.citations import BaseCitationFormSet, CitationFormSet
from orgs.validation import ValidationFailed, clean_relationship, relationship_key
from orgs.vocabulary import RELATIONSHIP_TYPES, SINGLE_SOURCE_FIELDS, Confidence


def relation_choices(label: str) -> list[tuple[str, str]]:
    """Return (type and direction, reading) for every relationship a `label` node can take part in.

    `TYPE>` means the node is the start ("is part of"), `TYPE<` that it is the end ("includes").
    """
    choices = []
    for relationship_type in RELATIONSHIP_TYPES.values():
        if label in relationship_type.start_labels:
            choices.append((f"{relationship_type.name}>", relationship_type.forward))
        if label in relationship_type.end_labels:
            choices.append(
                (
                    f"{relationship_type.name}<",
                    f"{relationship_type.backward} (from the other end)"
                    if relationship_type.symmetric
                    else relationship_type.backward,
                )
            )
    return choices


class RelationshipForm(RecordRowForm):
    """One relationship of the node: its type and direction, the other end, period, footing and evidence."""

    sources_opened = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)  # its citations then
    state_fields = (*RecordRowForm.state_fields, "sources_opened")
    relation = forms.ChoiceField(label="Relationship")
    other = forms.CharField(
        label="Other end",
        help_text="Type a name, pick the uid.",
        widget=forms.TextInput(
            attrs={
                "class": "graph-autocomplete",
                "size": 22,
                "list": "graph-node-options",
                "autocomplete": "off",
            }
        ),
    )
    since = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 10, "placeholder": "2003"}))
    until = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 10}))
    qualifier = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 16}))
    confidence = forms.ChoiceField(choices=[(c.value, c.label) for c in Confidence], initial=Confidence.STATED)
    source_uid = forms.ChoiceField(label="Source")
    evidence = forms.CharField(label="Supporting sentence", widget=forms.Textarea(attrs={"rows": 2, "cols": 40}))

    def __init__(
        self, *args: Any, relations: list[tuple[str, str]], sources: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["relation"]).choices = [("", "---------"), *relations]
        cast(forms.ChoiceField, self.fields["source_uid"]).choices = [("", "---------"), *sources]
        if self.initial.get("uid"):
            # A recorded relationship keeps its type and ends: remove it and add another to change them.
            self.fields["relation"].disabled = self.fields["other"].disabled = True
        if self.several_sources:
            # Its period and footing are its citations' summary: they are changed citation by citation.
            for name in SINGLE_SOURCE_FIELDS:
                field = self.fields[name]
                field.disabled, field.required = True, False
                field.widget.attrs["aria-describedby"] = self.sources_note_id

    @property
    def existing(self) -> bool:
        return bool(self.initial.get("uid"))

    @property
    def several_sources(self) -> bool:
        """Return True when the row's relationship rests on more than one citation."""
        return self.initial.get("citation_count", 0) > 1

    @property
    def sources_note(self) -> str:
        """Return the note shown in place of a relationship's source when several state it, else ""."""
        return f"{self.initial['citation_count']} sources: edit them under Citations" if self.several_sources else ""

    @property
    def sources_note_id(self) -> str:
        return f"id_{self.prefix}-sources-note"

    def relationship_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in SINGLE_SOURCE_FIELDS}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.several_sources and self._opened_with_one_source_and_edited():
            # Its fields are read-only now, so what the editor typed there would be dropped: refuse instead.
            raise forms.ValidationError(CHANGED_SINCE_OPENED)
        return cleaned

    def _opened_with_one_source_and_edited(self) -> bool:
        """Return True when the row was opened while its relationship rested on one citation (its single-source
        fields editable then) and posts values in them other than those shown now."""
        if self.cleaned_data.get("sources_opened") != 1:
            return False
        return any(
            (self.data.get(self.add_prefix(name)) or "").strip() != str(self.initial.get(name) or "").strip()
            for name in SINGLE_SOURCE_FIELDS
        )


def lone_citation_fields(relationship: dict[str, Any]) -> dict[str, Any]:
    """Return the row's single-source fields: those of the relationship's one citation (its passage as the
    sentence), or its summary alone when several sources state it (such a row is changed citation by citation)."""
    citations = relationship["citations"]
    if len(citations) != 1:
        return {name: relationship["props"].get(name) for name in ("since", "until", "qualifier", "confidence")}
    [citation] = citations
    return {
        **{name: citation.get(name) for name in ("source_uid", "since", "until", "qualifier", "confidence")},
        "evidence": citation.get("exact"),
    }


class BaseRelationshipFormSet(forms.BaseFormSet):
    """The node's relationships: rows to change, remove (tick) or add, checked together, saved together."""

    title = "Relationships"

    def __init__(self, *args: Any, node_uid: str | None, label: str, **kwargs: Any) -> None:
        self.node_uid, self.label = node_uid, label
        self.relationships = selectors.node_relationships(uid=node_uid) if node_uid else []
        kwargs["initial"] = [
            {
                "uid": relationship["props"].get("uid"),
                "version": relationship["props"].get("version") or 0,
                "relation": f"{relationship['type']}{'>' if relationship['outgoing'] else '<'}",
                "other": relationship["other"],
                "other_name": relationship["other_name"],
                "citation_count": len(relationship["citations"]),
                "sources_opened": len(relationship["citations"]),
                **lone_citation_fields(relationship),
            }
            for relationship in self.relationships
        ]
        self.sources = selectors.source_choices()
        kwargs["form_kwargs"] = {"relations": relation_choices(label), "sources": self.sources}
        kwargs["prefix"] = "relationships"
        super().__init__(*args, **kwargs)

    def ticked_for_deletion(self, form: RelationshipForm) -> bool:
        """Return True when the row `form` (validated) has its delete box ticked."""
        return bool(form.cleaned_data.get(DELETION_FIELD_NAME))

    def opened_versions(self) -> dict[str, int | None]:
        """Return {relationship uid: its version as the page was opened} for the recorded rows (validated)."""
        return {
            form.cleaned_data["uid"]: form.cleaned_data.get("version")
            for form in self.forms
            if form.existing and form.cleaned_data.get("uid")
        }

    def rows(self) -> list[RelationshipForm]:
        """Return the forms that ask for a write: new rows filled in, recorded rows changed or ticked."""
        return [form for form in self.forms if form.has_changed() or (form.existing and self.ticked_for_deletion(form))]

    def clean(self) -> None:
        if any(self.errors):
            return
        node_uid = self.node_uid or ""
        seen: dict[tuple[str, str, str], RelationshipForm] = {}
        for form in self.forms:
            if not form.has_changed() and not form.existing or self.ticked_for_deletion(form):
                continue
            relationship_type, direction = form.cleaned_data["relation"][:-1], form.cleaned_data["relation"][-1]
            other = form.cleaned_data["other"].strip()
            start, end = (node_uid, other) if direction == ">" else (other, node_uid)
            key = relationship_key(relationship_type, start, end)
            if key in seen:
                form.add_error("other", "The same relationship is listed twice.")
                continue
            seen[key] = form
            if form.existing and not form.has_changed():
                continue
            try:
                other_label, _ = services.node_get(uid=other)
            except services.NotFound:
                form.add_error("other", f"No node has the uid '{other}'.")
                continue
            start_label, end_label = (self.label, other_label) if direction == ">" else (other_label, self.label)
            try:
                clean_relationship(
                    relationship_type,
                    start_label,
                    end_label,
                    start or "(new)",
                    end or "(new)",
                    form.relationship_data(),
                    source_text=services.source_text_in_graph,
                )
            except ValidationFailed as error:
                for field, messages_ in error.errors.items():
                    target = {"type": "relation", "from": "other", "to": "other"}.get(field, field)
                    for message in messages_:
                        form.add_error(target if target in form.fields else None, message)

    def save_for(self, node_uid: str, request: HttpRequest, written: WrittenVersions) -> None:
        """Write the rows through the services (inside the caller's transaction), noting each relationship's
        version after in `written`; raise GraphWriteRefused."""
        for form in self.rows():
            other = form.initial.get("other") or form.cleaned_data.get("other", "")
            opened = form.cleaned_data.get("version")
            expected = None if opened is None else (opened,)
            try:
                if form.existing and self.ticked_for_deletion(form):
                    services.relationship_delete(
                        uid=form.initial["uid"], actor=request.user, expected_versions=expected
                    )
                    written[form.initial["uid"]] = None
                elif form.existing:
                    after = services.relationship_update(
                        uid=form.initial["uid"],
                        data=form.relationship_data(),
                        actor=request.user,
                        expected_versions=expected,
                    )
                    written[after["uid"]] = after.get("version")
                else:
                    relationship_type, direction = (
                        form.cleaned_data["relation"][:-1],
                        form.cleaned_data["relation"][-1],
                    )
                    other = other.strip()
                    start, end = (node_uid, other) if direction == ">" else (other, node_uid)
                    created, _ = services.relationship_create(
                        relationship_type=relationship_type,
                        start_uid=start,
                        end_uid=end,
                        data=form.relationship_data(),
                        actor=request.user,
                    )
                    written[created["uid"]] = created.get("version")
            except services.StaleVersion as error:
                message = f"Relationship with '{other}': {CHANGED_SINCE_OPENED}"
                raise GraphWriteRefused({"__all__": [message]}) from error
            except SERVICE_ERRORS as error:
                raise GraphWriteRefused({"__all__": [f"Relationship with '{other}': {error}"]}) from error


# formset_factory makes a subclass of the formset class it is given (its stub says only BaseFormSet).
RelationshipFormSet = cast(
    type[BaseRelationshipFormSet],
    formset_factory(RelationshipForm, formset=BaseRelationshipFormSet, extra=2, can_delete=True),
)


class NodeWithRelationshipsForm(NodeForm):
    """A node's form with its relationships as a nested formset and, once the node is recorded, its
    relationships' citations as a second one, saved after it (for organizations, countries, events and
    documents: sources are cited, not related)."""

    citations: BaseCitationFormSet | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        self.relationships = RelationshipFormSet(data, node_uid=self.instance.uid, label=self._meta.model.__name__)
        self.nested_formsets = [self.relationships]
        self.citations = None
        if self.instance.uid:  # a node being added has no relationship to cite yet
            self.citations = CitationFormSet(
                data,
                node=self.instance,
                relationships=self.relationships.relationships,
                sources=self.relationships.sources,
                opened_versions=self.relationships.opened_versions,
            )
            self.nested_formsets.append(self.citations)

    def has_changed(self) -> bool:
        return super().has_changed() or any(formset.rows() for formset in self.nested_formsets)
