"""Fuzzing every operation of the live OpenAPI schema, anonymously and as an editor with a token.

Each operation gets generated calls (half valid for the schema, half not) against a live server holding the
seed graph. A call fails if the answer is a server error (5xx) or breaks the schema (status, content type,
headers or body not as documented). Valid calls that the API refuses with a 400 are counted too, as a sign
of an imprecise schema, but do not fail the run (a cursor must be one the API handed out; some rules span
fields). CI runs `ATC_FUZZ_CASES` (default 20) calls per operation; `make fuzz` runs 1,000 and prints a
table per operation (benchmarks/fuzz.py).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

CASES = int(os.environ.get("ATC_FUZZ_CASES", "20"))
SCHEMA_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SAMPLES = 3  # distinct failure messages kept per operation


@dataclass
class OperationTally:
    """What the generated calls of one operation got back."""

    name: str
    cases: int = 0
    server_errors: int = 0
    schema_violations: int = 0
    valid_refused: int = 0
    samples: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    def note(self, kind: str, case: schemathesis.Case, error: object) -> None:
        text = f"{kind}: {case.as_curl_command()}\n{error}"[:1500]
        if len(self.samples) < SAMPLES and text not in self.samples:
            self.samples.append(text)

    def line(self) -> str:
        return (
            f"{self.name:<48} {self.cases:>6} {self.server_errors:>5} {self.schema_violations:>6} "
            f"{self.valid_refused:>9}"
        )


def _failed(check: Callable, case: schemathesis.Case, response: schemathesis.Response) -> BaseException | None:
    try:
        case.validate_response(response, checks=[check])
    except (Failure, FailureGroup) as error:  # counted, not raised: every operation gets all its cases
        return error
    return None


# `ATC_FUZZ_PATHS`: fuzz only the operations whose paths start with one of these (comma-separated; default: all).
FUZZED_PATHS = tuple(prefix for prefix in os.environ.get("ATC_FUZZ_PATHS", "").split(",") if prefix)


def fuzz(base_url: str, *, cases: int, headers: dict[str, str] | None = None) -> list[OperationTally]:
    """Call every operation of the live schema `cases` times with generated input; return a tally per operation."""
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json", timeout=30) as response:
        schema = schemathesis.openapi.from_dict(json.load(response))
    session = requests.Session()
    tallies = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if FUZZED_PATHS and not operation.path.startswith(FUZZED_PATHS):
            continue
        tally = OperationTally(f"{operation.method.upper()} {operation.path}")
        try:
            _fuzz_operation(operation, tally, base_url=base_url, cases=cases, headers=headers, session=session)
        except Exception as error:  # noqa: BLE001  (a generation error stops this operation, not the run)
            tally.server_errors += 1
            tally.samples.append(f"the run of this operation stopped: {error!r}"[:1500])
        tallies.append(tally)
        print(tally.line(), flush=True)  # progress, for `make fuzz` (pytest -s)
    return tallies


# The generation is derandomized: the anonymous run and the editor's draw the same calls, and drawing a call costs
# about as much as sending it. So each operation's calls are drawn once per session and sent by both runs.
_generated_calls: dict[tuple[str, int], list[tuple[schemathesis.Case, bool]]] = {}


def generated_calls(operation: schemathesis.APIOperation, *, cases: int) -> list[tuple[schemathesis.Case, bool]]:
    """Return `cases` generated calls of `operation`, half valid for the schema and half not, each with whether it
    is valid: the same calls every time (drawn on the first)."""
    key = (operation.label, cases)
    if key not in _generated_calls:
        drawn: list[tuple[schemathesis.Case, bool]] = []
        generated = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE).map(lambda case: (case, True)),
            operation.as_strategy(GenerationMode.NEGATIVE).map(lambda case: (case, False)),
        )

        @settings(
            max_examples=cases,
            deadline=None,
            phases=[Phase.generate],
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(generated=generated)
        def draw(generated: tuple[schemathesis.Case, bool]) -> None:
            drawn.append(generated)

        draw()
        _generated_calls[key] = drawn
    return _generated_calls[key]


def _fuzz_operation(
    operation: schemathesis.APIOperation,
    tally: OperationTally,
    *,
    base_url: str,
    cases: int,
    headers: dict[str, str] | None,
    session: requests.Session,
) -> None:
    previous = None
    for case, valid in generated_calls(operation, cases=cases):
        tally.cases += 1
        try:
            response = case.call(base_url=base_url, headers=headers, session=session, timeout=60)
        except requests.RequestException as error:  # no answer at all: as bad as a 5xx
            tally.server_errors += 1
            # The call before shared the connection, and may be what left it unusable.
            before = f"\nafter: {previous.as_curl_command()}" if previous is not None else ""
            tally.note("no answer", case, f"{error}{before}")
            continue
        finally:
            previous = case
        if error := _failed(not_a_server_error, case, response):
            tally.server_errors += 1
            tally.note("server error", case, error)
        schema_errors = [error for check in SCHEMA_CHECKS if (error := _failed(check, case, response))]
        if schema_errors:
            tally.schema_violations += 1
            tally.note("schema violation", case, schema_errors[0])
        if valid and response.status_code == 400:
            tally.valid_refused += 1
            if len(tally.refusals) < SAMPLES:
                tally.refusals.append(f"{case.as_curl_command()}\n→ {response.text[:300]}")


def report(title: str, tallies: list[OperationTally]) -> str:
    """Return the tallies as a table, one operation a line, then the sampled failures."""
    lines = [title, f"{'operation':<48} {'cases':>6} {'5xx':>5} {'schema':>6} {'valid→400':>9}"]
    lines += [tally.line() for tally in tallies]
    total = [
        sum(getattr(t, name) for t in tallies)
        for name in ("cases", "server_errors", "schema_violations", "valid_refused")
    ]
    lines.append(f"{'total':<48} {total[0]:>6} {total[1]:>5} {total[2]:>6} {total[3]:>9}")
    for tally in tallies:
        lines += [f"--- {tally.name}\n{sample}" for sample in tally.samples]
    for tally in tallies:
        lines += [f"--- {tally.name}, valid but refused:\n{sample}" for sample in tally.refusals]
    return "\n".join(lines)


def assert_clean(title: str, tallies: list[OperationTally]) -> None:
    table = report(title, tallies)
    print("\n" + table, flush=True)
    assert not any(t.server_errors or t.schema_violations for t in tallies), table


@pytest.mark.django_db(transaction=True)
def test_no_anonymous_call_gets_a_server_error_or_an_answer_off_the_schema(live_server, seed_graph):
    assert_clean(f"Anonymous, {CASES} cases per operation", fuzz(live_server.url, cases=CASES))


@pytest.mark.django_db(transaction=True)
def test_no_editors_call_gets_a_server_error_or_an_answer_off_the_schema(live_server, seed_graph):
    token = Token.objects.create(user=user_with("fuzzing-editor", *ALL_WRITE_PERMISSIONS)).key

    tallies = fuzz(live_server.url, cases=CASES, headers={"Authorization": f"Token {token}"})

    assert_clean(f"Editor (token), {CASES} cases per operation", tallies)
