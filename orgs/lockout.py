"""Failed logins: what a locked-out login is told (django-axes calls `lockout_response`: JSON under /api/, a page
elsewhere), and the lockout of a whole address (`AddressLockoutBackend`), beside axes' of a username from one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

LOCKOUT_STATUS = 429


def lockout_minutes() -> int:
    """Return how long, in whole minutes (rounded up), a locked-out username and address are refused."""
    return max(1, -(-int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Answer a login refused for too many failures: 429 with Retry-After, JSON for the API, HTML otherwise."""
    minutes = lockout_minutes()
    whom = "from your address" if getattr(request, ADDRESS_LOCKED, False) else "for this username from your address"
    detail = (
        f"Too many failed logins {whom}: logins are refused for "
        f"{minutes} minute{'s' if minutes != 1 else ''} after the last failure."
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail, "code": "locked_out"}, status=LOCKOUT_STATUS)
    else:
        context = {"detail": detail, "minutes": minutes}
        response = HttpResponse(
            render_to_string("registration/locked_out.html", context, request=request), status=LOCKOUT_STATUS
        )
    response["Retry-After"] = str(minutes * 60)
    return response


ADDRESS_LOCKED = "atc_address_locked_out"  # set on a request refused for its address's failures, not its username's


def address_failures(address: str, *, since: datetime) -> int:
    """Return the failed logins axes recorded from `address`, for any username, in attempts made since `since`."""
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class AddressLockoutBackend:
    """Refuse every login from an address that failed `LOGIN_ADDRESS_FAILURE_LIMIT` times (any usernames) within
    the lockout time, before any password is checked.

    axes locks a username from one address; someone trying many usernames from one address never reaches its
    limit for any of them. The refusal is axes' own (its middleware answers with `lockout_response`), and it
    counts as a failed login, so the address stays refused until it has been quiet for the lockout time.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        if address_failures(get_client_ip_address(request), since=since) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            setattr(request, ADDRESS_LOCKED, True)
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied("too many failed logins from this address")
        return None
