"""A relationship rests on citations: how the services add, change, move and remove them (issue 13)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from orgs import services
from orgs.graph.connection import cypher
from orgs.graph.counts import recount_graph
from orgs.history import change_records_of
from orgs.models import ChangeAction
from orgs.selectors.sources import source_page
from orgs.validation import ValidationFailed, reading_key

TEXT = "The centre and INTERPOL work together closely. In 2003 the centre and INTERPOL signed a memorandum."
OTHER = "A second report: the centre has worked with INTERPOL since 2001."


@pytest.fixture
def bodies() -> None:
    services.node_create(label="Source", uid="report", data={"title": "A report", "text": TEXT})
    services.node_create(label="Source", uid="second", data={"title": "Another report", "text": OTHER})
    services.node_create(label="Source", uid="blank", data={"title": "A page without text"})
    for uid, name in (("centre", "The Centre"), ("interpol", "INTERPOL"), ("unodc", "UNODC")):
        services.node_create(label="Organization", uid=uid, data={"name": name})


def collaboration(*citations: dict[str, Any], start: str = "centre", end: str = "interpol") -> tuple[dict, str]:
    return services.relationship_create(
        relationship_type="COLLABORATES_WITH", start_uid=start, end_uid=end, data={"citations": list(citations)}
    )


def citation_nodes() -> int:
    return cypher("MATCH (c:Citation) RETURN count(c) AS n")[0]["n"]


TOGETHER = {"source_uid": "report", "exact": "work together closely", "since": "2003"}
SINCE_2001 = {"source_uid": "second", "exact": "has worked with INTERPOL", "since": "2001"}


def test_a_relationship_is_created_with_its_citations_anchored_and_its_summary_derived(bodies):
    relationship, outcome = collaboration(TOGETHER, SINCE_2001)

    assert outcome == "created"
    assert [(c["source_uid"], c["start"], c["end"]) for c in relationship["citations"]] == [
        ("report", 24, 45),
        ("second", 28, 52),
    ]
    assert relationship["citations"][0]["prefix"] == "The centre and INTERPOL "
    stored = services.relationship_get(uid=relationship["uid"])
    assert (stored["since"], stored["source_count"], stored["source_uids"]) == ("2001", 2, ["report", "second"])
    assert stored["disagreements"] == ["since"]
    assert stored["version"] == 1


def test_the_same_relationship_stated_again_gains_the_new_citation_instead_of_a_conflict(bodies):
    first, _ = collaboration(TOGETHER)

    again, outcome = collaboration(SINCE_2001, start="interpol", end="centre")  # a symmetric type: either way

    assert outcome == "citation_added"
    assert again["uid"] == first["uid"]
    assert again["version"] == first["version"] + 1
    assert again["source_count"] == 2


def test_the_same_source_and_passage_again_is_already_recorded_and_changes_nothing(bodies):
    first, _ = collaboration(TOGETHER)

    again, outcome = collaboration({"source_uid": "report", "exact": "work   together\nclosely"})

    assert outcome == "already_recorded"
    assert again["version"] == first["version"]
    assert citation_nodes() == 1


def test_a_quote_found_twice_anchors_to_the_first_occurrence_unless_start_picks_another(bodies):
    first, _ = collaboration({"source_uid": "report", "exact": "centre and INTERPOL"})
    assert first["citations"][0]["start"] == 4

    _, outcome = collaboration({"source_uid": "report", "exact": "centre and INTERPOL", "start": 59})

    assert outcome == "citation_added"
    assert [c["start"] for c in services.relationship_get(uid=first["uid"])["citations"]] == [4, 59]


def test_errors_inside_the_list_of_citations_name_each_by_position(bodies):
    with pytest.raises(ValidationFailed) as raised:
        collaboration(
            TOGETHER, {"source_uid": "report", "exact": "old friends"}, {"source_uid": "nowhere", "exact": "x"}
        )

    assert raised.value.errors == {
        "citations": {
            "1": {"exact": ["not found word for word in source 'report'"]},
            "2": {"source_uid": ["no source with uid 'nowhere'"]},
        }
    }
    assert citation_nodes() == 0


def test_citations_and_the_single_source_form_together_are_refused(bodies):
    with pytest.raises(ValidationFailed) as raised:
        services.relationship_create(
            relationship_type="COLLABORATES_WITH",
            start_uid="centre",
            end_uid="interpol",
            data={"citations": [TOGETHER], "source_uid": "report", "evidence": "work together closely"},
        )

    assert set(raised.value.errors) == {"source_uid", "evidence"}


def test_today_s_single_source_form_becomes_one_anchored_citation(bodies):
    relationship, outcome = services.relationship_create(
        relationship_type="COLLABORATES_WITH",
        start_uid="centre",
        end_uid="interpol",
        data={"source_uid": "report", "evidence": "work together closely", "qualifier": "close"},
    )

    assert outcome == "created"
    (citation,) = relationship["citations"]
    assert (citation["exact"], citation["start"], citation["qualifier"]) == ("work together closely", 24, "close")
    assert relationship["qualifier"] == "close"
    assert "evidence" not in relationship and "source_uid" not in relationship


def test_a_citation_is_added_changed_and_deleted_each_write_counting_in_the_relationship_version(bodies):
    relationship, _ = collaboration(TOGETHER)

    after, citation, added = services.citation_add(
        relationship_uid=relationship["uid"], data=SINCE_2001, expected_version=relationship["version"]
    )
    assert added and after["version"] == 2 and after["since"] == "2001"

    changed = services.citation_update(
        relationship_uid=relationship["uid"], citation_uid=citation["uid"], data={"since": "2002"}
    )
    assert (changed["version"], changed["since"]) == (3, "2002")
    assert [c["uid"] for c in changed["citations"]].count(citation["uid"]) == 1  # it keeps its uid

    left = services.citation_delete(relationship_uid=relationship["uid"], citation_uid=citation["uid"])
    assert (left["version"], left["since"], left["source_count"]) == (4, "2003", 1)
    actions = [record.action for record in change_records_of(uid="centre")]
    assert actions[:3] == [ChangeAction.CITATION_REMOVE, ChangeAction.CITATION_CHANGE, ChangeAction.CITATION_ADD]


def test_adding_a_citation_already_there_returns_it_unchanged(bodies):
    relationship, _ = collaboration(TOGETHER)

    after, citation, added = services.citation_add(relationship_uid=relationship["uid"], data=TOGETHER)

    assert not added
    assert citation["uid"] == relationship["citations"][0]["uid"]
    assert after["version"] == relationship["version"]


def test_a_citation_write_on_an_old_version_is_refused(bodies):
    relationship, _ = collaboration(TOGETHER)
    services.citation_add(relationship_uid=relationship["uid"], data=SINCE_2001)

    with pytest.raises(services.StaleVersion):
        services.citation_add(
            relationship_uid=relationship["uid"],
            data={"source_uid": "blank", "exact": "anything"},
            expected_version=relationship["version"],
        )


def test_the_last_citation_cannot_be_deleted(bodies):
    relationship, _ = collaboration(TOGETHER)

    with pytest.raises(ValidationFailed) as raised:
        services.citation_delete(relationship_uid=relationship["uid"], citation_uid=relationship["citations"][0]["uid"])

    assert list(raised.value.errors) == ["citations"]
    assert citation_nodes() == 1


def test_a_citation_of_another_relationship_is_not_found_through_this_one(bodies):
    one, _ = collaboration(TOGETHER)
    other, _ = collaboration({"source_uid": "blank", "exact": "anything"}, end="unodc")

    with pytest.raises(services.NotFound):
        services.citation_update(
            relationship_uid=one["uid"], citation_uid=other["citations"][0]["uid"], data={"since": "1999"}
        )


def test_the_single_source_update_applies_to_the_one_citation_and_is_refused_once_there_are_several(bodies):
    relationship, _ = collaboration(TOGETHER)

    updated = services.relationship_update(uid=relationship["uid"], data={"until": "2020"})
    assert (updated["until"], updated["citations"][0]["until"]) == ("2020", "2020")

    services.citation_add(relationship_uid=relationship["uid"], data=SINCE_2001)
    with pytest.raises(ValidationFailed) as raised:
        services.relationship_update(uid=relationship["uid"], data={"until": "2021"})
    assert raised.value.errors == {"until": ["derived from the citations: change a citation"]}


def test_deleting_a_relationship_or_an_end_deletes_its_citations(bodies):
    one, _ = collaboration(TOGETHER, SINCE_2001)
    collaboration({"source_uid": "blank", "exact": "anything"}, end="unodc")

    services.relationship_delete(uid=one["uid"])
    assert citation_nodes() == 1

    services.node_delete(uid="unodc")
    assert citation_nodes() == 0


def test_a_cited_source_cannot_be_deleted_and_citations_are_not_counted_as_nodes(bodies):
    collaboration(TOGETHER)

    with pytest.raises(ValidationFailed) as raised:
        services.node_delete(uid="report")

    assert raised.value.errors == {"uid": ["cited by 1 relationship(s): delete or change their citations first"]}
    counts = recount_graph()
    assert (counts["Source"], counts["Organization"], counts["COLLABORATES_WITH"]) == (3, 3, 1)
    assert "Citation" not in counts


def test_a_source_whose_text_changes_moves_its_citations_and_refuses_to_lose_one(bodies):
    relationship, _ = collaboration(TOGETHER)

    services.node_update(label="Source", uid="report", data={"text": "Preface. " + TEXT})
    moved = services.relationship_get(uid=relationship["uid"])
    assert moved["citations"][0]["start"] == 24 + len("Preface. ")
    assert moved["version"] == relationship["version"] + 1

    with pytest.raises(ValidationFailed) as raised:
        services.node_update(label="Source", uid="report", data={"text": "Nothing of the kind."})
    assert list(raised.value.errors) == ["text"]
    assert services.node_get(uid="report")[1]["text"] == "Preface. " + TEXT


def test_a_merge_moves_citations_with_relationships_and_joins_those_the_survivor_already_has(bodies):
    services.node_create(label="Organization", uid="centre-2", data={"name": "The Centre (again)"})
    kept, _ = collaboration(TOGETHER)
    collaboration(TOGETHER, SINCE_2001, start="centre-2")  # joins `kept`: one passage new, one a duplicate
    collaboration({"source_uid": "blank", "exact": "anything"}, start="centre-2", end="unodc")  # moves

    plan = services.organizations_merge(survivor_uid="centre", loser_uid="centre-2")

    assert (plan["citations_moved"], plan["citations_joined"], plan["citations_dropped"]) == (1, 1, 1)
    joined = services.relationship_get(uid=kept["uid"])
    assert [c["source_uid"] for c in joined["citations"]] == ["report", "second"]
    assert (joined["source_count"], joined["version"]) == (2, kept["version"] + 1)
    rows = cypher("MATCH (c:Citation) RETURN c.relationship_uid AS r, c.start_uid AS s ORDER BY r")
    assert citation_nodes() == 3
    assert {row["s"] for row in rows} <= {"centre", "interpol"}
    assert all(services.relationship_get(uid=row["r"]) for row in rows)


@pytest.mark.django_db(transaction=True)
def test_two_editors_adding_the_same_citation_at_once_record_it_once(bodies):
    relationship, _ = collaboration(TOGETHER)
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []

    def add() -> None:
        barrier.wait()
        outcomes.append(services.citation_add(relationship_uid=relationship["uid"], data=SINCE_2001)[2])

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == [False, True]
    assert citation_nodes() == 2
    assert services.relationship_get(uid=relationship["uid"])["version"] == 2


def cited_on(source_uid: str) -> list[str]:
    """The relationships a source's page lists, in its reading order."""
    return [row["relationship_uid"] for row in source_page(uid=source_uid)["citations"]]


