"""Benchmark the analyst pages' graph reads on a synthetic graph; print median times against the targets.

    .venv/bin/python benchmarks/pages.py             # 100,000 organizations, 500,000 relationships (~2 min)
    .venv/bin/python benchmarks/pages.py --scale 0.1 # a tenth of that

Starts its own embedded graph server (ArcadeDB's Bolt endpoint, 1 GB heap) on free ports in a temporary
directory, generates the graph with UNWIND batches (a few hubs with a thousand ties each), then times each
selector the pages call (median of --repeat runs over varied inputs) and the organization page end to end.
This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from neo4j.exceptions import TransientError  # noqa: E402

from orgs import cypher as q  # noqa: E402
from orgs import selectors  # noqa: E402
from orgs.graph import connect, cypher, install_schema, recorded_queries  # noqa: E402
from orgs.graphserver import EmbeddedServerConfig, EmbeddedServerProcess, free_port  # noqa: E402
from orgs.search import search_text_for  # noqa: E402
from orgs.vocabulary import NodeLabel  # noqa: E402

BATCH = 5000
HUBS = 5
HUB_TIES = 1000
COUNTRIES = 50
SOURCES = 10
ORG_TYPES = ["COLLABORATES_WITH", "MEMBER_OF", "PART_OF", "COORDINATES", "HAS_OBSERVER_STATUS_IN"]
SCOPES = ["Regional", "National", "International", "Joint", "Central", "Federal", "Northern", "Southern",
          "Eastern", "Western", "Baltic", "Balkan", "Caspian", "Alpine", "Atlantic", "Pacific"]
TOPICS = ["Anti-Terrorism", "Counter-Terrorism", "Border", "Customs", "Police", "Intelligence", "Financial",
          "Migration", "Cyber", "Maritime", "Aviation", "Prosecutors", "Judicial", "Narcotics", "Security"]
BODIES = ["Centre", "Agency", "Council", "Committee", "Task Force", "Office", "Unit", "Network",
          "Directorate", "Commission", "Bureau", "Forum"]
SEARCHES = ["anti-terror", "border police", "customs", "interpol", "financial intel", "baltic maritime",
            "cyber unit", "regional anti terrorism centre", "judicial", "narcotics bureau"]
# Medians in ms the issue asks for, on the embedded server.
TARGETS = {
    "search (full-text)": 10, "organization page: graph": 15, "hub page: graph": 50,
    "explorer JSON, 500 nodes": 30, "path query": 30,
}


def org_name(i: int) -> str:
    rng = random.Random(i)
    return f"{rng.choice(SCOPES)} {rng.choice(TOPICS)} {rng.choice(BODIES)} {i}"


def create_nodes(label: str) -> str:
    """Return the query creating `label` nodes from `$rows` of {uid, props} (a new graph: CREATE)."""
    return (
        f"UNWIND $rows AS row CREATE (n:Node:{q.node_label(label)} {{uid: row.uid}}) SET n += row.props "
        "RETURN count(n) AS written"
    )


# On ArcadeDB a match on two labels and a uid (as the loader's `refresh_degrees` writes) does not use the uid
# index: at 100k organizations that takes many minutes. The `Node` label alone finds a node through it.
REFRESH_DEGREES = (
    "UNWIND $uids AS uid MATCH (n:Node {uid: uid}) SET n.degree = COUNT { (n)--() } RETURN count(n) AS refreshed"
)


def create_ties(rel: str) -> str:
    """Return the query creating `rel` ties from `$rows` (a new graph: CREATE, not the loader's MERGE)."""
    return (
        "UNWIND $rows AS row MATCH (a:Node {uid: row.start}) MATCH (b:Node {uid: row.end}) "
        f"CREATE (a)-[r:{q.rel_type(rel)}]->(b) SET r += row.props, r.uid = row.uid "
        "RETURN count(r) AS written"
    )


def write(query: str, params: dict[str, Any], attempts: int = 6) -> None:
    """Run one batch, retried when ArcadeDB reports a concurrent modification."""
    for attempt in range(attempts):
        try:
            cypher(query, params)
            return
        except TransientError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * 2**attempt)


def batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def generate(organizations: int, relationships: int) -> None:
    """Write the synthetic graph: countries, sources, organizations, then hubs' ties and random ties."""
    rng = random.Random(7)
    sources = [{"uid": f"source-{i}", "props": {"title": f"Annual report {2000 + i}"}}
               for i in range(SOURCES)]
    countries = [{"uid": f"country-{i}", "props": {"name": f"Country {i}", "iso_code": f"C{i:02d}",
                                                   "search_text": f"country {i}"}} for i in range(COUNTRIES)]
    orgs = []
    for i in range(organizations):
        name = org_name(i)
        acronym = "".join(word[0] for word in name.split()[:-1]).upper() + str(i)
        orgs.append({"uid": f"org-{i}", "props": {"name": name, "acronym": acronym, "kind": "other",
                                                  "search_text": search_text_for(name, acronym)}})
    print(f"writing nodes … ({time.strftime('%X')})", flush=True)
    for label, rows in ((NodeLabel.SOURCE, sources), (NodeLabel.COUNTRY, countries),
                        (NodeLabel.ORGANIZATION, orgs)):
        for chunk in batches(rows):
            write(create_nodes(label), {"rows": chunk})

    def tie(start: str, end: str, index: int) -> dict[str, Any]:
        since = str(rng.randint(1990, 2024)) if rng.random() < 0.6 else None
        return {"start": start, "end": end, "uid": f"tie-{index}", "props": {
            "since": since, "source_uid": f"source-{rng.randrange(SOURCES)}",
            "evidence": f"Evidence sentence number {index}.", "confidence": "stated"}}

    print(f"writing LOCATED_IN … ({time.strftime('%X')})", flush=True)
    located = [tie(f"org-{i}", f"country-{rng.randrange(COUNTRIES)}", i) for i in range(organizations)]
    for chunk in batches(located):
        write(create_ties("LOCATED_IN"), {"rows": chunk})
    by_type: dict[str, list[dict[str, Any]]] = {rel: [] for rel in ORG_TYPES}
    index = organizations
    for hub in range(HUBS):
        for other in rng.sample(range(HUBS, organizations), min(HUB_TIES, organizations - HUBS)):
            index += 1
            by_type[rng.choice(ORG_TYPES)].append(tie(f"org-{other}", f"org-{hub}", index))
    seen: set[tuple[int, int]] = set()
    while index < relationships:
        a, b = rng.randrange(HUBS, organizations), rng.randrange(HUBS, organizations)
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            index += 1
            by_type[rng.choice(ORG_TYPES)].append(tie(f"org-{a}", f"org-{b}", index))
    print(f"writing ties between organizations … ({time.strftime('%X')})", flush=True)
    for rel, rows in by_type.items():
        for chunk in batches(rows):
            write(create_ties(rel), {"rows": chunk})
    print(f"refreshing degrees … ({time.strftime('%X')})", flush=True)
    for rows in (orgs, countries):
        for chunk in batches(rows):
            write(REFRESH_DEGREES, {"uids": [row["uid"] for row in chunk]})


def median_ms(run: Callable[[Any], Any], inputs: list[Any]) -> float:
    """Return the median wall time of `run(x)` over `inputs`, after one warm-up call each."""
    for value in inputs[:3]:
        run(value)
    times = []
    for value in inputs:
        start = time.perf_counter()
        run(value)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 100k organizations / 500k ties")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--heap", default="1g", help="graph server heap")
    args = parser.parse_args()
    organizations = int(100_000 * args.scale)
    relationships = int(500_000 * args.scale)

    with tempfile.TemporaryDirectory(prefix="atc-bench-") as data_dir:
        config = EmbeddedServerConfig(data_dir=Path(data_dir), bolt_port=free_port(), http_port=free_port(),
                                      password="atcgraph-bench", heap=args.heap)
        server = EmbeddedServerProcess(config, settings_module=os.environ["DJANGO_SETTINGS_MODULE"])
        server.start(timeout=120)
        try:
            settings.GRAPH_SERVER.update(BOLT_PORT=config.bolt_port, HTTP_PORT=config.http_port,
                                         PASSWORD=config.password)
            settings.NEOMODEL_NEO4J_BOLT_URL = config.neomodel_url
            settings.ALLOWED_HOSTS = ["testserver"]
            connect(config.neomodel_url)
            install_schema()
            started = time.perf_counter()
            generate(organizations, relationships)
            counts = selectors.graph_counts()
            nodes, ties = sum(counts["nodes"].values()), sum(counts["relationships"].values())
            seconds = time.perf_counter() - started
            print(f"Generated {nodes:,} nodes and {ties:,} relationships in {seconds:.0f} s")
            report(args.repeat, organizations)
        finally:
            server.stop()


