"""`manage.py setup_graph`: install the graph's constraints and indexes and recount the maintained counts (safe
to run again)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orgs.graph.connection import GraphUnavailable
from orgs.graph.counts import recount_graph
from orgs.graph.schema import install_schema
from orgs.vocabulary import NodeLabel


class Command(BaseCommand):
    help = "Install unique constraints, range indexes and the full-text index; recount nodes and relationships."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            install_schema()
            counts = recount_graph()
        except GraphUnavailable as error:
            raise CommandError(f"The graph server cannot be reached: {error}") from None
        self.stdout.write("Graph constraints and indexes are installed.")
        nodes = sum(counts[label.value] for label in NodeLabel)
        self.stdout.write(f"Counted {nodes} nodes and {sum(counts.values()) - nodes} relationships.")
