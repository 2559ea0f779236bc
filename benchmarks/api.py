"""Benchmark the API against the same Cypher run directly through the neo4j driver.

    .venv/bin/python benchmarks/api.py --scale 0.1      # 10,000 organizations, 50,000 relationships
    .venv/bin/python benchmarks/api.py                  # 100,000 organizations, 500,000 relationships
    .venv/bin/python benchmarks/api.py --neo4j-server ../shared/neo4j/neo4j-test-server   # on a real Neo4j

Starts its own embedded graph server (free ports, a temporary directory, 6g heap: the import is one
transaction), or a real Neo4j with --neo4j-server, or uses the Neo4j at --neo4j-url; generates the synthetic
graph of benchmarks/synthetic.py and loads it through the import path (`import_graph`: checked and written
batch by batch in one transaction, with progress). Then, for each call,
it records the queries the API runs (text and parameters), replays exactly those through the bare neo4j
driver, and prints the median latency of both, after a warm-up of every call. The API is called through
Django's WSGI handler, as a WSGI server (gunicorn, uWSGI) calls it: every middleware, DRF, the selectors and
JSON rendering. Target: the API adds at most 30 % or 1 ms, whichever is larger.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

import neo4j  # noqa: E402

from benchmarks.synthetic import (  # noqa: E402
    CITED_SOURCE,
    HUBS,
    BenchmarkGraph,
    add_server_arguments,
    benchmark_graph,
    org_uid,
    synthetic_graph,
)
from benchmarks.wsgi_client import WsgiClient  # noqa: E402
from orgs.api.pagination import cursor_encode  # noqa: E402
from orgs.graph import name_sample  # noqa: E402
from orgs.graph.connection import cypher, read_cypher  # noqa: E402
from orgs.importer.write import import_graph  # noqa: E402
from orgs.selectors import (  # noqa: E402
    citations,
    exports,
    network,
    nodes,
    organizations,
    paths,
    relationships,
    sources,
    stats,
)

# Every module that reads the graph for the API, each holding its own reference to `read_cypher`.
READERS = (citations, exports, name_sample, network, nodes, organizations, paths, relationships, sources, stats)


def replace_read_cypher(replacement: Callable[..., list[dict[str, Any]]]) -> None:
    """Make every module of READERS run its queries through `replacement`."""
    for module in READERS:
        module.read_cypher = replacement  # type: ignore[attr-defined]


class QueryRecorder:
    """Record every (query, parameters) the selectors run while a block runs."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.results: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def __enter__(self) -> QueryRecorder:
        self.original = read_cypher

        def recording(query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
            self.calls.append((query, dict(params or {})))
            rows = self.original(query, params)
            self.results[(query, repr(sorted((params or {}).items())))] = rows
            return rows

        replace_read_cypher(recording)
        return self

    def __exit__(self, *exc: object) -> None:
        replace_read_cypher(self.original)


class RecordedGraph:
    """Answer the selectors' queries from a recording: times the API with no graph server behind it."""

    def __init__(self, results: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
        self.results = results

    def __enter__(self) -> RecordedGraph:
        self.original = read_cypher
        replace_read_cypher(lambda query, params=None: self.results[(query, repr(sorted((params or {}).items())))])
        return self

    def __exit__(self, *exc: object) -> None:
        replace_read_cypher(self.original)


def within_target(app_ms: float, raw_ms: float) -> bool:
    """Return whether a call meets its target: at most 30 % over its raw queries, or 1 ms for the cheapest."""
    return app_ms - raw_ms <= max(0.3 * raw_ms, 1.0)


def paired_medians(api: Callable[[], Any], raw: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the median ms of `api` and of `raw`, timed alternately so server drift hits both alike."""
    api_times, raw_times = [], []
    for _ in range(repeat):
        for run, times in ((api, api_times), (raw, raw_times)):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(api_times), statistics.median(raw_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 organizations, 500,000 relationships")
    parser.add_argument("--repeat", type=int, default=100, help="timed calls per case")
    parser.add_argument("--warmup", type=int, default=100, help="untimed rounds of every call first")
    add_server_arguments(parser)
    args = parser.parse_args()

    with benchmark_graph(args) as graph:
        n_orgs, n_relationships = int(100_000 * args.scale), int(500_000 * args.scale)
        print(f"Generating {n_orgs:,} organizations and {n_relationships:,} relationships …", flush=True)
        import_synthetic_graph(synthetic_graph(n_orgs, n_relationships))
        run_benchmark(graph, n_orgs, args.repeat, args.warmup)


def import_synthetic_graph(data: dict[str, Any]) -> float:
    """Import the synthetic graph `data` in one transaction, printing progress; return the seconds taken."""
    n_orgs = len(data["organizations"])
    started = time.perf_counter()
    print("Importing in one transaction (each batch written as soon as a second thread has checked it):")

    def progress(what: str, done: int, total: int) -> None:
        print(f"\r    {what:<22} {done:>8,}/{total:<8,} ({time.perf_counter() - started:5.1f} s)", end="", flush=True)

    import_graph(data, progress=progress)
    seconds = time.perf_counter() - started
    verdict = "met" if seconds <= 30 or n_orgs < 100_000 else "MISSED"
    print(f"\nImport: {seconds:.1f} s (target ≤ 30 s at full scale: {verdict})", flush=True)
    return seconds


def run_benchmark(
    graph: BenchmarkGraph, n_orgs: int, repeat: int, warmup: int, cases: list[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Time every call of `cases` (the API's by default) against its raw queries on the imported graph; print
    and return one row per call."""
    gc.collect()  # measure as a web process runs: without the import's 600,000 records in memory
    counts = (
        cypher("MATCH (o:Organization) RETURN count(o) AS n")[0]["n"],
        cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"],
    )
    print(f"Graph: {counts[0]:,} organizations, {counts[1]:,} relationships", flush=True)

    driver = neo4j.GraphDatabase.driver(graph.uri, auth=graph.auth)
    try:
        return measure(cases or api_cases(n_orgs), WsgiClient(), driver, graph.database, repeat, warmup)
    finally:
        driver.close()


def api_cases(n_orgs: int) -> list[tuple[str, str]]:
    """Return the API calls the benchmark times, (name, URL), on the imported synthetic graph."""
    hub, ordinary, deep, pair = sample_nodes(n_orgs)
    return [
        ("list, first page", "/api/organizations/?page_size=50"),
        (
            "list, deep page (90 %)",
            f"/api/organizations/?page_size=50&cursor={cursor_encode(deep['name'], deep['uid'])}",
        ),
        ("search q=", "/api/organizations/?q=regional%20police&page_size=50"),
        (f"detail, ordinary ({ordinary['uid']})", f"/api/organizations/{ordinary['uid']}/"),
        (f"detail, hub ({hub['degree']} relationships)", f"/api/organizations/{hub['uid']}/"),
        (
            "neighbourhood depth 2, cap 500",
            f"/api/organizations/{ordinary['uid']}/network/?depth=2&limit=500",
        ),
        ("paths (k=3, ≤6 hops)", f"/api/paths/?from={pair[0]}&to={pair[1]}"),
        ("relationships of a node", f"/api/relationships/?node={ordinary['uid']}"),
    ]


def page_cases(n_orgs: int) -> list[tuple[str, str]]:
    """Return the analyst pages the side-by-side comparison times, (name, URL), as `api_cases`."""
    hub, ordinary, _, pair = sample_nodes(n_orgs)
    return [
        ("page: home (hubs)", "/"),
        ("page: organization list", "/organizations/"),
        ("page: search", "/organizations/?q=regional%20police"),
        ("page: organization", f"/organizations/{ordinary['uid']}/"),
        ("page: hub organization", f"/organizations/{hub['uid']}/"),
        ("page: source, cited 10 %, first page", f"/sources/{CITED_SOURCE}/"),
        ("page: explorer JSON, depth 2", f"/explore/{ordinary['uid']}.json?depth=2"),
        ("page: paths", f"/paths/?from={pair[0]}&to={pair[1]}"),
    ]


def sample_nodes(n_orgs: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[str]]:
    """Return a hub, an ordinary organization (8–12 relationships), one 90 % down the name order, and a random pair."""
    hub = stats.hubs(limit=1)[0]
    ordinary = cypher("MATCH (o:Organization) WHERE o.degree >= 8 AND o.degree <= 12 RETURN o.uid AS uid LIMIT 1")[0]
    deep = cypher(
        "MATCH (o:Organization) RETURN o.name AS name, o.uid AS uid ORDER BY o.name, o.uid SKIP $skip LIMIT 1",
        {"skip": int(n_orgs * 0.9)},
    )[0]
    rng = random.Random(3)
    return hub, ordinary, deep, [org_uid(rng.randrange(HUBS, n_orgs)) for _ in range(2)]


def measure(
    cases: list[tuple[str, str]],
    client: WsgiClient,
    driver: neo4j.Driver,
    database: str | None,
    repeat: int,
    warmup: int,
) -> list[dict[str, Any]]:
    """Record each call's queries, warm everything up, then print each call's medians against its target and
    return them: `{"call", "queries", "api_ms", "raw_ms", "alone_ms"}` per call."""
    recorded = []
    for name, url in cases:
        assert client.get(url) == 200, url
        with QueryRecorder() as recorder:
            client.get(url)

        def raw(calls: list[tuple[str, dict[str, Any]]] = recorder.calls) -> None:
            # As the app sends them: in read mode, which a neo4j:// URL routes to a follower.
            with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
                for query, params in calls:
                    session.run(query, params).values()

        recorded.append((name, url, recorder, raw))

    # A server answers warm: its JIT has compiled the query paths and the process has run every view
    # before. Timing straight after the import measured the first few dozen calls' compilation too.
    print(f"\nWarming up: every call and its raw queries, {warmup} rounds …", flush=True)
    for _ in range(warmup):
        for _, url, _, raw in recorded:
            client.get(url)
            raw()

    print("\nAPI ms: the call through Django's WSGI handler and DRF; raw ms: the same queries through the")
    print("bare driver; API alone: the call with the graph's answers replayed from memory (the API's own cost).")
    print(
        f"\n{'call':<34} {'queries':>7} {'API ms':>8} {'raw ms':>8} {'added':>8} {'added %':>8}"
        f" {'API alone':>9}  target"
    )
    rows = []
    for name, url, recorder, raw in recorded:
        api_ms, raw_ms = paired_medians(lambda url=url: client.get(url), raw, repeat)
        with RecordedGraph(recorder.results):
            alone_ms, _ = paired_medians(lambda url=url: client.get(url), lambda: None, repeat)
        added = api_ms - raw_ms
        ok = within_target(api_ms, raw_ms)
        print(
            f"{name:<34} {len(recorder.calls):>7} {api_ms:>8.2f} {raw_ms:>8.2f} {added:>8.2f} "
            f"{100 * added / raw_ms:>7.0f}% {alone_ms:>9.2f}  {'met' if ok else 'MISSED'}",
            flush=True,
        )
        rows.append(
            {"call": name, "queries": len(recorder.calls), "api_ms": api_ms, "raw_ms": raw_ms, "alone_ms": alone_ms}
        )
    return rows


if __name__ == "__main__":
    main()
