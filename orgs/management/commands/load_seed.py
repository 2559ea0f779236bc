"""`manage.py load_seed`: load the seed graph into an empty graph; leave a graph that has anything alone."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgs.graph.connection import AlreadyExists, GraphUnavailable
from orgs.importer.read import GraphFileInvalid
from orgs.importer.seed import seed_load_if_empty


class Command(BaseCommand):
    help = (
        "Load the seed graph if the graph is empty (no node, no tombstone); otherwise write nothing. "
        "`manage.py upgrade_seed` adds a newer seed's facts to a graph in use."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="the seed file (default: the project's seed graph)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or Path(settings.SEED_GRAPH_FILE)
        try:
            counts = seed_load_if_empty(path)
        except (GraphFileInvalid, AlreadyExists) as error:
            raise CommandError(f"{path} was not loaded, nothing was written. {error}") from None
        except GraphUnavailable as error:
            raise CommandError(f"The graph server cannot be reached: {error}") from None
        if counts is None:
            self.stdout.write(
                "The graph is in use, so the seed was not loaded: left the graph as it is "
                "(`manage.py upgrade_seed` previews what a newer seed would add)."
            )
        else:
            self.stdout.write(
                f"Loaded the seed graph {path} into the empty graph: "
                + ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
            )
