"""Through a live server: two clients racing to create one organization, and the contract test.

The contract test loads the live OpenAPI schema and lets schemathesis call every read operation (and the
writes, anonymously and as an editor with a token) with generated input; no answer may be a server error or
break the schema.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orgs.graph.connection import cypher
from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with

# No server error, and every status, content type, header and body as the schema says. (Whether the API
# accepts every schema-valid input is not checked: a cursor must be one the API handed out, and some
# rules span fields, such as `until_before` not before `since_after`.)
CONTRACT_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


def post_json(url: str, body: dict, token: str) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_two_clients_creating_the_same_organization_at_once_leave_exactly_one(live_server):
    token = Token.objects.create(user=user_with("racer", *ALL_WRITE_PERMISSIONS)).key
    start = threading.Barrier(2)
    statuses: list[int] = []

    def create() -> None:
        start.wait()
        statuses.append(
            post_json(f"{live_server.url}/api/organizations/", {"name": "Racing Body", "kind": "unit"}, token)
        )

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201, 409]
    assert cypher("MATCH (o:Organization {name: 'Racing Body'}) RETURN count(o) AS n")[0]["n"] == 1


def contract_failures(
    base_url: str,
    *,
    writes_only: bool = False,
    headers: dict[str, str] | None = None,
    checks: list = CONTRACT_CHECKS,
    examples: int = 15,
    statuses: Counter | None = None,
) -> list[str]:
    """Return, per operation of the live schema, what schemathesis found wrong with its generated calls;
    count the (method, status) of every answer in `statuses`."""
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json", timeout=30) as response:
        schema = schemathesis.openapi.from_dict(json.load(response))
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/auth/token/" or (writes_only and operation.method.upper() == "GET"):
            continue

        @settings(
            max_examples=examples,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call_and_validate(base_url=base_url, headers=headers, checks=checks)
            if statuses is not None:
                statuses[(case.method.upper(), response.status_code)] += 1

        try:
            check()
        except Exception as error:  # noqa: BLE001  (collect every operation's failure, then report them all)
            failures.append(f"{operation.method.upper()} {operation.path}: {error}"[:3000])
    return failures


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_its_published_contract(live_server, seed_graph):
    failures = contract_failures(live_server.url)

    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_its_contract_for_an_editor_who_writes(live_server, seed_graph):
    token = Token.objects.create(user=user_with("contract-editor", *ALL_WRITE_PERMISSIONS)).key
    writing_checks = [check for check in CONTRACT_CHECKS if check is not ignored_auth]

    statuses: Counter = Counter()

    failures = contract_failures(
        live_server.url,
        writes_only=True,
        headers={"Authorization": f"Token {token}"},
        checks=writing_checks,
        examples=10,
        statuses=statuses,
    )

    assert not failures, "\n\n".join(failures)
    written = {method for (method, status), count in statuses.items() if 200 <= status < 300}
    assert {"POST", "PATCH"} <= written, statuses  # generated input got past validation, not only refusals
