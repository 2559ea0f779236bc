"""API throttles whose cost per request stays the same however busy a client is."""

from __future__ import annotations

from typing import Any

from rest_framework import throttling
from rest_framework.request import Request

from orgs.clients import client_address


class WindowRateThrottle(throttling.SimpleRateThrottle):
    """Count a client's requests in a window that opens at its first request and lasts the rate's period.

    DRF's own rate throttles keep the time of every request in the period and read and write that whole list
    on each request: at a rate of a thousand a minute a busy client's every call paid up to a millisecond for
    it. Here a request costs one counter increment. The price is that a client may spend two windows' worth
    in a short burst across the end of one window and the start of the next.
    """

    wait_seconds: float = 0.0
    # Set by SimpleRateThrottle.__init__ from the rate (DRF's stubs leave them out).
    num_requests: int
    duration: int

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        self.cache.add(self.key, 0, self.duration)
        try:
            count = self.cache.incr(self.key)
        except ValueError:  # the window closed between the two calls
            self.cache.set(self.key, 1, self.duration)
            count = 1
        opened_key = f"{self.key}:opened"
        if count == 1:
            self.cache.set(opened_key, now, self.duration)
        if count <= self.num_requests:
            return True
        self.wait_seconds = max(0.0, self.duration - (now - self.cache.get(opened_key, now)))
        return False

    def wait(self) -> float:
        return self.wait_seconds

    def get_ident(self, request: Request) -> str:
        """The client's address as `orgs.clients` reads it: X-Forwarded-For only from a trusted proxy."""
        return client_address(request)


class AnonRateThrottle(WindowRateThrottle, throttling.AnonRateThrottle):
    """Anonymous clients, by address: the `anon` rate."""


class ExportAnonRateThrottle(AnonRateThrottle):
    """Anonymous exports, by address: the `export_anon` rate, on top of `anon` (a whole-graph export reads
    the whole graph)."""

    scope = "export_anon"


class UserRateThrottle(WindowRateThrottle, throttling.UserRateThrottle):
    """Signed-in clients, by user: the `user` rate. Anonymous ones have the `anon` rate alone."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
