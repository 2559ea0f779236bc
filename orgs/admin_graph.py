"""Django's admin over graph nodes: what django-neomodel 0.2.0 lacks on Django 5.2, written once.

django-neomodel gives `DjangoNode` (a neomodel node that Django's forms can take) and a `_meta` whose fields
claim to be relations, lack real choices and have no primary key. This module adds:

- `GraphField`, a model-field stand-in with what the admin reads: no relation, real choices, the uid as
  primary key and not editable, `unique` from `unique_index`, the right form field for each property;
- `install_graph_options()`, which gives a node class a working `_meta` and `pk` (its uid);
- `GraphQuerySet`, a lazy, clonable queryset over Cypher: `filter`/`exclude` with Django's `Q` and the
  lookups the admin uses, `order_by`, `get`, `count`, slicing, so change lists, filters, search, ordering and
  pagination run in the graph;
- `GraphNodeForm`, a ModelForm that validates through a hook instead of neomodel's `full_clean`, carries the
  version of the node it was opened on (so a save over someone else's change is refused), and may carry nested
  formsets (relationships) saved in the same transaction as the node;
- `GraphNodeAdmin`, a ModelAdmin whose writes, deletion preview and history go through overridable hooks.

A node type gets a working admin by declaring a `GraphNodeAdmin` subclass for it; `orgs.admin` holds ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import total_ordering
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldError, PermissionDenied
from django.db.models import Q
from django.db.models.options import Options
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from neomodel import ArrayProperty, IntegerProperty
from neomodel.properties import Property

from orgs.cypher import checked_type as known_type
from orgs.graph import read_cypher, write_transaction

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LOOKUPS = frozenset(
    {
        "exact",
        "iexact",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "in",
        "isnull",
        "gt",
        "gte",
        "lt",
        "lte",
    }
)


# --- Fields and options ------------------------------------------------------------------------------------


class LinesField(forms.Field):
    """A list of strings edited as one line each (for ArrayProperty)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:
        lines = value if isinstance(value, list | tuple) else str(value or "").splitlines()
        return [str(line).strip() for line in lines if str(line).strip()]


@total_ordering
class GraphField:
    """The face of a neomodel property that Django's admin, forms and list filters read."""

    is_relation = False
    remote_field = None
    related_model = None
    many_to_many = many_to_one = one_to_many = one_to_one = None
    concrete = True
    auto_created = False
    hidden = False
    serialize = True
    column = None
    empty_values: list[Any] = [None, "", [], (), {}]
    _counter = 0

    def __init__(self, model: Any, name: str, prop: Property, *, primary_key: bool = False):
        self.model = model
        self.prop = prop
        self.name = self.attname = name
        self.verbose_name = getattr(prop, "label", None) or name.replace("_", " ")
        self.help_text = getattr(prop, "help_text", "") or ""
        self.primary_key = primary_key
        self.editable = not primary_key
        self.unique = primary_key or bool(getattr(prop, "unique_index", False))
        self.required = bool(getattr(prop, "required", False))
        self.null = self.blank = not self.required
        self.choices = list(prop.choices.items()) if getattr(prop, "choices", None) else None
        self.flatchoices = self.choices or []
        self.is_list = isinstance(prop, ArrayProperty)
        GraphField._counter += 1
        self.creation_counter = GraphField._counter

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GraphField) and self.creation_counter == other.creation_counter

    def __lt__(self, other: GraphField) -> bool:
        return self.creation_counter < other.creation_counter

    def __hash__(self) -> int:
        return hash((self.model, self.name))

    def __repr__(self) -> str:
        return f"<GraphField {self.model.__name__}.{self.name}>"

    def has_default(self) -> bool:
        return bool(getattr(self.prop, "has_default", False))

    def get_default(self) -> Any:
        return self.prop.default_value() if self.has_default() else None

    def value_from_object(self, obj: Any) -> Any:
        return getattr(obj, self.attname, None)

    def save_form_data(self, instance: Any, data: Any) -> None:
        setattr(instance, self.name, data)

    def to_python(self, value: Any) -> Any:
        return value

    def get_choices(self, include_blank: bool = True, blank_choice: Any = None, **kwargs: Any) -> list:
        blank = list(blank_choice or [("", "---------")]) if include_blank else []
        return blank + list(self.choices or [])

    def formfield(self, **kwargs: Any) -> forms.Field:
        """Return the form field for this property: a choice, a number, lines of text, or text."""
        defaults: dict[str, Any] = {
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
            "required": self.required,
        }
        if self.has_default() and not self.is_list:
            defaults["initial"] = self.get_default()
        if self.choices:
            # A property with a default always has a value: offer no blank choice for it.
            defaults["required"] = self.required or self.has_default()
            defaults["choices"] = self.get_choices(include_blank=not defaults["required"])
            field_class: type[forms.Field] = forms.TypedChoiceField
        elif self.is_list:
            field_class = LinesField
            defaults["required"] = False
        elif isinstance(self.prop, IntegerProperty):
            field_class = forms.IntegerField
        else:
            field_class = forms.CharField
        defaults.update(kwargs)
        if field_class is not forms.TypedChoiceField:
            defaults.pop("choices", None)
        return field_class(**defaults)


