"""`manage.py setup_graph`: install the graph's constraints and indexes (safe to run again)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orgs.graph import GraphUnavailable, install_schema


class Command(BaseCommand):
    help = "Install unique constraints, range indexes and the full-text index in the graph."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            install_schema()
        except GraphUnavailable as error:
            raise CommandError(f"The graph server cannot be reached: {error}") from None
        self.stdout.write("Graph constraints and indexes are installed.")
