"""A node's citations on its change page: every citation of its relationships that rest on several sources, to
change or remove, and empty rows to add a source to any of its relationships.

The rows are written through `orgs.services` in the node's transaction, after the relationships. The services
check them (the period, a passage found in its source's text, a relationship keeping one citation at least);
what they refuse comes back as the errors of the row and field it concerns, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.forms import formset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest

from orgs import services
from orgs.admin.base import (
    CHANGED_SINCE_OPENED,
    SERVICE_ERRORS,
    GraphWriteRefused,
    RecordRowForm,
    RowErrors,
    WrittenVersions,
    relationship_sentence,
)
from orgs.validation import ValidationFailed
from orgs.vocabulary import Confidence

PREFIX = "citations"  # of the rows' field names, and of their refusals (GraphWriteRefused.rows)
# A row's fields that are the citation's own, under the services' names.
CITATION_ROW_FIELDS = ("source_uid", "exact", "confidence", "since", "until", "qualifier")


class CitationForm(RecordRowForm):
    """One citation of one of the node's relationships: the source, its passage, how directly it states the
    relationship, and the period and qualifier it gives."""

    relationship = forms.ChoiceField(label="Relationship")  # hidden in a recorded row: a citation stays with it
    source_uid = forms.ChoiceField(label="Source")
    exact = forms.CharField(label="Passage", widget=forms.Textarea(attrs={"rows": 2, "cols": 40}))
    confidence = forms.ChoiceField(choices=[(c.value, c.label) for c in Confidence], initial=Confidence.STATED)
    since = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 10, "placeholder": "2003"}))
    until = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 10}))
    qualifier = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 16}))

    def __init__(
        self, *args: Any, relationships: list[tuple[str, str]], sources: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.relationship_labels = dict(relationships)
        cast(forms.ChoiceField, self.fields["relationship"]).choices = [("", "---------"), *relationships]
        cast(forms.ChoiceField, self.fields["source_uid"]).choices = [("", "---------"), *sources]
        if self.existing:
            self.fields["relationship"].widget = forms.HiddenInput()

    @property
    def existing(self) -> bool:
        return bool(self.initial.get("uid"))

    @property
    def relationship_label(self) -> str:
        """Return the row's relationship in plain words ("X is part of Y")."""
        return self.relationship_labels.get(self.initial.get("relationship", ""), "")

    def citation_data(self) -> dict[str, Any]:
        """Return the row's citation fields, as `services.citation_add` takes them."""
        return {name: self.cleaned_data.get(name) for name in CITATION_ROW_FIELDS}

    def changed_citation_data(self) -> dict[str, Any]:
        """Return the row's citation fields that were edited, as `services.citation_update` takes them."""
        return {name: self.cleaned_data.get(name) for name in CITATION_ROW_FIELDS if name in self.changed_data}


def row_errors(form: CitationForm, error: Exception) -> dict[str, list[str]]:
    """Return the errors of row `form` for `error`, which the services raised writing it: a field's beside it,
    the refusal to remove a relationship's last citation beside the delete box, the rest above the row."""
    if isinstance(error, services.StaleVersion):
        return {"__all__": [CHANGED_SINCE_OPENED]}
    if not isinstance(error, ValidationFailed):
        return {"__all__": [str(error)]}
    errors: dict[str, list[str]] = {}
    for name, messages in error.errors.items():
        field = DELETION_FIELD_NAME if name == "citations" else name
        if field in form.fields:
            errors.setdefault(field, []).extend(messages)
        else:
            errors.setdefault("__all__", []).extend(f"{name}: {message}" for message in messages)
    return errors


class BaseCitationFormSet(forms.BaseFormSet):
    """The citations of the node's relationships that rest on several sources, and rows to add one to any of its
    relationships; each row carries its relationship's uid and version as the page was opened."""

    title = "Citations"

    def __init__(
        self,
        *args: Any,
        node: Any,
        relationships: list[dict[str, Any]],
        sources: list[tuple[str, str]],
        opened_versions: Callable[[], Mapping[str, int | None]],
        **kwargs: Any,
    ) -> None:
        self.opened_versions = opened_versions
        if not relationships:
            self.extra = 0  # nothing to cite yet
        kwargs["initial"] = [
            {
                "uid": citation["uid"],
                "version": relationship["props"].get("version") or 0,
                "relationship": relationship["props"]["uid"],
                **{name: citation.get(name) for name in CITATION_ROW_FIELDS},
            }
            for relationship in relationships
            if len(relationship["citations"]) > 1
            for citation in relationship["citations"]
        ]
        kwargs["form_kwargs"] = {
            "relationships": [
                (relationship["props"]["uid"], relationship_sentence(node, relationship))
                for relationship in relationships
            ],
            "sources": sources,
        }
        kwargs["prefix"] = PREFIX
        super().__init__(*args, **kwargs)

    def ticked_for_deletion(self, form: CitationForm) -> bool:
        """Return True when the row `form` (validated) has its delete box ticked."""
        return bool(form.cleaned_data.get(DELETION_FIELD_NAME))

    def rows(self) -> list[CitationForm]:
        """Return the forms that ask for a write: recorded rows changed or ticked, new rows filled in."""
        return [
            form
            for form in self.forms
            if (form.existing and self.ticked_for_deletion(form))
            or (form.has_changed() and not self.ticked_for_deletion(form))
        ]

    def save_for(self, node_uid: str, request: HttpRequest, written: WrittenVersions) -> None:
        """Write the rows through the services (inside the caller's transaction), each expecting its
        relationship's version as opened, or as this save last wrote it (`written`, added to); skip those of a
        relationship this save removed. Raise GraphWriteRefused with every refused row's errors."""
        opened = self.opened_versions()
        refused: RowErrors = {}
        for form in self.rows():
            relationship_uid = form.cleaned_data["relationship"]
            if relationship_uid in written and written[relationship_uid] is None:
                continue  # its citations went with it
            as_opened = form.cleaned_data.get("version") if form.existing else opened.get(relationship_uid)
            expected = written.get(relationship_uid, as_opened)
            try:
                if form.existing and self.ticked_for_deletion(form):
                    after = services.citation_delete(
                        relationship_uid=relationship_uid,
                        citation_uid=form.cleaned_data["uid"],
                        actor=request.user,
                        expected_version=expected,
                    )
                elif form.existing:
                    after = services.citation_update(
                        relationship_uid=relationship_uid,
                        citation_uid=form.cleaned_data["uid"],
                        data=form.changed_citation_data(),
                        actor=request.user,
                        expected_version=expected,
                    )
                else:
                    after, _, _ = services.citation_add(
                        relationship_uid=relationship_uid,
                        data=form.citation_data(),
                        actor=request.user,
                        expected_version=expected,
                    )
            except SERVICE_ERRORS as error:
                refused[self.forms.index(form)] = row_errors(form, error)
                continue
            written[relationship_uid] = after.get("version")
        if refused:
            raise GraphWriteRefused({}, rows={PREFIX: refused})


# formset_factory makes a subclass of the formset class it is given (its stub says only BaseFormSet).
CitationFormSet = cast(
    type[BaseCitationFormSet],
    formset_factory(CitationForm, formset=BaseCitationFormSet, extra=2, can_delete=True),
)
