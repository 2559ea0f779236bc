"""The throttles' counters (orgs.api.throttling.CounterFileCache) count every request of every process once and
keep each window's length."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from orgs.api.throttling import CounterFileCache

pytestmark = pytest.mark.no_graph


def counters(directory: Path) -> CounterFileCache:
    return CounterFileCache(str(directory), {"TIMEOUT": None})


def count_requests(directory: str, requests: int) -> None:
    cache = counters(Path(directory))
    for _ in range(requests):
        cache.add("client", 0, 60)
        cache.incr("client")


def test_processes_counting_at_once_lose_no_request(tmp_path):
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as gunicorn's workers are to each other
    workers = [context.Process(target=count_requests, args=(str(tmp_path), 150)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert counters(tmp_path).get("client") == 600


def test_counting_keeps_the_window_it_was_opened_with(tmp_path):
    cache = counters(tmp_path)
    assert cache.add("client", 0, 1)

    assert cache.incr("client") == 1
    assert cache.incr("client") == 2
    time.sleep(1.2)

    assert cache.get("client") is None  # Django's file cache would have kept it 300 s from the last count
    with pytest.raises(ValueError):
        cache.incr("client")
    assert cache.add("client", 0, 1)


def test_a_full_directory_drops_the_closed_windows_first(tmp_path):
    cache = CounterFileCache(str(tmp_path), {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 1}})
    for number in range(9):
        cache.set(f"closed-{number}", 1, 1)
    time.sleep(1.2)
    cache.set("open", 5, 60)

    cache.set("another", 1, 60)  # past MAX_ENTRIES: Django would delete every entry (CULL_FREQUENCY 1)

    assert cache.get("open") == 5
