"""The seed on a graph in use: a start never overwrites it, and an upgrade adds only what editors did not touch.

The tests' sample graph stands for the seed, so that growing the seed changes none of what these tests build on;
the last test runs the real one."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from orgs import services
from orgs.graph import queries as q
from orgs.graph.connection import cypher, write_transaction
from orgs.history import citation_change_record
from orgs.importer.read import read_graph_file
from orgs.models import ChangeAction, ChangeRecord
from tests.api.conftest import ALL_WRITE_PERMISSIONS, user_with
from tests.cypher_factories import SAMPLE_GRAPH_FILE

NEW_DESCRIPTION = "Edited by an editor: the centre's own summary."
NEW_BODY = {
    "uid": "new-seed-body",
    "name": "Newly Sourced Coordination Body",
    "kind": "other",
    "description": "A body a later version of the seed adds.",
}
NEW_RELATIONSHIP = {
    "type": "COLLABORATES_WITH",
    "from": "cis-atc",
    "to": "new-seed-body",
    "confidence": "stated",
    "source": "cis-atc-partners",
    "evidence": "The Commonwealth of Independent States Anti-Terrorism Center",
}
NEW_WEBSITE = "https://example.org/unodc"


def start_sequence() -> str:
    """Run what `manage.py serve` runs on the graph at every start; return what it printed."""
    out = io.StringIO()
    call_command("setup_graph", stdout=out)
    call_command("load_seed", stdout=out)
    return out.getvalue()


def node(uid: str) -> dict[str, Any] | None:
    rows = cypher(q.NODE_BY_UID, {"uid": uid})
    return rows[0]["props"] if rows else None


def newer_seed(tmp_path: Path, edit=None) -> Path:
    """Write the seed file as a later version would be: one new body, a relationship to it, and a website
    for a body that had none; return its path."""
    data = copy.deepcopy(read_graph_file(Path(settings.SEED_GRAPH_FILE)))
    data["organizations"].append(NEW_BODY)
    data["relationships"].append(NEW_RELATIONSHIP)
    for record in data["organizations"]:
        if record["uid"] == "unodc":
            record["website"] = NEW_WEBSITE
    if edit:
        edit(data)
    path = tmp_path / "seed_graph.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def sample_seed(settings) -> None:
    """Make the tests' sample graph the seed."""
    settings.SEED_GRAPH_FILE = SAMPLE_GRAPH_FILE


@pytest.fixture
def edited_seed_graph(sample_seed) -> APIClient:
    """Start on an empty graph (the seed is loaded), then, as an editor through the API, change cis-atc's
    description and delete acsrt; return the editor's client."""
    assert "Loaded the seed graph" in start_sequence()
    client = APIClient()
    client.force_authenticate(user_with("editor", *ALL_WRITE_PERMISSIONS))
    assert (
        client.patch("/api/organizations/cis-atc/", {"description": NEW_DESCRIPTION}, format="json").status_code == 200
    )
    assert client.delete("/api/organizations/acsrt/").status_code == 204
    return client


def test_a_restart_keeps_an_editors_change_and_deletion(edited_seed_graph):
    printed = start_sequence()

    assert "left the graph as it is" in printed
    assert node("cis-atc")["description"] == NEW_DESCRIPTION
    assert node("acsrt") is None
    assert edited_seed_graph.get("/api/organizations/acsrt/").status_code == 410


def test_the_start_sequence_loads_the_seed_into_an_empty_graph_only(db):
    services.node_create(label="Organization", data={"name": "Only Body", "kind": "other"}, uid="only-body")
    services.node_delete(uid="only-body")

    printed = start_sequence()

    assert "left the graph as it is" in printed
    assert cypher(q.ANY_NODE) == []  # every node deleted by an editor is not an empty graph


def test_serve_loads_the_seed_only_into_an_empty_graph():
    serve = Path(settings.BASE_DIR, "orgs/management/commands/serve.py").read_text()

    assert 'call_command("load_seed")' in serve
    assert 'call_command("load_graph")' not in serve