def install_graph_options(model: Any, *, pk_name: str = "uid", verbose_name_plural: str | None = None) -> Options:
    """Give the node class `model` a `_meta` the admin can work with, and `pk` as its `pk_name` property.

    Idempotent: a class already set up keeps its options.
    """
    existing = model.__dict__.get("_meta")
    if isinstance(existing, Options) and getattr(existing, "graph_pk_name", None) == pk_name:
        return existing
    attrs: dict[str, Any] = {"app_label": model.Meta.app_label}
    if verbose_name_plural:
        attrs["verbose_name_plural"] = verbose_name_plural
    opts: Options[Any] = Options(type("Meta", (), attrs), app_label=model.Meta.app_label)
    opts.contribute_to_class(model, model.__name__)  # sets model._meta
    for name, prop in model.defined_properties(aliases=False, rels=False).items():
        # A graph property in a model field's place: the admin reads only what GraphField provides.
        opts.add_field(GraphField(model, name, prop, primary_key=name == pk_name))  # type: ignore[arg-type]
    opts.graph_pk_name = pk_name  # type: ignore[attr-defined]
    model.pk = property(lambda node: getattr(node, pk_name))
    return opts


# --- The queryset ------------------------------------------------------------------------------------------


class _Query:
    """What Django's change list reads of `queryset.query`."""

    select_related = True  # there is nothing to join: never ask for select_related()
    order_by: tuple[str, ...] = ()


