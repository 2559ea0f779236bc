"""Cursor pagination: an opaque token holding the keyset of the last row, so deep pages stay fast."""

from __future__ import annotations

import base64
import json
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def cursor_encode(*values: Any) -> str:
    """Return the opaque cursor for a keyset (e.g. the name and uid of a page's last row)."""
    return (
        base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def cursor_decode(token: str | None, arity: int) -> list[Any] | None:
    """Return the keyset a cursor holds; raise a 400 ValidationError naming `cursor` if it is not one."""
    if not token:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        values = None
    if (
        not isinstance(values, list)
        or len(values) != arity
        or not all(isinstance(v, str | int) for v in values)
    ):
        raise ValidationError({"cursor": ["not a cursor this list handed out"]})
    return values


def page(
    request: Request, results: list[dict[str, Any]], *, page_size: int, next_keyset: tuple[Any, ...] | None
) -> dict[str, Any]:
    """Return a page body: `results` and the absolute `next` link (null on the last page)."""
    next_url = None
    if next_keyset is not None and len(results) >= page_size:
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", cursor_encode(*next_keyset))
    return {"next": next_url, "results": results}
