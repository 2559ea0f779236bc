"""HTML pages: each view calls a selector and renders a template."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs import selectors


def organization_list(request: HttpRequest) -> HttpResponse:
    """The organizations in the graph, by name."""
    return render(request, "orgs/organization_list.html", {"organizations": selectors.organization_names()})
