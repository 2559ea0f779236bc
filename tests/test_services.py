"""Writes through the services: validated once for every caller, transactional, degrees kept current."""

from __future__ import annotations

import pytest

from orgs import services
from orgs.graph.connection import AlreadyExists, cypher
from orgs.validation import ValidationFailed

EVIDENCE = {"source_uid": "src", "evidence": "They work together."}


@pytest.fixture
def two_bodies():
    services.node_create(label="Source", uid="src", data={"title": "A page"})
    services.node_create(label="Organization", data={"name": "CIS Anti-Terrorism Center", "acronym": "CIS ATC"})
    services.node_create(
        label="Organization", data={"name": "International Criminal Police Organization", "acronym": "INTERPOL"}
    )
    services.node_create(label="Country", uid="turkey", data={"name": "Turkey"})


def degree(uid: str) -> int:
    return cypher("MATCH (n:Node {uid: $uid}) RETURN n.degree AS d", {"uid": uid})[0]["d"]


def test_a_new_organization_gets_a_readable_uid_and_search_text():
    created = services.node_create(label="Organization", data={"name": "Council of Europe", "aliases": ["CoE"]})

    assert created["uid"] == "council-of-europe"
    assert "coe" in created["search_text"]


def test_a_second_organization_with_the_same_acronym_gets_its_name_in_its_uid():
    first = services.node_create(label="Organization", data={"name": "Alpha Centre", "acronym": "AC"})
    second = services.node_create(label="Organization", data={"name": "Another Centre", "acronym": "AC"})

    assert (first["uid"], second["uid"]) == ("ac", "ac-another-centre")


def test_bodies_whose_names_make_the_same_slug_still_get_different_uids():
    uids = [
        services.node_create(label="Organization", data={"name": name, "acronym": "AC"})["uid"]
        for name in ("Alpha Centre", "alpha centre", "ALPHA  CENTRE")
    ]

    assert uids[:2] == ["ac", "ac-alpha-centre"]
    assert len(set(uids)) == 3 and uids[2].startswith("ac-alpha-centre-")


def test_a_name_with_no_latin_letters_gets_a_uid_from_its_digest_after_the_first():
    first = services.node_create(label="Organization", data={"name": "Антитеррористический центр"})
    second = services.node_create(label="Organization", data={"name": "Региональная структура"})

    assert first["uid"] == "organization"
    assert second["uid"].startswith("organization-") and second["uid"] != first["uid"]


def test_a_new_body_never_takes_a_deleted_uid_even_without_an_acronym():
    services.node_create(label="Organization", data={"name": "Council of Europe"})
    services.node_delete(uid="council-of-europe")

    again = services.node_create(label="Organization", data={"name": "Council of Europe"})

    assert again["uid"] != "council-of-europe" and again["uid"].startswith("council-of-europe-")


def test_an_organization_name_is_unique():
    services.node_create(label="Organization", data={"name": "INTERPOL"})

    with pytest.raises(AlreadyExists):
        services.node_create(label="Organization", data={"name": "INTERPOL"})


def test_bad_fields_are_all_named_at_once():
    with pytest.raises(ValidationFailed) as raised:
        services.node_create(label="Organization", data={"kind": "club", "founded": "someday"})

    assert set(raised.value.errors) == {"name", "kind", "founded"}


def test_a_relationship_raises_the_degree_of_both_ends(two_bodies):
    services.relationship_create(
        relationship_type="HAS_OBSERVER_STATUS_IN",
        start_uid="cis-atc",
        end_uid="interpol",
        data={**EVIDENCE, "since": "2005"},
    )

    assert (degree("cis-atc"), degree("interpol")) == (1, 1)


@pytest.mark.parametrize(
    ("relationship_type", "end", "data", "field"),
    [
        ("LIKES", "interpol", EVIDENCE, "type"),
        ("COLLABORATES_WITH", "nobody", EVIDENCE, "to"),
        ("COLLABORATES_WITH", "cis-atc", EVIDENCE, "to"),
        ("LOCATED_IN", "interpol", EVIDENCE, "to"),
        ("COLLABORATES_WITH", "interpol", {**EVIDENCE, "since": "2010", "until": "2009"}, "until"),
        ("COLLABORATES_WITH", "interpol", {**EVIDENCE, "since": "2010-02-30"}, "since"),
        ("COLLABORATES_WITH", "interpol", {"source_uid": "src"}, "evidence"),
        ("COLLABORATES_WITH", "interpol", {**EVIDENCE, "source_uid": "nowhere"}, "source_uid"),
    ],
)
def test_a_relationship_that_makes_no_sense_is_refused_naming_the_field(
    two_bodies, relationship_type, end, data, field
):
    with pytest.raises(ValidationFailed) as raised:
        services.relationship_create(relationship_type=relationship_type, start_uid="cis-atc", end_uid=end, data=data)

    assert field in raised.value.errors
    assert cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] == 0