def test_the_upgrade_preview_lists_additions_and_what_editors_changed_and_writes_nothing(edited_seed_graph, tmp_path):
    out = io.StringIO()
    records_before = ChangeRecord.objects.count()

    call_command("upgrade_seed", str(newer_seed(tmp_path)), stdout=out)

    printed = out.getvalue()
    assert "add Organization new-seed-body" in printed
    assert "add relationship cis-atc COLLABORATES_WITH new-seed-body" in printed
    assert "add to Organization unodc: website" in printed
    assert "leave Organization acsrt: deleted by an editor" in printed
    assert "leave relationship cis-atc COLLABORATES_WITH acsrt: acsrt was deleted" in printed
    assert "leave Organization cis-atc: description, which differs from the seed" in printed
    assert "Nothing was written" in printed
    assert node("new-seed-body") is None
    assert node("unodc").get("website") is None
    assert ChangeRecord.objects.count() == records_before


def test_applying_the_upgrade_adds_the_new_facts_and_keeps_the_edit_and_the_deletion(edited_seed_graph, tmp_path):
    call_command("upgrade_seed", str(newer_seed(tmp_path)), "--apply", stdout=io.StringIO())

    assert node("new-seed-body")["name"] == NEW_BODY["name"]
    assert cypher(q.find_relationship("COLLABORATES_WITH"), {"start": "cis-atc", "end": "new-seed-body"})
    assert node("unodc")["website"] == NEW_WEBSITE
    assert node("cis-atc")["description"] == NEW_DESCRIPTION
    assert node("acsrt") is None and cypher(q.TOMBSTONE_BY_UID, {"uid": "acsrt"})
    recorded = set(ChangeRecord.objects.values_list("action", "node_uid"))
    assert {
        (ChangeAction.CREATE.value, "new-seed-body"),
        (ChangeAction.UPDATE.value, "unodc"),
        (ChangeAction.RELATIONSHIP_ADD.value, "cis-atc"),
    } <= recorded
    again = io.StringIO()
    call_command("upgrade_seed", str(newer_seed(tmp_path)), stdout=again)
    assert "nothing to write" in again.getvalue()


def test_the_upgrade_does_not_add_back_a_removed_relationship_or_a_cleared_value(edited_seed_graph, tmp_path):
    removed = cypher(q.find_relationship("COLLABORATES_WITH"), {"start": "cis-atc", "end": "un-ctc"})[0]["uid"]
    edited_seed_graph.delete(f"/api/relationships/{removed}/")
    # An editor cleared the website the graph had; a later seed has a value for it.
    services.node_update(label="Organization", uid="cis", data={"website": "https://example.org/cis"})
    services.node_update(label="Organization", uid="cis", data={"website": None})

    def seed_with_cis_website(data: dict[str, Any]) -> None:
        next(r for r in data["organizations"] if r["uid"] == "cis")["website"] = "https://example.org/seed-cis"

    out = io.StringIO()
    call_command("upgrade_seed", str(newer_seed(tmp_path, seed_with_cis_website)), "--apply", stdout=out)

    printed = out.getvalue()
    assert "leave relationship cis-atc COLLABORATES_WITH un-ctc: removed by an editor" in printed
    assert "leave Organization cis: website, cleared by an editor" in printed
    assert not cypher(q.find_relationship("COLLABORATES_WITH"), {"start": "cis-atc", "end": "un-ctc"})
    assert node("cis").get("website") is None


def test_the_seed_just_loaded_needs_no_upgrade():
    start_sequence()
    out = io.StringIO()

    call_command("upgrade_seed", stdout=out)

    assert out.getvalue().splitlines() == [
        f"The graph already has everything {settings.SEED_GRAPH_FILE} adds; nothing to write."
    ]


