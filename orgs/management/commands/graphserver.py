"""`manage.py graphserver`: run the embedded graph server in this process until Ctrl-C or SIGTERM."""

import dataclasses
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgs.graph.embedded import EmbeddedServerConfig, GraphServerError, data_dir_password, serve_forever


def embedded_config_from_settings(**overrides: Any) -> EmbeddedServerConfig:
    """Return the embedded server's configuration from settings.GRAPH_SERVER, with overrides applied.

    Another data directory than the settings' brings its own password (GRAPH_PASSWORD still overrides).
    """
    server = settings.GRAPH_SERVER
    data_dir = overrides.get("data_dir")
    if data_dir is not None and data_dir != Path(server["DATA_DIR"]) and not os.environ.get("GRAPH_PASSWORD"):
        overrides = {**overrides, "password": data_dir_password(data_dir)}
    config = EmbeddedServerConfig(
        data_dir=Path(server["DATA_DIR"]),
        host=server["HOST"],
        bolt_port=server["BOLT_PORT"],
        http_port=server["HTTP_PORT"],
        user=server["USER"],
        password=server["PASSWORD"],
        database=server["DATABASE"],
        heap=server["HEAP"],
    )
    return dataclasses.replace(config, **{key: value for key, value in overrides.items() if value is not None})


class Command(BaseCommand):
    help = "Run the embedded graph server (ArcadeDB's Bolt endpoint) on loopback until Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--data-dir", type=Path, help="where the graph's files live (default var/graph)")
        parser.add_argument("--bolt-port", type=int)
        parser.add_argument("--http-port", type=int)
        parser.add_argument("--heap", help="JVM heap size, e.g. 512m or 1g")

    def handle(self, *args: Any, **options: Any) -> None:
        config = embedded_config_from_settings(
            data_dir=options["data_dir"].resolve() if options["data_dir"] else None,
            bolt_port=options["bolt_port"],
            http_port=options["http_port"],
            heap=options["heap"],
        )
        try:
            serve_forever(
                config,
                on_ready=lambda: self.stdout.write(
                    f"Graph server ready on {config.bolt_url} (database '{config.database}', data in "
                    f"{config.data_dir}). Ctrl-C stops it.",
                ),
            )
        except GraphServerError as error:
            raise CommandError(str(error)) from None
