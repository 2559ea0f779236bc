"""The one-machine install keeps its throttle counters in memory, in a directory that is its own user's alone."""

import os
import stat
from pathlib import Path

import pytest

from atc_graph.settings import runtime_dir as runtime

pytestmark = pytest.mark.no_graph


@pytest.fixture
def no_memory_filesystem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "MEMORY_FILESYSTEMS", ())


def test_the_directory_is_the_users_runtime_directory_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory_filesystem: None
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    found = runtime.runtime_dir(tmp_path / "var")
    assert found.parent == tmp_path
    assert found.name.startswith(f"atc-graph-{os.getuid()}-")
    assert stat.S_IMODE(found.stat().st_mode) == 0o700


def test_two_installs_get_two_directories_and_one_install_the_same_one_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory_filesystem: None
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    first, second = runtime.runtime_dir(tmp_path / "one"), runtime.runtime_dir(tmp_path / "two")
    assert first != second
    assert runtime.runtime_dir(tmp_path / "one") == first


def test_a_directory_others_could_write_to_or_a_link_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_memory_filesystem: None
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    var_dir = tmp_path / "var"
    planted = runtime.runtime_dir(var_dir)
    planted.chmod(0o777)
    assert runtime.runtime_dir(var_dir) == var_dir / "run"
    planted.rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    planted.symlink_to(tmp_path / "elsewhere")
    assert runtime.runtime_dir(var_dir) == var_dir / "run"


def test_without_a_runtime_directory_the_memory_file_system_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(runtime, "MEMORY_FILESYSTEMS", (str(tmp_path / "shm"),))
    (tmp_path / "shm").mkdir()
    assert runtime.runtime_dir(tmp_path / "var").parent == tmp_path / "shm"


def test_with_nowhere_in_memory_the_counters_stay_under_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(runtime, "MEMORY_FILESYSTEMS", (str(tmp_path / "missing"),))
    assert runtime.runtime_dir(tmp_path / "var") == tmp_path / "var" / "run"
