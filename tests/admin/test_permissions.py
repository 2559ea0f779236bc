"""Who may do what in the graph admin: Django's permissions, the viewer and editor groups, polite refusals."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from orgs.graph.connection import cypher
from tests.service_factories import form_data, node, organization

LIST = "/admin/orgs/organization/"
GRAPH_MODELS = ("organization", "country", "event", "document", "source")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password="pw", is_staff=True)


@pytest.fixture
def groups() -> None:
    call_command("create_groups", stdout=io.StringIO())


def test_the_graph_models_have_permission_rows_after_migrate():
    codenames = set(Permission.objects.filter(content_type__app_label="orgs").values_list("codename", flat=True))

    for model in GRAPH_MODELS:
        assert {f"{action}_{model}" for action in ("view", "add", "change", "delete")} <= codenames
    assert "merge_organization" in codenames


@pytest.mark.no_graph
@pytest.mark.django_db
def test_create_groups_makes_a_viewer_and_an_editor_group_and_can_run_again():
    call_command("create_groups", stdout=io.StringIO())
    call_command("create_groups", stdout=io.StringIO())

    viewer = set(Group.objects.get(name="viewer").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="editor").permissions.values_list("codename", flat=True))
    assert viewer == {f"view_{model}" for model in (*GRAPH_MODELS, "changerecord")}
    assert {"add_organization", "change_country", "delete_source", "merge_organization"} <= editor
    assert not any(codename.startswith(("add_", "change_", "delete_")) for codename in viewer)


@pytest.mark.usefixtures("groups")
def test_a_viewer_sees_the_graph_but_cannot_change_it(client, staff):
    organization("coe", "Council of Europe")
    staff.groups.add(Group.objects.get(name="viewer"))
    client.force_login(staff)

    assert client.get(LIST).status_code == 200
    page = client.get(f"{LIST}coe/change/")
    assert page.status_code == 200 and "Council of Europe" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get(f"{LIST}coe/history/").status_code == 200
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}coe/change/", {"name": "Renamed", "kind": "other"}).status_code == 403
    assert client.post(f"{LIST}coe/delete/", {"post": "yes"}).status_code == 403
    assert node("coe")["name"] == "Council of Europe"


@pytest.mark.usefixtures("groups")
def test_an_editor_adds_and_changes_organizations(client, staff):
    organization("coe", "Council of Europe")
    staff.groups.add(Group.objects.get(name="editor"))
    client.force_login(staff)

    data = {**form_data(client.get(f"{LIST}coe/change/")), "acronym": "CoE"}
    assert client.post(f"{LIST}coe/change/", data).status_code == 302
    assert node("coe")["acronym"] == "CoE"


def test_a_staff_user_without_permissions_is_refused_not_shown_an_error(client, staff):
    organization("coe", "Council of Europe")
    client.force_login(staff)

    for url in (
        LIST,
        f"{LIST}coe/change/",
        f"{LIST}add/",
        f"{LIST}coe/delete/",
        f"{LIST}coe/history/",
        f"{LIST}graph-search/?q=council",
        f"{LIST}relationships/",
        "/admin/orgs/country/",
    ):
        assert client.get(url).status_code == 403, url
    assert "Organizations" not in client.get("/admin/").content.decode()
    assert cypher("MATCH (n:Organization) RETURN count(n) AS n")[0]["n"] == 1


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(LIST)

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.usefixtures("groups")
def test_a_viewer_reads_the_change_log_which_nobody_can_edit(client, staff, admin_client):
    organization("coe", "Council of Europe")
    staff.groups.add(Group.objects.get(name="viewer"))
    client.force_login(staff)

    log = client.get("/admin/orgs/changerecord/")
    assert log.status_code == 200 and "created Organization &#x27;Council of Europe&#x27;" in log.content.decode()
    assert admin_client.get("/admin/orgs/changerecord/add/").status_code == 403