class GraphQuerySet:
    """A lazy, clonable queryset over the nodes of one class, run as parameterized Cypher.

    Conditions come from Django's `Q` or keyword lookups on the class's own properties (so property names
    placed in the query text are known ones) and values are always parameters. `pk` means the uid.
    """

    def __init__(self, model: Any, *, pk_name: str = "uid") -> None:
        self.model = model
        self.pk_name = pk_name
        self.query = _Query()
        self.ordered = True
        self._conditions: list[str] = []
        self._params: dict[str, Any] = {}
        self._ordering: tuple[str, ...] = ()
        self._low, self._high = 0, None
        self._result_cache: list[Any] | None = None

    # Django's delete_selected action names the objects through the queryset itself (model_format_dict).
    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def _clone(self) -> GraphQuerySet:
        clone = GraphQuerySet(self.model, pk_name=self.pk_name)
        clone._conditions = list(self._conditions)
        clone._params = dict(self._params)
        clone._ordering = self._ordering
        clone._low, clone._high = self._low, self._high
        return clone

    def all(self) -> GraphQuerySet:
        return self._clone()

    def distinct(self, *fields: str) -> GraphQuerySet:
        return self._clone()  # a node appears once: the query never joins

    def select_related(self, *fields: str) -> GraphQuerySet:
        return self._clone()

    def filter(self, *args: Q, **kwargs: Any) -> GraphQuerySet:
        return self._where(Q(*args, **kwargs), negate=False)

    def exclude(self, *args: Q, **kwargs: Any) -> GraphQuerySet:
        return self._where(Q(*args, **kwargs), negate=True)

    def where_related(self, relationship_type: str, other_uid: str) -> GraphQuerySet:
        """Return the nodes with a `relationship_type` relationship (either way) to the node `other_uid`."""
        clone = self._clone()
        name = clone._param(other_uid)
        clone._conditions.append(f"EXISTS {{ (n)-[:{known_type(relationship_type)}]-(:Node {{uid: ${name}}}) }}")
        return clone

    def order_by(self, *fields: str) -> GraphQuerySet:
        for field in fields:
            if not isinstance(field, str) or field.lstrip("-") != "pk" and not self._has(field.lstrip("-")):
                raise FieldError(f"cannot order {self.model.__name__} by {field!r}")
        clone = self._clone()
        clone._ordering = tuple(fields)
        return clone

    # -- reading

    def count(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        rows = read_cypher(*self.count_query())
        total = rows[0]["count"] - self._low
        return max(0, min(total, self._high - self._low) if self._high is not None else total)

    def get(self, *args: Q, **kwargs: Any) -> Any:
        found = list(self.filter(*args, **kwargs)[:2])
        if not found:
            raise self.model.DoesNotExist(f"no {self.model.__name__} matches {kwargs or args}")
        if len(found) > 1:
            raise self.model.MultipleObjectsReturned(f"more than one {self.model.__name__} matches")
        return found[0]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._fetch())

    def __len__(self) -> int:
        return len(self._fetch())

    def __bool__(self) -> bool:
        return bool(self._fetch())

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, int):
            return self._fetch()[key] if self._result_cache is not None else list(self[key : key + 1])[0]
        if key.step not in (None, 1) or (key.start or 0) < 0 or (key.stop is not None and key.stop < 0):
            raise ValueError("graph querysets take plain, non-negative slices")
        clone = self._clone()
        start = self._low + (key.start or 0)
        stop = self._low + key.stop if key.stop is not None else None
        if self._high is not None:
            stop = min(stop, self._high) if stop is not None else self._high
        clone._low, clone._high = start, stop if stop is None else max(stop, start)
        return clone

    def _fetch(self) -> list[Any]:
        if self._result_cache is None:
            self._result_cache = [self.model.inflate(row["n"]) for row in read_cypher(*self.nodes_query())]
        return self._result_cache

    # -- building the query

    def count_query(self) -> tuple[str, dict[str, Any]]:
        """Return the Cypher and parameters that count the nodes matching the conditions (slicing aside)."""
        return f"{self._match()} RETURN count(n) AS count", self._params

    def nodes_query(self) -> tuple[str, dict[str, Any]]:
        """Return the Cypher and parameters that read this queryset's nodes, ordered and sliced."""
        params = dict(self._params, _skip=self._low)
        query = f"{self._match()} RETURN n {self._order_clause()} SKIP $_skip"
        if self._high is not None:
            query += " LIMIT $_limit"
            params["_limit"] = self._high - self._low
        return query, params

    def _match(self) -> str:
        label = self.model.__label__
        if not IDENTIFIER.match(label):
            raise FieldError(f"bad label {label!r}")
        conditions = [f"({condition})" for condition in self._conditions]
        # The uid is indexed once, on Node (it is unique across kinds): a lookup by uid goes through that index.
        by_uid = (f"n.{self.pk_name} = $", f"n.{self.pk_name} IN $")
        if any(condition.startswith(by_uid) for condition in self._conditions):
            return f"MATCH (n:Node) WHERE n:{label} AND {' AND '.join(conditions)}"
        return f"MATCH (n:{label}){' WHERE ' + ' AND '.join(conditions) if conditions else ''}"

    def _order_clause(self) -> str:
        parts = []
        for field in self._ordering or (self.pk_name,):
            name = field.lstrip("-")
            name = self.pk_name if name == "pk" else name
            parts.append(f"n.{name}{' DESC' if field.startswith('-') else ''}")
        return "ORDER BY " + ", ".join(parts)

    def _has(self, name: str) -> bool:
        return name in self.model.defined_properties(aliases=False, rels=False)

    def _param(self, value: Any) -> str:
        name = f"p{len(self._params)}"
        self._params[name] = value
        return name

    def _where(self, q: Q, *, negate: bool) -> GraphQuerySet:
        clone = self._clone()
        if q:
            condition = clone._compile(q)
            clone._conditions.append(f"NOT ({condition})" if negate else condition)
        return clone

    def _compile(self, q: Q) -> str:
        parts = []
        for child in q.children:
            if isinstance(child, Q):
                parts.append(f"({self._compile(child)})")
            elif isinstance(child, tuple):
                lookup, value = child
                parts.append(self._lookup(lookup, value))
            else:
                raise FieldError(f"unsupported condition {child!r} on {self.model.__name__}")
        joined = f" {q.connector} ".join(parts) or "true"
        return f"NOT ({joined})" if q.negated else joined

    def _lookup(self, lookup: str, value: Any) -> str:
        name, _, operator = lookup.partition("__")
        operator = operator or "exact"
        name = self.pk_name if name == "pk" else name
        if not self._has(name) or operator not in LOOKUPS:
            raise FieldError(f"unsupported lookup {lookup!r} on {self.model.__name__}")
        is_list = isinstance(self.model.defined_properties(aliases=False, rels=False)[name], ArrayProperty)
        prop = f"n.{name}"
        if operator == "isnull":
            empty = f"({prop} IS NULL OR size({prop}) = 0)" if is_list else f"({prop} IS NULL OR {prop} = '')"
            return empty if value else f"NOT {empty}"
        p = f"${self._param(list(value) if operator == 'in' else value)}"
        if is_list:
            # A list property matches when one of its items does.
            item = {
                "exact": f"x = {p}",
                "iexact": f"toLower(x) = toLower({p})",
                "contains": f"x CONTAINS {p}",
                "icontains": f"toLower(x) CONTAINS toLower({p})",
                "in": f"x IN {p}",
            }.get(operator)
            if item is None:
                raise FieldError(f"unsupported lookup {lookup!r} on a list")
            return f"any(x IN coalesce({prop}, []) WHERE {item})"
        return {
            "exact": f"{prop} = {p}",
            "iexact": f"toLower({prop}) = toLower({p})",
            "contains": f"{prop} CONTAINS {p}",
            "icontains": f"toLower({prop}) CONTAINS toLower({p})",
            "startswith": f"{prop} STARTS WITH {p}",
            "istartswith": f"toLower({prop}) STARTS WITH toLower({p})",
            "in": f"{prop} IN {p}",
            "gt": f"{prop} > {p}",
            "gte": f"{prop} >= {p}",
            "lt": f"{prop} < {p}",
            "lte": f"{prop} <= {p}",
        }[operator]


