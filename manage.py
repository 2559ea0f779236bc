#!/usr/bin/env python
"""Django's command-line utility for ATC Graph."""

import os
import sys


def default_settings_module(argv: list[str]) -> str:
    """Return the settings a command runs with unless DJANGO_SETTINGS_MODULE says otherwise: `serve` (what
    `make run` calls) serves with DEBUG off (onebox); everything else, `dev` included, with the developer's."""
    return "atc_graph.settings.onebox" if argv[1:2] == ["serve"] else "atc_graph.settings.local"


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module(sys.argv))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
