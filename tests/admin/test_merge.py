"""Merging duplicate organizations from the admin: a preview first, then one transaction."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from orgs import services
from orgs.graph.connection import cypher
from orgs.models import ChangeRecord
from tests.service_factories import node, organization, relationship, source

LIST = "/admin/orgs/organization/"
MERGE = {"action": "merge_organizations", "_selected_action": ["atc", "atc-dup"]}


@pytest.fixture(autouse=True)
def duplicates() -> None:
    source()
    organization("atc", "CIS Anti-Terrorism Center", acronym="CIS ATC")
    organization("atc-dup", "Anti-Terrorism Centre of the CIS")
    organization("interpol", "INTERPOL")
    organization("csto", "Collective Security Treaty Organization")
    relationship("COLLABORATES_WITH", "atc", "interpol")
    relationship("COLLABORATES_WITH", "atc-dup", "interpol")
    relationship("COLLABORATES_WITH", "atc-dup", "csto")


def test_the_merge_action_proposes_the_better_connected_organization_as_survivor(admin_client):
    assert admin_client.post(LIST, MERGE).context["survivor"] == "atc-dup"


def test_the_merge_action_shows_what_would_happen_and_changes_nothing(admin_client):
    response = admin_client.post(LIST, {**MERGE, "survivor": "atc"})

    content = response.content.decode()
    assert response.status_code == 200 and "Nothing has changed yet" in content
    assert "CIS Anti-Terrorism Center collaborates with Collective Security Treaty Organization" in content
    assert "the survivor already has it" in content and "Anti-Terrorism Centre of the CIS" in content
    assert node("atc-dup")


def test_confirming_merges_into_the_survivor_and_records_it(admin_client, admin_user):
    response = admin_client.post(LIST, {**MERGE, "survivor": "atc", "confirm": "yes"}, follow=True)

    assert "1 relationship(s) moved, 1 dropped" in response.content.decode()
    assert cypher("MATCH (n:Organization {uid: 'atc-dup'}) RETURN n") == []
    survivor = node("atc")
    assert survivor["aliases"] == ["Anti-Terrorism Centre of the CIS"] and survivor["former_uids"] == ["atc-dup"]
    assert survivor["degree"] == 2
    assert ChangeRecord.objects.get(action="merge").actor == admin_user
    assert "merged" in admin_client.get(f"{LIST}atc/history/").content.decode()


def test_the_admin_chooses_which_organization_survives(admin_client):
    preview = admin_client.post(LIST, {**MERGE, "survivor": "atc-dup", "confirm": "preview"})
    assert preview.context["survivor"] == "atc-dup"

    admin_client.post(LIST, {**MERGE, "survivor": "atc-dup", "confirm": "yes"})

    assert node("atc-dup")["former_uids"] == ["atc"]


def test_merging_needs_exactly_two_organizations(admin_client):
    response = admin_client.post(LIST, {**MERGE, "_selected_action": ["atc"]}, follow=True)

    assert "Select exactly two organizations to merge." in response.content.decode()
    assert node("atc-dup")


def test_only_users_with_the_merge_permission_are_offered_the_action(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["view_organization", "change_organization"]))
    client.force_login(editor)

    assert "merge_organizations" not in client.get(LIST).content.decode()
    client.post(LIST, {**MERGE, "survivor": "atc", "confirm": "yes"})
    assert node("atc-dup")  # refused: not merged

    editor.user_permissions.add(Permission.objects.get(codename="merge_organization"))
    assert "merge_organizations" in client.get(LIST).content.decode()


def test_the_admin_address_of_a_merged_away_organization_leads_to_the_survivor(admin_client):
    admin_client.post(LIST, {**MERGE, "survivor": "atc", "confirm": "yes"})

    response = admin_client.get(f"{LIST}atc-dup/change/", follow=True)

    assert response.redirect_chain[-1][0] == f"{LIST}atc/change/"
    assert "was merged into this organization" in response.content.decode()


def opened_versions(preview) -> dict[str, str]:
    """The hidden versions a merge preview sends back with its confirmation."""
    return {f"opened_version_{uid}": str(version) for uid, version in preview.context["versions"]}


def test_a_merge_confirmed_after_someone_changed_either_organization_is_refused_with_a_fresh_preview(admin_client):
    preview = admin_client.post(LIST, {**MERGE, "survivor": "atc"})
    services.node_update(label="Organization", uid="atc-dup", data={"description": "Edited meanwhile."})

    refused = admin_client.post(LIST, {**MERGE, "survivor": "atc", "confirm": "yes", **opened_versions(preview)})

    content = refused.content.decode()
    assert refused.status_code == 200 and 'class="errornote"' in content
    assert "changed by someone else since you opened this preview; nothing was merged" in content
    assert node("atc-dup")["description"] == "Edited meanwhile." and "former_uids" not in node("atc")
    assert dict(refused.context["versions"])["atc-dup"] == 2

    admin_client.post(LIST, {**MERGE, "survivor": "atc", "confirm": "yes", **opened_versions(refused)})
    assert cypher("MATCH (n:Organization {uid: 'atc-dup'}) RETURN n") == []
    assert node("atc")["description"] == "Edited meanwhile."  # filled from the loser as it was at confirmation


def test_the_merge_service_refuses_versions_other_than_those_expected_and_writes_nothing():
    services.node_update(label="Organization", uid="atc", data={"acronym": "ATC"})

    with pytest.raises(services.StaleVersion, match="'atc' was changed by someone else"):
        services.organizations_merge(
            survivor_uid="atc", loser_uid="atc-dup", expected_versions={"atc": (1,), "atc-dup": (1,)}
        )

    assert node("atc-dup") and node("atc")["version"] == 2
    services.organizations_merge(survivor_uid="atc", loser_uid="atc-dup", expected_versions={"atc": (2,)})
    assert node("atc")["former_uids"] == ["atc-dup"]


@pytest.mark.django_db(transaction=True)  # both merges commit their change records from threads of their own
@pytest.mark.parametrize("service_survivor", ["atc", "atc-dup"])
def test_two_stale_merges_of_one_pair_at_once_from_the_admin_and_a_service_merge_once(admin_client, service_survivor):
    preview = admin_client.post(LIST, {**MERGE, "survivor": "atc"})  # both opened at version 1
    start = threading.Barrier(2)

    def from_the_admin():
        start.wait()
        return admin_client.post(LIST, {**MERGE, "survivor": "atc", "confirm": "yes", **opened_versions(preview)})

    def from_a_service():
        start.wait()
        loser = "atc-dup" if service_survivor == "atc" else "atc"
        try:
            return services.organizations_merge(
                survivor_uid=service_survivor, loser_uid=loser, expected_versions={"atc": (1,), "atc-dup": (1,)}
            )
        except (services.StaleVersion, services.NotFound) as refused:
            return refused

    with ThreadPoolExecutor(max_workers=2) as pool:
        admin, service = [future.result() for future in [pool.submit(from_the_admin), pool.submit(from_a_service)]]

    left = cypher("MATCH (o:Organization) WHERE o.uid IN ['atc', 'atc-dup'] RETURN o.uid AS uid")
    assert len(left) == 1, "exactly one of the two is left"
    [survivor] = [row["uid"] for row in left]
    assert node(survivor)["former_uids"] == [{"atc": "atc-dup", "atc-dup": "atc"}[survivor]]
    assert node(survivor)["degree"] == 2  # interpol once, csto moved
    assert ChangeRecord.objects.filter(action="merge").count() == 1
    told = [str(message) for message in get_messages(admin.wsgi_request)]
    assert admin.status_code == 302, "merged, or told why not: never a 500"
    admin_merged = any(text.startswith("Merged '") for text in told)
    assert admin_merged == isinstance(service, Exception), (told, service)  # the one that lost was refused
