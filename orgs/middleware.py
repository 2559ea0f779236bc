"""Turn an unreachable graph server into a clear 503 page (or JSON body where JSON was asked), not a traceback."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from orgs.graph.connection import GraphUnavailable

RETRY_AFTER_SECONDS = "30"


def wants_json(request: HttpRequest) -> bool:
    """Return True for a request whose answer is JSON: the API, a `.json` path, or an Accept of JSON first."""
    accept = request.headers.get("Accept", "")
    return (
        request.path.startswith("/api/")
        or request.path.endswith(".json")
        or accept.split(",")[0].split(";")[0].strip() == "application/json"
    )


class GraphUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, GraphUnavailable):
            return None
        response: HttpResponse
        if wants_json(request):
            response = JsonResponse(
                {"detail": "The graph server is unavailable; try again shortly.", "code": "graph_unavailable"},
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html", request=request), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