def reading_keys_hold() -> bool:
    """Whether every citation's stored reading key is the one its source, place and uid give."""
    rows = cypher(
        "MATCH (c:Citation) RETURN c.reading_key AS key, c.source_uid AS source, c.start AS start, c.uid AS uid"
    )
    return bool(rows) and all(row["key"] == reading_key(row["source"], row["start"], row["uid"]) for row in rows)


def test_a_source_page_follows_a_citation_to_its_new_place_and_to_its_new_source(bodies):
    signed, _ = collaboration({"source_uid": "report", "exact": "signed a memorandum"})
    member, _ = collaboration({"source_uid": "report", "exact": "The centre and INTERPOL work"}, end="unodc")
    citation = member["citations"][0]["uid"]

    before = cited_on("report")
    services.citation_update(relationship_uid=member["uid"], citation_uid=citation, data={"exact": "memorandum"})
    moved = cited_on("report")
    services.citation_update(
        relationship_uid=member["uid"], citation_uid=citation, data={"source_uid": "second", "exact": "A second"}
    )

    assert before == [member["uid"], signed["uid"]]
    assert moved == [signed["uid"], member["uid"]]
    assert cited_on("report") == [signed["uid"]]
    assert cited_on("second") == [member["uid"]]
    assert reading_keys_hold()


def test_a_source_text_that_moves_its_passages_moves_their_reading_keys_too(bodies):
    signed, _ = collaboration({"source_uid": "report", "exact": "signed a memorandum"})
    together, _ = collaboration(TOGETHER, end="unodc")

    services.node_update(label="Source", uid="report", data={"text": "Foreword. " + TEXT})

    assert cited_on("report") == [together["uid"], signed["uid"]]
    assert reading_keys_hold()
