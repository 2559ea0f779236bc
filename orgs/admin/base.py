"""What every node kind's admin shares: `NodeForm` and `NodeAdmin`, over the graph and through `orgs.services`.

A node's form is checked by the same rules as every other write and carries the version of the node it was
opened on, so a save over someone else's change is refused. The node and its nested formsets (relationships,
citations) are written in one graph transaction; a write the services refuse shows again as the form's errors,
on the row and field it concerns.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst

from orgs import services
from orgs.admin import selectors
from orgs.admin.backend import PK, GraphQuerySet, install_graph_options
from orgs.admin.history import history_entries
from orgs.graph.connection import AlreadyExists, write_transaction
from orgs.history import change_records_of
from orgs.validation import ValidationFailed, clean_node_properties
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_TYPES, NodeLabel

# What a write through the services may refuse with: each reaches the person as a GraphWriteRefused.
SERVICE_ERRORS = (ValidationFailed, AlreadyExists, services.NotFound, services.StaleVersion)
CHANGED_SINCE_OPENED = (
    "This was changed by someone else since you opened it; nothing was saved. Reload the page to see their "
    "change, then make yours again."
)
OPENED_VERSION = "opened_version"
TEXTAREA_PROPERTIES = ("description", "text")


# The errors of a nested formset's rows: {row index: {field (or "__all__"): messages}}.
RowErrors = dict[int, dict[str, list[str]]]
# What one save has written so far: {relationship uid: its version after the write, None once deleted}. A later
# row of the same save expects that version instead of the one the page was opened on.
WrittenVersions = dict[str, int | None]


class GraphWriteRefused(Exception):
    """A write was refused, so nothing was saved; `errors` maps the node form's fields to why, `rows` a nested
    formset's prefix to its rows' errors."""

    def __init__(self, errors: dict[str, list[str]], *, rows: dict[str, RowErrors] | None = None):
        self.errors = errors
        self.rows = rows or {}
        row_messages = [
            message
            for row_errors in self.rows.values()
            for fields in row_errors.values()
            for messages_ in fields.values()
            for message in messages_
        ]
        super().__init__("; ".join([*(" ".join(messages_) for messages_ in errors.values()), *row_messages]))


def refusal(error: Exception) -> GraphWriteRefused:
    """Return the admin's refusal for an error raised by a node write (field errors kept per field)."""
    if isinstance(error, ValidationFailed):
        return GraphWriteRefused(error.errors)
    if isinstance(error, services.StaleVersion):
        return GraphWriteRefused({"__all__": [CHANGED_SINCE_OPENED]})
    # A node's only uniqueness rule a person can break is its name.
    return GraphWriteRefused({"name" if isinstance(error, AlreadyExists) else "__all__": [str(error)]})


def relationship_sentence(node: Any, relationship: dict[str, Any]) -> str:
    """Return how a relationship of `node` reads from its side: 'X is part of Y'."""
    definition = RELATIONSHIP_TYPES[relationship["type"]]
    if relationship["outgoing"]:
        return f"{node} {definition.forward} {relationship['other_name']}"
    return f"{node} {definition.backward} {relationship['other_name']}"


class RecordRowForm(forms.Form):
    """A row of a nested formset: its hidden `uid` (of the relationship or citation it shows, empty in a new row)
    and `version` (of its relationship, as the page was opened) say what it writes and expects; they are no
    edit, so a row whose other fields are as recorded asks for no write."""

    uid = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    state_fields: tuple[str, ...] = ("uid", "version")  # hidden: what the page was opened on, no edit

    def has_changed(self) -> bool:
        return any(name not in self.state_fields for name in self.changed_data)


class NodeForm(forms.ModelForm):
    """A node's form, checked by the same rules as every other write (`orgs.validation`), saved by `NodeAdmin`.

    Its hidden `opened_version` holds the node's version when the page was opened; the update refuses the
    save if the node has been written since. `nested_formsets` (filled by subclasses in `__init__`) are
    validated with the form and saved in the node's transaction, in order; each has a `title`, a `prefix` and
    `save_for(node_uid, request, written)` (`written`: the save's WrittenVersions, which it reads and adds to).
    """

    instance: Any
    nested_formsets: list[Any]
    refusal: GraphWriteRefused | None = None  # set by the admin when a save was refused: shown as errors
    opened_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nested_formsets = []
        self.fields[OPENED_VERSION].initial = getattr(self.instance, "version", None) or 0

    def node_data(self) -> dict[str, Any]:
        """Return the submitted properties, as the node's write functions take them."""
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields or ()
            if name in self.cleaned_data and name != OPENED_VERSION
        }

    def version_opened(self) -> int | None:
        """Return the version of the node the form was opened on (None if the page did not send it)."""
        return self.cleaned_data.get(OPENED_VERSION)

    def _post_clean(self) -> None:
        # Replaces ModelForm's: neomodel's full_clean/validate_unique do not fit Django 5.2's forms.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        try:
            clean_node_properties(self._meta.model.__name__, self.node_data(), partial=True)
        except ValidationFailed as error:
            for field, messages_ in error.errors.items():
                for message in messages_:
                    self.add_error(
                        field if field in self.fields else None,
                        message if field in self.fields else f"{field}: {message}",
                    )
        refused = self.refusal or GraphWriteRefused({})
        for field, messages_ in refused.errors.items():
            for message in messages_:
                self.add_error(field if field in self.fields else None, message)
        for formset in self.nested_formsets:
            refused_rows = refused.rows.get(formset.prefix, {})
            if formset.is_bound:
                add_row_errors(formset, refused_rows)
            # A row ticked for deletion does not count in is_valid(): its refusal must still stop the save.
            if refused_rows or not formset.is_valid():
                self.add_error(None, f"Correct the {formset.title.lower()} below.")


