"""`manage.py load_graph FILE`: validate a graph file, then write it in one transaction."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgs.graph.connection import AlreadyExists, GraphUnavailable
from orgs.importer.check import validate_graph
from orgs.importer.read import GraphFileInvalid, read_graph_file
from orgs.importer.write import graph_diff, import_graph


class Command(BaseCommand):
    help = "Load a graph file (YAML or JSON; default: the seed graph). Loading twice leaves the same graph."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="the graph file (default: the seed graph)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report what would be created or updated; write nothing"
        )
        parser.add_argument("--progress", action="store_true", help="print progress while writing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or Path(settings.SEED_GRAPH_FILE)
        verbosity = options["verbosity"]
        try:
            data = read_graph_file(path)
            if options["dry_run"]:
                batch = validate_graph(data)
                diff = graph_diff(batch)
                self.stdout.write(f"{path} is valid; nothing was written. It would write: {_summary(batch.counts())}")
                for name, change in sorted(diff.items()):
                    self.stdout.write(f"  {name}: would create {change['create']}, update {change['update']}")
                return

            def progress(what: str, done: int, total: int) -> None:
                if verbosity > 1 or options.get("progress"):
                    self.stdout.write(f"  {what}: {done}/{total}")

            counts = import_graph(data, progress=progress)
        except GraphFileInvalid as error:
            raise CommandError(f"{path} was not loaded, nothing was written. {error}") from None
        except AlreadyExists as error:
            raise CommandError(f"{path} was not loaded, nothing was written: {error}") from None
        except GraphUnavailable as error:
            raise CommandError(f"The graph server cannot be reached: {error}") from None
        self.stdout.write(f"Loaded {path}: {_summary(counts)}")


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
