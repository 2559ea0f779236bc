"""Whole answers to anonymous reads, kept until the graph next changes.

An anonymous GET or HEAD (no session cookie, no `Authorization` header, nobody signed in) of an analyst page or
of an API read is answered from the `responses` cache (settings.CACHES) when the same address (scheme, host,
path and query) in the same form (the API's negotiated media type) was answered 200 since the graph last
changed. "Since the graph last changed" is the graph's *generation*: a random token kept in that cache, which
every write transaction replaces once it has committed (`orgs.graph.connection.on_every_write`), whichever process or
command wrote. A kept answer is filed under the generation it was made in, so after a write no earlier answer is
found again: nothing stale is served, and the processes of one install see each other's writes as long as they
share the cache (a directory under var/ on one machine; a shared server for several).

Kept only: status 200, not streamed, no cookie set, no CSRF token or CSP nonce used in the body, no per-view CSP.
Never for signed-in users or token clients. The API's throttles run before the cache is asked (the decorator
wraps a view's handler, inside DRF's checks), so cached answers count as any other. The graph server must have
answered this process within the last second (else it is pinged first), so an outage still answers 503.
ATC_RESPONSE_CACHE turns serving from the cache on; writes advance the generation whenever the cache is
configured, so a command run with it off (an import from a shell) still refreshes a server that has it on.
"""

from __future__ import annotations

import functools
import logging
import pickle
import random
import uuid
import zlib
from collections.abc import Callable
from hashlib import blake2b
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.request import Request
from rest_framework.response import Response

from orgs.graph.connection import graph_reachable_confirm

logger = logging.getLogger(__name__)

CACHE_ALIAS = "responses"
GENERATION_KEY = "graph-generation"
# A kept answer needs no query, so nothing would notice a graph server that died: unless the server answered
# this process this recently, it is pinged before a kept answer is given.
GRAPH_ANSWERED_WITHIN_SECONDS = 1.0

View = TypeVar("View", bound=Callable[..., Any])


class AnswerFileCache(FileBasedCache):
    """Django's file cache, made cheaper to write for whole answers (a neighbourhood's JSON is 240 KB).

    Compressed at zlib's fastest level (Django's level 6 took 2.2 ms for that JSON, level 1 1 ms, for 5 % more
    bytes), and the directory listed for entries past MAX_ENTRIES on one write in CULL_CHECK_EVERY rather than on
    each (listing 1,500 entries took 3 ms): it may hold a few tens of entries more than MAX_ENTRIES.
    """

    CULL_CHECK_EVERY = 20

    def _write_content(self, file: Any, timeout: Any, value: Any) -> None:
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), 1))

    def _cull(self) -> None:
        if random.randrange(self.CULL_CHECK_EVERY) == 0:
            super()._cull()  # type: ignore[misc]  # private in Django, left out of its stubs


def _cache() -> BaseCache | None:
    """Return the `responses` cache, or None where none is configured."""
    return caches[CACHE_ALIAS] if CACHE_ALIAS in settings.CACHES else None


def graph_generation(cache: BaseCache) -> str:
    """Return the graph's current generation, starting one if the cache holds none (first use, or evicted)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY) or uuid.uuid4().hex
    return str(generation)


def graph_generation_advance() -> None:
    """Start a new generation of the graph: no answer kept before it is given again.

    Called after every write transaction (orgs.apps registers it). A new random token rather than a counter: two
    processes that advance at once cannot land on one value, and no later value repeats an earlier one. A cache
    that cannot be written is logged, not raised: the write has committed and its answer must not fail.
    """
    cache = _cache()
    if cache is None:
        return
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception(
            "The response cache could not record a write: kept answers may be stale for up to "
            "ATC_RESPONSE_CACHE_SECONDS"
        )


def _anonymous(request: HttpRequest | Request) -> bool:
    """Return True for a request nobody is signed in to: no session cookie, no Authorization, no user."""
    if request.method not in {"GET", "HEAD"} or "HTTP_AUTHORIZATION" in request.META:
        return False
    # Any cookie but the CSRF one could carry state that changes the page (a session, queued messages).
    if any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES):
        return False
    return not request.user.is_authenticated


def _key(request: HttpRequest | Request, variant: str, generation: str) -> str:
    """Return the key of `request`'s answer in `generation`: its `variant` (page, or the API's media type) and
    its absolute address, hashed (addresses can be long)."""
    address = f"{variant} {request.build_absolute_uri()}".encode()
    return f"answer:{generation}:{blake2b(address, digest_size=16).hexdigest()}"


def _keepable(request: HttpRequest | Request, response: HttpResponse) -> bool:
    """Return True when `response` is the same for every anonymous client and can be kept whole."""
    if response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or isinstance(getattr(request, "_csp_nonce", None), str):
        return False  # the body holds a CSRF token or the CSP nonce of this response
    # A view's own CSP (csp_update, csp_exempt …) rides on the response and would be lost on a kept copy.
    return not any(name.startswith("_csp") for name in vars(response))


def _keep(cache: BaseCache, key: str, request: HttpRequest | Request, response: HttpResponseBase) -> None:
    """Keep `response` under `key` if it may be given to every anonymous client (a streamed one never)."""
    if not isinstance(response, HttpResponse) or not _keepable(request, response):
        return
    headers = list(response.items())  # cookies are not among them, and a kept response has none
    cache.set(key, (response.content, headers), timeout=settings.ATC_RESPONSE_CACHE_SECONDS)


def _kept(cache: BaseCache, key: str) -> HttpResponse | None:
    """Return the answer kept under `key`, or None; raise GraphUnavailable if the graph server is down."""
    entry = cache.get(key)
    if entry is None:
        return None
    graph_reachable_confirm(within=GRAPH_ANSWERED_WITHIN_SECONDS)
    content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def _active_cache(request: HttpRequest | Request) -> BaseCache | None:
    """Return the cache to answer `request` from, or None when it must be answered afresh."""
    if not settings.ATC_RESPONSE_CACHE or not _anonymous(request):
        return None
    return _cache()


def cached_page(view: View) -> View:
    """Answer a page view's anonymous reads from the response cache (see the module's docstring)."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        cache = _active_cache(request)
        if cache is None:
            return view(request, *args, **kwargs)
        key = _key(request, "page", graph_generation(cache))
        response = _kept(cache, key)
        if response is None:
            response = view(request, *args, **kwargs)
            _keep(cache, key, request, response)
        return response

    return answer  # type: ignore[return-value]


def cached_api_read(handler: View) -> View:
    """Answer an API view's `get` for anonymous clients from the response cache, after DRF's authentication,
    permissions and throttles (see the module's docstring); the media type DRF negotiated is part of the key."""

    @functools.wraps(handler)
    def answer(view: Any, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        cache = _active_cache(request)
        if cache is None:
            return handler(view, request, *args, **kwargs)
        key = _key(request, f"api {request.accepted_media_type}", graph_generation(cache))
        response = _kept(cache, key)
        if response is not None:
            return response
        response = handler(view, request, *args, **kwargs)
        if isinstance(response, Response):  # rendered after the view returns, by Django's handler
            response.add_post_render_callback(lambda rendered: _keep(cache, key, request, rendered))
        else:
            _keep(cache, key, request, response)
        return response

    return answer  # type: ignore[return-value]
