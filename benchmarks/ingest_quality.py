"""Measure how well a source is read: each seed source read into an empty graph, compared with the seed graph.

    .venv/bin/python benchmarks/ingest_quality.py            # both sources; then against the loaded seed graph
    .venv/bin/python benchmarks/ingest_quality.py --no-graph # the empty-graph comparison only (no server)

Recall: the seed relationships a source states that the reader proposes with the right ends, type and direction.
Precision: the proposals that are seed relationships. To compare in an empty graph, each proposed body is paired
with the seed node its name best matches (`orgs.ingest.matching.name_score`). Then, with the whole seed graph
loaded, the share of mentions matched to the right node. Targets (issue 14): recall ≥ 90 % and precision ≥ 80 %
on each source, mentions ≥ 95 %. The misses are printed. A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402
from django.conf import settings  # noqa: E402

from benchmarks.synthetic import add_server_arguments, benchmark_graph  # noqa: E402
from orgs.importer.write import load_graph_file  # noqa: E402
from orgs.ingest.matching import name_score, reading_matched  # noqa: E402
from orgs.ingest.reader import read_source  # noqa: E402
from orgs.ingest.reading import Entity, Reading  # noqa: E402
from orgs.ingest.rules import folded  # noqa: E402
from orgs.vocabulary import RELATIONSHIP_TYPES  # noqa: E402

SECTIONS = {"organizations": "Organization", "countries": "Country", "events": "Event", "documents": "Document"}
PAIRED_AT = 75  # in an empty graph, a proposed body is the seed node its name matches this well,
PAIRED_WORDS = 5  # or whose name holds every word of its name of at least this many words
TARGETS = {"recall": 0.90, "precision": 0.80, "mentions": 0.95}
Tie = tuple[str, str, str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-graph", action="store_true", help="skip the run against the loaded seed graph")
    add_server_arguments(parser)
    parser.set_defaults(heap="1g")
    args = parser.parse_args()
    seed = yaml.safe_load(Path(settings.SEED_GRAPH_FILE).read_text(encoding="utf-8"))
    nodes = [{**node, "label": label} for section, label in SECTIONS.items() for node in seed.get(section, [])]
    every_tie = {_tie(r["type"], r["from"], r["to"]) for r in seed["relationships"]}
    readings = {}
    failed = False
    for source in seed["sources"]:
        text = (Path(settings.SEED_GRAPH_FILE).parent / "sources" / source["file"]).read_text(encoding="utf-8")
        reading = read_source(text, title=source["title"], publisher=source.get("publisher"))
        readings[source["uid"]] = reading
        stated = {
            _tie(r["type"], r["from"], r["to"])
            for r in seed["relationships"]
            if any(c["source"] == source["uid"] for c in r["citations"])
        }
        failed |= not _compare(source["uid"], reading, nodes, stated, every_tie)
    if not args.no_graph:
        with benchmark_graph(args):
            load_graph_file(Path(settings.SEED_GRAPH_FILE))
            failed |= not _mentions(readings, nodes)
    sys.exit(1 if failed else 0)


def _tie(relationship_type: str, start: str, end: str) -> Tie:
    if RELATIONSHIP_TYPES[relationship_type].symmetric:
        start, end = sorted((start, end))
    return relationship_type, start, end


def paired(entity: Entity, nodes: list[dict[str, Any]]) -> str | None:
    """Return the uid of the seed node `entity`'s name best matches, or None."""
    scored = [
        (name_score(entity.name, entity.acronym, node), node["uid"]) for node in nodes if node["label"] == entity.label
    ]
    if entity.label == "Country":
        code = entity.fields.get("iso_code")
        scored += [(100.0, node["uid"]) for node in nodes if code and node.get("iso_code") == code]
    # A new body named by fewer words than the seed's curated name ("meeting of the sub-group on terrorist
    # groups" for "Meeting of the ATTF Sub-group on Terrorist Groups after the November 2003 attacks").
    words = folded(entity.name).split()
    if len(words) >= PAIRED_WORDS:
        scored += [
            (PAIRED_AT, node["uid"])
            for node in nodes
            if node["label"] == entity.label and set(words) <= set(folded(node["name"]).split())
        ]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= PAIRED_AT else None


def _compare(uid: str, reading: Reading, nodes: list[dict[str, Any]], stated: set[Tie], every_tie: set[Tie]) -> bool:
    pair = {entity.key: paired(entity, nodes) for entity in reading.entities}
    proposed = {}
    for proposal in reading.proposals:
        start, end = pair.get(proposal.start), pair.get(proposal.end)
        key = _tie(proposal.relationship_type, start or f"new:{proposal.start}", end or f"new:{proposal.end}")
        proposed[key] = proposal
    found = stated & proposed.keys()
    right = [key for key in proposed if key in every_tie]
    recall = len(found) / len(stated) if stated else 1.0
    precision = len(right) / len(proposed) if proposed else 1.0
    print(f"\n{uid}: {len(reading.entities)} names, {len(proposed)} proposals")
    print(f"  recall    {len(found):3}/{len(stated):<3} {recall:6.1%}  (target {TARGETS['recall']:.0%})")
    print(f"  precision {len(right):3}/{len(proposed):<3} {precision:6.1%}  (target {TARGETS['precision']:.0%})")
    for key in sorted(stated - found):
        print(f"    missed   {' '.join(key)}")
    for key in sorted(set(proposed) - every_tie):
        proposal = proposed[key]
        print(f"    extra    {' '.join(key)}  [{proposal.rule}] {proposal.exact[:70]!r}")
    return recall >= TARGETS["recall"] and precision >= TARGETS["precision"]


def _mentions(readings: dict[str, Reading], nodes: list[dict[str, Any]]) -> bool:
    right = total = 0
    print("\nAgainst the seed graph (every body known):")
    for uid, reading in readings.items():
        expected = {entity.key: paired(entity, nodes) for entity in reading.entities}
        reading_matched(reading)
        for entity in reading.entities:
            if expected[entity.key] is None:
                continue  # a name the seed does not hold (a heading such as "Joint Investigations")
            total += len(entity.mentions)
            if entity.match_uid == expected[entity.key]:
                right += len(entity.mentions)
            else:
                got = entity.match_uid or ("ambiguous" if entity.ambiguous else "new")
                print(f"  {uid}: {entity.name!r} -> {got}, expected {expected[entity.key]}")
        restated = sum(1 for proposal in reading.proposals if proposal.existing_uid)
        print(f"  {uid}: {restated} of {len(reading.proposals)} proposals add a source to a known relationship")
    share = right / total if total else 1.0
    print(f"  mentions matched to the right node: {right}/{total} {share:.1%} (target {TARGETS['mentions']:.0%})")
    return share >= TARGETS["mentions"]


if __name__ == "__main__":
    main()
