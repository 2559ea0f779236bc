"""`manage.py dev`: development (`make dev`). Starts the embedded graph server (unless NEO4J_BOLT_URL is set),
installs the schema, loads the seed graph and runs Django's runserver with DEBUG and autoreload. The graph server
is restarted whenever it stops; Ctrl-C stops both."""

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from orgs.management.commands.serve import graph_watchdog, prepare_graph, start_graph_server, stop_on_sigterm


class Command(BaseCommand):
    help = "Start the graph server, load the seed graph and run the development server (DEBUG, autoreload)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("RUN_MAIN") == "true":
            # The autoreloader's child, started again after each code change: the parent keeps the graph server.
            call_command("runserver", options["addrport"])
            return
        stop_on_sigterm()
        server = watchdog = None
        try:
            server = start_graph_server(self.stdout)
            prepare_graph()
            if server is not None:
                watchdog = graph_watchdog(server, self.stdout)
            call_command("runserver", options["addrport"])
        except KeyboardInterrupt:
            pass
        finally:
            if watchdog is not None:
                watchdog.stop()
            elif server is not None:
                server.stop()
