"""Reading a source: the names it mentions and the relationships it states, by the rules of orgs/cue_phrases.yaml.

Each test reads a small page written for it, in the ways partner pages say things; none needs the graph.
"""

from __future__ import annotations

import pytest

from orgs.ingest.reader import read_source
from orgs.ingest.reading import Reading

pytestmark = pytest.mark.no_graph


def ties(reading: Reading) -> set[tuple[str, str, str]]:
    """Return each proposal as (start name, type, end name)."""
    return {(reading.entity(p.start).name, p.relationship_type, reading.entity(p.end).name) for p in reading.proposals}


def names(reading: Reading) -> dict[str, str]:
    """Return {name: label} of the entities read."""
    return {entity.name: entity.label for entity in reading.entities}


def test_a_cue_states_a_relationship_from_the_name_before_it_to_each_name_listed_after_it() -> None:
    reading = read_source(
        "The Regional Security Center closely collaborates with the Baltic Police Academy, the Nordic "
        "Customs Council and Europol Coordination Unit."
    )
    assert ties(reading) == {
        ("Regional Security Center", "COLLABORATES_WITH", "Baltic Police Academy"),
        ("Regional Security Center", "COLLABORATES_WITH", "Nordic Customs Council"),
        ("Regional Security Center", "COLLABORATES_WITH", "Europol Coordination Unit"),
    }
    first = next(p for p in reading.proposals if reading.entity(p.end).name == "Baltic Police Academy")
    assert first.exact == "Regional Security Center closely collaborates with the Baltic Police Academy"
    assert first.qualifier == "closely collaborates"
    assert first.confidence == "stated"
    assert reading.text[first.passage.start : first.passage.end] == first.exact


def test_the_page_subject_is_the_heading_and_the_center_means_it() -> None:
    reading = read_source(
        "Danube Anti-Crime Center\n\nThe Center has close ties with the Adriatic Border Commission.\n"
        "Cooperation has been established with the Alpine Customs Office."
    )
    subject = next(entity for entity in reading.entities if entity.is_subject)
    assert subject.name == "Danube Anti-Crime Center"
    assert ties(reading) == {
        ("Danube Anti-Crime Center", "COLLABORATES_WITH", "Adriatic Border Commission"),
        ("Danube Anti-Crime Center", "COLLABORATES_WITH", "Alpine Customs Office"),
    }


def test_an_acronym_after_a_dash_or_in_brackets_names_the_same_body_as_its_full_name() -> None:
    reading = read_source(
        "The Piracy Reporting Desk works with the Committee of Experts on Piracy - COPIR and the Maritime Watch "
        "Centre (MWC). The Desk has an observer status in COPIR. MWC cooperates with the Desk."
    )
    copir = next(entity for entity in reading.entities if entity.acronym == "COPIR")
    assert copir.name == "Committee of Experts on Piracy"
    assert len(copir.mentions) == 2
    watch = next(entity for entity in reading.entities if entity.acronym == "MWC")
    assert (watch.name, len(watch.mentions)) == ("Maritime Watch Centre", 2)
    assert ties(reading) == {
        ("Piracy Reporting Desk", "COLLABORATES_WITH", "Committee of Experts on Piracy"),
        ("Piracy Reporting Desk", "COLLABORATES_WITH", "Maritime Watch Centre"),
        ("Piracy Reporting Desk", "HAS_OBSERVER_STATUS_IN", "Committee of Experts on Piracy"),
    }


def test_a_name_of_the_form_x_of_the_y_is_part_of_y() -> None:
    reading = read_source("We met the Anti-Fraud Unit of the Council of the Danube States.")
    assert ("Anti-Fraud Unit of the Council of the Danube States", "PART_OF", "Council of the Danube States") in ties(
        reading
    )


def test_a_name_that_starts_with_a_parent_body_is_part_of_it() -> None:
    reading = read_source("The page lists the UN Maritime Crime Committee and the OSCE Border Management Unit.")
    assert ("UN Maritime Crime Committee", "PART_OF", "United Nations") in ties(reading)
    assert ("OSCE Border Management Unit", "PART_OF", "Organization for Security and Co-operation in Europe") in ties(
        reading
    )


