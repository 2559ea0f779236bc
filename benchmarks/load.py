"""Load benchmark: the one-machine server (`make run`: gunicorn) against the development server (`make dev`:
runserver), the same request mix in the same run, on a graph of 20,000 organizations.

    .venv/bin/python benchmarks/load.py                       # 2,000 requests from 20 clients against each
    .venv/bin/python benchmarks/load.py --requests 500 --clients 10 --scale 0.05

Builds the synthetic graph of benchmarks/synthetic.py (--scale 0.2: 20,000 organizations, 100,000 relationships)
through the real import into a temporary data directory, and gives each server a copy of it. Starts both as their
make targets do (`manage.py serve` / `manage.py dev`, each with its own embedded graph server), sends each
--warm-up untimed requests, waits until both are idle, then sends the same --requests requests of the mix to each
from --clients concurrent clients (threads, one loopback HTTP connection per request), in rounds of --round that
alternate between the servers so that the machine's other load weighs on both alike. Prints requests/s,
p50/p95/p99 and errors of each (and per kind of request), then stops both. Loopback only; bounded by the request
count and by --max-seconds per server.
The API's throttles are set high (ATC_API_ANON_RATE) so that no request of the benchmark is refused with 429.
Targets (issue 11): 0 errors, the one-machine server ≥ 3× the development server's requests/s, its p99 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atc_graph.settings.test")

import django  # noqa: E402

django.setup()

from benchmarks.synthetic import HUBS, SEARCHES, embedded_graph, org_uid, synthetic_graph  # noqa: E402
from orgs.graph.embedded import free_port  # noqa: E402
from orgs.importer.write import import_graph  # noqa: E402

PASSWORD = "atcgraph-load"
TARGET_RATIO, TARGET_P99_MS = 3.0, 300.0


def request_mix(organizations: int, count: int, seed: int = 3) -> list[tuple[str, str]]:
    """Return `count` (kind, path) pairs cycling through the pages and API calls of the mix, with varied inputs."""
    rng = random.Random(seed)

    def regular() -> str:
        return org_uid(rng.randrange(HUBS, organizations))

    makers = {
        "home": lambda: "/",
        "organization list": lambda: "/organizations/",
        "search page": lambda: "/organizations/?" + urlencode({"q": rng.choice(SEARCHES)}),
        "organization page": lambda: f"/organizations/{regular()}/",
        "hub page": lambda: f"/organizations/{org_uid(rng.randrange(HUBS))}/",
        "explorer json": lambda: f"/explore/{regular()}.json",
        "paths": lambda: "/paths/?" + urlencode({"from": regular(), "to": regular()}),
        "api list": lambda: "/api/organizations/",
        "api detail": lambda: f"/api/organizations/{regular()}/",
        "api search": lambda: "/api/organizations/?" + urlencode({"q": rng.choice(SEARCHES)}),
        "api stats": lambda: "/api/stats/",
    }
    kinds = list(makers)
    return [(kinds[i % len(kinds)], makers[kinds[i % len(kinds)]]()) for i in range(count)]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def session_cpu_seconds(session: int) -> dict[str, float]:
    """Return the CPU time (user + system) used so far by the processes of `session`: the graph server's and
    the rest (the web server's)."""
    used = {"graph": 0.0, "web": 0.0}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:
                continue
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        used["graph" if b"graphserver" in command else "web"] += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return used


def wait_until_quiet(sessions: list[int], *, at_most: float = 60.0, busy_cores: float = 0.1) -> float:
    """Wait until the processes of `sessions` together use under `busy_cores` of CPU over a second (or
    `at_most` seconds have passed); return how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < at_most:
        before = sum(sum(session_cpu_seconds(session).values()) for session in sessions)
        time.sleep(1.0)
        if sum(sum(session_cpu_seconds(session).values()) for session in sessions) - before < busy_cores:
            break
    return time.monotonic() - started


@dataclass
class Outcome:
    """What one run of the mix measured."""

    seconds: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=lambda: {"graph": 0.0, "web": 0.0})
    times_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    not_sent: int = 0

    @property
    def all_ms(self) -> list[float]:
        return [t for times in self.times_ms.values() for t in times]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return len(self.all_ms) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))] if ordered else float("nan")


def get(port: int, path: str, timeout: float) -> int:
    """GET `path` from 127.0.0.1:`port` on a new connection; return the status after reading the whole body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": "text/html,application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run_mix(port: int, mix: list[tuple[str, str]], clients: int, max_seconds: float) -> Outcome:
    """Send `mix` from `clients` threads; stop sending after `max_seconds`. Return the times and errors."""
    outcome, lock, position = Outcome(), threading.Lock(), iter(range(len(mix)))
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        while True:
            with lock:
                index = next(position, None)
                if index is None:
                    return
                if time.monotonic() > deadline:
                    outcome.not_sent += 1
                    continue
            kind, path = mix[index]
            started = time.perf_counter()
            try:
                status = get(port, path, timeout=60)
            except OSError as error:
                status, kind = 0, f"{kind} ({type(error).__name__})"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if 200 <= status < 400:
                    outcome.times_ms[kind].append(elapsed)
                else:
                    outcome.errors[f"{kind}: {status}"] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - started
    return outcome


def wait_for_http(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Return once `/` answers 200 on `port`; raise RuntimeError if the server ends or does not answer in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended (exit code {process.returncode}) before it answered")
        try:
            if get(port, "/", timeout=30) == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer on port {port} within {timeout:.0f} s")


def start_server(command: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `manage.py <command>` on `port` (its output into `log`) and return once it answers."""
    print(f"{command}: starting on 127.0.0.1:{port} (output in {log}) …", flush=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), command, f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_http(port, process, timeout=300)
    except BaseException:
        stop_server(process)
        raise
    return process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started by start_server as Ctrl-C would; kill its whole group if it takes over 90 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def merge(total: Outcome, part: Outcome) -> None:
    """Add the measurements of `part` to `total`."""
    total.seconds += part.seconds
    for side, seconds in part.cpu_seconds.items():
        total.cpu_seconds[side] += seconds
    total.not_sent += part.not_sent
    for kind, times in part.times_ms.items():
        total.times_ms[kind].extend(times)
    for error, count in part.errors.items():
        total.errors[error] += count


def report(name: str, outcome: Outcome) -> None:
    times = outcome.all_ms
    print(
        f"\n{name}: {len(times)} answered in {outcome.seconds:.1f} s = {outcome.rate:.1f} requests/s; "
        f"p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
        f"p99 {percentile(times, 0.99):.0f} ms, max {max(times, default=0):.0f} ms; "
        f"errors {outcome.error_count}" + (f", not sent (time bound) {outcome.not_sent}" if outcome.not_sent else "")
    )
    answered = max(len(times), 1)
    print(
        f"  CPU per request: web {outcome.cpu_seconds['web'] / answered * 1000:.1f} ms, graph server "
        f"{outcome.cpu_seconds['graph'] / answered * 1000:.1f} ms"
    )
    for error, count in sorted(outcome.errors.items()):
        print(f"  error {error}: {count}")
    print(f"  {'request':20} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, values in sorted(outcome.times_ms.items()):
        print(
            f"  {kind:20} {len(values):5} {statistics.median(values):8.0f} {percentile(values, 0.95):8.0f} "
            f"{max(values):8.0f}"
        )


def capacity(name: str, outcome: Outcome, cores: int, *, one_interpreter: bool) -> str:
    """Return the requests/s `outcome`'s CPU cost per request would allow on `cores` idle cores: all of them for
    the web and graph work together, and one core at most for a web server that runs in one interpreter (its
    threads share one lock)."""
    answered = max(len(outcome.all_ms), 1)
    web, graph = (outcome.cpu_seconds[side] / answered for side in ("web", "graph"))
    limit = cores / (web + graph) if web + graph else float("inf")
    if one_interpreter and web:
        limit = min(limit, 1 / web)
    return f"{name}: CPU allows at most {limit:.0f} requests/s on {cores} idle cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.2, help="fraction of 100k organizations / 500k relationships")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=200)
    parser.add_argument("--round", type=int, default=200, help="requests sent to one server before the other")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop sending to a server after this")
    parser.add_argument("--web-ports", default="", help="two ports, serve's and dev's (default: free ones)")
    parser.add_argument("--graph-ports", default="", help="Bolt and HTTP ports of serve's graph server (default: free)")
    parser.add_argument("--log-dir", type=Path, default=Path(tempfile.gettempdir()), help="the servers' output")
    args = parser.parse_args()
    args.organizations = int(100_000 * args.scale)
    serve_port, dev_port = (int(p) for p in args.web_ports.split(",")) if args.web_ports else (free_port(), free_port())
    bolt_port, http_port = (
        (int(p) for p in args.graph_ports.split(",")) if args.graph_ports else (free_port(), free_port())
    )
    with tempfile.TemporaryDirectory(prefix="atc-load-") as work:
        data_dir = Path(work) / "graph"
        with embedded_graph("2g", data_dir=data_dir, bolt_port=bolt_port, http_port=http_port, password=PASSWORD):
            started = time.perf_counter()
            import_graph(synthetic_graph(args.organizations, int(500_000 * args.scale)))
            print(f"Imported {args.organizations:,} organizations in {time.perf_counter() - started:.0f} s", flush=True)
        # Each server gets its own copy of the graph and its own graph server, so both can run at once.
        for name in ("serve", "dev"):
            shutil.copytree(data_dir, Path(work) / f"graph-{name}")
        common = {
            **os.environ,
            "GRAPH_PASSWORD": PASSWORD,
            "DATABASE_URL": f"sqlite:///{work}/django.sqlite3",
            "DJANGO_STATIC_ROOT": f"{work}/static",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "ATC_API_ANON_RATE": "1000000/minute",
            "ATC_API_USER_RATE": "1000000/minute",
        }
        common.pop("DJANGO_SETTINGS_MODULE")  # each command's own: onebox for serve, local for dev
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=common,
            check=True,
        )
        ports = {"serve": (serve_port, bolt_port, http_port), "dev": (dev_port, free_port(), free_port())}
        servers: dict[str, subprocess.Popen[bytes]] = {}
        outcomes = {"serve": Outcome(), "dev": Outcome()}
        try:
            for name, (web, bolt, graph_http) in ports.items():
                env = {
                    **common,
                    "GRAPH_DATA_DIR": str(Path(work) / f"graph-{name}"),
                    "GRAPH_BOLT_PORT": str(bolt),
                    "GRAPH_HTTP_PORT": str(graph_http),
                }
                servers[name] = start_server(name, web, env, args.log_dir / f"atc-load-{name}.log")
            # Both are started before either is warmed up or measured: a graph server that has just started keeps
            # a core busy for several seconds more (its compiler), which would weigh on the other's first round.
            for name, (web, _, _) in ports.items():
                run_mix(web, request_mix(args.organizations, args.warm_up, seed=99), args.clients, args.max_seconds)
                print(f"{name}: warmed up with {args.warm_up} requests", flush=True)
            waited = wait_until_quiet([process.pid for process in servers.values()])
            print(f"both servers quiet after {waited:.1f} s", flush=True)
            # Rounds alternate between the servers (each going first in every other round), so a change in the
            # machine's other load during the run weighs on both alike.
            mix = request_mix(args.organizations, args.requests)
            rounds = [mix[i : i + args.round] for i in range(0, len(mix), args.round)]
            for number, chunk in enumerate(rounds):
                order = ["serve", "dev"] if number % 2 == 0 else ["dev", "serve"]
                for name in order:
                    before = session_cpu_seconds(servers[name].pid)
                    part = run_mix(ports[name][0], chunk, args.clients, args.max_seconds / len(rounds))
                    after = session_cpu_seconds(servers[name].pid)
                    part.cpu_seconds = {side: after[side] - before[side] for side in after}
                    merge(outcomes[name], part)
                print(f"round {number + 1}/{len(rounds)} done", flush=True)
        finally:
            for process in servers.values():
                stop_server(process)
    onebox, development = outcomes["serve"], outcomes["dev"]
    report("make run (gunicorn, DEBUG off)", onebox)
    report("make dev (runserver, DEBUG on)", development)
    ratio = onebox.rate / development.rate if development.rate else float("inf")
    p99 = percentile(onebox.all_ms, 0.99)
    cores = os.cpu_count() or 1
    print(f"\nmachine: {cores} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(capacity("make run", onebox, cores, one_interpreter=False))
    print(capacity("make dev", development, cores, one_interpreter=True))
    print(
        f"throughput ratio make run / make dev: {ratio:.1f}× (target ≥ {TARGET_RATIO:.0f}×); make run p99 "
        f"{p99:.0f} ms (target ≤ {TARGET_P99_MS:.0f}); errors {onebox.error_count} + {development.error_count} "
        "(target 0)"
    )


if __name__ == "__main__":
    main()
