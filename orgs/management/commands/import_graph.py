"""`manage.py import_graph FILE [--dry-run]`: import a graph file (an API export, JSON or YAML).

The same command as `load_graph` (validate everything, then write in one transaction), under the name the API
guide uses; the file argument is required.
"""

from typing import Any

from orgs.management.commands.load_graph import Command as LoadGraphCommand


class Command(LoadGraphCommand):
    help = "Import a graph file (JSON export or YAML): validate all of it, then write it in one transaction."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "file":
                action.nargs = None