def test_a_passive_cue_takes_its_start_after_the_words() -> None:
    reading = read_source("The Joint Task Force is coordinated by the Hellenic Police Agency.")
    assert ties(reading) == {("Hellenic Police Agency", "COORDINATES", "Joint Task Force")}


def test_a_body_born_by_merging_names_each_merged_body_and_who_coordinated_it() -> None:
    reading = read_source(
        "The Border Task Force was born by merging the task force on drug routes, coordinated by Greece, and "
        "the task force coordinated by Bulgaria on human trafficking."
    )
    assert ties(reading) == {
        ("Border Task Force", "MERGED_FROM", "Task force on drug routes"),
        ("Border Task Force", "MERGED_FROM", "Task force on human trafficking"),
        ("Greece", "COORDINATES", "Task force on drug routes"),
        ("Bulgaria", "COORDINATES", "Task force on human trafficking"),
    }


def test_succession_and_membership_are_read_with_their_dates() -> None:
    reading = read_source(
        "The Bishkek Forum became the Central Asian Security Organization in 2001. Kazakhstan, Kyrgyzstan and "
        "Tajikistan are member states of the Central Asian Security Organization."
    )
    found = {
        (p.relationship_type, reading.entity(p.start).name, reading.entity(p.end).name): p for p in reading.proposals
    }
    succession = found["SUCCEEDED", "Central Asian Security Organization", "Bishkek Forum"]
    assert succession.since == "2001"
    members = {start for (kind, start, _end) in found if kind == "MEMBER_OF"}
    assert members == {"Kazakhstan", "Kyrgyzstan", "Tajikistan"}


def test_a_date_in_the_sentence_becomes_the_relationships_since() -> None:
    reading = read_source("The Lake Police Council signed a memorandum with the River Guard Agency on 14 March 2009.")
    (proposal,) = reading.proposals
    assert proposal.since == "2009-03-14"
    assert reading.entity(proposal.end).name == "River Guard Agency"


def test_a_coordinator_line_and_bullet_topics_describe_the_page_subject() -> None:
    reading = read_source(
        "Cyber Crime Task Force\n\nCoordinator: Republic of Moldova\n\n"
        "• Online Fraud (Romania)\n• Child Abuse Images (Greece)\n"
    )
    assert ties(reading) == {
        ("Moldova", "COORDINATES", "Cyber Crime Task Force"),
        ("Online Fraud", "PART_OF", "Cyber Crime Task Force"),
        ("Romania", "COORDINATES", "Online Fraud"),
        ("Child Abuse Images", "PART_OF", "Cyber Crime Task Force"),
        ("Greece", "COORDINATES", "Child Abuse Images"),
    }
    assert {p.confidence for p in reading.proposals if p.rule == "bullet topic"} == {"inferred"}


def test_events_are_organized_by_the_body_they_name_and_held_where_their_line_says() -> None:
    reading = read_source(
        "Cyber Crime Task Force\n\n3rd Meeting of the Cyber Crime Task Force\n\n"
        "Workshop on Ransomware organized by the Cyber Crime Task Force in cooperation with Europol Liaison Office, "
        "12 May 2015, Sofia, Bulgaria\n"
    )
    found = ties(reading)
    assert ("Cyber Crime Task Force", "ORGANIZED", "3rd Meeting of the Cyber Crime Task Force") in found
    assert ("Cyber Crime Task Force", "ORGANIZED", "Workshop on Ransomware") in found
    assert ("Europol Liaison Office", "ORGANIZED", "Workshop on Ransomware") in found
    assert names(reading)["Workshop on Ransomware"] == "Event"


def test_nothing_is_proposed_from_text_without_names_or_cues() -> None:
    assert read_source("the weather was fine and everyone went home early.").proposals == []
    assert read_source("").proposals == []


def test_text_in_another_script_is_read_without_error_and_proposes_nothing_it_cannot_read() -> None:
    reading = read_source("Антитеррористический центр государств-участников СНГ сотрудничает с ОДКБ.")
    assert reading.proposals == []


def test_the_same_text_read_twice_gives_the_same_proposal_keys() -> None:
    text = "The Regional Security Center closely collaborates with the Baltic Police Academy."
    assert [p.key for p in read_source(text).proposals] == [p.key for p in read_source(text).proposals]
