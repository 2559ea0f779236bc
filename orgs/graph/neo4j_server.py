"""Run a throwaway real Neo4j 5.26 with the launcher in `shared/neo4j` (for the tests and the benchmarks).

The launcher (`neo4j-test-server`, see the README beside it) runs one server in the foreground on the ports and
directory it is given, with Java 17; its process is the server's JVM, so its pid is the server's.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orgs.graph.embedded import GraphServerError, free_port

PASSWORD = "atcgraph-test"
LAUNCHER_EXIT_CODES = {
    2: "bad arguments",
    3: "no usable java (Java 17 is needed)",
    4: "a port is taken",
    5: "its directory cannot be written or is in use",
}


@dataclass(frozen=True)
class Neo4jServer:
    """A running throwaway Neo4j."""

    bolt_port: int
    pid: int
    password: str = PASSWORD
    user: str = "neo4j"
    database: str = "neo4j"

    def uri(self, scheme: str = "bolt") -> str:
        return f"{scheme}://127.0.0.1:{self.bolt_port}"

    def neomodel_url(self, scheme: str = "bolt") -> str:
        """Return the URL in neomodel's form (credentials and database in it), `scheme` bolt or neo4j."""
        return f"{scheme}://{self.user}:{self.password}@127.0.0.1:{self.bolt_port}/{self.database}"


@contextmanager
def neo4j_server(
    launcher: Path, *, heap: str = "1g", pagecache: str = "256m", timeout: float = 180
) -> Iterator[Neo4jServer]:
    """Run Neo4j with `launcher` on free loopback ports in a temporary directory until the block ends, then stop
    it with SIGTERM and remove the directory. Raise GraphServerError (one line) if it cannot start or does not
    answer on its Bolt port within `timeout` seconds."""
    if not launcher.is_file():
        raise GraphServerError(f"no Neo4j launcher at {launcher}")
    directory = Path(tempfile.mkdtemp(prefix="atc-neo4j-"))
    bolt_port, http_port = free_port(), free_port()
    log_path = directory / "server.out"
    with log_path.open("wb") as log:  # a file, never a pipe nobody reads: a full pipe would block the server
        process = subprocess.Popen(
            [
                str(launcher),
                "--dir",
                str(directory / "db"),
                "--bolt-port",
                str(bolt_port),
                "--http-port",
                str(http_port),
                "--password",
                PASSWORD,
                "--heap",
                heap,
                "--pagecache",
                pagecache,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_bolt(process, bolt_port, log_path, timeout)
        yield Neo4jServer(bolt_port=bolt_port, pid=process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_for_bolt(process: subprocess.Popen[bytes], port: int, log_path: Path, timeout: float) -> None:
    """Return once the server answers on its Bolt port, which opens only when its databases are up."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            lines = log_path.read_text(errors="replace").strip().splitlines()
            reason = LAUNCHER_EXIT_CODES.get(process.returncode, lines[-1] if lines else "no output")
            raise GraphServerError(
                f"Neo4j on Bolt port {port} did not start: the launcher exited with {process.returncode} ({reason})"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise GraphServerError(f"Neo4j did not answer on Bolt port {port} within {timeout:.0f} s") from None
            time.sleep(0.2)


def resident_mb(pid: int) -> float:
    """Return the resident memory of process `pid` in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise GraphServerError(f"no resident size for process {pid}")
