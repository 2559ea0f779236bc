from collections.abc import Callable

from django.http import HttpResponse
from django.urls import path
from django.views.generic import RedirectView

from orgs.pages import lists, network, nodes, sources_add
from orgs.vocabulary import NODE_KINDS, NodeLabel

app_name = "orgs"

View = Callable[..., HttpResponse]
# Every kind's list and node pages live under its plural (/countries/, /countries/<uid>/) and are named as the
# vocabulary says (orgs:country-list, orgs:country-detail); organizations are searched and sources read their own
# way, every other kind through the shared views, told which kind.
OWN_LIST_VIEWS: dict[NodeLabel, View] = {NodeLabel.ORGANIZATION: lists.organization_list}
OWN_DETAIL_VIEWS: dict[NodeLabel, View] = {NodeLabel.SOURCE: nodes.source_detail}


def kind_view(own: dict[NodeLabel, View], shared: View, label: NodeLabel) -> tuple[View, dict[str, NodeLabel]]:
    """Return the view of a `label` page and its arguments: the kind's own view, or the shared one with `label`."""
    return (own[label], {}) if label in own else (shared, {"label": label})


urlpatterns = [
    path("", lists.home, name="home"),
    path("vocabulary.css", lists.vocabulary_stylesheet, name="vocabulary-css"),
    path("nodes/<str:uid>/", nodes.node_redirect, name="node"),
    path(
        "relationships/<str:uid>/<str:relationship_type>/<str:direction>/",
        nodes.node_relationships,
        name="node-relationships",
    ),
    path("explore/<str:uid>/", network.explorer, name="explorer"),
    path("explore/<str:uid>.json", network.explorer_json, name="explorer-json"),
    path("explore/<str:uid>/groups.json", network.explorer_groups, name="explorer-groups"),
    path("explore/<str:uid>/relationships.json", network.explorer_relationships, name="explorer-relationships"),
    path("paths/", network.paths, name="paths"),
    path("autocomplete.json", lists.autocomplete, name="autocomplete"),
    # Before the sources' own pages (/sources/<uid>/): no uid takes these words (orgs.validation.ROUTE_WORDS).
    path("sources/add/", sources_add.source_add, name="source-add"),
    path("sources/drafts/", sources_add.source_drafts, name="source-drafts"),
    path("sources/drafts/<int:draft_id>/", sources_add.source_draft, name="source-draft"),
    # The addresses of before the one word for a relationship, kept as permanent redirects (links and bookmarks).
    path(
        "ties/<str:uid>/<str:relationship_type>/<str:direction>/",
        RedirectView.as_view(pattern_name="orgs:node-relationships", permanent=True, query_string=True),
    ),
    path(
        "explore/<str:uid>/ties.json",
        RedirectView.as_view(pattern_name="orgs:explorer-relationships", permanent=True, query_string=True),
    ),
]
for label, kind in NODE_KINDS.items():
    list_view, list_arguments = kind_view(OWN_LIST_VIEWS, lists.node_list, label)
    detail_view, detail_arguments = kind_view(OWN_DETAIL_VIEWS, nodes.node_detail, label)
    urlpatterns += [
        path(f"{kind.plural}/", list_view, list_arguments, name=kind.list_route.removeprefix(f"{app_name}:")),
        path(
            f"{kind.plural}/<str:uid>/",
            detail_view,
            detail_arguments,
            name=kind.page_route.removeprefix(f"{app_name}:"),
        ),
    ]
