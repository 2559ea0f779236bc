"""Citations' rules, without a graph: a passage is anchored in its source's text as the W3C Web Annotation model
keeps it (TextQuoteSelector and TextPositionSelector), a citation's fields are checked once, and what a
relationship's citations support together is derived in one place."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from orgs.history import (
    citation_change_record,
    citations_upgrade_record,
    edited_citation_uids,
    removed_citation_uids,
)
from orgs.models import ChangeAction, ChangeRecord
from orgs.validation import (
    CITATION_UID_PATTERN,
    MULTILINE_FIELDS,
    TEXT_LIMITS,
    SourceText,
    ValidationFailed,
    anchor_citation,
    citation_disagreements,
    citation_key,
    citation_uid,
    clean_citation,
    evidence_problem,
    relationship_summary,
    single_source_citation,
    spaced,
)
from orgs.vocabulary import (
    CITATION_FIELDS,
    CITATION_WRITABLE,
    RELATIONSHIP_SUMMARY_PROPERTIES,
    citation_public,
    citation_python,
    relationship_public,
)

pytestmark = pytest.mark.no_graph

TEXT = (
    "The CIS ATC\n\n  works   closely with\nINTERPOL. It also works closely with Europol, "
    "and it works closely with the SCO RATS."
)
SOURCE = SourceText(TEXT)


def anchored(exact: str, **given: object) -> dict[str, object]:
    return dict(anchor_citation(exact, "cis-atc-page", SOURCE, **given))  # type: ignore[arg-type]


def refusal(exact: str, source: SourceText | None = SOURCE, **given: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as failed:
        anchor_citation(exact, "cis-atc-page", source, **given)  # type: ignore[arg-type]
    return failed.value.errors


# --- Anchoring a passage ------------------------------------------------------------------------------------


def test_a_passage_is_anchored_to_its_offsets_in_the_text_with_up_to_32_characters_either_side():
    anchor = anchored("INTERPOL. It also")

    assert TEXT[anchor["start"] : anchor["end"]] == "INTERPOL. It also"  # type: ignore[misc]
    assert anchor["prefix"] == TEXT[anchor["start"] - 32 : anchor["start"]]  # type: ignore[operator]
    assert anchor["suffix"] == TEXT[anchor["end"] : anchor["end"] + 32]  # type: ignore[operator]
    assert anchor["exact"] == "INTERPOL. It also"


def test_a_passage_is_found_whatever_its_line_breaks_and_runs_of_spaces_and_its_offsets_are_the_texts_own():
    anchor = anchored("  works closely with INTERPOL.\n")

    assert TEXT[anchor["start"] : anchor["end"]] == "works   closely with\nINTERPOL."  # type: ignore[misc]
    assert anchor["exact"] == "works closely with INTERPOL."  # the writer's words, trimmed


def test_a_passage_that_occurs_several_times_is_anchored_to_the_first_occurrence():
    anchor = anchored("works closely with")

    assert anchor["start"] == TEXT.index("works   closely")


def test_a_given_start_picks_the_occurrence_that_begins_there():
    third = TEXT.index("works closely with the SCO")

    assert anchored("works closely with", start=third)["start"] == third


def test_a_given_prefix_or_suffix_picks_the_occurrence_they_surround():
    europol = TEXT.index("works closely with Europol")
    rats = TEXT.index("works closely with the SCO")

    assert anchored("works closely with", suffix=" Europol")["start"] == europol
    assert anchored("works closely with", prefix="and it ")["start"] == rats
    assert anchored("works closely with", prefix="It also ", suffix=" the SCO")["start"] == europol  # longer wins


def test_a_start_that_begins_no_occurrence_picks_the_nearest_one_as_after_an_edit_of_the_text():
    rats = TEXT.index("works closely with the SCO")

    assert anchored("works closely with", start=rats - 3)["start"] == rats


def test_the_context_at_either_end_of_the_text_is_none():
    assert anchored("The CIS ATC")["prefix"] is None
    assert anchored("the SCO RATS.")["suffix"] is None


def test_offsets_count_code_points_as_a_python_string_does():
    source = SourceText("Ministère 🇫🇷 de l’Intérieur  et\tla DGSI")

    anchor = anchor_citation("et la DGSI", "s", source)

    assert source.text[anchor["start"] : anchor["end"]] == "et\tla DGSI"  # type: ignore[misc]
    assert anchor["start"] == 29


def test_a_passage_not_in_the_text_is_refused_naming_exact_and_the_source():
    assert refusal("works closely with Interpol") == {"exact": ["not found word for word in source 'cis-atc-page'"]}


@pytest.mark.parametrize("exact", ["", "   \n\t "])
def test_an_empty_passage_is_refused(exact):
    assert refusal(exact) == {"exact": ["this field is required"]}
    assert refusal(exact, source=None) == {"exact": ["this field is required"]}


@pytest.mark.parametrize("start", [-1, len(TEXT), 10**9])
def test_a_start_outside_the_text_is_refused_naming_start(start):
    assert refusal("works closely with", start=start) == {
        "start": [f"is outside the text of source 'cis-atc-page' (0 to {len(TEXT) - 1:,})"]
    }


@pytest.mark.parametrize("source", [None, SourceText("")])
def test_a_passage_of_a_source_without_text_is_kept_unanchored_with_the_context_its_writer_gave(source):
    anchor = anchor_citation(" any words ", "s", source, prefix="before ", suffix="", start=12)

    assert anchor == {"exact": "any words", "prefix": "before ", "suffix": None, "start": None, "end": None}


WORDS = st.lists(
    st.tuples(st.text("abcé🙂", min_size=1, max_size=4), st.text(" \n\t", min_size=1, max_size=3)),
    min_size=1,
    max_size=30,
)


@given(words=WORDS, data=st.data())
def test_any_passage_cut_from_a_text_is_anchored_to_a_span_holding_its_words(words, data):
    text = "".join(word + gap for word, gap in words)
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    passage = " ".join(word for word, _ in words[first : last + 1])
    source = SourceText(text)

    anchor = anchor_citation(passage, "s", source)

    assert spaced(text[anchor["start"] : anchor["end"]]) == spaced(passage)  # type: ignore[misc]
    assert anchor["start"] <= sum(len(word + gap) for word, gap in words[:first])  # type: ignore[operator]
    assert anchor_citation(passage, "s", source, start=anchor["start"]) == anchor  # it finds itself again


@given(text=st.text(" \n\tab", max_size=40))
def test_a_source_text_maps_every_offset_of_its_spaced_form_back_and_forth(text):
    source = SourceText(text)

    for index, char in enumerate(source.spaced):
        original = source.original(index)
        assert text[original] == char or (char == " " and text[original].isspace())
        assert source.spaced_offset(original) == index


def test_todays_evidence_rule_gives_todays_answers_through_the_anchoring():
    text = spaced(TEXT)

    assert evidence_problem("works closely with\n INTERPOL", "cis-atc-page", text) is None
    assert evidence_problem("anything", "cis-atc-page", None) is None
    assert evidence_problem("Interpol", "cis-atc-page", text) == "not found word for word in source 'cis-atc-page'"


# --- A citation's fields ------------------------------------------------------------------------------------


def test_a_citation_is_cleaned_with_every_writable_field_present():
    cleaned = clean_citation({"source_uid": "cis-atc-page", "exact": "  works closely with ", "since": 2003})

    assert cleaned == {
        "source_uid": "cis-atc-page",
        "exact": "works closely with",
        "prefix": None,
        "suffix": None,
        "start": None,
        "end": None,
        "confidence": "stated",
        "since": "2003",
        "until": None,
        "qualifier": None,
    }
    assert list(cleaned) == list(CITATION_WRITABLE)


def test_a_citation_keeps_the_white_space_of_the_text_around_its_passage():
    cleaned = clean_citation(
        {"source_uid": "s", "exact": "line one\r\nline two", "prefix": "before:\n ", "suffix": " after"}
    )

    assert (cleaned["exact"], cleaned["prefix"], cleaned["suffix"]) == ("line one\nline two", "before:\n ", " after")


def test_a_citation_needs_a_source_and_a_passage():
    with pytest.raises(ValidationFailed) as failed:
        clean_citation({"exact": " ", "source_uid": None})

    assert failed.value.errors == {"source_uid": ["this field is required"], "exact": ["this field is required"]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("source_uid", "Not A Uid", "expected the uid of a source"),
        ("source_uid", 12, "expected text"),
        ("exact", "e" * (TEXT_LIMITS["exact"] + 1), "at most 5,000 characters"),
        ("exact", "a\x00b", "a control character"),
        ("prefix", "p" * 201, "at most 200 characters"),
        ("qualifier", "close\nties", "a line break or tab"),
        ("start", -1, "must be a whole number from 0 to 2,000,000"),
        ("start", True, "must be a whole number"),
        ("end", "12a", "must be a whole number"),
        ("since", "2003-13", "has no month 13"),
        ("confidence", "certain", "'certain' is not one of: stated, inferred"),
        ("confidence", ["stated"], "expected one of: stated, inferred"),
        ("added_by", "someone", "unknown field for a citation"),
        ("uid", "cit-0123456789ab", "unknown field for a citation"),
        ("evidence", "today's name", "unknown field for a citation"),
    ],
)
def test_each_bad_field_of_a_citation_is_refused_by_name(field, value, message):
    with pytest.raises(ValidationFailed) as failed:
        clean_citation({"source_uid": "s", "exact": "words", field: value})

    assert list(failed.value.errors) == [field]
    assert message in failed.value.errors[field][0]


def test_a_citations_period_must_not_end_before_it_begins():
    with pytest.raises(ValidationFailed) as failed:
        clean_citation({"source_uid": "s", "exact": "words", "since": "2005-03", "until": "2005-02"})

    assert failed.value.errors == {"until": ["is before since"]}
    assert clean_citation({"source_uid": "s", "exact": "w", "since": "2005-03", "until": "2005"})["until"] == "2005"


def test_offsets_are_whole_numbers_given_or_written_as_digits_and_the_end_comes_after_the_start():
    cleaned = clean_citation({"source_uid": "s", "exact": "words", "start": "12", "end": 17})
    assert (cleaned["start"], cleaned["end"]) == (12, 17)

    with pytest.raises(ValidationFailed) as failed:
        clean_citation({"source_uid": "s", "exact": "words", "start": 12, "end": 12})
    assert failed.value.errors == {"end": ["must be after start"]}


def test_a_recorded_citation_as_a_graph_file_carries_it_keeps_its_uid_and_who_added_it_when():
    record = {
        "source_uid": "s",
        "exact": "words",
        "uid": "cit-0123456789ab",
        "added_by": "import",
        "added_at": "2026-02-14T09:30:00+00:00",
    }

    cleaned = clean_citation(record, recorded=True)

    assert list(cleaned) == [*CITATION_FIELDS, "uid"]
    assert (cleaned["uid"], cleaned["added_by"], cleaned["added_at"]) == (
        "cit-0123456789ab",
        "import",
        "2026-02-14T09:30:00+00:00",
    )
    for field, value in (("uid", "cit-xyz"), ("added_at", "yesterday"), ("added_by", "a" * 151)):
        with pytest.raises(ValidationFailed) as failed:
            clean_citation({**record, field: value}, recorded=True)
        assert list(failed.value.errors) == [field]


def test_every_text_field_of_a_citation_has_a_size_limit_and_the_passages_may_span_lines():
    for name in ("source_uid", "exact", "prefix", "suffix", "qualifier", "confidence", "added_by"):
        assert name in TEXT_LIMITS
    assert {"exact", "prefix", "suffix"} <= MULTILINE_FIELDS
    assert "added_by" not in MULTILINE_FIELDS


def test_todays_single_source_relationship_states_one_citation():
    record = {"source_uid": "s", "evidence": "words", "since": "2003", "confidence": "inferred", "until": None}

    assert clean_citation(single_source_citation(record)) == {
        **dict.fromkeys(CITATION_WRITABLE),
        "source_uid": "s",
        "exact": "words",
        "since": "2003",
        "confidence": "inferred",
    }


# --- A citation's names -------------------------------------------------------------------------------------


def test_a_citation_is_named_publicly_with_its_source_and_keeps_its_offsets_names():
    citation = {"source_uid": "s", "exact": "words", "start": 3, "end": 8}

    assert citation_public(citation) == {"source": "s", "exact": "words", "start": 3, "end": 8}
    assert citation_python(citation_public(citation)) == citation
    assert relationship_public({"source_uids": ["a", "b"], "source_count": 2}) == {
        "sources": ["a", "b"],
        "source_count": 2,
    }


def test_a_citations_uid_hashes_its_relationship_and_passage_and_avoids_the_uids_taken():
    citation = {"source_uid": "s", "exact": "words", "start": 3, "end": 8}

    uid = citation_uid("part-of-0123456789ab", citation)

    assert CITATION_UID_PATTERN.fullmatch(uid)
    assert uid == citation_uid("part-of-0123456789ab", {**citation, "exact": "other words", "since": "2003"})
    assert uid != citation_uid("part-of-0123456789ab", {**citation, "start": 4})
    assert uid != citation_uid("part-of-ba9876543210", citation)
    other = citation_uid("part-of-0123456789ab", citation, taken={uid})
    assert CITATION_UID_PATTERN.fullmatch(other) and other != uid


def test_two_records_of_one_passage_share_a_key_anchored_by_their_offsets_unanchored_by_their_words():
    assert citation_key({"source_uid": "s", "exact": "a  b", "start": 3, "end": 8}) == citation_key(
        {"source_uid": "s", "exact": "a b", "start": 3, "end": 8}
    )
    assert citation_key({"source_uid": "s", "exact": "a\n b", "start": None}) == citation_key(
        {"source_uid": "s", "exact": "a b"}
    )
    assert citation_key({"source_uid": "s", "exact": "a b"}) != citation_key({"source_uid": "t", "exact": "a b"})


# --- What a relationship's citations support together -------------------------------------------------------


def citation(source: str, **fields: object) -> dict[str, object]:
    return {"source_uid": source, "exact": "words", "confidence": "stated", **fields}


def test_a_relationship_holds_from_the_earliest_since_any_citation_states_to_the_latest_until():
    summary = relationship_summary(
        [
            citation("a", since="2004-05", until="2008"),
            citation("b", since="2003", until="2008-06"),
            citation("c"),
        ]
    )

    assert (summary["since"], summary["until"]) == ("2003", "2008")  # "until 2008" holds through 2008-12-31
    assert relationship_summary([citation("a"), citation("b")])["until"] is None


def test_a_relationships_qualifier_is_the_first_stated_citations_then_the_first_added():
    citations = [
        citation("a", confidence="inferred", qualifier="working contacts", added_at="2026-01-01T00:00:00+00:00"),
        citation("b", qualifier="close ties", added_at="2026-03-01T00:00:00+00:00"),
        citation("c", qualifier="closely collaborates", added_at="2026-02-01T00:00:00+00:00"),
        citation("d"),
    ]

    assert relationship_summary(citations)["qualifier"] == "closely collaborates"
    assert relationship_summary(citations[:1])["qualifier"] == "working contacts"


def test_a_relationship_is_stated_if_any_citation_states_it_and_counts_its_distinct_sources():
    inferred = [citation("b", confidence="inferred"), citation("a", confidence="inferred")]

    summary = relationship_summary(inferred)
    assert (summary["confidence"], summary["source_count"], summary["source_uids"]) == ("inferred", 2, ["a", "b"])

    summary = relationship_summary([*inferred, citation("b", exact="other words")])
    assert (summary["confidence"], summary["source_count"], summary["source_uids"]) == ("stated", 2, ["a", "b"])
    assert tuple(summary) == RELATIONSHIP_SUMMARY_PROPERTIES


def test_sources_differ_where_two_citations_state_different_dates_or_wording():
    assert citation_disagreements([citation("a", since="2003"), citation("b", since="2003-02")]) == []
    assert citation_disagreements([citation("a", qualifier="Close  ties"), citation("b", qualifier="close ties")]) == []
    assert citation_disagreements(
        [
            citation("a", since="2003", qualifier="close ties"),
            citation("b", since="2004", until="2009", qualifier="working contacts"),
            citation("c", until="2009"),
        ]
    ) == ["since", "qualifier"]
    # Together they would end before they begin: one source's end is before another's beginning.
    assert citation_disagreements([citation("a", since="2005"), citation("b", until="2003")]) == ["until"]


# --- The change log -----------------------------------------------------------------------------------------


def test_each_change_to_a_citation_reads_as_what_it_did():
    assert ChangeAction.CITATION_ADD.label == "citation added"
    assert ChangeAction.CITATION_CHANGE.label == "citation changed"
    assert ChangeAction.CITATION_REMOVE.label == "citation removed"
    assert ChangeAction.CITATIONS_UPGRADE.label == "citations upgraded"
    assert ChangeAction.RELATIONSHIP_ADD.label == "relationship added"
    assert ChangeAction.UPDATE.label == "changed"


@pytest.mark.django_db
def test_the_change_log_keeps_the_citation_changed_and_what_changed_with_its_relationship():
    relationship = {"type": "PART_OF", "uid": "part-of-0123456789ab", "start": "cis-atc", "end": "cis"}
    first = citation("cis-page", since="2003")
    moved = {**first, "since": "2002"}

    citation_change_record(
        action=ChangeAction.CITATION_ADD,
        relationship=relationship,
        citation_uid="cit-000000000001",
        after=first,
        summary_after=relationship_summary([first]),
    )
    citation_change_record(
        action=ChangeAction.CITATION_CHANGE,
        relationship=relationship,
        citation_uid="cit-000000000001",
        before=first,
        after=moved,
        summary_before=relationship_summary([first]),
        summary_after=relationship_summary([moved]),
    )
    citation_change_record(
        action=ChangeAction.CITATION_REMOVE,
        relationship=relationship,
        citation_uid="cit-000000000002",
        before=citation("other-page"),
    )

    change, added = ChangeRecord.objects.filter(action__startswith="citation_").order_by("-id")[1:]
    assert change.summary == "citation changed, since: cis-atc is part of cis (source cis-page)"
    assert (change.node_uid, change.other_uid, change.relationship_uid) == ("cis-atc", "cis", "part-of-0123456789ab")
    uid = "cit-000000000001"
    assert change.before == {"citation": {"uid": uid, "since": "2003"}, "relationship": {"since": "2003"}}
    assert change.after == {"citation": {"uid": uid, "since": "2002"}, "relationship": {"since": "2002"}}
    assert added.before is None and added.after["citation"]["exact"] == "words"
    assert edited_citation_uids(relationship_uid="part-of-0123456789ab") == {"cit-000000000001"}
    assert removed_citation_uids() == {"cit-000000000002"}
    with pytest.raises(ValueError):
        citation_change_record(action=ChangeAction.UPDATE, relationship=relationship, citation_uid="cit-x")


@pytest.mark.django_db
def test_the_upgrade_records_each_batch_of_relationships_it_gave_a_citation():
    citations_upgrade_record(relationship_uids=["part-of-0123456789ab", "member-of-0123456789ab"], unanchored=[])

    record = ChangeRecord.objects.get(action=ChangeAction.CITATIONS_UPGRADE)
    assert record.summary == "upgrade: 2 relationships now rest on one citation each"
    assert record.after == {"relationships": ["part-of-0123456789ab", "member-of-0123456789ab"], "unanchored": []}


@pytest.mark.django_db
def test_the_change_logs_migrations_know_every_action():
    call_command("makemigrations", "orgs", "--check", "--dry-run", verbosity=0)
