"""HTML pages: each view calls a selector and renders a template."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs import selectors

PAGE_SIZE = 100


def organization_list(request: HttpRequest) -> HttpResponse:
    """The organizations in the graph by name, a page at a time (keyset on name and uid)."""
    after_name, after_uid = request.GET.get("after_name"), request.GET.get("after_uid")
    after = (after_name, after_uid) if after_name and after_uid else None
    organizations = selectors.organization_list(after=after, limit=PAGE_SIZE + 1)
    next_page = organizations[PAGE_SIZE - 1] if len(organizations) > PAGE_SIZE else None
    return render(request, "orgs/organization_list.html", {
        "organizations": organizations[:PAGE_SIZE], "next_page": next_page,
    })