def add_row_errors(formset: Any, rows: RowErrors) -> None:
    """Show `rows` (a refusal's errors of `formset`'s rows) beside their fields, or above the row for "__all__"
    and for names the row has no field of."""
    for index, fields in rows.items():
        form = formset.forms[index]
        form.is_valid()  # validate the row first: add_error needs its cleaned_data
        for field, messages_ in fields.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)


class NodeAdmin(admin.ModelAdmin):
    """The admin of one kind of node: list, search, filter, add, change, delete and history, in the graph.

    Subclasses declare `list_display`, `search_fields`, `list_filter`, `fields` as usual. Writes go through
    `orgs.services`; those of one form (the node and its nested formsets) run in one graph transaction.
    """

    form = NodeForm
    list_per_page = 50
    show_full_result_count = False  # one count query per page is enough
    object_history_template = "admin/orgs/graph_history.html"

    def __init__(self, model: Any, admin_site: admin.AdminSite) -> None:
        install_graph_options(model, verbose_name_plural=NODE_KINDS[NodeLabel(model.__name__)].plural)
        super().__init__(model, admin_site)

    @property
    def label(self) -> str:
        return self.model.__name__

    # -- reading

    # The admin gets a queryset of nodes, not of rows: it uses only what GraphQuerySet provides.
    def get_queryset(self, request: HttpRequest) -> GraphQuerySet:  # type: ignore[override]
        return GraphQuerySet(self.model).order_by(*(self.get_ordering(request) or ()))

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(self.search_condition(term)), False

    def search_condition(self, term: str) -> Q:
        """Return the condition a node must meet to match the search `term` (any search field contains it)."""
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": term})
        return condition

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        if db_field.name in TEXTAREA_PROPERTIES:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 80}))
        return db_field.formfield(**kwargs)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        name = lookup.split("__")[0]
        if name == "pk" or name in self.model.defined_properties(aliases=False, rels=False):
            return True
        return super().lookup_allowed(lookup, value, request)

    # -- writing: Django's steps, through the services

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Do nothing yet: `save_related` saves the node with its nested formsets, in one transaction."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Add the hidden version the change form was opened on to the fields of a change page."""
        fields = list(super().get_fields(request, obj))
        return [*fields, OPENED_VERSION] if obj is not None and OPENED_VERSION not in fields else fields

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Create or change the node, then write its nested formsets, in one transaction; the update checks
        the version the form was opened on in that transaction."""
        data = form.node_data()

        def work() -> str:
            try:
                if change:
                    uid = form.instance.pk
                    opened = form.version_opened()
                    services.node_update(
                        label=self.label,
                        uid=uid,
                        data=data,
                        actor=request.user,
                        expected_versions=None if opened is None else (opened,),
                    )
                else:
                    uid = services.node_create(label=self.label, data=data, actor=request.user)[PK]
            except SERVICE_ERRORS as error:
                raise refusal(error) from error
            written: WrittenVersions = {}  # made afresh by each attempt: a retried transaction starts over
            for formset in form.nested_formsets:
                formset.save_for(uid, request, written)
            return uid

        uid = write_transaction(work)
        saved = self.get_queryset(request).get(pk=uid)
        form.instance.__dict__.update(saved.__dict__)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "graph_refusal", None)
        if refusal is not None:
            form = type(form.__name__, (form,), {"refusal": refusal})
        return form

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Show the form again, with the reasons as errors, when the graph refuses the save."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except GraphWriteRefused as refusal:
            if getattr(request, "graph_refusal", None) is not None:
                raise
            request.graph_refusal = refusal  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _node_delete(self, request: HttpRequest, uid: str) -> None:
        try:
            services.node_delete(uid=uid, actor=request.user)
        except SERVICE_ERRORS as error:
            raise refusal(error) from error

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._node_delete(request, obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        uids = [obj.pk for obj in queryset]

        def work() -> None:
            for uid in uids:
                self._node_delete(request, uid)

        write_transaction(work)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except GraphWriteRefused as refusal:
            self.message_user(request, f"Nothing was deleted: {refusal}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list, dict, set, list]:
        """List each node with its relationships, which go with it, for Django's confirmation pages."""
        nodes = list(objs)
        deleted: list[Any] = []
        for node in nodes:
            deleted.append(f"{capfirst(self.opts.verbose_name)}: {node}")
            related = [
                f"Relationship: {relationship_sentence(node, relationship)}"
                for relationship in selectors.node_relationships(uid=node.uid)
            ]
            if related:
                deleted.append(related)
        perms_needed = set() if self.has_delete_permission(request) else {str(self.opts.verbose_name)}
        return deleted, {self.opts.verbose_name_plural: len(nodes)}, perms_needed, []

    # -- history

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Show the recorded changes of the node `object_id`, newest first."""
        obj = self.get_object(request, object_id)
        if obj is not None and not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if obj is None and not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: {obj if obj is not None else object_id}",
            "subtitle": None,
            "object": obj,
            "object_id": object_id,
            "entries": history_entries(change_records_of(uid=object_id)),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)
