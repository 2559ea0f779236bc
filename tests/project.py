"""The project's own Python run in a child process, as `manage.py` and the servers run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(*arguments: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run this Python with `arguments` (`manage.py …`, `-c …`) in the project's folder with `env`; return what it
    did, its output captured as text."""
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
