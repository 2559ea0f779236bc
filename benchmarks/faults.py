"""Kill -9 the graph server during reads and during an import, start it again; print how the app answered.

    .venv/bin/python benchmarks/faults.py              # 5,000 organizations, 20,000 relationships, then an
                                                       # import of as many again, killed half-way
    .venv/bin/python benchmarks/faults.py --scale 2    # twice that

Starts its own embedded graph server on free loopback ports in a temporary directory and imports the synthetic
graph of benchmarks/synthetic.py. A client thread then calls the app (Django's WSGI handler, as a WSGI server
calls it: an organization page, the explorer's JSON, the API's list and detail) in a loop, and the script

1. kills the server (SIGKILL) while the client reads, waits, starts it again on the same data directory;
2. starts importing a second graph (new organizations with relationships to the first graph's, its countries and sources
   written again: one transaction), kills the server once the import is writing relationships, starts it again.

For each it prints the time from the kill to the first 503, the slowest 503, the time from the server answering
again to the first 200, and any answer other than 200 or 503. After the import it checks the graph equals its
last committed state: node and relationship counts and a checksum over every node's and relationship's
properties, before the import and after recovery. The app is never restarted. A script that prints numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from benchmarks.synthetic import HUBS, org_uid, synthetic_graph  # noqa: E402
from benchmarks.wsgi_client import WsgiClient  # noqa: E402
from orgs.graph.connection import GraphUnavailable, cypher  # noqa: E402
from orgs.graph.embedded import EmbeddedServerConfig, EmbeddedServerProcess, free_port  # noqa: E402
from orgs.graph.schema import install_schema  # noqa: E402
from orgs.graph.supervisor import embedded_server_in_use  # noqa: E402
from orgs.importer.write import import_graph  # noqa: E402

READS = [
    f"/organizations/{org_uid(HUBS + 1)}/",
    f"/explore/{org_uid(HUBS + 2)}.json",
    "/api/organizations/?q=border",
    f"/api/organizations/{org_uid(HUBS + 3)}/",
]


@dataclass
class ReadLoop:
    """A client thread that GETs READS in turn until stopped, noting when each answer came and its status."""

    answers: list[tuple[float, float, int]] = field(default_factory=list)  # (started, answered, status)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        client = WsgiClient()
        while not self.stop.is_set():
            for url in READS:
                started = time.monotonic()
                status = client.get(url)
                self.answers.append((started, time.monotonic(), status))
            time.sleep(0.01)

    def since(self, moment: float) -> list[tuple[float, float, int]]:
        return [answer for answer in self.answers if answer[1] >= moment]


def wait_for_status(loop: ReadLoop, status: int, after: float, timeout: float) -> float | None:
    """Return when the loop first got `status` in an answer given after `after`, waiting up to `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for _, answered, got in loop.since(after):
            if got == status:
                return answered
        time.sleep(0.01)
    return None


def graph_state() -> tuple[int, int, str]:
    """Return the graph's node count, relationship count and a checksum over every property of both."""
    nodes = cypher("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    relationships = cypher(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.uid AS start, b.uid AS end, properties(r) AS props"
    )
    digest = hashlib.sha256()
    for line in sorted(json.dumps([sorted(row["labels"]), row["props"]], sort_keys=True, default=str) for row in nodes):
        digest.update(line.encode())
    for line in sorted(json.dumps(row, sort_keys=True, default=str) for row in relationships):
        digest.update(line.encode())
    return len(nodes), len(relationships), digest.hexdigest()[:16]


def second_graph(organizations: int, relationships: int) -> dict[str, Any]:
    """Return a graph file of new organizations (other uids and names than the first graph's), its relationships among
    them, to the first graph's organizations, its countries and sources (those written again, unchanged)."""
    data = synthetic_graph(organizations, relationships, seed=11)
    for record in data["organizations"]:
        record["uid"] = "new-" + record["uid"]
        record["name"] = "New " + record["name"]
    for relationship in data["relationships"]:
        for end in ("from", "to"):
            if relationship[end].startswith("org-") and (relationship["type"] == "LOCATED_IN" or end == "from"):
                relationship[end] = "new-" + relationship[end]  # the hubs stay the first graph's: relationships into it
    return data


def episode(name: str, loop: ReadLoop, server: EmbeddedServerProcess, down_for: float) -> dict[str, Any]:
    """Kill the server, keep it down `down_for` s, start it again; return what the reads saw."""
    killed = time.monotonic()
    server.kill()
    first_503 = wait_for_status(loop, 503, killed, timeout=10)
    time.sleep(max(0.0, down_for - (time.monotonic() - killed)))
    restarting = time.monotonic()
    server.start(timeout=120)
    back = time.monotonic()
    first_200 = wait_for_status(loop, 200, back, timeout=30)
    answers = [a for a in loop.since(killed) if a[1] <= (first_200 or time.monotonic())]
    durations = sorted(answered - started for started, answered, status in answers if status == 503)
    slowest_503 = durations[-1] if durations else 0.0
    slow_while_starting = sum(
        answered - started > 1 for started, answered, status in answers if status == 503 and answered >= restarting
    )
    others = sorted({status for _, _, status in answers if status not in (200, 503)})
    result = {
        "kill → first 503 (s)": None if first_503 is None else first_503 - killed,
        "slowest 503 (s)": slowest_503,
        "503 answers (over 1 s)": f"{len(durations)} ({sum(d > 1 for d in durations)}, of which "
        f"{slow_while_starting} while it started)",
        "median 503 (s)": durations[len(durations) // 2] if durations else 0.0,
        "server start (s)": back - restarting,
        "server answering → first 200 (s)": None if first_200 is None else first_200 - back,
        "answers other than 200/503": others or "none",
    }
    print(f"\n{name}:")
    for key, value in result.items():
        print(f"  {key:<36} {value:.3f}" if isinstance(value, float) else f"  {key:<36} {value}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 5,000 organizations, 20,000 relationships")
    parser.add_argument("--down", type=float, default=3.0, help="seconds the server stays down")
    parser.add_argument("--heap", default="1g", help="graph server heap")
    args = parser.parse_args()
    organizations, relationships = int(5_000 * args.scale), int(20_000 * args.scale)
    for noisy in ("neo4j", "django.request"):  # a line for every failed connection and every 503
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    with tempfile.TemporaryDirectory(prefix="atc-faults-") as data_dir:
        config = EmbeddedServerConfig(
            data_dir=Path(data_dir),
            bolt_port=free_port(),
            http_port=free_port(),
            password="atcgraph-faults",
            heap=args.heap,
        )
        with embedded_server_in_use(config, settings_module=os.environ["DJANGO_SETTINGS_MODULE"]) as server:
            install_schema()
            import_graph(synthetic_graph(organizations, relationships))
            print(
                f"Graph: {organizations:,} organizations, {relationships:,} relationships; "
                f"graph connection timeout {settings.GRAPH_CONNECTION_TIMEOUT} s"
            )
            run(server, args.down, organizations, relationships)


def run(server: EmbeddedServerProcess, down_for: float, organizations: int, relationships: int) -> None:
    loop = ReadLoop()
    reader = threading.Thread(target=loop.run, name="reads", daemon=True)
    reader.start()
    time.sleep(1)
    episode("kill -9 during reads", loop, server, down_for)

    before = graph_state()
    data = second_graph(organizations, relationships)
    writing_relationships = threading.Event()
    outcome: list[str] = []

    def progress(what: str, done: int, total: int) -> None:
        if what.isupper():  # a relationship type: the nodes are written, the relationships are being written
            writing_relationships.set()

    def run_import() -> None:
        try:
            import_graph(data, progress=progress)
            outcome.append("committed")
        except GraphUnavailable as error:
            outcome.append(f"failed, as it should: GraphUnavailable ({str(error)[:80]})")

    importer = threading.Thread(target=run_import, name="import")
    importer.start()
    if not writing_relationships.wait(timeout=120):
        raise SystemExit("the import never reached its relationships")
    episode("kill -9 during an import (one transaction, relationships half written)", loop, server, down_for)
    importer.join()
    loop.stop.set()
    reader.join()
    after = graph_state()
    print(f"  import                               {outcome[0] if outcome else 'no outcome'}")
    print(f"  before the import (nodes, relationships, sum) {before}")
    print(f"  after recovery                       {after}")
    print(f"  graph equals its last committed state: {'yes' if after == before else 'NO'}")


if __name__ == "__main__":
    main()
