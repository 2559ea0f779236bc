"""Benchmark whole-graph exports and the statistics answers on a synthetic graph; print times and memory.

    .venv/bin/python benchmarks/exports.py                  # exports at 20,000 organizations (scale 0.2)
    .venv/bin/python benchmarks/exports.py --stats-scale 1  # then stats and home page at 100,000 (~1 min more)

Starts its own embedded graph server (free ports, a temporary directory; --heap, default 512m as `make run`)
and imports the synthetic graph of benchmarks/synthetic.py. Then, through Django's WSGI handler as a WSGI
server calls it:
- each export format once, timed, then once more under tracemalloc for the peak Python memory it allocates;
- 4 exports at once (one per thread, JSON, CSV, GraphML and JSON again), one of them read slowly, as a slow
  client would: each must answer 200 with a whole body;
- /api/stats/ and the home page (median of --repeat), with the graph queries they send.
With --stats-scale the graph is emptied and a graph of that scale imported for the statistics part (the
import of scale 1 takes about 30 s and wants --heap 4g). This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from wsgiref.util import setup_testing_defaults

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402

from benchmarks.synthetic import embedded_graph, synthetic_graph  # noqa: E402
from orgs.graph.connection import recorded_queries  # noqa: E402
from orgs.graph.schema import erase_graph, install_schema  # noqa: E402
from orgs.importer.write import import_graph  # noqa: E402
from orgs.selectors.stats import graph_counts  # noqa: E402

FORMATS = ("json", "csv", "graphml")
HANDLER = WSGIHandler()


def download(url: str, *, pause: float = 0.0) -> tuple[int, int]:
    """GET `url` through the WSGI handler, reading the body chunk by chunk (`pause` seconds between chunks,
    as a slow client); return (status, body bytes)."""
    path, _, query = url.partition("?")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    response = HANDLER(environ, lambda status, headers, exc_info=None: statuses.append(status))
    size = 0
    try:
        for chunk in response:
            size += len(chunk)
            if pause:
                time.sleep(pause)
    finally:
        response.close()
    return int(statuses[0].split()[0]), size


def import_scale(scale: float) -> None:
    started = time.perf_counter()
    import_graph(synthetic_graph(int(100_000 * scale), int(500_000 * scale)))
    counts = graph_counts()
    print(
        f"Imported {sum(counts['nodes'].values()):,} nodes and {sum(counts['relationships'].values()):,} "
        f"relationships in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def exports() -> None:
    print(f"\n{'export':10} {'status':>6} {'MB out':>8} {'seconds':>8} {'peak MB (tracemalloc)':>22}")
    for name in FORMATS:
        started = time.perf_counter()
        status, size = download(f"/api/export/?format={name}")
        seconds = time.perf_counter() - started
        tracemalloc.start()
        download(f"/api/export/?format={name}")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{name:10} {status:6} {size / 1e6:8.1f} {seconds:8.1f} {peak / 1e6:22.1f}", flush=True)

    results: list[tuple[str, int, int, float]] = []

    def one(name: str, pause: float) -> None:
        started = time.perf_counter()
        status, size = download(f"/api/export/?format={name}", pause=pause)
        results.append((f"{name}{' (slow reader)' if pause else ''}", status, size, time.perf_counter() - started))

    threads = [
        threading.Thread(target=one, args=(name, pause))
        for name, pause in (("json", 0.0), ("csv", 0.0), ("graphml", 0.0), ("json", 0.05))
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"\n4 exports at once, {time.perf_counter() - started:.1f} s in all:")
    for name, status, size, seconds in results:
        print(f"  {name:22} status {status}  {size / 1e6:6.1f} MB  {seconds:5.1f} s")
    print(f"  all succeeded: {all(status == 200 for _, status, _, _ in results)}")


def median_ms(url: str, repeat: int) -> float:
    for _ in range(10):
        download(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert download(url)[0] == 200
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def stats(repeat: int) -> None:
    print(f"\n{'answer':14} {'median ms':>10} {'target ms':>10}  graph queries")
    for name, url in (("/api/stats/", "/api/stats/"), ("home page", "/")):
        value = median_ms(url, repeat)
        with recorded_queries() as queries:
            download(url)
        print(
            f"{name:14} {value:10.1f} {50:10}  {len(queries)}: "
            + " | ".join(" ".join(query.split())[:60] for query in queries),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2, help="graph for the exports (0.2: 20,000 bodies)")
    parser.add_argument("--stats-scale", type=float, default=None, help="graph for stats (1: 100,000 bodies)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per statistics answer")
    parser.add_argument("--heap", default="512m", help="graph server heap (512m as `make run`)")
    args = parser.parse_args()
    call_command("migrate", run_syncdb=True, verbosity=0)  # the home page lists recent changes (SQLite)
    with embedded_graph(args.heap):
        import_scale(args.scale)
        exports()
        stats(args.repeat)
        if args.stats_scale:
            erase_graph()
            install_schema()
            import_scale(args.stats_scale)
            stats(args.repeat)


if __name__ == "__main__":
    main()
