"""The admin for the graph: one `GraphNodeAdmin` per node type, writing through `orgs.services`.

A node's relationships are a table on its change page (saved in the node's transaction); organizations also
get a merge action with a preview, the node search behind the "other end" field, and a list of all
relationships.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import formset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from orgs import admin_selectors, services
from orgs.admin_graph import CHANGED_SINCE_OPENED, GraphNodeAdmin, GraphNodeForm, GraphQuerySet, GraphWriteRefused
from orgs.graph.connection import AlreadyExists
from orgs.history import change_records_of
from orgs.models import ChangeRecord, Country, Document, Event, Organization, Source
from orgs.search import fold
from orgs.validation import ValidationFailed, clean_node_properties, clean_relationship, relationship_key, whole_number
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_PROPERTIES, RELATIONSHIP_TYPES, Confidence, NodeLabel

admin.site.site_header = "ATC Graph administration"
admin.site.site_title = "ATC Graph admin"

SERVICE_ERRORS = (ValidationFailed, AlreadyExists, services.NotFound, services.StaleVersion)
MERGE_CHANGED_SINCE_OPENED = (
    "One of the two organizations was changed by someone else since you opened this preview; nothing was merged. "
    "The preview below shows them as they are now: check it, then confirm again."
)


def _merge_versions_opened(request: HttpRequest, uids: list[str]) -> dict[str, tuple[int]]:
    """Return {uid: (version,)} of the organizations as the merge preview showed them (none the page did not
    send: a uid left out is merged whatever its version)."""
    versions = {}
    for uid in uids:
        value = request.POST.get(f"opened_version_{uid}", "")
        if value.isascii() and value.isdigit():
            versions[uid] = (int(value),)
    return versions


def refusal(error: Exception) -> GraphWriteRefused:
    """Return the admin's refusal for an error raised by a node write (field errors kept per field)."""
    if isinstance(error, ValidationFailed):
        return GraphWriteRefused(error.errors)
    if isinstance(error, services.StaleVersion):
        return GraphWriteRefused({"__all__": [CHANGED_SINCE_OPENED]})
    # A node's only uniqueness rule a person can break is its name.
    return GraphWriteRefused({"name" if isinstance(error, AlreadyExists) else "__all__": [str(error)]})


# --- Nodes -------------------------------------------------------------------------------------------------


class NodeForm(GraphNodeForm):
    """A node's form, checked by the same rules as every other write (`orgs.validation`)."""

    def validate_node(self, data: dict[str, Any]) -> dict[str, list[str]]:
        try:
            clean_node_properties(self._meta.model.__name__, data, partial=True)
        except ValidationFailed as error:
            return error.errors
        return {}


class NodeAdmin(GraphNodeAdmin):
    """What every node admin shares: writes through services, deletion preview, recorded history."""

    form = NodeForm
    textarea_fields = ("description", "text")
    list_per_page = 50

    def __init__(self, model: Any, admin_site: admin.AdminSite) -> None:
        self.verbose_name_plural = NODE_KINDS[NodeLabel(model.__name__)].plural
        super().__init__(model, admin_site)

    @property
    def label(self) -> str:
        return self.model.__name__

    def node_create(self, request: HttpRequest, data: dict[str, Any]) -> str:
        try:
            return services.node_create(label=self.label, data=data, actor=request.user)["uid"]
        except SERVICE_ERRORS as error:
            raise refusal(error) from error

    def node_update(
        self, request: HttpRequest, pk: str, data: dict[str, Any], *, opened_version: int | None = None
    ) -> None:
        """Change the node through the service, which checks `opened_version` in the write's transaction."""
        expected = None if opened_version is None else (opened_version,)
        try:
            services.node_update(label=self.label, uid=pk, data=data, actor=request.user, expected_versions=expected)
        except SERVICE_ERRORS as error:
            raise refusal(error) from error

    def node_delete(self, request: HttpRequest, pk: str) -> None:
        try:
            services.node_delete(uid=pk, actor=request.user)
        except SERVICE_ERRORS as error:
            raise refusal(error) from error

    def deletion_preview(self, node: Any) -> list[str]:
        return [
            f"Relationship: {relationship_sentence(node, relationship)}"
            for relationship in admin_selectors.node_relationships(uid=node.uid)
        ]

    def history_records(self, pk: str) -> list[ChangeRecord]:
        return list(change_records_of(uid=pk))


