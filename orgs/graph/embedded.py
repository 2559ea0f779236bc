"""Run the embedded graph server: ArcadeDB's Bolt endpoint from the `arcadedb-embedded` package.

The server lives in the process that calls `serve_forever` (the JVM is started inside it through JPype),
binds every listener to loopback, and keeps its data under `data_dir`. Other processes reach it over Bolt.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import neo4j
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired


class GraphServerError(Exception):
    """A graph server problem that is reported to the person as one line."""


PASSWORD_FILE = "root-password"
# The fixed password data directories were created with before each got its own; they keep it.
LEGACY_PASSWORD = "atcgraph-local"


def data_dir_password(data_dir: Path) -> str:
    """Return the root password of the embedded server whose data is in `data_dir`, kept in its
    `root-password` file (mode 0600). On first use the file is made: with a new random password, or with the
    old fixed default if the server already keeps users there (a directory made before passwords were random).
    """
    path = data_dir / PASSWORD_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    made_before = (data_dir / "config" / "server-users.jsonl").exists()
    password = LEGACY_PASSWORD if made_before else secrets.token_urlsafe(24)
    # Written whole under another name, then linked into place: a process starting at the same moment either
    # wins the link or reads the winner's file, never a half-written one.
    draft = data_dir / f".{PASSWORD_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(password + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    finally:
        draft.unlink()
    if made_before:
        print(
            f"The graph data in {data_dir} was made with the old fixed root password; it keeps it, now in {path}. "
            "A new data directory gets a random one.",
            file=sys.stderr,
        )
    return password


class GraphServerSettings(TypedDict):
    """The shape of settings.GRAPH_SERVER: where the embedded server listens, its credentials and limits."""

    HOST: str
    BOLT_PORT: int
    HTTP_PORT: int
    DATA_DIR: Path
    USER: str
    PASSWORD: str
    DATABASE: str
    HEAP: str
    START_TIMEOUT: float


@dataclass(frozen=True)
class EmbeddedServerConfig:
    """Where and how the embedded server listens and stores its data."""

    data_dir: Path
    host: str = "127.0.0.1"
    bolt_port: int = 7687
    http_port: int = 2480
    user: str = "root"
    password: str = LEGACY_PASSWORD
    database: str = "graph"
    heap: str = "512m"

    @property
    def bolt_url(self) -> str:
        return f"bolt://{self.host}:{self.bolt_port}"

    @property
    def neomodel_url(self) -> str:
        return f"bolt://{self.user}:{self.password}@{self.host}:{self.bolt_port}/{self.database}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on `host` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def check_can_start(config: EmbeddedServerConfig) -> None:
    """Raise GraphServerError if the ports are taken or the data directory cannot be written."""
    for name, port in (("Bolt", config.bolt_port), ("HTTP", config.http_port)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # As the server itself does: connections of a stopped server in TIME_WAIT do not block the port.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((config.host, port))
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise GraphServerError(
                        f"{name} port {port} on {config.host} is already in use "
                        f"(another graph server running? choose another with GRAPH_BOLT_PORT/GRAPH_HTTP_PORT)."
                    ) from None
                raise GraphServerError(f"Cannot listen on {config.host}:{port}: {error.strerror}.") from None
    try:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GraphServerError(f"Cannot create the data directory {config.data_dir}: {error.strerror}.") from None
    if not os.access(config.data_dir, os.W_OK | os.X_OK):
        raise GraphServerError(f"The data directory {config.data_dir} is not writable.")


def wait_for_bolt(config: EmbeddedServerConfig, *, timeout: float, is_alive: Callable[[], bool] = lambda: True) -> None:
    """Return once the server answers `RETURN 1` over Bolt; raise GraphServerError on timeout or bad credentials."""
    deadline = time.monotonic() + timeout
    # A short connection timeout: while it starts, the server takes connections before it answers on them, and
    # the driver's default (30 s) waited that long before asking again (a restart after kill -9: ~30 s, not ~5).
    with neo4j.GraphDatabase.driver(
        config.bolt_url, auth=(config.user, config.password), connection_timeout=1, connection_acquisition_timeout=2
    ) as driver:
        while True:
            try:
                with driver.session(database=config.database) as session:
                    session.run("RETURN 1").consume()
                return
            except AuthError:
                raise GraphServerError(
                    f"The graph server at {config.bolt_url} refused user '{config.user}': wrong password "
                    f"(the data directory keeps the password it was created with, in its root-password file; check "
                    f"GRAPH_PASSWORD)."
                ) from None
            except (ServiceUnavailable, SessionExpired, OSError, neo4j.exceptions.DatabaseUnavailable):
                pass
            except neo4j.exceptions.ClientError:
                # The server answers but the database is still being created.
                pass
            if not is_alive():
                raise GraphServerError("The graph server process ended before it answered; see its output above.")
            if time.monotonic() > deadline:
                raise GraphServerError(f"The graph server did not answer on {config.bolt_url} within {timeout:.0f} s.")
            time.sleep(0.2)


def bolt_answers(config: EmbeddedServerConfig, *, timeout: float) -> bool:
    """Return True if the server answers `RETURN 1` over a new Bolt connection within `timeout` seconds.

    The probe runs in a thread of its own and is given up on after `timeout`: the driver bounds connecting and
    its handshake, but not a read from a server that took the connection and then stopped (SIGSTOP, a stuck
    JVM), which waits until the socket closes. A probe given up on ends when the server is killed.
    """
    answered = threading.Event()

    def probe() -> None:
        try:
            with neo4j.GraphDatabase.driver(
                config.bolt_url,
                auth=(config.user, config.password),
                connection_timeout=timeout,
                connection_acquisition_timeout=timeout,
                max_connection_pool_size=1,
            ) as driver:
                with driver.session(database=config.database) as session:
                    session.run("RETURN 1").consume()
            answered.set()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
            pass

    threading.Thread(target=probe, name="graph-probe", daemon=True).start()
    return answered.wait(timeout)


HEAP_SIZE = re.compile(r"^(\d+)([kmg])$", re.IGNORECASE)
UNIT_BYTES = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def collector_options(heap: str) -> list[str]:
    """Return the JVM's garbage-collector options for a server with `heap` (such as "512m" or "4g").

    The throughput collector: on two cores G1's concurrent marking competes with the one thread that runs a
    transaction (a 100k-node, 500k-relationship import: 12 % less server CPU, 5 % sooner). A young generation
    of a quarter of the heap from the start, and survivors moved to the old generation at once: what a large
    transaction writes lives until its commit, so copying it between survivor spaces is wasted (the same
    import: half the collector's pauses, about 2.5 s sooner over three runs each).
    """
    options = ["-XX:+UseParallelGC", "-XX:MaxTenuringThreshold=0"]
    size = HEAP_SIZE.match(heap.strip())
    if size:
        young_megabytes = int(size[1]) * UNIT_BYTES[size[2].lower()] // 4 // UNIT_BYTES["m"]
        options.append(f"-Xmn{max(young_megabytes, 16)}m")
    return options


def serve_forever(config: EmbeddedServerConfig, *, on_ready: Callable[[], None]) -> None:
    """Start the server in this process and block until SIGINT or SIGTERM, then stop it cleanly and exit."""
    check_can_start(config)
    # Imported here, not at the top (no cycle: a cost): the settings import this module for `data_dir_password`,
    # and the package, JPype with it, adds ~140 ms to every process that reads them; only the server's needs it.
    from arcadedb_embedded import ArcadeDBServer

    # ArcadeDB writes a `log/` folder into the working directory.
    os.chdir(config.data_dir)
    server = ArcadeDBServer(
        root_path=str(config.data_dir),
        root_password=config.password,
        config={
            "host": config.host,
            "http_port": config.http_port,
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": config.bolt_port,
            "server_defaultDatabases": f"{config.database}[{config.user}]",
        },
        jvm_kwargs={"heap_size": config.heap, "jvm_args": collector_options(config.heap)},
    )

    def stop(signum: int, frame: object) -> None:
        # A signal that reaches the JVM directly crashes JPype: stop from Python, then leave at once.
        try:
            server.stop()
        finally:
            os._exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        server.start()
    except Exception as error:  # the Java exception's message is the useful part
        raise GraphServerError(f"The graph server failed to start: {error}") from None
    wait_for_bolt(config, timeout=60)
    on_ready()
    while True:
        time.sleep(3600)


class EmbeddedServerProcess:
    """A `manage.py graphserver` child process, for `make run`, tests and benchmarks."""

    def __init__(self, config: EmbeddedServerConfig, *, settings_module: str | None = None, quiet: bool = True):
        self.config = config
        self.settings_module = settings_module
        self.quiet = quiet
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 60) -> None:
        """Start the child and return once Bolt answers; raise GraphServerError otherwise."""
        check_can_start(self.config)
        manage = Path(__file__).resolve().parents[2] / "manage.py"
        env = dict(os.environ)
        env.pop("NEO4J_BOLT_URL", None)
        env["GRAPH_PASSWORD"] = self.config.password  # the environment, not argv: a process listing shows argv
        if self.settings_module:
            env["DJANGO_SETTINGS_MODULE"] = self.settings_module
        command = [
            sys.executable,
            str(manage),
            "graphserver",
            "--data-dir",
            str(self.config.data_dir),
            "--bolt-port",
            str(self.config.bolt_port),
            "--http-port",
            str(self.config.http_port),
            "--heap",
            self.config.heap,
        ]
        output = subprocess.DEVNULL if self.quiet else None
        self.process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
        try:
            wait_for_bolt(self.config, timeout=timeout, is_alive=self.is_running)
        except GraphServerError:
            self.stop()
            raise

    def is_running(self) -> bool:
        """Return True while the child process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self, *, timeout: float = 30) -> None:
        """Ask the child to stop cleanly; kill it if it does not within `timeout` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """End the child at once, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
