from django.urls import path

from orgs import views
from orgs.vocabulary import NODE_KINDS, NodeLabel

app_name = "orgs"
# Every kind's list and node pages live under its plural (/countries/, /countries/<uid>/), named after its noun
# (country-list, country-detail); organizations are searched and sources read their own way.
LIST_VIEWS = {NodeLabel.ORGANIZATION: views.organization_list}
DETAIL_VIEWS = {NodeLabel.SOURCE: views.source_detail}

urlpatterns = [
    path("", views.home, name="home"),
    path("vocabulary.css", views.vocabulary_stylesheet, name="vocabulary-css"),
    path("nodes/<str:uid>/", views.node_redirect, name="node"),
    path("ties/<str:uid>/<str:rel_type>/<str:direction>/", views.node_ties, name="node-ties"),
    path("explore/<str:uid>/", views.explorer, name="explorer"),
    path("explore/<str:uid>.json", views.explorer_json, name="explorer-json"),
    path("explore/<str:uid>/groups.json", views.explorer_groups, name="explorer-groups"),
    path("explore/<str:uid>/ties.json", views.explorer_ties, name="explorer-ties"),
    path("paths/", views.paths, name="paths"),
    path("autocomplete.json", views.autocomplete, name="autocomplete"),
]
for label, kind in NODE_KINDS.items():
    list_view = (LIST_VIEWS[label], {}) if label in LIST_VIEWS else (views.node_list, {"label": label})
    detail_view = (DETAIL_VIEWS[label], {}) if label in DETAIL_VIEWS else (views.node_detail, {"label": label})
    urlpatterns += [
        path(f"{kind.plural}/", *list_view, name=kind.list_route.removeprefix(f"{app_name}:")),
        path(f"{kind.plural}/<str:uid>/", *detail_view, name=kind.page_route.removeprefix(f"{app_name}:")),
    ]
