"""Gunicorn's configuration for `manage.py serve` (`make run`): threaded workers sized for the machine.

ATC_WEB_WORKERS (default: the number of CPU cores) processes, each with ATC_WEB_THREADS (default 4) threads:
a request partly waits on the graph server, so a few threads keep the cores busy, and each process shares one Bolt
connection pool between its threads. More threads only share the cores among more requests at once, each
finishing later: under the load benchmark 8 threads gave a p99 of 346 ms, 4 threads 245 ms and more requests/s.
Any other gunicorn option can be given in GUNICORN_CMD_ARGS.
"""

import gc
import os
from typing import Any

worker_class = "gthread"
workers = int(os.environ.get("ATC_WEB_WORKERS", str(os.cpu_count() or 2)))
threads = int(os.environ.get("ATC_WEB_THREADS", "4"))
# A request may be a whole-graph import; the workers' heartbeat runs on a thread of its own, so this bounds a
# stuck worker, not a long request.
timeout = 120
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("ATC_WEB_ACCESS_LOG", "-") or None  # "-" is the terminal; empty turns it off
errorlog = "-"
# No control socket: it lives at one path per user, so a second install (or a test) would take it over.
control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    """Import every view before the first request, then keep what is loaded out of the garbage collector's passes.

    The modules, URL patterns and settings a worker has loaded by now live as long as it does, yet every full
    collection would walk them again; frozen, they are skipped. Collections of young objects also run less
    often than Python's default (every 700 allocations), since a page allocates tens of thousands. Under the load
    benchmark this took the web server's CPU per request from 3.5 to 3.0 ms.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  # reading it imports every view module
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
