"""API throttles whose cost per request stays the same however busy a client is, and the cache that keeps
their counters for every process of the install."""

from __future__ import annotations

import fcntl
import os
import pickle
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
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


class CounterFileCache(FileBasedCache):
    """Django's file cache with every change made under one lock: the throttles' counters, shared by every
    process of a machine (each gunicorn worker kept its own in memory, so a limit counted once per worker).

    Django's file cache is not right for counters as it is: its `add` (is the key there? then write it) and its
    `incr` (read n, write n + 1) are two steps each, so two workers counting a request each at once both write
    n + 1 and one request goes uncounted; and its `incr` writes the entry with the default timeout (300 s), which
    stretches a minute's window and cuts an hour's short. Here every change holds an exclusive `flock` on one
    file of the directory (processes and threads alike; a local disk, not NFS) and `incr` keeps the entry's
    expiry. Reads take no lock: an entry is always replaced whole, by a rename. A counter is a few microseconds'
    work under the lock, far from any request's own cost, so one lock for every key serializes nothing that
    matters; a database counter would commit (and sync) a write per request instead.
    """

    LOCK_FILE = "lock"  # not a `.djcache` name: culling and `clear` leave it alone

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._createdir()  # type: ignore[attr-defined]  # private in Django, left out of its stubs
        with open(os.path.join(self._dir, self.LOCK_FILE), "ab") as lock:  # type: ignore[attr-defined]
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield  # closing the file releases the lock

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        with self._locked():  # Django's add calls self.set, which would wait on this very lock: its own steps here
            if self.has_key(key, version):
                return False
            super().set(key, value, timeout, version)
            return True

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        with self._locked():
            super().set(key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        with self._locked():
            return super().touch(key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        with self._locked():
            return super().delete(key, version)

    def _cull(self) -> None:
        """Past MAX_ENTRIES, delete the expired counters first: Django's cull deletes a third at random, which
        would restart the windows of clients still counting."""
        paths = self._list_cache_files()  # type: ignore[attr-defined]
        if len(paths) < self._max_entries:
            return
        for path in paths:
            try:
                with open(path, "rb") as entry:
                    expiry = pickle.load(entry)
            except (OSError, EOFError, pickle.UnpicklingError):
                continue
            if expiry is not None and expiry < time.time():
                self._delete(path)  # type: ignore[attr-defined]
        super()._cull()  # type: ignore[misc]

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        """Return the value under `key` plus `delta`, which it now is (its expiry unchanged); raise ValueError
        if there is none."""
        path = self._key_to_file(key, version)  # type: ignore[attr-defined]  # private, not in the stubs
        with self._locked():
            try:
                with open(path, "rb") as entry:
                    expiry = pickle.load(entry)
                    value = pickle.loads(zlib.decompress(entry.read()))
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            if expiry is not None and expiry < time.time():
                raise ValueError(f"Key '{key}' not found")
            value += delta
            handle, temporary = tempfile.mkstemp(dir=self._dir)  # type: ignore[attr-defined]
            with open(handle, "wb") as entry:
                entry.write(pickle.dumps(expiry, self.pickle_protocol))
                entry.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
            os.replace(temporary, path)
        return value
