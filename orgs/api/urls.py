"""API routes, mounted at /api/."""

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from orgs.api import ingest, views
from orgs.api.auth import TokenView

app_name = "api"

# What ReDoc (drf-spectacular-sidecar's redoc.standalone.js 2.5.4) needs beyond the site's policy: its
# styled-components write <style> elements, which carry this page's nonce; the scrollbar stylesheet and the
# empty style element it writes as it loads (before it knows the nonce) are allowed by their hashes; its search
# index runs in a worker made from a blob: URL. Its menu's Redocly logo (cdn.redoc.ly) stays blocked and hidden.
REDOC_POLICY = {
    "style-src": [
        NONCE,
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's stylesheet
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty style element
    ],
    "worker-src": [SELF, "blob:"],
}

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("relationships/", views.RelationshipListView.as_view(), name="relationships-list"),
    path("relationships/<str:uid>/", views.RelationshipDetailView.as_view(), name="relationships-detail"),
    path(
        "relationships/<str:uid>/citations/", views.RelationshipCitationsView.as_view(), name="relationships-citations"
    ),
    path(
        "relationships/<str:uid>/citations/<str:citation>/",
        views.RelationshipCitationView.as_view(),
        name="relationships-citation",
    ),
    path("paths/", views.PathsView.as_view(), name="paths"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("sources/ingest/", ingest.IngestView.as_view(), name="sources-ingest"),
    path("sources/drafts/", ingest.DraftListView.as_view(), name="sources-drafts"),
    path("sources/drafts/<str:draft_id>/", ingest.DraftDetailView.as_view(), name="sources-draft"),
    path("sources/drafts/<str:draft_id>/accept/", ingest.DraftAcceptView.as_view(), name="sources-draft-accept"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),  # its init script: ?script
    path("redoc/", csp_update(REDOC_POLICY)(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]
# Each node kind's views (`views.NodeViewSet`): the suffix completes the view's name ("Organization List").
for label, plural in views.PATHS.items():
    node_views = views.NODE_VIEWSETS[label]
    urlpatterns += [
        path(f"{plural}/", node_views.as_view({"get": "list", "post": "create"}, suffix="List"), name=f"{plural}-list"),
        path(
            f"{plural}/<str:uid>/",
            node_views.as_view(
                {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"},
                suffix="Detail",
            ),
            name=f"{plural}-detail",
        ),
        path(
            f"{plural}/<str:uid>/relationships/",
            node_views.as_view({"get": "relationships"}, suffix="Relationships"),
            name=f"{plural}-relationships",
        ),
        path(
            f"{plural}/<str:uid>/network/",
            node_views.as_view({"get": "network"}, suffix="Network"),
            name=f"{plural}-network",
        ),
    ]
