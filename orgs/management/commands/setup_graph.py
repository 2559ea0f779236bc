"""`manage.py setup_graph`: install the graph's constraints and indexes, upgrade relationships written before
citations to rest on one citation each, and recount the maintained counts (safe to run again)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orgs.graph.connection import GraphUnavailable
from orgs.graph.counts import recount_graph
from orgs.graph.schema import install_schema
from orgs.importer.upgrade import citations_to_reading_keys, relationships_to_citations
from orgs.vocabulary import NodeLabel


class Command(BaseCommand):
    help = (
        "Install unique constraints, range indexes and the full-text index; upgrade relationships to citations "
        "and give citations their reading keys; recount nodes and relationships."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            install_schema()
            upgrade = relationships_to_citations()
            keyed = citations_to_reading_keys()
            counts = recount_graph()
        except GraphUnavailable as error:
            raise CommandError(f"The graph server cannot be reached: {error}") from None
        self.stdout.write("Graph constraints and indexes are installed.")
        if upgrade.upgraded:
            self.stdout.write(f"{upgrade.upgraded:,} relationships now rest on one citation each.")
        if upgrade.unanchored:
            self.stdout.write(
                f"{len(upgrade.unanchored):,} of them cite a passage not found in their source's text (unanchored): "
                + ", ".join(upgrade.unanchored[:20])
                + (" …" if len(upgrade.unanchored) > 20 else "")
            )
        if keyed:
            self.stdout.write(f"{keyed:,} citations now have their place in their source's reading order.")
        nodes = sum(counts[label.value] for label in NodeLabel)
        self.stdout.write(f"Counted {nodes} nodes and {sum(counts.values()) - nodes} relationships.")
