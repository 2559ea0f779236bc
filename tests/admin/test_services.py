"""The writes the admin relies on: the change log, nested transactions, and merging two organizations."""

import pytest

from orgs import services
from orgs.graph.connection import cypher, write_transaction
from orgs.models import ChangeRecord
from orgs.validation import ValidationFailed

EVIDENCE = "The two bodies closely collaborate."


@pytest.fixture
def source() -> str:
    return services.node_create(label="Source", data={"title": "Partners page"}, uid="partners")["uid"]


def org(uid: str, name: str, **data) -> str:
    return services.node_create(label="Organization", data={"name": name, **data}, uid=uid)["uid"]


def relationship(relationship_type: str, start: str, end: str, source: str, **data) -> dict:
    created, _ = services.relationship_create(
        relationship_type=relationship_type,
        start_uid=start,
        end_uid=end,
        data={"source_uid": source, "evidence": EVIDENCE, **data},
    )
    return created


def relationships_of(uid: str) -> set[tuple[str, str, str]]:
    rows = cypher(
        "MATCH (a:Node)-[r]->(b:Node) WHERE a.uid = $uid OR b.uid = $uid "
        "RETURN type(r) AS type, a.uid AS start, b.uid AS end",
        {"uid": uid},
    )
    return {(row["type"], row["start"], row["end"]) for row in rows}


def test_each_write_is_recorded_with_its_actor_and_the_values_before_and_after(django_user_model):
    editor = django_user_model.objects.create_user("editor")

    services.node_create(label="Organization", data={"name": "Council of Europe"}, uid="coe", actor=editor)
    services.node_update(label="Organization", uid="coe", data={"acronym": "CoE"}, actor=editor)
    services.node_delete(uid="coe")

    create, update, delete = ChangeRecord.objects.order_by("id")
    assert (create.action, create.actor, create.after["name"]) == ("create", editor, "Council of Europe")
    assert (update.before, update.after["acronym"], update.actor_name) == (
        {"acronym": None, "search_text": "council of europe"},
        "CoE",
        "editor",
    )
    assert (delete.action, delete.actor, delete.before["acronym"]) == ("delete", None, "CoE")


def test_relationship_writes_are_recorded_on_both_ends(source):
    org("a", "Alpha"), org("b", "Beta")

    created = relationship("COLLABORATES_WITH", "a", "b", source)
    services.relationship_update(uid=created["uid"], data={"since": "2004"})
    services.relationship_delete(uid=created["uid"])

    actions = [record.action for record in ChangeRecord.objects.filter(other_uid="b").order_by("id")]
    # A relationship's period is its citation's: changing it in the single-source form changes that citation.
    assert actions == ["relationship_add", "citation_change", "relationship_remove"]


def test_a_service_inside_an_outer_transaction_joins_it_and_records_only_if_it_commits():
    def create_two_then_fail():
        org("a", "Alpha")
        org("b", "Beta")
        raise RuntimeError("the second half of the form was wrong")

    with pytest.raises(RuntimeError):
        write_transaction(create_two_then_fail)

    assert cypher("MATCH (n:Organization) RETURN count(n) AS n")[0]["n"] == 0
    assert not ChangeRecord.objects.exists()


def test_merging_moves_relationships_keeps_names_and_uid_and_drops_duplicates(source):
    org("atc", "CIS Anti-Terrorism Center", acronym="CIS ATC")
    org("atc-dup", "Anti-Terrorism Centre of the CIS", acronym="ATC CIS", aliases=["ATC"], founded="2000")
    org("interpol", "INTERPOL")
    org("csto", "Collective Security Treaty Organization")
    relationship("COLLABORATES_WITH", "atc", "interpol", source)
    relationship(
        "COLLABORATES_WITH", "interpol", "atc-dup", source
    )  # symmetric: the same relationship, drawn the other way
    relationship("HAS_OBSERVER_STATUS_IN", "atc-dup", "csto", source, since="2005")
    relationship("PART_OF", "atc-dup", "atc", source)

    preview = services.organizations_merge_preview(survivor_uid="atc", loser_uid="atc-dup")
    assert [(t["type"], t["other"]) for t in preview["moved"]] == [("HAS_OBSERVER_STATUS_IN", "csto")]
    assert sorted(t["reason"] for t in preview["dropped"]) == [
        "it joins the two organizations",
        "the survivor already has it",
    ]
    assert relationships_of("atc-dup")  # a preview changes nothing

    services.organizations_merge(survivor_uid="atc", loser_uid="atc-dup")

    assert relationships_of("atc") == {
        ("COLLABORATES_WITH", "atc", "interpol"),
        ("HAS_OBSERVER_STATUS_IN", "atc", "csto"),
    }
    _, survivor = services.node_get(uid="atc")
    assert survivor["aliases"] == ["Anti-Terrorism Centre of the CIS", "ATC CIS", "ATC"]
    assert survivor["former_uids"] == ["atc-dup"]
    assert (survivor["acronym"], survivor["founded"]) == ("CIS ATC", "2000")  # only empty fields are filled
    assert survivor["degree"] == 2 and "anti terrorism centre of the cis" in survivor["search_text"]
    assert cypher("MATCH ()-[r:HAS_OBSERVER_STATUS_IN]->() RETURN r.since AS since")[0]["since"] == "2005"
    with pytest.raises(services.NotFound):
        services.node_get(uid="atc-dup")
    merge = ChangeRecord.objects.get(action="merge")
    assert (merge.node_uid, merge.other_uid, merge.before["merged_away"]["name"]) == (
        "atc",
        "atc-dup",
        "Anti-Terrorism Centre of the CIS",
    )


def test_an_organization_cannot_be_merged_into_itself_or_into_a_country():
    org("a", "Alpha")
    services.node_create(label="Country", data={"name": "Turkey"}, uid="tr")

    with pytest.raises(ValidationFailed):
        services.organizations_merge(survivor_uid="a", loser_uid="a")
    with pytest.raises(ValidationFailed):
        services.organizations_merge(survivor_uid="tr", loser_uid="a")
    with pytest.raises(services.NotFound):
        services.organizations_merge(survivor_uid="a", loser_uid="missing")
