from django.urls import path

from orgs import views
from orgs.vocabulary import NodeLabel

app_name = "orgs"
urlpatterns = [
    path("", views.home, name="home"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<str:uid>/", views.node_detail, {"label": NodeLabel.ORGANIZATION},
         name="organization-detail"),
    path("countries/<str:uid>/", views.node_detail, {"label": NodeLabel.COUNTRY}, name="country-detail"),
    path("events/<str:uid>/", views.node_detail, {"label": NodeLabel.EVENT}, name="event-detail"),
    path("documents/<str:uid>/", views.node_detail, {"label": NodeLabel.DOCUMENT}, name="document-detail"),
    path("sources/<str:uid>/", views.source_detail, name="source-detail"),
    path("countries/", views.node_list, {"section": "countries"}, name="country-list"),
    path("events/", views.node_list, {"section": "events"}, name="event-list"),
    path("documents/", views.node_list, {"section": "documents"}, name="document-list"),
    path("sources/", views.node_list, {"section": "sources"}, name="source-list"),
    path("nodes/<str:uid>/", views.node_redirect, name="node"),
    path("ties/<str:uid>/<str:rel_type>/<str:direction>/", views.node_ties, name="node-ties"),
    path("explore/<str:uid>/", views.explorer, name="explorer"),
    path("explore/<str:uid>.json", views.explorer_json, name="explorer-json"),
    path("explore/<str:uid>/groups.json", views.explorer_groups, name="explorer-groups"),
    path("explore/<str:uid>/ties.json", views.explorer_ties, name="explorer-ties"),
    path("paths/", views.paths, name="paths"),
    path("autocomplete.json", views.autocomplete, name="autocomplete"),
]
