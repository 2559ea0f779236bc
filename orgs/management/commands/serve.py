"""`manage.py serve`: the one-machine install. Start the embedded graph server (unless NEO4J_BOLT_URL is
set), install the schema, load the seed graph, and serve the app until Ctrl-C, which stops everything."""

import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from orgs.graph import GraphUnavailable, connect
from orgs.graphserver import EmbeddedServerProcess, GraphServerError
from orgs.management.commands.graphserver import embedded_config_from_settings


class Command(BaseCommand):
    help = "Start the graph server, load the seed graph and serve ATC Graph on 127.0.0.1:8000."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        # SIGTERM (a service manager, `timeout`) should stop the graph server too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        server = None
        if settings.GRAPH_IS_EMBEDDED:
            config = embedded_config_from_settings()
            server = EmbeddedServerProcess(config, quiet=False)
            self.stdout.write(f"Starting the graph server on {config.bolt_url} (data in {config.data_dir}) …")
            try:
                server.start(timeout=settings.GRAPH_SERVER["START_TIMEOUT"])
            except GraphServerError as error:
                raise CommandError(str(error)) from None
        try:
            try:
                connect()
            except GraphUnavailable as error:
                raise CommandError(f"The graph server cannot be reached: {error}") from None
            call_command("setup_graph")
            call_command("load_seed")
            self.stdout.write(
                f"ATC Graph: http://{options['addrport']}/   admin: http://{options['addrport']}/admin/ "
                "(create the first account with `make admin-user`)"
            )
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            if server is not None:
                self.stdout.write("Stopping the graph server …")
                server.stop()