# --- Forms -------------------------------------------------------------------------------------------------


CHANGED_SINCE_OPENED = (
    "This was changed by someone else since you opened it; nothing was saved. Reload the page to see their "
    "change, then make yours again."
)


class GraphWriteRefused(Exception):
    """A write hook refused the change, so nothing was saved; `errors` maps form fields to why."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(" ".join(messages_) for messages_ in errors.values()))
        self.errors = errors


OPENED_VERSION = "opened_version"


class GraphNodeForm(forms.ModelForm):
    """A ModelForm over a node: validated by `validate_node()`, saved by the admin through its hooks.

    Its hidden `opened_version` holds the node's version when the page was opened; the admin's update hook
    refuses the save if the node has been written since. `nested_formsets` (filled by subclasses in
    `__init__`) are validated with the form and saved by `GraphNodeAdmin` in the node's transaction; each has
    `save_for(node_uid, request)`.
    """

    instance: Any
    nested_formsets: list[Any]
    refusal_errors: dict[str, list[str]] = {}  # set by the admin when a save was refused: shown as errors
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

    def validate_node(self, data: dict[str, Any]) -> dict[str, list[str]]:
        """Return errors per field for `data` (none by default: the write checks it again)."""
        return {}

    def _post_clean(self) -> None:
        # Replaces ModelForm's: neomodel's full_clean/validate_unique do not fit Django 5.2's forms.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        for field, messages_ in self.validate_node(self.node_data()).items():
            for message in messages_:
                self.add_error(
                    field if field in self.fields else None,
                    message if field in self.fields else f"{field}: {message}",
                )
        for field, messages_ in self.refusal_errors.items():
            for message in messages_:
                self.add_error(field if field in self.fields else None, message)
        for formset in self.nested_formsets:
            if not formset.is_valid():
                self.add_error(None, f"Correct the {formset.title.lower()} below.")


# --- The admin ---------------------------------------------------------------------------------------------


class GraphNodeAdmin(admin.ModelAdmin):
    """A ModelAdmin for a neomodel node class: list, search, filter, add, change, delete, history.

    Subclasses declare `list_display`, `search_fields`, `list_filter`, `fields` as usual, and may override
    the write hooks (`node_create`, `node_update`, `node_delete`), `deletion_preview` and `history_records`.
    Writes of one form (the node and its nested formsets) run in one graph transaction.
    """

    form = GraphNodeForm
    pk_name = "uid"
    verbose_name_plural: str | None = None
    textarea_fields: tuple[str, ...] = ()
    show_full_result_count = False  # one count query per page is enough
    object_history_template = "admin/orgs/graph_history.html"

    def __init__(self, model: Any, admin_site: admin.AdminSite) -> None:
        install_graph_options(model, pk_name=self.pk_name, verbose_name_plural=self.verbose_name_plural)
        super().__init__(model, admin_site)

    # -- reading

    # The admin gets a queryset of nodes, not of rows: it uses only what GraphQuerySet provides.
    def get_queryset(self, request: HttpRequest) -> GraphQuerySet:  # type: ignore[override]
        return GraphQuerySet(self.model, pk_name=self.pk_name).order_by(*(self.get_ordering(request) or ()))

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
        if db_field.name in self.textarea_fields:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 80}))
        return db_field.formfield(**kwargs)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        name = lookup.split("__")[0]
        if name == "pk" or name in self.model.defined_properties(aliases=False, rels=False):
            return True
        return super().lookup_allowed(lookup, value, request)

    # -- writing: hooks

    def node_create(self, request: HttpRequest, data: dict[str, Any]) -> str:
        """Create a node from `data`; return its pk. Raise GraphWriteRefused."""
        node = self.model(**data).save()
        return getattr(node, self.pk_name)

    def node_update(
        self, request: HttpRequest, pk: str, data: dict[str, Any], *, opened_version: int | None = None
    ) -> None:
        """Change the node `pk` with `data`, unless it is no longer at `opened_version` (the one the form was
        opened on; None: whatever it is). Raise GraphWriteRefused."""
        node = self.get_queryset(request).get(pk=pk)
        if opened_version is not None and (getattr(node, "version", None) or 0) != opened_version:
            raise GraphWriteRefused({"__all__": [CHANGED_SINCE_OPENED]})
        for name, value in data.items():
            setattr(node, name, value)
        node.save()

    def node_delete(self, request: HttpRequest, pk: str) -> None:
        """Delete the node `pk` and its relationships. Raise GraphWriteRefused."""
        self.get_queryset(request).get(pk=pk).delete()

    # -- writing: Django's steps, routed through the hooks

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Do nothing yet: `save_related` saves the node with its nested formsets, in one transaction."""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Add the hidden version the change form was opened on to the fields of a change page."""
        fields = list(super().get_fields(request, obj))
        return [*fields, OPENED_VERSION] if obj is not None and OPENED_VERSION not in fields else fields

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        data = form.node_data()

        def work() -> str:
            if change:
                pk = form.instance.pk
                self.node_update(request, pk, data, opened_version=form.version_opened())
            else:
                pk = self.node_create(request, data)
            for formset in getattr(form, "nested_formsets", ()):
                formset.save_for(pk, request)
            return pk

        pk = write_transaction(work)
        saved = self.get_queryset(request).get(pk=pk)
        form.instance.__dict__.update(saved.__dict__)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "graph_refusal", None)
        if refusal is not None:
            form = type(form.__name__, (form,), {"refusal_errors": refusal.errors})
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

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.node_delete(request, obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        pks = [obj.pk for obj in queryset]

        def work() -> None:
            for pk in pks:
                self.node_delete(request, pk)

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
        """List each node with what goes with it (`deletion_preview`), for Django's confirmation pages."""
        nodes = list(objs)
        deleted: list[Any] = []
        for node in nodes:
            deleted.append(f"{capfirst(self.opts.verbose_name)}: {node}")
            related = self.deletion_preview(node)
            if related:
                deleted.append(related)
        perms_needed = set() if self.has_delete_permission(request) else {str(self.opts.verbose_name)}
        return deleted, {self.opts.verbose_name_plural: len(nodes)}, perms_needed, []

    def deletion_preview(self, node: Any) -> list[str]:
        """Return one line per thing that goes with `node` when it is deleted (none by default)."""
        return []

    # -- history

    def history_records(self, pk: str) -> list[Any]:
        """Return the recorded changes of node `pk`, newest first (none by default)."""
        return []

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
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
            "records": self.history_records(object_id),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)