def test_the_upgrade_refuses_a_relationship_whose_evidence_the_graphs_source_no_longer_holds(
    edited_seed_graph, tmp_path
):
    # An editor added a note to the source's text (an edit may not lose a cited passage); the newer seed's text
    # has a new sentence instead, which its new relationship quotes: the graph's text, kept, does not hold it.
    [partners] = cypher("MATCH (s:Source {uid: 'cis-atc-partners'}) RETURN s.text AS text")
    services.node_update(label="Source", uid="cis-atc-partners", data={"text": partners["text"] + "\nA note."})
    added = "A sentence only the newer seed's page has."

    def quote_a_new_sentence(data: dict[str, Any]) -> None:
        source = next(record for record in data["sources"] if record["uid"] == "cis-atc-partners")
        source["text"] += f"\n{added}"
        data["relationships"][-1] = {**NEW_RELATIONSHIP, "evidence": added}

    with pytest.raises(CommandError, match="not found word for word in source 'cis-atc-partners'"):
        call_command("upgrade_seed", str(newer_seed(tmp_path, quote_a_new_sentence)), "--apply", stdout=io.StringIO())

    assert node("new-seed-body") is None


# --- Citations: a newer seed adds a relationship's new citations and narrows those no editor changed ----------

INTERPOL_TIES = ("cis-atc", "COLLABORATES_WITH", "interpol")


def seed_citing_interpol_twice(data: dict[str, Any]) -> None:
    """Give cis-atc's close ties with INTERPOL the seed's short passage and a second citation."""
    record = next(r for r in data["relationships"] if (r["from"], r["type"], r["to"]) == INTERPOL_TIES)
    for name in ("source", "evidence", "since", "until", "qualifier", "confidence"):
        record.pop(name, None)
    record["citations"] = [
        {"source": "cis-atc-partners", "exact": "International Criminal Police Organization - INTERPOL"},
        {"source": "cis-atc-partners", "exact": "The Center has the INTERPOL's I-24/7 contact point"},
    ]


def interpol_ties_citation() -> tuple[dict[str, Any], dict[str, Any]]:
    """Return cis-atc's close ties with INTERPOL as `citation_change_record` takes a relationship, and its one
    citation."""
    start, relationship_type, end = INTERPOL_TIES
    (row,) = cypher(
        f"MATCH (:Node {{uid: $start}})-[r:{relationship_type}]->(:Node {{uid: $end}}) "
        "MATCH (c:Citation {relationship_uid: r.uid}) RETURN r.uid AS uid, properties(c) AS citation",
        {"start": start, "end": end},
    )
    return {"type": relationship_type, "uid": row["uid"], "start": start, "end": end}, row["citation"]


def test_the_upgrade_narrows_a_citation_no_editor_changed_and_adds_a_new_one(sample_seed, tmp_path):
    start_sequence()
    _, citation = interpol_ties_citation()
    out = io.StringIO()

    call_command("upgrade_seed", str(newer_seed(tmp_path, seed_citing_interpol_twice)), stdout=out)

    printed = out.getvalue()
    name = "relationship cis-atc COLLABORATES_WITH interpol"
    assert f"narrow citation {citation['uid']} of cis-atc-partners on {name} to the seed's passage" in printed
    assert f"add citation of cis-atc-partners to {name}" in printed
    assert interpol_ties_citation()[1] == citation  # a preview writes nothing


def test_the_upgrade_leaves_a_citation_an_editor_changed(sample_seed, tmp_path):
    start_sequence()
    relationship, citation = interpol_ties_citation()
    write_transaction(
        lambda: citation_change_record(
            action=ChangeAction.CITATION_CHANGE,
            relationship=relationship,
            citation_uid=citation["uid"],
            before={"qualifier": "close ties"},
            after={"qualifier": "close ties, as the centre's page says"},
        )
    )
    out = io.StringIO()

    call_command("upgrade_seed", str(newer_seed(tmp_path, seed_citing_interpol_twice)), stdout=out)

    printed = out.getvalue()
    assert (
        "leave relationship cis-atc COLLABORATES_WITH interpol: its citation of cis-atc-partners, which an editor "
        "changed, holds the seed's passage"
    ) in printed
    assert "narrow citation" not in printed
