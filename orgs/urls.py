from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="organization-list"),
]
