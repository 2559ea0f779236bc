"""Request body parsers for every API view: JSON with a nesting limit and no lone surrogates, and the import's
zip and GraphML files. Each reads at most the upload limit (`DATA_UPLOAD_MAX_MEMORY_SIZE`), which DRF's own
parsers do not: they read the whole body, however large."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.utils import json

from orgs.api import formats

# The deepest a body nests lists and mappings: a graph file needs 3 (sections, records, aliases). Deeper
# nesting only costs: Python's parser fails at about 1,000 levels with a RecursionError (a 500 before).
MAX_JSON_DEPTH = 20
# A JSON string can name a lone surrogate only through a \uD800–\uDFFF escape: without one, nothing to look for.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the upload limit."
    default_code = "too_large"


def read_body(stream: Any, what: str = "request body") -> bytes:
    """Return the body in `stream`, read no further than one byte past the upload limit; raise BodyTooLarge
    (413, naming `what`) for a larger one."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return bytes(stream.read())
    content = bytes(stream.read(limit + 1))
    if len(content) > limit:
        raise BodyTooLarge(f"The {what} is larger than the upload limit of {limit:,} bytes (ATC_API_MAX_UPLOAD_BYTES).")
    return content


def json_problem(data: Any, *, look_for_surrogates: bool) -> tuple[str, str] | None:
    """Return (where, what) for the first thing in parsed JSON `data` no view should be handed: nesting deeper
    than MAX_JSON_DEPTH, or (if `look_for_surrogates`) a key or string holding a lone surrogate, which no
    encoder can write back out. `where` is a path such as `organizations[2].name` ("detail" for the top)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            found = SURROGATE.search(value)
            if found:
                return _json_path(path), f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not text"
            continue
        if not isinstance(value, dict | list):  # a number, true, false or null: nothing inside
            continue
        if len(path) >= MAX_JSON_DEPTH:
            return _json_path(path), f"nested more than {MAX_JSON_DEPTH} levels deep"
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            if look_for_surrogates and isinstance(key, str) and SURROGATE.search(key):
                return _json_path(path), "has a key holding a lone surrogate (not text)"
            # Only what can hold a problem is looked into: strings only when the text had a surrogate escape.
            if isinstance(item, dict | list) or (look_for_surrogates and isinstance(item, str)):
                stack.append(((*path, key), item))
    return None


def _json_path(path: tuple[str | int, ...]) -> str:
    text = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).removeprefix(".")
    return text or "detail"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 instead of a 500 for JSON nested deeper than MAX_JSON_DEPTH, and for a
    lone surrogate escape (`"\\ud800"`), naming where it is; 413 past the upload limit."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = read_body(stream, "JSON body").decode(encoding)
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep") from None
        except ValueError as error:  # not UTF-8, not JSON
            raise ParseError(f"JSON parse error - {error}") from None
        problem = json_problem(data, look_for_surrogates=bool(SURROGATE_ESCAPE.search(text)))
        if problem:
            where, what = problem
            raise ValidationError({where: [what]})
        return data


class ZipParser(parsers.BaseParser):
    """A CSV export: a zip of nodes.csv and edges.csv."""

    media_type = "application/zip"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> dict[str, Any]:
        return formats.from_csv_zip(read_body(stream, "zip file"))


class GraphMLParser(parsers.BaseParser):
    """A GraphML export."""

    media_type = "application/graphml+xml"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> dict[str, Any]:
        return formats.from_graphml(read_body(stream, "GraphML file"))
