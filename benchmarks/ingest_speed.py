"""Time adding a source at size: a 20-page text read and matched against a graph of 100,000 organizations, and
the review page of a draft with 500 proposals.

    .venv/bin/python benchmarks/ingest_speed.py             # 100,000 organizations (~1 min to import)
    .venv/bin/python benchmarks/ingest_speed.py --scale 0.1 # 10,000
    .venv/bin/python benchmarks/ingest_speed.py --neo4j-server ../shared/neo4j/neo4j-test-server

The text (about 60,000 characters) is partner-page prose naming bodies of the synthetic graph's words
(benchmarks/synthetic.py), so every name is looked up against many similar ones. Targets (issue 14): reading
and matching ≤ 3 s, the review page ≤ 1 s. Medians of --repeat runs. A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.synthetic import BODIES, SCOPES, TOPICS, add_server_arguments, benchmark_graph, synthetic_graph  # noqa: E402
from orgs.importer.write import import_graph  # noqa: E402
from orgs.ingest.drafts import source_draft_create  # noqa: E402
from orgs.ingest.matching import reading_matched  # noqa: E402
from orgs.ingest.reader import read_source  # noqa: E402

TEXT_CHARS = 60_000
REVIEW_PROPOSALS = 500
TARGETS = {"read and match": 3.0, "review page": 1.0}
CUES = ["closely collaborates with", "has close ties with", "signed a memorandum of understanding with"]
PLACES = ["Danube", "Baltic", "Adriatic", "Caspian", "Aegean", "Carpathian", "Balkan", "Nordic", "Alpine", "Ionian"]


def partner_text(chars: int, seed: int = 11) -> str:
    """Return partner-page prose of about `chars` characters: sentences in which one body works with three."""
    rng = random.Random(seed)

    def body() -> str:
        return f"{rng.choice(PLACES)} {rng.choice(SCOPES)} {rng.choice(TOPICS)} {rng.choice(BODIES)}"

    sentences = ["Danube Regional Anti-Terrorism Centre\n"]
    size = len(sentences[0])
    while size < chars:
        partners = f"the {body()}, the {body()} and the {body()}"
        sentence = f"The {body()} {rng.choice(CUES)} {partners} since {rng.randint(1995, 2024)}."
        sentences.append(sentence)
        size += len(sentence) + 1
    return "\n".join(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 is 100,000 organizations")
    parser.add_argument("--repeat", type=int, default=5)
    add_server_arguments(parser)
    args = parser.parse_args()
    organizations = int(100_000 * args.scale)
    text = partner_text(TEXT_CHARS)
    with benchmark_graph(args) as graph:
        print(f"{graph.name}: importing {organizations:,} organizations …", flush=True)
        data = synthetic_graph(organizations, 0)
        started = time.perf_counter()
        import_graph(data)
        print(f"  imported in {time.perf_counter() - started:.1f} s")
        read_source(text)  # spaCy's pipeline and the rules, loaded once per process
        reading_times, matching_times = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            reading = read_source(text)
            read_at = time.perf_counter()
            reading_matched(reading)
            reading_times.append(read_at - started)
            matching_times.append(time.perf_counter() - read_at)
        total = [a + b for a, b in zip(reading_times, matching_times, strict=True)]
        print(f"  text of {len(text):,} characters: {len(reading.entities)} names, {len(reading.proposals)} proposals")
        print(f"  read   {statistics.median(reading_times):6.2f} s")
        print(f"  match  {statistics.median(matching_times):6.2f} s")
        print(f"  read and match {statistics.median(total):6.2f} s (target ≤ {TARGETS['read and match']:.0f} s)")

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", run_syncdb=True, verbosity=0)
        editor = User.objects.create_superuser("bench-editor", password="bench-password-1")
        cut = _text_with_proposals(text, REVIEW_PROPOSALS)
        draft = source_draft_create(title="Benchmark partners", text=cut, actor=editor)
        client = Client()
        client.force_login(editor)
        proposals = len(draft.reading["proposals"])
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            answer = client.get(f"/sources/drafts/{draft.pk}/")
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.status_code
        print(
            f"  review page, {proposals} proposals: {statistics.median(times):6.3f} s "
            f"(target ≤ {TARGETS['review page']:.0f} s; {len(answer.content) // 1024} KB)"
        )


def _text_with_proposals(text: str, wanted: int) -> str:
    """Return the first lines of `text` that read into about `wanted` proposals."""
    lines = text.split("\n")
    low, high = 1, len(lines)
    while low < high:
        middle = (low + high) // 2
        if len(read_source("\n".join(lines[:middle])).proposals) < wanted:
            low = middle + 1
        else:
            high = middle
    return "\n".join(lines[:low])


if __name__ == "__main__":
    main()
