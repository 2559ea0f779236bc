"""Gunicorn's configuration for `manage.py serve` (`make run`): threaded workers sized for the machine.

ATC_WEB_WORKERS (default: the number of CPU cores) processes, each with ATC_WEB_THREADS (default 8) threads:
a request mostly waits on the graph server, so threads keep the cores busy, and each process shares one Bolt
connection pool between its threads. Any other gunicorn option can be given in GUNICORN_CMD_ARGS.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("ATC_WEB_WORKERS", str(os.cpu_count() or 2)))
threads = int(os.environ.get("ATC_WEB_THREADS", "8"))
# A request may be a whole-graph import; the workers' heartbeat runs on a thread of its own, so this bounds a
# stuck worker, not a long request.
timeout = 120
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("ATC_WEB_ACCESS_LOG", "-") or None  # "-" is the terminal; empty turns it off
errorlog = "-"
# No control socket: it lives at one path per user, so a second install (or a test) would take it over.
control_socket_disable = True
