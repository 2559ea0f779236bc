"""The embedded graph server: clear one-line errors, and data that survives a restart or a crash."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import neo4j
import pytest
from django.core.management import CommandError, call_command

from orgs.graph.embedded import (
    LEGACY_PASSWORD,
    PASSWORD_FILE,
    EmbeddedServerConfig,
    EmbeddedServerProcess,
    GraphServerError,
    check_can_start,
    collector_options,
    data_dir_password,
    free_port,
    wait_for_bolt,
)
from orgs.management.commands.graphserver import embedded_config_from_settings

pytestmark = pytest.mark.no_graph


def config_in(directory: Path, **overrides) -> EmbeddedServerConfig:
    values = {"data_dir": directory, "bolt_port": free_port(), "http_port": free_port(), "password": "atcgraph-test"}
    return EmbeddedServerConfig(**{**values, **overrides})


def count_marks(config: EmbeddedServerConfig) -> int:
    with neo4j.GraphDatabase.driver(config.bolt_url, auth=(config.user, config.password)) as driver:
        records, _, _ = driver.execute_query("MATCH (m:Mark) RETURN count(m) AS n", database_=config.database)
    return records[0]["n"]


@pytest.mark.parametrize(("heap", "young"), [("4g", "-Xmn1024m"), ("512m", "-Xmn128m"), ("2G", "-Xmn512m")])
def test_the_young_generation_is_a_quarter_of_the_heap(heap, young):
    assert collector_options(heap) == ["-XX:+UseParallelGC", "-XX:MaxTenuringThreshold=0", young]


def test_a_heap_size_the_server_cannot_read_leaves_the_young_generation_to_the_jvm():
    assert not any(option.startswith("-Xmn") for option in collector_options("lots"))


def test_a_taken_port_is_reported_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(CommandError, match=f"Bolt port {port} on 127.0.0.1 is already in use"):
            call_command("graphserver", "--data-dir", str(tmp_path), "--bolt-port", str(port))


def test_a_data_directory_that_cannot_be_created_is_reported(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")

    with pytest.raises(GraphServerError, match="Cannot create the data directory"):
        check_can_start(config_in(blocker / "graph"))


def test_a_server_that_never_answers_is_reported_after_the_timeout(tmp_path):
    with pytest.raises(GraphServerError, match="did not answer on bolt://127.0.0.1:.* within 1 s"):
        wait_for_bolt(config_in(tmp_path), timeout=1)


def test_wrong_credentials_are_reported_as_such(graph_server, tmp_path):
    if graph_server is None:
        pytest.skip("runs against the embedded server")
    wrong = EmbeddedServerConfig(data_dir=tmp_path, bolt_port=graph_server.bolt_port, password="not-the-password")

    with pytest.raises(GraphServerError, match="wrong password"):
        wait_for_bolt(wrong, timeout=10)


@pytest.mark.slow
def test_data_survives_a_clean_restart_and_a_crash(tmp_path):
    config = config_in(tmp_path / "graph")
    server = EmbeddedServerProcess(config)
    server.start(timeout=90)
    try:
        with neo4j.GraphDatabase.driver(config.bolt_url, auth=(config.user, config.password)) as driver:
            driver.execute_query("CREATE (:Mark {n: 1})", database_=config.database)
        server.stop()
        server.start(timeout=90)
        assert count_marks(config) == 1

        server.kill()  # as a power cut would
        server.start(timeout=90)
        assert count_marks(config) == 1
    finally:
        server.stop()


def test_each_new_data_directory_gets_its_own_random_password_in_a_file_only_its_owner_reads(tmp_path):
    first, second = data_dir_password(tmp_path / "a"), data_dir_password(tmp_path / "b")

    assert first != second and len(first) >= 32
    assert first != LEGACY_PASSWORD
    assert stat.S_IMODE((tmp_path / "a" / PASSWORD_FILE).stat().st_mode) == 0o600
    assert data_dir_password(tmp_path / "a") == first  # kept, not made again


def test_a_data_directory_made_with_the_old_fixed_password_keeps_it(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "server-users.jsonl").write_text("{}\n")

    assert data_dir_password(tmp_path) == LEGACY_PASSWORD
    assert (tmp_path / PASSWORD_FILE).read_text().strip() == LEGACY_PASSWORD


@pytest.mark.slow
def test_the_graph_server_gets_its_data_directorys_password_without_it_showing_in_a_process_listing(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("GRAPH_PASSWORD", raising=False)
    config = embedded_config_from_settings(data_dir=tmp_path / "graph", bolt_port=free_port(), http_port=free_port())
    server = EmbeddedServerProcess(config)
    server.start(timeout=90)
    try:
        assert config.password == (tmp_path / "graph" / PASSWORD_FILE).read_text().strip()
        command_lines = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in process_tree(server.process.pid)]
        assert any(b"graphserver" in line for line in command_lines)
        assert not any(config.password.encode() in line for line in command_lines)
        wait_for_bolt(config, timeout=10)  # it answers to the data directory's password
    finally:
        server.stop()


@pytest.mark.slow
def test_a_data_directory_made_before_passwords_were_random_still_starts(tmp_path, monkeypatch):
    monkeypatch.delenv("GRAPH_PASSWORD", raising=False)
    old = config_in(tmp_path / "graph", password=LEGACY_PASSWORD)  # as every data directory was made before
    server = EmbeddedServerProcess(old)
    server.start(timeout=90)
    server.stop()
    assert not (tmp_path / "graph" / PASSWORD_FILE).exists()

    config = embedded_config_from_settings(data_dir=tmp_path / "graph", bolt_port=free_port(), http_port=free_port())
    server = EmbeddedServerProcess(config)
    server.start(timeout=90)
    try:
        assert config.password == LEGACY_PASSWORD
    finally:
        server.stop()


def process_tree(pid: int) -> list[int]:
    """Return `pid` and every process below it."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(grandchild for child in children for grandchild in process_tree(int(child)))]
