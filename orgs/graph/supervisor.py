"""The processes of a one-machine install (`manage.py serve`, `manage.py dev`): the embedded graph server,
restarted whenever it stops, and gunicorn as the web server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

from orgs.graph.connection import connect
from orgs.graph.embedded import (
    EmbeddedServerConfig,
    EmbeddedServerProcess,
    GraphServerError,
    GraphServerSettings,
    bolt_answers,
)


@contextmanager
def embedded_server_in_use(
    config: EmbeddedServerConfig, *, settings_module: str, timeout: float = 120
) -> Iterator[EmbeddedServerProcess]:
    """Start the embedded graph server `config` describes, point this process's Django settings and connection at
    it, and yield it; stop it when the block ends (a test session's server, a benchmark's)."""
    server = EmbeddedServerProcess(config, settings_module=settings_module)
    server.start(timeout=timeout)
    try:
        graph_server: GraphServerSettings = settings.GRAPH_SERVER
        graph_server["BOLT_PORT"], graph_server["HTTP_PORT"] = config.bolt_port, config.http_port
        graph_server["PASSWORD"], graph_server["DATA_DIR"] = config.password, config.data_dir
        settings.NEOMODEL_NEO4J_BOLT_URL = config.neomodel_url
        connect(config.neomodel_url)
        yield server
    finally:
        server.stop()


class GraphWatchdog(threading.Thread):
    """Restart the embedded graph server whenever its process ends, pausing longer after each failed attempt
    (1 s, 2 s, 4 s … up to `max_pause`; back to 1 s once it has stayed up for `healthy_after` seconds).

    A server whose process lives but does not answer (stopped, hung) is killed, then restarted like one that
    died: every `probe_every` seconds it is asked `RETURN 1` over Bolt, and after `misses` probes in a row not
    answered within `probe_timeout` it is killed. Until then the requests waiting on its connections wait too;
    the kill closes them, so they answer 503, and the data directory is consistent after a kill.
    """

    def __init__(
        self,
        server: EmbeddedServerProcess,
        log: Callable[[str], None],
        *,
        first_pause: float = 1.0,
        max_pause: float = 30.0,
        healthy_after: float = 60.0,
        start_timeout: float = 60.0,
        probe_every: float = 5.0,
        probe_timeout: float = 3.0,
        misses: int = 3,
    ):
        super().__init__(name="graph-watchdog", daemon=True)
        self.server, self.log = server, log
        self.first_pause, self.max_pause, self.healthy_after = first_pause, max_pause, healthy_after
        self.start_timeout = start_timeout
        self.probe_every, self.probe_timeout, self.misses = probe_every, probe_timeout, misses
        self.stopping = threading.Event()
        self.restarts = 0

    def run(self) -> None:
        pause, up_since = self.first_pause, time.monotonic()
        missed, probed_at = 0, time.monotonic()
        while not self.stopping.wait(0.5):
            if self.server.is_running():
                if time.monotonic() - up_since > self.healthy_after:
                    pause = self.first_pause
                if time.monotonic() - probed_at < self.probe_every:
                    continue
                missed = 0 if bolt_answers(self.server.config, timeout=self.probe_timeout) else missed + 1
                probed_at = time.monotonic()
                if missed < self.misses or self.stopping.is_set():
                    continue
                self.log(
                    f"The graph server does not answer ({missed} probes of {self.probe_timeout:.0f} s in a "
                    "row); killing it …"
                )
                self.server.kill()
            missed = 0
            code = self.server.process.returncode if self.server.process else None
            self.log(f"The graph server stopped (exit code {code}); restarting it in {pause:.0f} s …")
            if self.stopping.wait(pause):
                return
            try:
                self.server.start(timeout=self.start_timeout)
            except GraphServerError as error:
                self.log(f"The graph server did not come back: {error}")
            else:
                self.restarts += 1
                up_since = probed_at = time.monotonic()
                self.log(f"The graph server is back on {self.server.config.bolt_url} (restart {self.restarts}).")
            if self.stopping.is_set():
                return
            pause = min(pause * 2, self.max_pause)

    def stop(self) -> None:
        """Stop watching, then stop the graph server (also one the watchdog was starting at that moment)."""
        self.stopping.set()
        self.server.stop()
        if self.is_alive():
            self.join(timeout=self.start_timeout + 5)
        self.server.stop()


def web_server_command(addrport: str) -> list[str]:
    """Return the command that runs gunicorn on `addrport` with the project's configuration."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:atc_graph.gunicorn_config",
        "--bind",
        addrport,
        "atc_graph.wsgi:application",
    ]


def start_web_server(addrport: str) -> subprocess.Popen[bytes]:
    """Start gunicorn on `addrport` with this process's settings module, from the project's directory."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    return subprocess.Popen(web_server_command(addrport), cwd=settings.BASE_DIR, env=env)


def stop_web_server(process: subprocess.Popen[bytes], *, timeout: float = 40) -> None:
    """Stop gunicorn gracefully (it finishes the requests under way); kill it if it takes longer than `timeout`."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_listening(addrport: str, process: subprocess.Popen[bytes], *, timeout: float = 60) -> bool:
    """Return True once something accepts connections on `addrport`; False if `process` ends or time runs out."""
    host, _, port = addrport.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:
        host = "127.0.0.1"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False
