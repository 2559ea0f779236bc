"""Top-level URL routes."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("orgs.api.urls")),
    path("", include("orgs.pages.urls")),
]

handler400 = "atc_graph.errors.bad_request"
handler403 = "atc_graph.errors.permission_denied"
handler404 = "atc_graph.errors.page_not_found"
handler500 = "atc_graph.errors.server_error"
