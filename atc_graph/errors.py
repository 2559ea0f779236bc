"""The error responses Django sends when a view cannot answer: friendly pages, and JSON under /api/.

Wired in atc_graph/urls.py (handler400/403/404/500) and CSRF_FAILURE_VIEW. None of them touches the graph,
and none shows what DEBUG pages show (settings, URL patterns, tracebacks).
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

MESSAGES = {
    400: ("bad_request", "The request could not be understood."),
    403: ("permission_denied", "You do not have permission to do that."),
    404: ("not_found", "There is nothing at this address."),
    500: ("server_error", "Something went wrong on the server. It has been logged; please try again later."),
}
CSRF_MESSAGE = ("csrf_failed", "The request's CSRF check failed: reload the page and try again.")


def wants_json(request: HttpRequest) -> bool:
    """Return True when the request asked for JSON: an API address or a `.json` one."""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def error_response(request: HttpRequest, status: int, *, code: str, detail: str, template: str) -> HttpResponse:
    """Return `{"detail", "code"}` as JSON for JSON addresses, otherwise `template` rendered as the page."""
    if wants_json(request):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    page: str
    try:
        page = render_to_string(template, {"detail": detail}, request=request)
    except Exception:  # the page itself failed (a missing static file, say): the error must still be answered
        logger.exception("The %s page could not be rendered", status)
        page = f"<!doctype html><title>Error {status}</title><h1>Error {status}</h1><p>{detail}</p>"
    return HttpResponse(page, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    code, detail = MESSAGES[400]
    return error_response(request, 400, code=code, detail=detail, template="400.html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    code, detail = MESSAGES[403]
    return error_response(request, 403, code=code, detail=detail, template="403.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    code, detail = MESSAGES[404]
    # A view's own message ("There is no source 'x' in the graph."); an unmatched address carries a dict of
    # the URL patterns tried, which is never shown.
    if exception.args and isinstance(exception.args[0], str):
        detail = exception.args[0]
    return error_response(request, 404, code=code, detail=detail, template="404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    code, detail = MESSAGES[500]
    return error_response(request, 500, code=code, detail=detail, template="500.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    code, detail = CSRF_MESSAGE
    return error_response(request, 403, code=code, detail=detail, template="403.html")
