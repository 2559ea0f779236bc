"""Every Cypher query of the app passes Neo4j 5's own linter: no syntax Neo4j rejects, no deprecations.

Queries are collected from the app's code (`orgs/`) in three ways: string constants that hold a whole statement,
whole statements written inline in a function, and the query-building functions called with every value of the
vocabulary they accept (the admin's querysets' builders too); the admin's querysets are also built over every
lookup, ordering and slice they offer, so the conditions they compile are linted in place. A scan of the source
finds every piece of text that starts a Cypher statement; a piece that none of the three reaches fails the test,
so a new query cannot go unlinted.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db.models import Q
from neomodel import ArrayProperty

from orgs.admin.backend import GraphQuerySet
from orgs.admin.queries import LOOKUPS
from orgs.models import NODE_CLASSES, Organization
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

pytestmark = pytest.mark.no_graph

ROOT = Path(__file__).resolve().parent.parent
LINTER = ROOT / "tools" / "cypher-lint"
APP_PACKAGE = "orgs"
CLAUSE = re.compile(r"^\s*(MATCH|OPTIONAL MATCH|UNWIND|CALL|CREATE|MERGE|RETURN|WITH|DROP|SHOW)\s+\S")

# Functions whose text arguments are ArcadeDB SQL sent over HTTP, not Cypher.
SQL_RUNNERS = {"_arcadedb_sql"}

# The values each query-building function's parameters are tried with, by parameter name.
ARGUMENT_VALUES: dict[str, list[Any]] = {
    "label": [label.value for label in NodeLabel],
    "start_label": ["Organization", "Event"],
    "end_label": ["Organization", "Country"],
    "relationship_type": list(RELATIONSHIP_TYPES),
    "name": list(RELATIONSHIP_TYPES),
    "prop": ["uid", "name", "degree"],
    "searching": [True, False],
    "sort": ["relevance", "name", "relationships"],
    "by_kind": [True, False],
    "by_country": [False, True],
    "by_relationship_type": [True, False],
    "by_as_of": [False, True],
    "single_source": [False, True],
    "keyset": [False, True],
    "max_length": [1, 6],
    "relationship_types": [[], ["COLLABORATES_WITH", "MEMBER_OF"]],
    "descending": [False, True],
    "window": [False, True],
    "index_pages": [True, False],
    "anchor": ["from", "to", "node"],
    "fields": [("name", "aliases", "degree")],
    "shared": [(), ("added_by", "added_at")],
    "conditions": [[], ["n.uid = $p0", "n.name IN $p1"]],
    "by_uid": [False, True],
    "ordering": [("uid",), ("-name", "uid")],
    "inclusive": [False, True],
}


# --- Where the code writes Cypher ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryText:
    """A piece of text in the source that starts a Cypher statement."""

    module: str
    home: str  # `module.NAME` (a constant), `module.function` or `module.Class.method`; `module` elsewhere
    line: int
    text: str
    whole: bool  # the statement itself, not a piece that code completes (an f-string's part, a concatenation)
    inline: bool  # written where it runs (in a function, or at the top level unnamed), not as a constant


def query_texts(module: str, source: str) -> list[QueryText]:
    """Return every text literal of `source` (the module `module`) that starts a Cypher statement, except
    docstrings and the SQL given to SQL_RUNNERS."""
    tree = ast.parse(source)
    parent_of = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CLAUSE.match(node.value)):
            continue
        parent = parent_of.get(node)
        if isinstance(parent, ast.Expr) or _is_sql(node, parent_of):
            continue
        whole = not isinstance(parent, ast.JoinedStr | ast.BinOp | ast.Attribute)
        home, inline = _home(module, node, parent_of)
        found.append(QueryText(module, home, node.lineno, node.value, whole, inline))
    return found


def _home(module: str, node: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> tuple[str, bool]:
    """Return the name of what holds `node` (its enclosing functions and classes, else the module-level name
    it is assigned to, else the module) and whether that is a function, a class or the module."""
    names: list[str] = []
    constant = None
    while node in parent_of:
        node = parent_of[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.insert(0, node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            constant = target.id if isinstance(target, ast.Name) else None
    if names or constant is None:
        return ".".join([module, *names]), True
    return f"{module}.{constant}", False


def _is_sql(node: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> bool:
    while node in parent_of:
        parent = parent_of[node]
        if isinstance(parent, ast.Call) and node is not parent.func:
            function = parent.func
            name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
            return name in SQL_RUNNERS
        node = parent
    return False


def app_query_texts() -> list[QueryText]:
    """Return the query texts of every module of the app."""
    found = []
    for path in sorted((ROOT / APP_PACKAGE).rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found += query_texts(module, path.read_text(encoding="utf-8"))
    return found


# --- The queries, collected ----------------------------------------------------------------------------------


def project_queries() -> tuple[dict[str, str], set[str]]:
    """Return {a readable name: query text} for every query the app can run, and the homes (see QueryText)
    whose queries those are."""
    queries: dict[str, str] = {}
    covered: set[str] = set()
    texts = app_query_texts()
    for text in texts:
        if text.whole and text.inline:
            queries[f"{text.home} (line {text.line})"] = text.text
    for module_name in sorted({text.module for text in texts}):
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            home = f"{module_name}.{name}"
            if isinstance(value, str) and CLAUSE.match(value):
                queries[home] = value
                covered.add(home)
            elif inspect.isfunction(value) and value.__module__ == module_name and _builds_a_query(value):
                built = _built_queries(home, value)
                queries.update(built)
                if built:
                    covered.add(home)
    queries.update(admin_queries())
    return queries, covered


def _builds_a_query(function: Any) -> bool:
    signature = inspect.signature(function)
    returns_text = signature.return_annotation in ("str", str)
    only_vocabulary = all(p in ARGUMENT_VALUES for p in signature.parameters)
    return returns_text and only_vocabulary and bool(signature.parameters)


def _built_queries(home: str, function: Any) -> dict[str, str]:
    """Return what `function` builds with every value of each of its parameters once (not every combination:
    the linter is slow); {} when what it returns is not a statement (a fragment that others complete)."""
    parameters = list(inspect.signature(function).parameters)
    built = {}
    for round_number in range(max(len(ARGUMENT_VALUES[p]) for p in parameters)):
        arguments = {p: ARGUMENT_VALUES[p][round_number % len(ARGUMENT_VALUES[p])] for p in parameters}
        query = function(**arguments)
        if not CLAUSE.match(query):
            return {}
        built[f"{home}({arguments})"] = query
    return built


def admin_queries() -> dict[str, str]:
    """Return the Cypher the admin's querysets run (built by `orgs.admin.queries`, whose builders the collection
    covers too): for each node class, all of them, by uid, combined and negated conditions, ordered and sliced;
    on organizations, every lookup the admin offers on a text and on a list property (ANDed in one query) and
    every relationship type (the queryset writes these the same for every class, and the linter takes seconds
    for a long query)."""
    queries: dict[str, str] = {}
    for model in NODE_CLASSES.values():
        properties = model.defined_properties(aliases=False, rels=False)
        text_property = next(name for name, prop in properties.items() if not isinstance(prop, ArrayProperty))
        everything = GraphQuerySet(model)
        querysets = {
            "all": everything,
            "by pk": everything.filter(pk="u-1"),
            "by pks": everything.filter(pk__in=["u-1", "u-2"]),
            "combined and negated": everything.filter(
                Q(**{text_property: "a"}) | ~Q(**{f"{text_property}__isnull": True})
            ).filter(~Q(**{f"{text_property}__icontains": "a"})),
            "ordered and sliced": everything.order_by(*[f"-{name}" for name in properties], "pk")[20:40],
            "from an offset": everything[5:],
        }
        for description, queryset in querysets.items():
            queries[f"admin {model.__name__} {description}"] = queryset.nodes_query()[0]
        queries[f"admin {model.__name__} count"] = everything.filter(pk="u-1").count_query()[0]
    organizations = GraphQuerySet(Organization)
    every_lookup: dict[str, Any] = {}
    for name in ("name", "aliases"):
        for lookup in sorted(LOOKUPS):
            value = ["a", "b"] if lookup == "in" else True if lookup == "isnull" else "a"
            try:
                organizations.filter(**{f"{name}__{lookup}": value})
            except FieldError:
                continue  # a lookup a list does not take (the admin refuses it the same way)
            every_lookup[f"{name}__{lookup}"] = value
    queries["admin Organization by every lookup"] = organizations.filter(**every_lookup).nodes_query()[0]
    for relationship_type in RELATIONSHIP_TYPES:
        queries[f"admin Organization related by {relationship_type}"] = organizations.where_related(
            relationship_type, "u-1"
        ).nodes_query()[0]
    return queries


def uncovered(texts: list[QueryText], covered: set[str]) -> list[QueryText]:
    """Return the pieces of `texts` that no collected query comes from: neither a whole statement written
    inline (linted as it is) nor in a home whose queries were collected."""
    return [
        text
        for text in texts
        if not (text.whole and text.inline)
        and not any(text.home == home or text.home.startswith(f"{home}.") for home in covered)
    ]


# --- The tests -----------------------------------------------------------------------------------------------


def test_the_collection_finds_the_queries_of_every_layer():
    names = set(project_queries()[0])

    assert any(name.startswith("orgs.graph.queries.merge_relationships(") for name in names)
    assert any(name.startswith("orgs.graph.queries.create_nodes(") for name in names)
    assert any(name.startswith("orgs.graph.queries.range_index(") for name in names)
    assert any(name.startswith("orgs.graph.queries.unique_constraint(") for name in names)
    assert "orgs.graph.queries.LIVE_COUNTS" in names
    assert "orgs.selectors.nodes.NODE_PROFILE" in names
    assert any(name.startswith("orgs.selectors.paths.paths_query(") for name in names)
    assert "orgs.graph.queries.NEO4J_FULLTEXT_INDEX_DDL" in names
    assert any(name.startswith("orgs.graph.embedded.wait_for_bolt (line") for name in names)
    assert "admin Organization by every lookup" in names
    assert "admin Organization related by LOCATED_IN" in names
    assert "admin Country count" in names
    assert any(name.startswith("orgs.admin.queries.nodes_query(") for name in names)
    assert any(name.startswith("orgs.admin.queries.nodes_count_query(") for name in names)


def test_every_piece_of_cypher_in_the_code_is_collected():
    queries, covered = project_queries()

    missed = uncovered(app_query_texts(), covered)

    assert not missed, (
        "Cypher the lint does not reach (make it a constant, give its builder's parameters "
        "values in ARGUMENT_VALUES, or build it from one):\n"
        + "\n".join(f"  {text.home} (line {text.line}): {text.text.strip()[:60]!r}" for text in missed)
    )


def test_the_scan_finds_cypher_a_function_builds_and_leaves_out_what_is_not_cypher():
    source = '''
"""MATCH in a docstring is prose."""
WHOLE = "MATCH (n) RETURN n"
def builder(label: str, extra: int) -> str:
    return f"MATCH (n:{label}) RETURN n LIMIT {extra}"
def runner() -> None:
    cypher("RETURN 1")
    _arcadedb_sql(f"CREATE PROPERTY {LABEL}.name IF NOT EXISTS STRING")
class Backend:
    def count(self) -> str:
        return self.match() + " RETURN count(n) AS count"
'''
    texts = query_texts("sample", source)

    assert [(text.home, text.whole) for text in texts] == [
        ("sample.WHOLE", True),
        ("sample.builder", False),
        ("sample.runner", True),
        ("sample.Backend.count", False),
    ]


def test_a_builder_whose_parameters_the_lint_does_not_know_is_reported():
    texts = [
        QueryText("orgs.graph.queries", "orgs.graph.queries.range_index", 1, "CREATE INDEX ", whole=False, inline=True)
    ]

    assert uncovered(texts, covered=set()) == texts
    assert uncovered(texts, covered={"orgs.graph.queries.range_index"}) == []


def lint(payload: list[dict[str, str]], *, timeout: float) -> list[dict[str, Any]]:
    """Return the problems Neo4j's linter finds in `payload` ({name, query} each), linted by one Node process
    per core: the linter takes about half a second of CPU a query, and the queries are independent."""
    cores = os.cpu_count() or 1
    shares = [share for share in (payload[start::cores] for start in range(cores)) if share]

    def run(share: list[dict[str, str]]) -> list[dict[str, Any]]:
        done = subprocess.run(
            ["node", "lint.mjs"],
            cwd=LINTER,
            input=json.dumps(share),
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        )
        return json.loads(done.stdout)

    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        return [problem for problems in pool.map(run, shares) for problem in problems]


def test_every_query_passes_the_neo4j_5_linter():
    if not (LINTER / "node_modules").exists():
        assert shutil.which("npm"), "npm is needed to install the Cypher linter"
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=LINTER, check=True)
    names_of: dict[str, list[str]] = {}
    for name, query in project_queries()[0].items():
        names_of.setdefault(query, []).append(name)
    # Each distinct text once: the linter takes about half a second a query.
    payload = [{"name": " = ".join(names), "query": query} for query, names in names_of.items()]

    assert lint(payload, timeout=900) == []


def test_the_linter_does_catch_what_neo4j_5_rejects():
    payload = [{"name": "old", "query": "MATCH (n) WHERE exists(n.uid) RETURN id(n)"}]
    messages = [problem["message"] for problem in lint(payload, timeout=60)]
    assert any("IS NOT NULL" in message for message in messages)
    assert any("deprecated" in message for message in messages)
