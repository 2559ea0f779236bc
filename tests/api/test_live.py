"""Through a live server: two clients racing to create one organization, and the contract test.

The contract test loads the live OpenAPI schema and lets schemathesis call every read operation (and the
writes, anonymously) with generated input; no answer may be a server error or break the schema.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

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

from orgs.graph import cypher
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


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_its_published_contract(live_server, seed_graph):
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json", timeout=30) as response:
        raw_schema = json.load(response)
    schema = schemathesis.openapi.from_dict(raw_schema)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in {"/api/auth/token/"}:
            continue

        @settings(
            max_examples=15,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.call_and_validate(base_url=live_server.url, checks=CONTRACT_CHECKS)

        try:
            check()
        except Exception as error:  # noqa: BLE001  (collect every operation's failure, then report them all)
            failures.append(f"{operation.method.upper()} {operation.path}: {error}"[:3000])
    assert not failures, "\n\n".join(failures)
