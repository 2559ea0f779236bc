"""Bulk import benchmark (issue 13): the same synthetic graph imported with one citation per relationship and with
1.6 on average (1–3 each), side by side in one run.

    .venv/bin/python benchmarks/import_citations.py                 # --scale 0.1: 10,000 bodies, 50,000 relationships
    .venv/bin/python benchmarks/import_citations.py --scale 1 --rounds 1

Builds the synthetic graph of benchmarks/synthetic.py twice: with its one to three citations per relationship
(1.6 on average), and the same graph with only the first citation of each. Starts one embedded graph server (or
the Neo4j `--neo4j-server`/`--neo4j-url` chooses) and imports each variant `--rounds` times through the app
(`import_graph`: checked, anchored, one transaction, all or nothing), emptying the graph and installing the
schema (its Citation indexes too) before each, the two variants alternating so that the machine's other load
weighs on both alike. Prints each import's seconds, the medians and their ratio. Target (issue 13): the 1.6
import within 1.2× of the 1.0 one.
The synthetic sources have no text, so the citations are not anchored: the writes are measured, not the search of
passages in texts (`anchor_citation` is one `str.find` per citation).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

from benchmarks.synthetic import add_server_arguments, benchmark_graph, synthetic_graph  # noqa: E402
from orgs.graph.connection import cypher  # noqa: E402
from orgs.graph.schema import erase_graph, install_schema  # noqa: E402
from orgs.importer.write import import_graph  # noqa: E402

TARGET_RATIO = 1.2


def timed_import(data: dict[str, Any]) -> float:
    """Return the seconds `import_graph(data)` takes on an empty graph with the schema installed."""
    erase_graph()
    install_schema()
    gc.collect()
    started = time.perf_counter()
    import_graph(data)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 100,000 organizations, 500,000 relationships")
    parser.add_argument("--rounds", type=int, default=3, help="imports of each variant, alternating")
    add_server_arguments(parser)
    args = parser.parse_args()

    sizes = int(100_000 * args.scale), int(500_000 * args.scale)
    variants = {"1.0": synthetic_graph(*sizes, several_citations=False), "1.6": synthetic_graph(*sizes)}
    for name, data in variants.items():
        citations = sum(len(record["citations"]) for record in data["relationships"])
        print(
            f"{name} citations per relationship: {len(data['relationships']):,} relationships, "
            f"{citations:,} citations ({citations / len(data['relationships']):.2f} each)"
        )
    times: dict[str, list[float]] = {name: [] for name in variants}
    with benchmark_graph(args) as graph:
        print(f"Importing on {graph.name}, {args.rounds} round(s), the variants alternating …", flush=True)
        for round_number in range(args.rounds):
            order = list(variants) if round_number % 2 == 0 else list(reversed(variants))
            for name in order:
                seconds = timed_import(variants[name])
                times[name].append(seconds)
                print(f"  round {round_number + 1}: {name}: {seconds:6.1f} s", flush=True)
                stored = cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"]
                assert stored == sum(len(r["citations"]) for r in variants[name]["relationships"]), stored
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["1.6"] / medians["1.0"]
    print(
        f"Median import: 1.0 citations {medians['1.0']:.1f} s, 1.6 citations {medians['1.6']:.1f} s: "
        f"{ratio:.2f}× (target ≤ {TARGET_RATIO}×) — {'met' if ratio <= TARGET_RATIO else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
