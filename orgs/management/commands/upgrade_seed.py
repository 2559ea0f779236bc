"""`manage.py upgrade_seed [--apply]`: add a newer seed's facts to a graph in use, never undoing an editor."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgs.graph.connection import AlreadyExists, GraphUnavailable
from orgs.importer.read import GraphFileInvalid, read_graph_file
from orgs.importer.seed import seed_upgrade_apply, seed_upgrade_plan
from orgs.validation import ValidationFailed


class Command(BaseCommand):
    help = (
        "Preview (or with --apply, write in one transaction) what the seed file adds to the graph: new "
        "nodes, new relationships, values for properties the graph has none for. What editors changed, "
        "deleted, merged or removed is left as it is."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="the seed file (default: the project's seed graph)")
        parser.add_argument("--apply", action="store_true", help="write the additions (default: preview only)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or Path(settings.SEED_GRAPH_FILE)
        try:
            data = read_graph_file(path)
            plan = seed_upgrade_apply(data) if options["apply"] else seed_upgrade_plan(data)
        except (GraphFileInvalid, AlreadyExists, ValidationFailed) as error:
            raise CommandError(f"{path}: nothing was written. {error}") from None
        except GraphUnavailable as error:
            raise CommandError(f"The graph server cannot be reached: {error}") from None
        for line in plan.lines():
            self.stdout.write(f"  {line}")
        if plan.is_empty:
            self.stdout.write(f"The graph already has everything {path} adds; nothing to write.")
        elif options["apply"]:
            self.stdout.write(
                f"Upgraded the graph to {path}: the additions above were written in one "
                "transaction and recorded in the change history."
            )
        else:
            self.stdout.write("Nothing was written (a preview); run with --apply to write the additions above.")
