"""Failed logins: what a locked-out login is told (django-axes calls `lockout_response`: JSON under /api/, a page
elsewhere), and the lockout of a whole address (`AddressLockoutBackend`), beside axes' of a username from one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
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


# How long a login's place among those being checked is kept when neither signal below ends it (a right password
# the admin then refuses, for a user who is not staff): longer than any check of a password takes.
CHECKING_SECONDS = 60


def _checking_key(address: str) -> str:
    return f"login-checking:{address}"


def _checked_key(address: str) -> str:
    return f"login-checked:{address}"


class AddressLockoutBackend:
    """Refuse every login from an address that failed `LOGIN_ADDRESS_FAILURE_LIMIT` times (any usernames) within
    the lockout time, before any password is checked.

    axes locks a username from one address; someone trying many usernames from one address never reaches its
    limit for any of them. The refusal is axes' own (its middleware answers with `lockout_response`); axes does
    not count a refused login, so the lockout lasts its time from the last failure whose password was checked.

    The failures axes has recorded are not enough under a burst: logins sent at once all read the same count
    before any of their failures is written, and more than the limit had their passwords checked. So each login
    also counts itself, before its password is checked, in a counter of its address's checked logins (atomic, in
    the `default` cache, which every worker shares) and is refused past the limit; a refused or successful login
    takes itself off again (`checked_login_end`), and the counter is dropped with the address's records
    (`manage.py axes_reset_ip`, a success's reset: `records_reset`). The counter lasts the lockout time from its
    first count; the recorded failures hold the lockout after that.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        address = get_client_ip_address(request)
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        if address_failures(address, since=since) < limit:
            if _count_checked(address) <= limit:
                setattr(request, CHECKED, address)
                return None
            # Only a login that counted itself takes itself off: one refused on the recorded failures alone did
            # not count, and taking it off let a login still under way be checked past the limit.
            _uncount_checked(address)
        setattr(request, ADDRESS_LOCKED, True)
        request.axes_locked_out = True  # type: ignore[attr-defined]
        raise PermissionDenied("too many failed logins from this address")


CHECKED = "atc_login_checked"  # the address, on a request counted among its address's checked logins


def _count_checked(address: str) -> int:
    """Count one more checked login from `address`; return how many there are now."""
    key = _checked_key(address)
    timeout = settings.AXES_COOLOFF_TIME.total_seconds()
    cache.add(key, 0, timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # the counter expired between the two calls
        cache.add(key, 0, timeout)
        return int(cache.incr(key))


def _uncount_checked(address: str) -> None:
    try:
        cache.decr(_checked_key(address))
    except ValueError:  # expired or dropped: nothing to take off
        pass


def checked_login_end(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Take a successful login off its address's checked logins (a failure stays counted); connected to
    `user_logged_in`."""
    address = getattr(request, CHECKED, None)
    if address is not None:
        delattr(request, CHECKED)
        _uncount_checked(address)


def records_reset(sender: Any, instance: AccessAttempt, **kwargs: Any) -> None:
    """Drop the counter of checked logins of an address whose failure records are deleted; connected to
    AccessAttempt's `post_delete`."""
    cache.delete(_checked_key(instance.ip_address or ""))
