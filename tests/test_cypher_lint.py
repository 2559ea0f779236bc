"""Every Cypher query of the project passes Neo4j 5's own linter: no syntax Neo4j rejects, no deprecations.

Queries are collected from the modules that hold them: string constants that start with a Cypher clause,
and the query-building functions, called with every value of the vocabulary they accept.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

pytestmark = pytest.mark.no_graph

LINTER = Path(__file__).resolve().parent.parent / "tools" / "cypher-lint"
QUERY_MODULES = ["orgs.cypher", "orgs.selectors", "orgs.graph"]
CLAUSE = re.compile(r"^\s*(MATCH|OPTIONAL MATCH|UNWIND|CALL|CREATE|MERGE|RETURN|WITH)\b")

# The values each query-building function's parameters are tried with, by parameter name.
ARGUMENT_VALUES: dict[str, list[Any]] = {
    "label": [label.value for label in NodeLabel],
    "start_label": ["Organization", "Event"],
    "end_label": ["Organization", "Country"],
    "rel": list(RELATIONSHIP_TYPES),
    "rel_type": list(RELATIONSHIP_TYPES),
    "name": list(RELATIONSHIP_TYPES),
    "searching": [True, False],
    "sort": ["relevance", "name", "ties"],
    "by_kind": [True, False],
    "by_country": [False, True],
    "by_rel_type": [True, False],
    "by_as_of": [False, True],
    "keyset": [False, True],
    "max_length": [1, 6],
    "rel_types": [[], ["COLLABORATES_WITH", "MEMBER_OF"]],
    "descending": [False, True],
    "window": [False, True],
    "index_pages": [True, False],
    "anchor": ["from", "to", "node"],
    "fields": [("name", "aliases", "degree")],
}


def project_queries() -> dict[str, str]:
    """Return {a readable name: query text} for every query the project can run."""
    queries: dict[str, str] = {}
    for module_name in QUERY_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and CLAUSE.match(value):
                queries[f"{module_name}.{name}"] = value
            elif inspect.isfunction(value) and value.__module__ == module_name and _builds_a_query(value):
                parameters = list(inspect.signature(value).parameters)
                # Every value of every parameter once (not every combination: the linter is slow).
                rounds = max(len(ARGUMENT_VALUES[p]) for p in parameters)
                for round_number in range(rounds):
                    arguments = {p: ARGUMENT_VALUES[p][round_number % len(ARGUMENT_VALUES[p])] for p in parameters}
                    query = value(**arguments)
                    if CLAUSE.match(query):
                        queries[f"{module_name}.{name}({arguments})"] = query
    return queries


def _builds_a_query(function: Any) -> bool:
    signature = inspect.signature(function)
    returns_text = signature.return_annotation in ("str", str)
    only_vocabulary = all(p in ARGUMENT_VALUES for p in signature.parameters)
    return returns_text and only_vocabulary and bool(signature.parameters)


def test_the_collection_finds_the_queries_of_every_layer():
    names = set(project_queries())

    assert any(name.startswith("orgs.cypher.merge_ties(") for name in names)
    assert any(name.startswith("orgs.cypher.create_nodes(") for name in names)
    assert "orgs.selectors.NODE_PROFILE" in names
    assert any(name.startswith("orgs.selectors.paths_query(") for name in names)
    assert "orgs.graph.NEO4J_FULLTEXT_INDEX_DDL" in names


def test_every_query_passes_the_neo4j_5_linter():
    if not (LINTER / "node_modules").exists():
        assert shutil.which("npm"), "npm is needed to install the Cypher linter"
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=LINTER, check=True)
    payload = [{"name": name, "query": query} for name, query in project_queries().items()]

    result = subprocess.run(["node", "lint.mjs"], cwd=LINTER, input=json.dumps(payload), capture_output=True,
                            text=True, check=True, timeout=120)

    assert json.loads(result.stdout) == []


def test_the_linter_does_catch_what_neo4j_5_rejects():
    payload = [{"name": "old", "query": "MATCH (n) WHERE exists(n.uid) RETURN id(n)"}]
    result = subprocess.run(["node", "lint.mjs"], cwd=LINTER, input=json.dumps(payload), capture_output=True,
                            text=True, check=True, timeout=60)

    messages = [problem["message"] for problem in json.loads(result.stdout)]
    assert any("IS NOT NULL" in message for message in messages)
    assert any("deprecated" in message for message in messages)