def relationship_sentence(node: Any, relationship: dict[str, Any]) -> str:
    """Return how a relationship of `node` reads from its side: 'X is part of Y'."""
    definition = RELATIONSHIP_TYPES[relationship["type"]]
    if relationship["outgoing"]:
        return f"{node} {definition.forward} {relationship['other_name']}"
    return f"{node} {definition.backward} {relationship['other_name']}"


class NameSearchMixin:
    """Search the folded `search_text` (name, acronym, aliases) as the public search does, or the name."""

    def search_condition(self, term: str) -> Q:
        return Q(search_text__contains=fold(term)) | Q(name__icontains=term) | Q(uid__startswith=term.lower())


class CountryFilter(admin.SimpleListFilter):
    """Organizations located in one country."""

    title = "country"
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        countries = GraphQuerySet(Country).order_by("name")
        return [(country.uid, country.name) for country in countries]

    # The admin's querysets here are of nodes (GraphQuerySet), not of rows.
    def queryset(self, request: HttpRequest, queryset: GraphQuerySet) -> GraphQuerySet:  # type: ignore[override]
        country = self.value()
        return queryset.where_related("LOCATED_IN", country) if country else queryset


# --- Relationships on an organization's change page ---------------------------------------------------------


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


class RelationshipForm(forms.Form):
    """One relationship of the node: its type and direction, the other end, period, footing and evidence."""

    uid = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)  # as opened
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

    @property
    def existing(self) -> bool:
        return bool(self.initial.get("uid"))

    def relationship_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in RELATIONSHIP_PROPERTIES}


