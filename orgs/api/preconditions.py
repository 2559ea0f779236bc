"""Optimistic concurrency over HTTP: a node's or relationship's version as its ETag, `If-Match` on writes.

A GET of one node or relationship answers `ETag: "<version>"`. A PUT, PATCH or DELETE that sends `If-Match`
is carried out only if the version is still one it names (checked in the write's own transaction); otherwise
the service raises StaleVersion and the API answers 412. Without `If-Match` the write goes ahead whatever the
version (the last writer wins), so clients that read, change and write back send it.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request

from orgs.api.serializers import ErrorSerializer
from orgs.validation import ValidationFailed

# An entity tag (RFC 9110: any visible character but the quote, so commas too, which is why the list is read by
# this pattern, not split on commas), and the header: "*" or a list of them.
ENTITY_TAG = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]*)"')
IF_MATCH_FORM = re.compile(rf"^[ \t]*(\*|{ENTITY_TAG.pattern}([ \t]*,[ \t]*{ENTITY_TAG.pattern})*)[ \t]*$")
VERSION_TAG = re.compile(r"^[0-9]{1,18}$")


def etag(version: Any) -> str:
    """Return the ETag header value of `version` (0 for a node or relationship written before versions)."""
    return f'"{int(version or 0)}"'


def expected_versions(request: Request) -> frozenset[int] | None:
    """Return the versions the request's `If-Match` accepts: None when it sends none (or `*`: any version).

    Weak tags and tags this API never sends match no version (If-Match compares strongly), so the write is
    refused; a header that is not a list of entity tags is a 400.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    if not IF_MATCH_FORM.fullmatch(header):
        raise ValidationFailed(
            {"If-Match": ['expected "*" or entity tags as the ETag header gives them, e.g. "3" (quotes included)']}
        )
    return frozenset(int(tag) for weak, tag in ENTITY_TAG.findall(header) if not weak and VERSION_TAG.fullmatch(tag))


IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_FORM.pattern},
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag of your last GET (e.g. `"3"`): the write is carried out only if nobody has written '
    "since, else 412 and nothing is written. Without it the write goes ahead whatever the version.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description='The version of this node or relationship, quoted (e.g. `"3"`): send it back in `If-Match`.',
)
PRECONDITION_FAILED = {
    412: OpenApiResponse(
        ErrorSerializer,
        description="`If-Match` names an older version: someone wrote since you read. Nothing was written; "
        "GET again (its ETag is the current version) and redo your change.",
    )
}
