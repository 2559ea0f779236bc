"""The admin of each kind of node: organizations (with the node search behind a relationship's "other end",
the list of all relationships and the merge action), countries, events, documents and sources."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from orgs.admin import selectors
from orgs.admin.backend import GraphQuerySet
from orgs.admin.base import NodeAdmin
from orgs.admin.merge import merge_organizations
from orgs.admin.relationships import NodeWithRelationshipsForm
from orgs.models import Country
from orgs.search import fold
from orgs.validation import whole_number
from orgs.vocabulary import RELATIONSHIP_TYPES, Confidence


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
    # The merge action takes the admin's queryset of nodes (GraphQuerySet), not a Django QuerySet.
    actions = ["delete_selected", merge_organizations]  # type: ignore[list-item]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Send the address of an organization merged away to the organization it was merged into."""
        if request.method == "GET" and self.get_object(request, object_id) is None:
            survivor = selectors.survivor_of(uid=object_id)
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
        results = selectors.nodes_named_like(term=term) if len(term) >= 2 else []
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
        total, rows = selectors.relationship_page(
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
            "sources": selectors.source_choices(),
            "confidences": [c.value for c in Confidence],
            "query": {name: value for name, value in filters.items() if value},
        }
        return TemplateResponse(request, "admin/orgs/relationship_list.html", context)


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


class SourceAdmin(NodeAdmin):
    list_display = ("title", "publisher", "url", "uid")
    search_fields = ("title", "publisher")
    ordering = ("title",)
    sortable_by = ("title", "publisher", "uid")
    fields = ("uid", "title", "publisher", "published", "url", "text")
    readonly_fields = ("uid",)
