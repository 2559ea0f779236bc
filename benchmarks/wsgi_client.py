"""The client both benchmarks call the app with: Django's WSGI handler, as a WSGI server calls it."""

from __future__ import annotations

import io
from wsgiref.util import setup_testing_defaults

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command


class WsgiClient:
    """Call the app the way a WSGI server does: one environ in, the status and body out, then close.

    Django's test client would add bookkeeping of its own (signals that capture templates, a copy of each
    request, cookies) that no deployed app pays for.
    """

    def __init__(self) -> None:
        # Django's own tables (the home page's recent changes, sessions), in the settings' database: the
        # benchmarks' is SQLite in memory, which lives as long as this process's connection.
        call_command("migrate", run_syncdb=True, verbosity=0)
        self.handler = WSGIHandler()

    def get(self, url: str) -> int:
        """GET `url` (a path with its query string); return the status code."""
        path, _, query = url.partition("?")
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "wsgi.input": io.BytesIO()}
        setup_testing_defaults(environ)
        statuses: list[str] = []
        response = self.handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        try:
            b"".join(response)
        finally:
            response.close()
        return int(statuses[0].split()[0])
