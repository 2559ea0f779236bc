"""The synthetic graph both benchmarks measure, and the throwaway graph server they load it into: the embedded
one, a real Neo4j started with the shared launcher, or a Neo4j at a URL.

    synthetic_graph(100_000, 500_000)  # the issues' scale: a loader-format mapping (see docs/data-model.md)

Every organization is located in one of 50 countries; five hubs (as INTERPOL or the UN would be) have a
thousand relationships each; the other relationships join random pairs of ordinary bodies with one of the
organization-to-organization types. Names mix a scope, a topic and a kind of body, so searches such as "border
police" or "anti-terror" find thousands of candidates, as on a real graph of that size.

Each relationship rests on one to three citations (55 % one, 30 % two, 15 % three: 1.6 on average), each further
one quoting another of the ten annual reports; one in ten rests first on CITED_SOURCE (50,000 relationships at
the issues' scale), the source whose provenance page is measured. `several_citations=False` gives the same graph
with only the first citation of each (the import comparison of issue 13). The sources have no text, so the
citations are not anchored.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from orgs.graph.connection import connect, parse_graph_url
from orgs.graph.embedded import EmbeddedServerConfig, free_port
from orgs.graph.neo4j_server import neo4j_server
from orgs.graph.schema import install_schema
from orgs.graph.supervisor import embedded_server_in_use

HUBS = 5
HUB_RELATIONSHIPS = 1000
COUNTRIES = 50
SOURCES = 10
CITED_SOURCE = "source-cited"
CITED_EVERY = 10  # one relationship in ten rests (first) on CITED_SOURCE
CITATIONS_PER_RELATIONSHIP = ((1, 0.55), (2, 0.30), (3, 0.15))  # 1.6 on average
ORG_TYPES = [
    "COLLABORATES_WITH",
    "MEMBER_OF",
    "PART_OF",
    "COORDINATES",
    "HAS_OBSERVER_STATUS_IN",
    "HAS_CONTACT_POINT_IN",
]
KINDS = ["regional_centre", "task_force", "unit", "office", "council_or_committee", "national_agency", "other"]
SCOPES = [
    "Regional",
    "National",
    "International",
    "Joint",
    "Central",
    "Federal",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Baltic",
    "Balkan",
    "Caspian",
    "Alpine",
    "Atlantic",
    "Pacific",
]
TOPICS = [
    "Anti-Terrorism",
    "Counter-Terrorism",
    "Border",
    "Customs",
    "Police",
    "Intelligence",
    "Financial",
    "Migration",
    "Cyber",
    "Maritime",
    "Aviation",
    "Prosecutors",
    "Judicial",
    "Narcotics",
    "Security",
]
BODIES = [
    "Centre",
    "Agency",
    "Council",
    "Committee",
    "Task Force",
    "Office",
    "Unit",
    "Network",
    "Directorate",
    "Commission",
    "Bureau",
    "Forum",
]


# What analysts type on a graph of such names: each finds many candidates (the benchmarks' searches).
SEARCHES = [
    "anti-terror",
    "border police",
    "customs",
    "interpol",
    "financial intel",
    "baltic maritime",
    "cyber unit",
    "regional anti terrorism centre",
    "judicial",
    "narcotics bureau",
    "federal security",
]


def org_uid(i: int) -> str:
    """Return the uid of synthetic organization `i`; 0 to HUBS - 1 are the hubs."""
    return f"org-{i:06d}"


def org_name(i: int) -> str:
    """Return the (unique) name of synthetic organization `i`."""
    rng = random.Random(i)
    return f"{rng.choice(SCOPES)} {rng.choice(TOPICS)} {rng.choice(BODIES)} {i}"


def synthetic_graph(
    organizations: int, relationship_count: int, seed: int = 7, *, several_citations: bool = True
) -> dict[str, Any]:
    """Return a graph file with `organizations` bodies and `relationship_count` relationships, each with its
    `citations`: one to three, or only the first (not `several_citations`); see the module's docstring."""
    rng = random.Random(seed)
    # Of its own, so that both variants draw the same graph and differ only in their further citations.
    citation_rng = random.Random(seed + 4)
    counts, weights = zip(*CITATIONS_PER_RELATIONSHIP, strict=True)
    orgs = []
    for i in range(organizations):
        name = org_name(i)
        orgs.append(
            {
                "uid": org_uid(i),
                "name": name,
                "acronym": "".join(w[0] for w in name.split()[:-1]) + str(i),
                "kind": rng.choice(KINDS),
                "founded": str(rng.randint(1950, 2020)),
            }
        )
    relationships: list[dict[str, Any]] = []

    def relationship(relationship_type: str, start: str, end: str) -> None:
        number = len(relationships)
        since = str(rng.randint(1990, 2024)) if rng.random() < 0.6 else None
        report = rng.randrange(SOURCES)
        first = CITED_SOURCE if number % CITED_EVERY == 0 else f"source-{report}"
        citations = [{"source": first, "exact": f"Evidence sentence number {number}."}]
        for extra in range(1, citation_rng.choices(counts, weights)[0] if several_citations else 1):
            citations.append(
                {
                    "source": f"source-{(report + extra) % SOURCES}",
                    "exact": f"Evidence sentence number {number}, as another report puts it ({extra}).",
                }
            )
        relationships.append(
            {
                "type": relationship_type,
                "from": start,
                "to": end,
                "citations": [{**citation, **({"since": since} if since else {})} for citation in citations],
            }
        )

    for i in range(organizations):
        relationship("LOCATED_IN", org_uid(i), f"country-{rng.randrange(COUNTRIES):02d}")
    for hub in range(min(HUBS, organizations)):
        for other in rng.sample(range(HUBS, organizations), min(HUB_RELATIONSHIPS, max(0, organizations - HUBS))):
            relationship(rng.choice(ORG_TYPES), org_uid(other), org_uid(hub))
    seen: set[tuple[int, int]] = set()
    while len(relationships) < relationship_count and organizations > HUBS + 1:
        a, b = rng.randrange(HUBS, organizations), rng.randrange(HUBS, organizations)
        if a != b and (a, b) not in seen and (b, a) not in seen:  # no pair twice, whatever the type
            seen.add((a, b))
            relationship(rng.choice(ORG_TYPES), org_uid(a), org_uid(b))
    return {
        "sources": [
            *({"uid": f"source-{i}", "title": f"Annual report {2000 + i}"} for i in range(SOURCES)),
            {"uid": CITED_SOURCE, "title": "Register of cooperation"},
        ],
        "countries": [
            {"uid": f"country-{i:02d}", "name": f"Country {i:02d}", "iso_code": f"C{i:02d}"} for i in range(COUNTRIES)
        ],
        "organizations": orgs,
        "relationships": relationships,
    }


