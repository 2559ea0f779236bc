"""What a locked-out login is told (django-axes calls `lockout_response`): JSON under /api/, a page elsewhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

LOCKOUT_STATUS = 429


def lockout_minutes() -> int:
    """Return how long, in whole minutes (rounded up), a locked-out username and address are refused."""
    return max(1, -(-int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """Answer a login refused for too many failures: 429 with Retry-After, JSON for the API, HTML otherwise."""
    minutes = lockout_minutes()
    detail = (f"Too many failed logins for this username from your address: logins are refused for "
              f"{minutes} minute{'s' if minutes != 1 else ''} after the last failure.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail, "code": "locked_out"}, status=LOCKOUT_STATUS)
    else:
        context = {"detail": detail, "failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
        response = HttpResponse(render_to_string("registration/locked_out.html", context, request=request),
                                status=LOCKOUT_STATUS)
    response["Retry-After"] = str(minutes * 60)
    return response
