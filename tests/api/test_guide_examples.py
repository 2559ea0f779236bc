"""docs/api.md's examples work as written: every shell and Python block of the guide runs against a live
server holding the seed graph, as the user the guide names, and prints what the guide says it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from orgs.graph.connection import cypher
from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE = ROOT / "docs" / "api.md"
GUIDE_API = "http://127.0.0.1:8000/api"


def guide_blocks(language: str) -> list[str]:
    """Return the guide's fenced code blocks in `language`, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", GUIDE.read_text(), flags=re.M | re.S)


def run(command: list[str], workdir: Path) -> str:
    """Run `command` in `workdir` against the test graph; return its output, failing the test on an error."""
    env = {
        **os.environ,
        "NEO4J_BOLT_URL": settings.NEOMODEL_NEO4J_BOLT_URL,
        "DJANGO_SETTINGS_MODULE": "atc_graph.settings.test",
    }
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{command[:2]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def live_api(live_server, seed_graph, tmp_path) -> str:
    """The live server's API URL, with the guide's `editor` user (password `their-password`)."""
    user_with("editor", *ALL_WRITE_PERMISSIONS, password="their-password")
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (tmp_path / "manage.py").symlink_to(ROOT / "manage.py")
    return f"{live_server.url}/api"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_shell_examples_run_in_order_without_an_http_error(live_api, tmp_path):
    # As written, except that curl fails on an HTTP error status instead of printing the error's body.
    script = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n' + "\n".join(
        guide_blocks("sh")
    ).replace(GUIDE_API, live_api)

    output = run(["bash", "-c", script], tmp_path)

    assert '"uid":"eatu"' in output  # the organization the writing example creates
    assert "would create 0" in output  # the command-line dry run of the exported graph
    assert (tmp_path / "graph.graphml").read_text().startswith("<?xml")
    assert cypher("MATCH (o:Organization {uid: 'eatu'}) RETURN count(o) AS n")[0]["n"] == 0  # deleted


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_python_reading_example_pages_through_every_organization(live_api, tmp_path, seed_graph):
    reading, _ = guide_blocks("python")

    output = run([sys.executable, "-c", reading.replace(GUIDE_API, live_api)], tmp_path).splitlines()

    assert output[0] == f"{seed_graph['Organization']} organizations"
    assert "COLLABORATES_WITH out" in "\n".join(output[1:])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_python_writing_example_prints_what_its_comments_say(live_api, tmp_path):
    _, writing = guide_blocks("python")

    output = run([sys.executable, "-c", writing.replace(GUIDE_API, live_api)], tmp_path).splitlines()

    assert output == [
        "201 python-example-unit",
        "(400, {'until': ['is before since']})",
        "(204, None)",
        "410",
    ]