@dataclass(frozen=True)
class BenchmarkGraph:
    """The graph server a benchmark runs against: its name, how the bare driver reaches it, its process."""

    name: str
    uri: str
    auth: tuple[str, str]
    database: str | None
    pid: int | None  # None: a server at a URL, not started here


def add_server_arguments(parser: Any) -> None:
    """Add the options that choose the graph server to a benchmark's argument parser."""
    parser.add_argument("--heap", default="6g", help="graph server heap (the import is one transaction)")
    parser.add_argument(
        "--neo4j-server",
        type=Path,
        metavar="LAUNCHER",
        help="run against a throwaway real Neo4j started with this launcher "
        "(../shared/neo4j/neo4j-test-server) instead of the embedded server",
    )
    parser.add_argument("--neo4j-url", help="run against the (scratch) Neo4j at this URL, neomodel form")


@contextmanager
def benchmark_graph(args: Any) -> Iterator[BenchmarkGraph]:
    """Start the graph server the arguments choose (see add_server_arguments), point Django and neomodel at it
    with the schema installed, and stop it when the block ends."""
    if args.neo4j_server:
        print(f"Starting Neo4j (heap {args.heap}) …", flush=True)
        with neo4j_server(args.neo4j_server.resolve(), heap=args.heap, pagecache="1g", timeout=600) as server:
            with neo4j_at(server.neomodel_url(), pid=server.pid) as graph:
                yield graph
    elif args.neo4j_url:
        with neo4j_at(args.neo4j_url, pid=None) as graph:
            yield graph
    else:
        with embedded_graph(args.heap) as (config, pid):
            yield BenchmarkGraph(
                "embedded ArcadeDB", config.bolt_url, (config.user, config.password), config.database, pid
            )


@contextmanager
def neo4j_at(url: str, *, pid: int | None) -> Iterator[BenchmarkGraph]:
    settings.GRAPH_IS_EMBEDDED = False
    settings.NEOMODEL_NEO4J_BOLT_URL = url
    connect(url)
    install_schema()
    address = parse_graph_url(url)
    yield BenchmarkGraph("Neo4j 5.26", address.uri, address.auth, address.database, pid)


@contextmanager
def embedded_graph(
    heap: str, *, data_dir: Path | None = None, bolt_port: int = 0, http_port: int = 0, password: str = "atcgraph-bench"
) -> Iterator[tuple[EmbeddedServerConfig, int]]:
    """Start an embedded graph server with `heap` on free ports (unless given) in a temporary directory (its data
    gone when the block ends) or in `data_dir` (kept), point Django and neomodel at it with the schema installed,
    and stop it when the block ends; yield its config and pid."""
    with tempfile.TemporaryDirectory(prefix="atc-bench-") as temporary:
        config = EmbeddedServerConfig(
            data_dir=data_dir or Path(temporary),
            bolt_port=bolt_port or free_port(),
            http_port=http_port or free_port(),
            password=password,
            heap=heap,
        )
        print(f"Starting the embedded graph server (heap {heap}) …", flush=True)
        with embedded_server_in_use(config, settings_module=os.environ["DJANGO_SETTINGS_MODULE"]) as server:
            install_schema()
            assert server.process is not None
            yield config, server.process.pid
