"""The in-place upgrade: a graph written before citations (one `source_uid` and `evidence` per relationship) comes
to rest on one citation per relationship, and running it again changes nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from orgs import services
from orgs.graph.connection import cypher
from orgs.importer.upgrade import relationships_to_citations
from orgs.models import ChangeAction, ChangeRecord
from orgs.selectors.sources import source_page
from orgs.validation import reading_key


def make_graph_before_citations() -> None:
    """Write, straight in Cypher as earlier versions did, three relationships with one source and evidence each:
    one found in its source's text, one not, one citing a source without text."""
    cypher(
        """
        CREATE (s:Node:Source {uid: 'report', title: 'A report',
                               text: 'The centre and INTERPOL work together closely since 2003.'})
        CREATE (:Node:Source {uid: 'blank', title: 'A page'})
        CREATE (a:Node:Organization {uid: 'centre', name: 'The Centre', degree: 2})
        CREATE (b:Node:Organization {uid: 'interpol', name: 'INTERPOL', degree: 2})
        CREATE (c:Node:Organization {uid: 'unodc', name: 'UNODC', degree: 2})
        CREATE (a)-[:COLLABORATES_WITH {uid: 'collaborates-with-000000000001', since: '2003', confidence: 'stated',
                 qualifier: 'closely', source_uid: 'report', evidence: 'work together  closely', version: 3}]->(b)
        CREATE (a)-[:MEMBER_OF {uid: 'member-of-000000000002', confidence: 'inferred', source_uid: 'report',
                 evidence: 'a sentence the report does not hold', version: 1}]->(c)
        CREATE (b)-[:COLLABORATES_WITH {uid: 'collaborates-with-000000000003', until: '2010',
                 source_uid: 'blank', evidence: 'They work with UNODC.', version: 1}]->(c)
        """
    )


def test_each_relationship_before_citations_comes_to_rest_on_one_citation_and_a_repeat_does_nothing():
    make_graph_before_citations()

    first = relationships_to_citations(batch=1)  # a batch per relationship

    assert first.upgraded == 3
    assert sorted(first.unanchored) == ["collaborates-with-000000000003", "member-of-000000000002"]
    anchored = services.relationship_get(uid="collaborates-with-000000000001")
    (citation,) = anchored["citations"]
    assert (citation["source_uid"], citation["exact"], citation["start"], citation["end"]) == (
        "report",
        "work together  closely",
        24,
        45,
    )
    assert (citation["since"], citation["qualifier"], citation["added_by"]) == ("2003", "closely", "upgrade")
    assert (anchored["since"], anchored["qualifier"], anchored["source_count"], anchored["source_uids"]) == (
        "2003",
        "closely",
        1,
        ["report"],
    )
    assert "source_uid" not in anchored and "evidence" not in anchored
    inferred = services.relationship_get(uid="member-of-000000000002")
    assert (inferred["confidence"], inferred["citations"][0]["start"]) == ("inferred", None)
    records = ChangeRecord.objects.filter(action=ChangeAction.CITATIONS_UPGRADE)
    assert records.count() == 3  # one per batch

    again = relationships_to_citations(batch=1)

    assert (again.upgraded, again.unanchored) == (0, [])
    assert cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"] == 3
    assert cypher("MATCH ()-[r]->() WHERE r.evidence IS NOT NULL RETURN count(r) AS n")[0]["n"] == 0
    assert records.count() == 3


def test_setup_graph_upgrades_and_says_which_passages_it_could_not_find():
    make_graph_before_citations()
    output = io.StringIO()

    call_command("setup_graph", stdout=output)
    call_command("setup_graph", stdout=output)

    lines = output.getvalue().splitlines()
    assert lines.count("3 relationships now rest on one citation each.") == 1
    assert any(line.startswith("2 of them cite a passage not found") for line in lines)
    assert cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"] == 3


def test_citations_written_before_reading_keys_get_theirs_on_setup_and_a_repeat_does_nothing():
    make_graph_before_citations()
    relationships_to_citations()
    cypher("MATCH (c:Citation) REMOVE c.reading_key")  # as the version before reading keys left them
    output = io.StringIO()

    call_command("setup_graph", stdout=output)
    call_command("setup_graph", stdout=output)

    rows = cypher(
        "MATCH (c:Citation) RETURN c.reading_key AS key, c.source_uid AS source, c.start AS start, c.uid AS uid"
    )
    assert (
        output.getvalue().splitlines().count("3 citations now have their place in their source's reading order.") == 1
    )
    assert all(row["key"] == reading_key(row["source"], row["start"], row["uid"]) for row in rows)
    assert [row["citation"]["exact"] for row in source_page(uid="report")["citations"]] == [
        "work together  closely",  # as the evidence was written
        "a sentence the report does not hold",  # unanchored: last
    ]
