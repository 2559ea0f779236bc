"""API routes, mounted at /api/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from orgs.api import views

app_name = "api"

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("relationships/", views.RelationshipListView.as_view(), name="relationships-list"),
    path("relationships/<str:uid>/", views.RelationshipDetailView.as_view(), name="relationships-detail"),
    path("paths/", views.PathsView.as_view(), name="paths"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
for label, plural in views.PATHS.items():
    node_views = views.NODE_VIEWS[label]
    urlpatterns += [
        path(f"{plural}/", node_views["list"].as_view(), name=f"{plural}-list"),
        path(f"{plural}/<str:uid>/", node_views["detail"].as_view(), name=f"{plural}-detail"),
        path(
            f"{plural}/<str:uid>/relationships/",
            node_views["relationships"].as_view(),
            name=f"{plural}-relationships",
        ),
        path(f"{plural}/<str:uid>/network/", node_views["network"].as_view(), name=f"{plural}-network"),
    ]