class BaseRelationshipFormSet(forms.BaseFormSet):
    """The node's relationships: rows to change, remove (tick) or add, checked together, saved together."""

    title = "Relationships"

    def __init__(self, *args: Any, node_uid: str | None, label: str, **kwargs: Any) -> None:
        self.node_uid, self.label = node_uid, label
        self.relationships = admin_selectors.node_relationships(uid=node_uid) if node_uid else []
        kwargs["initial"] = [
            {
                "uid": relationship["props"].get("uid"),
                "version": relationship["props"].get("version") or 0,
                "relation": f"{relationship['type']}{'>' if relationship['outgoing'] else '<'}",
                "other": relationship["other"],
                "other_name": relationship["other_name"],
                **{name: relationship["props"].get(name) for name in RELATIONSHIP_PROPERTIES},
            }
            for relationship in self.relationships
        ]
        kwargs["form_kwargs"] = {
            "relations": relation_choices(label),
            "sources": admin_selectors.source_choices(),
        }
        kwargs["prefix"] = "relationships"
        super().__init__(*args, **kwargs)

    def ticked_for_deletion(self, form: RelationshipForm) -> bool:
        """Return True when the row `form` (validated) has its delete box ticked."""
        return bool(form.cleaned_data.get(DELETION_FIELD_NAME))

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
                props = clean_relationship(
                    relationship_type,
                    start_label,
                    end_label,
                    start or "(new)",
                    end or "(new)",
                    form.relationship_data(),
                )
                services.relationship_source_check(props)
            except ValidationFailed as error:
                for field, messages_ in error.errors.items():
                    target = {"type": "relation", "from": "other", "to": "other"}.get(field, field)
                    for message in messages_:
                        form.add_error(target if target in form.fields else None, message)

    def save_for(self, node_uid: str, request: HttpRequest) -> None:
        """Write the rows through the services (inside the caller's transaction); raise GraphWriteRefused."""
        for form in self.rows():
            other = form.initial.get("other") or form.cleaned_data.get("other", "")
            opened = form.cleaned_data.get("version")
            expected = None if opened is None else (opened,)
            try:
                if form.existing and self.ticked_for_deletion(form):
                    services.relationship_delete(
                        uid=form.initial["uid"], actor=request.user, expected_versions=expected
                    )
                elif form.existing:
                    services.relationship_update(
                        uid=form.initial["uid"],
                        data=form.relationship_data(),
                        actor=request.user,
                        expected_versions=expected,
                    )
                else:
                    relationship_type, direction = (
                        form.cleaned_data["relation"][:-1],
                        form.cleaned_data["relation"][-1],
                    )
                    other = other.strip()
                    start, end = (node_uid, other) if direction == ">" else (other, node_uid)
                    services.relationship_create(
                        relationship_type=relationship_type,
                        start_uid=start,
                        end_uid=end,
                        data=form.relationship_data(),
                        actor=request.user,
                    )
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
    """A node's form with its relationships as a nested formset (for organizations, countries, events and
    documents: sources are cited, not related)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relationships = RelationshipFormSet(
            self.data if self.is_bound else None,
            node_uid=self.instance.uid,
            label=self._meta.model.__name__,
        )
        self.nested_formsets = [self.relationships]

    def has_changed(self) -> bool:
        return super().has_changed() or bool(self.relationships.rows())


# --- The admin classes -------------------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(NameSearchMixin, NodeAdmin):
    form = NodeWithRelationshipsForm
    change_form_template = "admin/orgs/node_change_form.html"
    change_list_template = "admin/orgs/organization/change_list.html"
    list_display = ("name", "acronym", "kind", "founded", "degree", "uid")
    list_filter = ("kind", CountryFilter)
    search_fields = ("name", "acronym", "aliases")
    ordering = ("name",)
    sortable_by = ("name", "acronym", "kind", "founded", "degree", "uid")
    fields = (
        "uid",
        "name",
        "acronym",
        "aliases",
        "kind",
        "description",
        "founded",
        "dissolved",
        "website",
        "degree",
        "former_uids",
    )
    readonly_fields = ("uid", "degree", "former_uids")
    actions = ["delete_selected", "merge_organizations"]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Send the address of an organization merged away to the organization it was merged into."""
        if request.method == "GET" and self.get_object(request, object_id) is None:
            survivor = admin_selectors.survivor_of(uid=object_id)
            if survivor:
                self.message_user(request, f"'{object_id}' was merged into this organization.", messages.INFO)
                return HttpResponseRedirect(reverse("admin:orgs_organization_change", args=[survivor]))
        return super().change_view(request, object_id, form_url, extra_context)

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.merge_organization")

    def get_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "graph-search/",
                self.admin_site.admin_view(self.graph_search_view),
                name=f"{info[0]}_{info[1]}_graph_search",
            ),
            path(
                "relationships/",
                self.admin_site.admin_view(self.relationship_list_view),
                name=f"{info[0]}_{info[1]}_relationships",
            ),
            *super().get_urls(),
        ]

    def graph_search_view(self, request: HttpRequest) -> JsonResponse:
        """Answer the "other end" field: nodes whose name, acronym or uid contains `q`, as JSON."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()
        results = admin_selectors.nodes_named_like(term=term) if len(term) >= 2 else []
        return JsonResponse({"results": results})

    def relationship_list_view(self, request: HttpRequest) -> HttpResponse:
        """List every relationship in the graph, filtered by type, source, confidence or node."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        filters = {name: request.GET.get(name) or None for name in ("type", "source", "confidence", "node")}
        if filters["type"] not in (None, *RELATIONSHIP_TYPES):
            filters["type"] = None
        try:
            page_number = whole_number(request.GET.get("p", "1"), low=1, high=10**9)
        except ValueError:
            page_number = 1
        per_page = 100
        total, rows = admin_selectors.relationship_page(
            relationship_type=filters["type"],
            source_uid=filters["source"],
            confidence=filters["confidence"],
            node_uid=filters["node"],
            offset=(page_number - 1) * per_page,
            limit=per_page,
        )
        paginator = Paginator(range(total), per_page)
        context = {
            **self.admin_site.each_context(request),
            "title": "Relationships",
            "opts": self.opts,
            "rows": rows,
            "total": total,
            "page": paginator.get_page(page_number),
            "filters": filters,
            "types": list(RELATIONSHIP_TYPES),
            "sources": admin_selectors.source_choices(),
            "confidences": [c.value for c in Confidence],
            "query": {name: value for name, value in filters.items() if value},
        }
        return TemplateResponse(request, "admin/orgs/relationship_list.html", context)

    @admin.action(permissions=["merge"], description="Merge the two selected organizations")
    def merge_organizations(self, request: HttpRequest, queryset: GraphQuerySet) -> HttpResponse | None:
        """Show what merging two organizations would do; merge them once the admin confirms."""
        chosen = list(queryset)
        if len(chosen) != 2:
            self.message_user(request, "Select exactly two organizations to merge.", messages.WARNING)
            return None
        uids = [node.uid for node in chosen]
        survivor = request.POST.get("survivor", "")
        if survivor not in uids:
            survivor = max(chosen, key=lambda node: (node.degree or 0, node.uid == uids[0])).uid
        loser = next(uid for uid in uids if uid != survivor)
        error_note = None
        try:
            if request.POST.get("confirm") == "yes":
                try:
                    plan = services.organizations_merge(
                        survivor_uid=survivor,
                        loser_uid=loser,
                        actor=request.user,
                        expected_versions=_merge_versions_opened(request, uids),
                    )
                except services.StaleVersion:
                    error_note = MERGE_CHANGED_SINCE_OPENED  # the preview below shows them as they are now
                else:
                    self.message_user(
                        request,
                        f"Merged '{plan['loser']['name']}' into '{plan['survivor']['name']}': "
                        f"{len(plan['moved'])} relationship(s) moved, "
                        f"{len(plan['dropped'])} dropped as duplicates.",
                        messages.SUCCESS,
                    )
                    return None
            plan = services.organizations_merge_preview(survivor_uid=survivor, loser_uid=loser)
        except SERVICE_ERRORS as error:
            self.message_user(request, f"Nothing was merged: {error}", messages.ERROR)
            return None
        context = {
            "error_note": error_note,
            "versions": [
                (uid, int(plan["survivor" if uid == survivor else "loser"].get("version") or 0)) for uid in uids
            ],
            **self.admin_site.each_context(request),
            "title": "Merge two organizations",
            "opts": self.opts,
            "plan": plan,
            "uids": uids,
            "survivor": survivor,
            "loser": loser,
            "moved": [relationship_sentence(plan["survivor"]["name"], relationship) for relationship in plan["moved"]],
            "dropped": [
                (relationship_sentence(plan["loser"]["name"], relationship), relationship["reason"])
                for relationship in plan["dropped"]
            ],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orgs/organization/merge_preview.html", context)


@admin.register(Country)
class CountryAdmin(NameSearchMixin, NodeAdmin):
    form = NodeWithRelationshipsForm
    change_form_template = "admin/orgs/node_change_form.html"
    list_display = ("name", "iso_code", "official_name", "degree", "uid")
    search_fields = ("name", "iso_code", "aliases")
    ordering = ("name",)
    sortable_by = ("name", "iso_code", "degree", "uid")
    fields = ("uid", "name", "official_name", "iso_code", "aliases", "degree")
    readonly_fields = ("uid", "degree")

    def search_condition(self, term: str) -> Q:
        return super().search_condition(term) | Q(iso_code__iexact=term)


@admin.register(Event)
class EventAdmin(NodeAdmin):
    form = NodeWithRelationshipsForm
    change_form_template = "admin/orgs/node_change_form.html"
    list_display = ("name", "kind", "start", "place", "degree", "uid")
    list_filter = ("kind",)
    search_fields = ("name", "place")
    ordering = ("-start", "name")
    sortable_by = ("name", "kind", "start", "place", "degree")
    fields = ("uid", "name", "kind", "start", "end", "place", "description", "degree")
    readonly_fields = ("uid", "degree")


@admin.register(Document)
class DocumentAdmin(NodeAdmin):
    form = NodeWithRelationshipsForm
    change_form_template = "admin/orgs/node_change_form.html"
    list_display = ("name", "kind", "date", "degree", "uid")
    list_filter = ("kind",)
    search_fields = ("name",)
    ordering = ("name",)
    sortable_by = ("name", "kind", "date", "degree")
    fields = ("uid", "name", "kind", "date", "description", "degree")
    readonly_fields = ("uid", "degree")


@admin.register(Source)
class SourceAdmin(NodeAdmin):
    list_display = ("title", "publisher", "url", "uid")
    search_fields = ("title", "publisher")
    ordering = ("title",)
    sortable_by = ("title", "publisher", "uid")
    fields = ("uid", "title", "publisher", "url", "text")
    readonly_fields = ("uid",)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """Every recorded change, newest first; read-only."""

    list_display = ("at", "actor_name", "action", "label", "node_uid", "other_uid", "summary")
    list_filter = ("action", "label")
    search_fields = ("node_uid", "other_uid", "summary", "actor_name")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
