"""`manage.py ingest_source`: a file read into a draft, its proposals printed, and accepted with --accept-all."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from orgs.graph.connection import cypher
from orgs.models import SourceDraft


def test_a_file_is_read_and_accepted_with_accept_all(tmp_path: Path) -> None:
    page = tmp_path / "partners.txt"
    page.write_text("The Baltic Anti-Crime Center closely collaborates with the Nordic Customs Council.\n")
    out = StringIO()
    call_command("ingest_source", str(page), "--title", "Partners", "--accept-all", stdout=out)
    assert "Baltic Anti-Crime Center collaborates with Nordic Customs Council" in out.getvalue()
    assert "Accepted as source partners" in out.getvalue()
    assert cypher("MATCH ()-[r:COLLABORATES_WITH]->() RETURN count(r) AS n")[0]["n"] == 1


def test_a_bad_file_is_one_clear_line_and_nothing_is_kept(tmp_path: Path) -> None:
    page = tmp_path / "binary.txt"
    page.write_bytes(b"\x00\x01" * 500)
    with pytest.raises(CommandError, match="Nothing was written. file: is not a text file"):
        call_command("ingest_source", str(page), "--title", "Partners")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("ingest_source", str(tmp_path / "missing.txt"), "--title", "Partners")
    assert not SourceDraft.objects.exists()
