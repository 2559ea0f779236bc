"""Benchmark the embedded server and a real Neo4j at the same scale, and print the two side by side.

    .venv/bin/python benchmarks/compare.py --scale 1 --neo4j-server ../shared/neo4j/neo4j-test-server
    make bench-both SCALE=1

For each server in turn (each in a process of its own, started and stopped here), it generates the synthetic
graph of benchmarks/synthetic.py (1.6 citations per relationship), loads it once with a plain `UNWIND` load
through the bare driver (the file's rows as they are, ends found by uid, a Citation node per citation, one
transaction), empties the graph, imports it through the app (`import_graph`: checked, search text and degrees
computed, one transaction), then times every API call and every analyst page against the same queries replayed
through the bare driver (benchmarks/api.py), and the pages' graph reads (benchmarks/pages.py). The resident
memory of the server process is read when the server is up, after the import and at the end. Every figure is
also given as a ratio measured in the same run: the app against its raw queries, the import against the plain
load. Targets: each call within 1.3× of its raw queries (or 1 ms over, for the cheapest), the import no slower
than the plain load; and issue 13's: the hub page and the hub's API detail within 1.3× of their raw queries,
the first page of the source cited by one relationship in ten within 3× of an ordinary organization page.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

BATCH = 5000
# Issue 13's figures, each a ratio of the calls' medians (by name, as the side by side shows them) and its target.
ISSUE_13_RATIOS: list[tuple[str, Callable[[dict[str, dict[str, Any]]], float], float]] = [
    ("hub page / its raw queries", lambda calls: app_over_raw(calls["page: hub organization"]), 1.3),
    ("hub API detail / its raw queries", lambda calls: app_over_raw(calls["detail, hub"]), 1.3),
    (
        "source page / organization page",
        lambda calls: calls["page: source, cited 10 %, first page"]["api_ms"] / calls["page: organization"]["api_ms"],
        3.0,
    ),
]
SECTION_LABELS = {
    "sources": "Source",
    "countries": "Country",
    "organizations": "Organization",
    "events": "Event",
    "documents": "Document",
}


def app_over_raw(row: dict[str, Any]) -> float:
    """Return a timed call's app median over its raw queries' (a row of `benchmarks.api.measure`)."""
    return float(row["api_ms"] / row["raw_ms"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 organizations, 500,000 relationships")
    parser.add_argument("--repeat", type=int, default=50, help="timed calls per case")
    parser.add_argument("--warmup", type=int, default=30, help="untimed rounds of every call first")
    parser.add_argument(
        "--heap",
        default="6g",
        help="each server's heap (the import is one transaction: Neo4j ran out of 4g at scale 1, 1.6 citations each)",
    )
    parser.add_argument(
        "--neo4j-server",
        type=Path,
        required=True,
        metavar="LAUNCHER",
        help="the launcher of a throwaway Neo4j (../shared/neo4j/neo4j-test-server)",
    )
    parser.add_argument("--only", choices=["embedded", "neo4j"], help=argparse.SUPPRESS)  # one server's run
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        result = run_one(args)
        args.json.write_text(json.dumps(result))
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="atc-compare-") as folder:
        for server in ("embedded", "neo4j"):
            out = Path(folder) / f"{server}.json"
            print(f"\n=== {server} ===", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--only",
                    server,
                    "--json",
                    str(out),
                    "--scale",
                    str(args.scale),
                    "--repeat",
                    str(args.repeat),
                    "--warmup",
                    str(args.warmup),
                    "--heap",
                    args.heap,
                    "--neo4j-server",
                    str(args.neo4j_server),
                ],
                check=True,
            )
            results[server] = json.loads(out.read_text())
    print_side_by_side(results["embedded"], results["neo4j"], args.scale)


def run_one(args: argparse.Namespace) -> dict[str, Any]:
    """Run every measurement on one server (args.only); return them."""
    import django

    django.setup()
    import neo4j

    from benchmarks import api, pages
    from benchmarks.synthetic import benchmark_graph, synthetic_graph
    from orgs.graph.neo4j_server import resident_mb
    from orgs.graph.schema import erase_graph, install_schema
    from orgs.importer.write import import_graph

    server_args = argparse.Namespace(
        heap=args.heap, neo4j_url=None, neo4j_server=args.neo4j_server if args.only == "neo4j" else None
    )
    n_orgs, n_relationships = int(100_000 * args.scale), int(500_000 * args.scale)
    with benchmark_graph(server_args) as graph:
        assert graph.pid is not None
        memory = {"idle": resident_mb(graph.pid)}
        driver = neo4j.GraphDatabase.driver(graph.uri, auth=graph.auth)

        def emptied() -> None:
            if args.only == "embedded":  # the database dropped and made again, as the tests do
                erase_graph()
                install_schema()
            else:
                empty_graph(driver, graph.database)

        try:
            # Both loads once on a small graph first: the server's JIT then has compiled both paths, and neither
            # timed load pays for it (the first load on a fresh server was twice as slow as the second).
            print("Warming up: the plain load and the import of a small graph …", flush=True)
            small = synthetic_graph(max(1000, n_orgs // 50), max(5000, n_relationships // 50))
            plain_load(driver, graph.database, small)
            emptied()
            import_graph(small)
            emptied()
            print(f"Generating {n_orgs:,} organizations and {n_relationships:,} relationships …", flush=True)
            data = synthetic_graph(n_orgs, n_relationships)
            plain_s = plain_load(driver, graph.database, data)
            print(f"Plain UNWIND load: {plain_s:.1f} s", flush=True)
            emptied()
        finally:
            driver.close()
        import_s = api.import_synthetic_graph(data)
        del data
        gc.collect()
        memory["after import"] = resident_mb(graph.pid)
        calls = api.run_benchmark(
            graph, n_orgs, args.repeat, args.warmup, cases=api.api_cases(n_orgs) + api.page_cases(n_orgs)
        )
        reads = pages.report(min(args.repeat, 30), n_orgs)
        memory["end"] = resident_mb(graph.pid)
    return {
        "server": graph.name,
        "plain_s": plain_s,
        "import_s": import_s,
        "calls": calls,
        "reads": reads,
        "memory": memory,
    }


def plain_load(driver: Any, database: str | None, data: dict[str, Any]) -> float:
    """Write the graph file's rows as they are, with plain `UNWIND` batches in one transaction (nodes created
    with their fields; relationships by their ends' uids, each with a uid, its first citation's `since` and its
    sources; a Citation node per citation with its relationship's keys and reading key); return the seconds taken."""
    from orgs.validation import reading_key

    started = time.perf_counter()
    with driver.session(database=database) as session, session.begin_transaction() as tx:
        for section, label in SECTION_LABELS.items():
            rows = data.get(section) or []
            for start in range(0, len(rows), BATCH):
                tx.run(
                    f"UNWIND $rows AS row CREATE (n:Node:{label}) SET n = row", rows=rows[start : start + BATCH]
                ).consume()
        by_type: dict[str, list[dict[str, Any]]] = {}
        citations: list[dict[str, Any]] = []
        for number, record in enumerate(data["relationships"]):
            uid = f"rel-{number}"
            sources = sorted({citation["source"] for citation in record["citations"]})
            since = {"since": record["citations"][0]["since"]} if "since" in record["citations"][0] else {}
            by_type.setdefault(record["type"], []).append(
                {
                    "from": record["from"],
                    "to": record["to"],
                    "props": {"uid": uid, "source_count": len(sources), "source_uids": sources, **since},
                }
            )
            for index, citation in enumerate(record["citations"]):
                citations.append(
                    {
                        "uid": f"{uid}-{index}",
                        "relationship_uid": uid,
                        "relationship_type": record["type"],
                        "start_uid": record["from"],
                        "end_uid": record["to"],
                        "source_uid": citation["source"],
                        "reading_key": reading_key(citation["source"], citation.get("start"), f"{uid}-{index}"),
                        **{key: value for key, value in citation.items() if key != "source"},
                    }
                )
        for relationship_type, rows in by_type.items():
            for start in range(0, len(rows), BATCH):
                tx.run(
                    f"UNWIND $rows AS row MATCH (a:Node {{uid: row.from}}) MATCH (b:Node {{uid: row.to}}) "
                    f"CREATE (a)-[r:{relationship_type}]->(b) SET r = row.props",
                    rows=rows[start : start + BATCH],
                ).consume()
        for start in range(0, len(citations), BATCH):
            batch = citations[start : start + BATCH]
            tx.run("UNWIND $rows AS row CREATE (c:Citation) SET c = row", rows=batch).consume()
        tx.commit()
    return time.perf_counter() - started