def test_a_symmetric_relationship_stated_again_either_way_is_already_recorded_not_doubled(two_bodies):
    first, outcome = services.relationship_create(
        relationship_type="COLLABORATES_WITH", start_uid="cis-atc", end_uid="interpol", data=EVIDENCE
    )
    assert outcome == "created"

    again, outcome = services.relationship_create(
        relationship_type="COLLABORATES_WITH", start_uid="interpol", end_uid="cis-atc", data=EVIDENCE
    )

    assert outcome == "already_recorded"
    assert (again["uid"], again["version"]) == (first["uid"], first["version"])
    assert cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] == 1


def test_a_relationship_can_be_read_updated_and_deleted_by_its_uid(two_bodies):
    created, _ = services.relationship_create(
        relationship_type="COLLABORATES_WITH", start_uid="cis-atc", end_uid="interpol", data=EVIDENCE
    )

    updated = services.relationship_update(uid=created["uid"], data={"until": "2020", "qualifier": "close ties"})
    assert (updated["until"], updated["qualifier"]) == ("2020", "close ties")
    assert [citation["exact"] for citation in updated["citations"]] == ["They work together."]
    assert services.relationship_get(uid=created["uid"])["start_label"] == "Organization"

    services.relationship_delete(uid=created["uid"])
    assert (degree("cis-atc"), degree("interpol")) == (0, 0)
    with pytest.raises(services.NotFound):
        services.relationship_get(uid=created["uid"])


def test_an_update_that_breaks_a_rule_changes_nothing(two_bodies):
    created, _ = services.relationship_create(
        relationship_type="COLLABORATES_WITH",
        start_uid="cis-atc",
        end_uid="interpol",
        data={**EVIDENCE, "since": "2010"},
    )

    with pytest.raises(ValidationFailed):
        services.relationship_update(uid=created["uid"], data={"until": "2001"})

    assert services.relationship_get(uid=created["uid"]).get("until") is None


@pytest.fixture
def quoted_page():
    services.node_create(
        label="Source",
        uid="quoted",
        data={"title": "A quoted page", "text": "The centre and INTERPOL\nwork together closely."},
    )


def test_evidence_must_be_found_word_for_word_in_the_text_of_its_source(two_bodies, quoted_page):
    with pytest.raises(ValidationFailed) as raised:
        services.relationship_create(
            relationship_type="COLLABORATES_WITH",
            start_uid="cis-atc",
            end_uid="interpol",
            data={"source_uid": "quoted", "evidence": "They are old friends."},
        )

    assert raised.value.errors == {"evidence": ["not found word for word in source 'quoted'"]}
    assert cypher("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"] == 0


def test_evidence_may_break_its_lines_where_the_source_does_not(two_bodies, quoted_page):
    created, _ = services.relationship_create(
        relationship_type="COLLABORATES_WITH",
        start_uid="cis-atc",
        end_uid="interpol",
        data={"source_uid": "quoted", "evidence": "INTERPOL work\ntogether"},
    )

    assert created["citations"][0]["exact"] == "INTERPOL work\ntogether"
    assert (created["citations"][0]["start"], created["citations"][0]["end"]) == (15, 37)


def test_an_update_is_checked_against_the_source_too_whether_it_changes_the_evidence_or_the_source(
    two_bodies, quoted_page
):
    created, _ = services.relationship_create(
        relationship_type="COLLABORATES_WITH", start_uid="cis-atc", end_uid="interpol", data=EVIDENCE
    )  # "src" has no text: any sentence is taken

    with pytest.raises(ValidationFailed) as raised:
        services.relationship_update(uid=created["uid"], data={"source_uid": "quoted"})
    assert list(raised.value.errors) == ["evidence"]
    with pytest.raises(ValidationFailed):
        services.relationship_update(uid=created["uid"], data={"source_uid": "quoted", "evidence": "Not there."})

    updated = services.relationship_update(
        uid=created["uid"], data={"source_uid": "quoted", "evidence": "work together closely"}
    )
    assert updated["source_uids"] == ["quoted"]


def test_a_uid_asked_for_must_be_a_lowercase_slug():
    with pytest.raises(ValidationFailed) as raised:
        services.node_create(label="Source", uid="Not A Slug", data={"title": "A page"})

    assert list(raised.value.errors) == ["uid"]


def test_renaming_an_organization_refreshes_its_search_text(two_bodies):
    services.node_update(label="Organization", uid="interpol", data={"aliases": ["ICPO"]})

    assert "icpo" in cypher("MATCH (o:Organization {uid: 'interpol'}) RETURN o.search_text AS t")[0]["t"]


def test_deleting_a_node_removes_its_relationships_and_leaves_a_tombstone(two_bodies):
    services.relationship_create(
        relationship_type="COLLABORATES_WITH", start_uid="cis-atc", end_uid="interpol", data=EVIDENCE
    )

    services.node_delete(uid="interpol")

    assert degree("cis-atc") == 0
    assert cypher("MATCH (t:DeletedNode {uid: 'interpol'}) RETURN t.label AS label")[0]["label"] == "Organization"
    with pytest.raises(services.NotFound):
        services.node_get(uid="interpol")
