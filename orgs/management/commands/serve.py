"""`manage.py serve`: the one-machine install (`make run`).

Migrates Django's tables, collects the static files, starts the embedded graph server (unless NEO4J_BOLT_URL is
set), installs the schema, loads the seed graph, then serves with gunicorn (settings: atc_graph.settings.onebox,
DEBUG off). While it serves, a watchdog restarts the graph server whenever it stops; if the web server stops,
everything stops. Ctrl-C or SIGTERM stops both cleanly.
"""

import signal
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from orgs.graph.connection import GraphUnavailable, connect
from orgs.graph.embedded import EmbeddedServerProcess, GraphServerError
from orgs.graph.supervisor import GraphWatchdog, start_web_server, stop_web_server, wait_until_listening
from orgs.management.commands.graphserver import embedded_config_from_settings
from orgs.response_cache import graph_generation_advance


def stop_on_sigterm() -> None:
    """Let SIGTERM (a service manager, `timeout`) stop the command as Ctrl-C does."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def start_graph_server(stdout: OutputWrapper) -> EmbeddedServerProcess | None:
    """Start the embedded graph server and return it, or return None when the graph is Neo4j (NEO4J_BOLT_URL)."""
    if not settings.GRAPH_IS_EMBEDDED:
        return None
    config = embedded_config_from_settings()
    server = EmbeddedServerProcess(config, quiet=False)
    stdout.write(f"Starting the graph server on {config.bolt_url} (data in {config.data_dir}) …")
    try:
        server.start(timeout=settings.GRAPH_SERVER["START_TIMEOUT"])
    except GraphServerError as error:
        raise CommandError(str(error)) from None
    return server


def prepare_graph() -> None:
    """Connect to the graph, install its schema, load the seed graph and start a new generation of kept answers."""
    try:
        connect()
    except GraphUnavailable as error:
        raise CommandError(f"The graph server cannot be reached: {error}") from None
    call_command("setup_graph")
    call_command("load_seed")
    # The graph may have changed while nothing served it (a restored backup): no answer kept before is valid.
    graph_generation_advance()


def graph_watchdog(server: EmbeddedServerProcess, stdout: OutputWrapper) -> GraphWatchdog:
    """Return a started watchdog that restarts `server` whenever it stops, saying so on `stdout`."""
    watchdog = GraphWatchdog(server, stdout.write, start_timeout=settings.GRAPH_SERVER["START_TIMEOUT"])
    watchdog.start()
    return watchdog


class Command(BaseCommand):
    help = "Start the graph server, load the seed graph and serve ATC Graph with gunicorn on 127.0.0.1:8000."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        addrport = options["addrport"]
        if settings.DEBUG:
            self.stderr.write(
                f"Warning: DEBUG is on ({settings.SETTINGS_MODULE}); `make run` serves with "
                "atc_graph.settings.onebox. For development use `make dev`."
            )
        stop_on_sigterm()
        server = watchdog = web = None
        try:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            server = start_graph_server(self.stdout)
            prepare_graph()
            if server is not None:
                watchdog = graph_watchdog(server, self.stdout)
            web = start_web_server(addrport)
            if wait_until_listening(addrport, web):
                self.stdout.write(
                    f"ATC Graph: http://{addrport}/   admin: http://{addrport}/admin/ "
                    "(create the first account with `make admin-user`). Ctrl-C stops it."
                )
            code = web.wait()
            raise CommandError(f"The web server stopped (exit code {code}); stopping the graph server too.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping …")
        finally:
            if web is not None:
                stop_web_server(web)
            if watchdog is not None:
                watchdog.stop()
            elif server is not None:
                server.stop()
            sys.stdout.flush()