def empty_graph(driver: Any, database: str | None) -> None:
    """Delete every node and relationship, a batch at a time (the schema stays)."""
    with driver.session(database=database) as session:
        while session.run("MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS n").single()["n"]:
            pass


def print_side_by_side(embedded: dict[str, Any], neo: dict[str, Any], scale: float) -> None:
    from benchmarks.api import within_target

    print(f"\nScale {scale:g}: {int(100_000 * scale):,} organizations, {int(500_000 * scale):,} relationships")
    print(f"\n{'':36} {embedded['server']:>30} {neo['server']:>30}")
    print(f"{'':36} {'app ms':>9} {'raw ms':>9} {'ratio':>6} {'':4} {'app ms':>9} {'raw ms':>9} {'ratio':>6}")

    def cell(row: dict[str, Any]) -> str:
        verdict = "met" if within_target(row["api_ms"], row["raw_ms"]) else "MISS"
        return f"{row['api_ms']:9.2f} {row['raw_ms']:9.2f} {row['api_ms'] / row['raw_ms']:6.2f} {verdict:4}"

    def short(call: str) -> str:
        return call.split(" (")[0] if call.startswith("detail") else call

    embedded_calls, neo_calls = ({short(row["call"]): row for row in result["calls"]} for result in (embedded, neo))
    for name, row in embedded_calls.items():
        if name in neo_calls:
            print(f"{name:36} {cell(row)} {cell(neo_calls[name])}")

    print(f"\n{'issue 13: ratio (target)':36} {'':>30} {'':>30}")
    for name, ratio_of, target in ISSUE_13_RATIOS:
        ratios = [ratio_of(embedded_calls), ratio_of(neo_calls)]
        cells = [f"{ratio:.2f} {'met' if ratio <= target else 'MISS':4}" for ratio in ratios]
        print(f"{f'{name} (≤ {target:g}×)':36} {cells[0]:>30} {cells[1]:>30}")

    def load(result: dict[str, Any]) -> str:
        ratio = result["import_s"] / result["plain_s"]
        return (
            f"{result['import_s']:7.1f} s vs {result['plain_s']:6.1f} s {ratio:5.2f} {'met' if ratio <= 1 else 'MISS'}"
        )

    print(f"\n{'import vs plain UNWIND load':36} {load(embedded):>30} {load(neo):>30}")
    print(f"\n{'graph reads of the pages (ms)':36} {'':>30} {'':>30}")
    for (name, a), (_, b) in zip(embedded["reads"], neo["reads"], strict=True):
        print(f"{name:36} {a:30.1f} {b:30.1f}")
    print(f"\n{'server resident memory (MB)':36}")
    for moment in embedded["memory"]:
        print(f"{moment:36} {embedded['memory'][moment]:30.0f} {neo['memory'][moment]:30.0f}")


if __name__ == "__main__":
    main()
