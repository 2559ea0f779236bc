"""Django's admin over graph nodes: the model and queryset faces that django-neomodel 0.2.0 lacks on Django 5.2.

django-neomodel gives `DjangoNode` (a neomodel node that Django's forms can take) and a `_meta` whose fields
claim to be relations, lack real choices and have no primary key. This module adds:

- `GraphField`, a model-field stand-in with what the admin reads: no relation, real choices, the uid as
  primary key and not editable, `unique` from `unique_index`, the right form field for each property;
- `install_graph_options()`, which gives a node class a working `_meta` and `pk` (its uid);
- `GraphQuerySet`, a lazy, clonable queryset over the Cypher of `orgs.admin.queries`: `filter` with Django's
  `Q` and the lookups the admin uses, `order_by`, `get`, `count`, slicing, so change lists, filters, search,
  ordering and pagination run in the graph.

`orgs.admin.base` builds the node admins on these.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import total_ordering
from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.db.models import Q
from django.db.models.options import Options
from django.utils.text import capfirst
from neomodel import ArrayProperty, IntegerProperty
from neomodel.properties import Property

from orgs.admin import queries
from orgs.graph.connection import read_cypher

PK = "uid"  # every node's primary key: unique across kinds
UID_LOOKUPS = frozenset({"pk", "pk__exact", "pk__in", PK, f"{PK}__exact", f"{PK}__in"})


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
            defaults["choices"] = [*([] if defaults["required"] else [("", "---------")]), *self.choices]
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


def install_graph_options(model: Any, *, verbose_name_plural: str | None = None) -> Options:
    """Give the node class `model` a `_meta` the admin can work with, and `pk` as its uid; return the `_meta`.

    Idempotent: a class already set up keeps its options.
    """
    existing = model.__dict__.get("_meta")
    if isinstance(existing, Options) and getattr(existing, "graph_options", False):
        return existing
    attrs: dict[str, Any] = {"app_label": model.Meta.app_label}
    if verbose_name_plural:
        attrs["verbose_name_plural"] = verbose_name_plural
    opts: Options[Any] = Options(type("Meta", (), attrs), app_label=model.Meta.app_label)
    opts.contribute_to_class(model, model.__name__)  # sets model._meta
    for name, prop in model.defined_properties(aliases=False, rels=False).items():
        # A graph property in a model field's place: the admin reads only what GraphField provides.
        opts.add_field(GraphField(model, name, prop, primary_key=name == PK))  # type: ignore[arg-type]
    opts.graph_options = True  # type: ignore[attr-defined]
    model.pk = property(lambda node: getattr(node, PK))
    return opts


# --- The queryset ------------------------------------------------------------------------------------------


class _Query:
    """What Django's change list reads of `queryset.query`."""

    select_related = True  # there is nothing to join: never ask for select_related()
    order_by: tuple[str, ...] = ()


class GraphQuerySet:
    """A lazy, clonable queryset over the nodes of one class, run as the parameterized Cypher of
    `orgs.admin.queries`.

    Conditions come from Django's `Q` or keyword lookups on the class's own properties (so property names
    placed in the query text are known ones) and values are always parameters. `pk` means the uid.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.query = _Query()
        self.ordered = True
        self._conditions: list[str] = []
        self._by_uid = False
        self._params: dict[str, Any] = {}
        self._ordering: tuple[str, ...] = ()
        self._low, self._high = 0, None
        self._result_cache: list[Any] | None = None

    # Django's delete_selected action names the objects through the queryset itself (model_ngettext).
    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def _clone(self) -> GraphQuerySet:
        clone = GraphQuerySet(self.model)
        clone._conditions = list(self._conditions)
        clone._by_uid = self._by_uid
        clone._params = dict(self._params)
        clone._ordering = self._ordering
        clone._low, clone._high = self._low, self._high
        return clone

    def filter(self, *args: Q, **kwargs: Any) -> GraphQuerySet:
        """Return the nodes that also meet the condition `Q(*args, **kwargs)`."""
        q = Q(*args, **kwargs)
        clone = self._clone()
        if q:
            clone._conditions.append(clone._compile(q))
            # A lookup of the uid (an object's page, an action's selection) that every node must meet: use its index.
            lookups = {child[0] for child in q.children if isinstance(child, tuple)}
            if not q.negated and (q.connector == Q.AND or len(q.children) == 1) and lookups & UID_LOOKUPS:
                clone._by_uid = True
        return clone

    def where_related(self, relationship_type: str, other_uid: str) -> GraphQuerySet:
        """Return the nodes with a `relationship_type` relationship (either way) to the node `other_uid`."""
        clone = self._clone()
        other = clone._param(other_uid)
        clone._conditions.append(queries.related_condition(relationship_type=relationship_type, other=other))
        return clone

    def order_by(self, *fields: str) -> GraphQuerySet:
        """Return the nodes ordered by the properties `fields` (`-name`: descending; `pk`: the uid)."""
        for field in fields:
            if not isinstance(field, str) or field.lstrip("-") != "pk" and not self._has(field.lstrip("-")):
                raise FieldError(f"cannot order {self.model.__name__} by {field!r}")
        clone = self._clone()
        clone._ordering = tuple(fields)
        return clone

    # -- reading

    def count(self) -> int:
        """Return how many nodes there are (in the slice, if sliced)."""
        if self._result_cache is not None:
            return len(self._result_cache)
        rows = read_cypher(*self.count_query())
        total = rows[0]["count"] - self._low
        return max(0, min(total, self._high - self._low) if self._high is not None else total)

    def get(self, *args: Q, **kwargs: Any) -> Any:
        """Return the one node meeting the condition; raise the class's DoesNotExist or MultipleObjectsReturned."""
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
        query = queries.nodes_count_query(label=self.model.__label__, conditions=self._conditions, by_uid=self._by_uid)
        return query, self._params

    def nodes_query(self) -> tuple[str, dict[str, Any]]:
        """Return the Cypher and parameters that read this queryset's nodes, ordered and sliced."""
        params = dict(self._params, skip=self._low)
        if self._high is not None:
            params["limit"] = self._high - self._low
        query = queries.nodes_query(
            label=self.model.__label__,
            conditions=self._conditions,
            by_uid=self._by_uid,
            ordering=[
                PK if field == "pk" else f"-{PK}" if field == "-pk" else field for field in self._ordering or (PK,)
            ],
            window=self._high is not None,
        )
        return query, params

    def _has(self, name: str) -> bool:
        return name in self.model.defined_properties(aliases=False, rels=False)

    def _param(self, value: Any) -> str:
        name = f"p{len(self._params)}"
        self._params[name] = value
        return f"${name}"

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
        name = PK if name == "pk" else name
        if not self._has(name) or operator not in queries.LOOKUPS:
            raise FieldError(f"unsupported lookup {lookup!r} on {self.model.__name__}")
        is_list = isinstance(self.model.defined_properties(aliases=False, rels=False)[name], ArrayProperty)
        if operator == "isnull":
            empty = queries.empty_condition(prop=name, is_list=is_list)
            return empty if value else f"NOT {empty}"
        if is_list and operator not in queries.LIST_LOOKUPS:
            raise FieldError(f"unsupported lookup {lookup!r} on a list")
        parameter = self._param(list(value) if operator == "in" else value)
        return queries.lookup_condition(prop=name, lookup=operator, value=parameter, is_list=is_list)