def report(repeat: int, organizations: int) -> None:
    rng = random.Random(11)
    regular = [f"org-{rng.randrange(HUBS, organizations)}" for _ in range(repeat)]
    hubs = [f"org-{i % HUBS}" for i in range(repeat)]
    names = sorted(org_name(i) for i in rng.sample(range(organizations), repeat))
    deep = [(name, "zzz") for name in names if name > "S"] or [(names[-1], "zzz")]
    client = Client()

    def page_graph(uid: str) -> None:
        profile = selectors.node_profile(uid=uid, per_group=25)
        ties = [tie for group in profile["groups"] for tie in group["ties"]]
        selectors.source_titles(uids=[tie["source_uid"] for tie in ties])

    with recorded_queries() as queries:
        client.get(f"/organizations/{hubs[0]}/")
    hub_queries = len(queries)

    rows = [
        ("search (full-text)", median_ms(lambda text: selectors.organization_list(q=text, limit=51),
                                         (SEARCHES * repeat)[:repeat])),
        ("organization page: graph", median_ms(page_graph, regular)),
        ("organization page: whole view", median_ms(lambda uid: client.get(f"/organizations/{uid}/"),
                                                    regular)),
        ("hub page: graph", median_ms(page_graph, hubs)),
        ("hub page: whole view", median_ms(lambda uid: client.get(f"/organizations/{uid}/"), hubs)),
        ("organization list, first page", median_ms(lambda _: selectors.organization_list(limit=51),
                                                    list(range(repeat)))),
        ("organization list, deep page (keyset)", median_ms(
            lambda after: selectors.organization_list(after=after, limit=51), (deep * repeat)[:repeat])),
        ("explorer JSON, 500 nodes", median_ms(
            lambda uid: selectors.neighbourhood(uid=uid, depth=2, limit=500), regular)),
        ("explorer JSON, hub, 500 nodes", median_ms(
            lambda uid: selectors.neighbourhood(uid=uid, depth=2, limit=500), hubs)),
        ("path query", median_ms(lambda pair: selectors.paths_between(from_uid=pair[0], to_uid=pair[1], k=3),
                                 list(zip(regular, reversed(regular), strict=True)))),
        ("home: hubs (maintained degree)", median_ms(lambda _: selectors.hubs(limit=10),
                                                     list(range(repeat)))),
    ]
    explorer_sizes = [len(selectors.neighbourhood(uid=uid, depth=2, limit=500)["nodes"])
                      for uid in regular[:5]]
    print(f"\n{'measurement':40} {'median ms':>10} {'target ms':>10}")
    for name, value in rows:
        target = TARGETS.get(name)
        verdict = "" if target is None else ("  ok" if value <= target else "  over")
        print(f"{name:40} {value:10.1f} {target if target else '':>10}{verdict}")
    measured = dict(rows)
    first, deep_page = measured["organization list, first page"], measured["organization list, deep page (keyset)"]
    print(f"\nhub page graph queries: {hub_queries} (target ≤ 2); explorer node counts: {explorer_sizes}")
    print(f"organization list, deep page / first page: {deep_page / first:.1f} (target: about 1, flat at any depth)")


if __name__ == "__main__":
    main()
