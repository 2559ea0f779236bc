"""Cursor pagination: an opaque token holding the keyset of the last row, so deep pages stay fast."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from orgs.search import SEARCH_MAX_OFFSET
from orgs.validation import NOT_TEXT

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_CURSOR_LENGTH = 2_000  # characters of the token: a keyset of a name (≤ 500) and a uid (≤ 100), encoded
MAX_CURSOR_TEXT = 500  # characters of a text value in a keyset: the longest name or title
# What every cursor looks like: a JSON list ("[" then a quote, a digit or a minus) in unpadded URL-safe base64.
CURSOR_PATTERN = re.compile(r"^W[yz][A-Za-z0-9_-]*$")


def cursor_encode(*values: Any) -> str:
    """Return the opaque cursor for a keyset (e.g. the name and uid of a page's last row)."""
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode().rstrip("=")


def cursor_decode(token: str | None, shape: tuple[type[str] | type[int], ...]) -> list[Any] | None:
    """Return the keyset a cursor holds, one value of each type of `shape` in order (`(str, str)` for a name
    and a uid, `(int,)` for a search offset); raise a 400 ValidationError naming `cursor` if it is not one.

    Strict, as the values go into a query: text without control characters or lone surrogates, at most
    MAX_CURSOR_TEXT characters; whole numbers (not true or false) from 0 to SEARCH_MAX_OFFSET.
    """
    if not token:
        return None
    values: Any = None
    if len(token) <= MAX_CURSOR_LENGTH:
        try:
            values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (ValueError, RecursionError):  # not base64, UTF-8 or JSON; nested too deep
            values = None
    if (
        not isinstance(values, list)
        or len(values) != len(shape)
        or not all(_keyset_value_fits(value, kind) for value, kind in zip(values, shape, strict=True))
    ):
        raise ValidationError({"cursor": ["not a cursor this list handed out"]})
    return values


def _keyset_value_fits(value: Any, kind: type[str] | type[int]) -> bool:
    if kind is int:
        return type(value) is int and 0 <= value <= SEARCH_MAX_OFFSET
    return type(value) is str and len(value) <= MAX_CURSOR_TEXT and not NOT_TEXT.search(value)


def page(
    request: Request, results: list[dict[str, Any]], *, page_size: int, next_keyset: tuple[Any, ...] | None
) -> dict[str, Any]:
    """Return a page body: `results` and the absolute `next` link (null on the last page)."""
    next_url = None
    if next_keyset is not None and len(results) >= page_size:
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", cursor_encode(*next_keyset))
    return {"next": next_url, "results": results}
