"""Hostile input to the pages, the admin, the loader and the command line: a clear 4xx or a form error that
names what is wrong, never a 500; the same rules as the API (tests/api/test_hostile_input.py), from the same
functions (`orgs.validation`, `orgs.search`, `orgs.dates`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from neomodel import IntegerProperty

from orgs.graph.connection import cypher
from orgs.importer.check import validate_graph
from orgs.importer.read import GraphFileInvalid, read_graph_file
from orgs.importer.write import load_graph_file
from orgs.models import NODE_CLASSES
from orgs.search import SEARCH_MAX_OFFSET, SEARCH_MAX_WORDS
from orgs.validation import DATE_FIELDS, TEXT_LIMITS, ValidationFailed, editable_fields
from orgs.vocabulary import CITATION_FIELDS, SINGLE_SOURCE_FIELDS

LOTS_OF_WORDS = " ".join(["w"] * 1100)
ORGANIZATIONS = "/admin/orgs/organization/"


def alerts(response) -> str:
    return " ".join(re.findall(r'<p class="notice" role="alert">(.*?)</p>', response.content.decode()))


# --- Search pages: the same caps as the API, shown as form errors ---------------------------------------


@pytest.mark.parametrize("skip", ["99999999999999999999999", "-1", "abc", "٣", str(SEARCH_MAX_OFFSET + 1)])
def test_a_search_page_that_is_not_a_page_is_a_400_saying_so(centres_graph, client, skip):
    response = client.get("/organizations/", {"q": "center", "skip": skip})

    assert response.status_code == 400
    assert "The page asked for (skip) must be a whole number from 0 to 1,000,000." in alerts(response)


def test_a_search_page_within_reach_is_answered(centres_graph, client):
    assert client.get("/organizations/", {"q": "center", "skip": "1"}).status_code == 200


@pytest.mark.parametrize("q", [LOTS_OF_WORDS, " ".join(["w"] * (SEARCH_MAX_WORDS + 1)), "x" * 201])
def test_a_search_that_asks_too_much_is_a_400_with_the_form_saying_so(centres_graph, client, q):
    response = client.get("/organizations/", {"q": q})

    assert response.status_code == 400
    assert "The search is too long: at most" in alerts(response)
    assert 'id="q"' in response.content.decode()  # the form, to try again


def test_the_search_box_holds_no_more_than_a_search_takes(client):
    assert 'maxlength="200"' in client.get("/organizations/").content.decode()


def test_the_autocomplete_answers_a_search_that_asks_too_much_with_a_400_naming_q(centres_graph, client):
    response = client.get("/autocomplete.json", {"q": LOTS_OF_WORDS})

    assert response.status_code == 400
    assert "at most 200 characters" in response.json()["q"][0]


@pytest.mark.parametrize("field", ["from", "to"])
def test_the_path_finder_answers_an_end_that_asks_too_much_with_a_400_saying_so(centres_graph, client, field):
    response = client.get("/paths/", {"from": "alpha", "to": "beta", field: LOTS_OF_WORDS})

    assert response.status_code == 400
    assert f"“{field.capitalize()}” is too long to search for" in alerts(response)


def test_a_page_as_of_a_date_in_other_digits_ignores_it_as_any_other_non_date(centres_graph, client):
    response = client.get("/organizations/alpha/", {"as_of": "２００３"})

    assert response.status_code == 200
    assert 'value="２００３"' not in response.content.decode()


# --- The admin: the same rules, as form errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "N" * 1_000_000, "at most 300 characters (this has 1,000,000)"),
        ("name", "Bad\x01name", "contains a control character (U+0001) at position 4"),
        ("acronym", "\x1b[31m", "contains a control character (U+001B) at position 1"),
        ("description", "d" * 20_001, "at most 20,000 characters"),
        ("website", "javascript:alert(document.domain)", "must be an http:// or https:// address"),
        ("founded", "２００３", "is not a date like 2003"),
    ],
)
def test_the_admin_refuses_what_the_api_refuses_on_the_field(admin_client, field, value, error):
    data = {
        "name": "Council of Europe",
        "kind": "other",
        "relationships-TOTAL_FORMS": "0",
        "relationships-INITIAL_FORMS": "0",
        field: value,
    }

    response = admin_client.post(f"{ORGANIZATIONS}add/", data)

    assert response.status_code == 200
    assert error in " ".join(response.context["adminform"].form.errors[field])
    assert cypher("MATCH (n:Organization) RETURN count(n) AS n")[0]["n"] == 0


def test_the_admin_refuses_a_source_address_that_is_not_http_or_https(admin_client):
    response = admin_client.post("/admin/orgs/source/add/", {"title": "S", "url": "data:text/html,<b>x</b>"})

    assert "must be an http:// or https:// address" in " ".join(response.context["adminform"].form.errors["url"])


def test_the_admin_relationship_list_takes_any_page_number(centres_graph, admin_client):
    for page in ("9" * 5000, "-3", "x"):
        assert admin_client.get(f"{ORGANIZATIONS}relationships/", {"p": page}).status_code == 200


# --- The loader and the command line ---------------------------------------------------------------------


def write_yaml(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "graph.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"uid": "x", "name": "X", "website": "javascript:alert(1)"}, "field 'website': must be an http"),
        ({"uid": "x", "name": "X\x1b"}, "field 'name': contains a control character (U+001B)"),
        ({"uid": "x", "name": "X", "description": "d" * 20_001}, "field 'description': at most 20,000"),
        ({"uid": "x", "name": "X", "founded": "２００３"}, "field 'founded': '２００３' is not a date"),
        ({"uid": "x\n", "name": "X"}, "field 'uid': expected a lowercase slug"),
        ({"uid": "y" * 5000, "name": "X"}, "(5,002 characters)"),
    ],
)
def test_a_graph_file_is_checked_by_the_same_rules(record, problem):
    with pytest.raises(GraphFileInvalid) as refused:
        validate_graph({"organizations": [record]})

    assert problem in " ".join(refused.value.problems)


def test_a_graph_file_nested_too_deeply_is_refused_with_a_problem(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 5000 + "]" * 5000)

    with pytest.raises(GraphFileInvalid) as refused:
        read_graph_file(path)

    assert "nested too deeply" in refused.value.problems[0]


def test_the_command_line_names_a_taken_name_without_record_ids(centres_graph, tmp_path):
    path = write_yaml(tmp_path, {"organizations": [{"uid": "other", "name": "Alpha Center"}]})

    with pytest.raises(CommandError) as refused:
        call_command("load_graph", str(path))

    assert str(refused.value).endswith("nothing was written: an organization named 'Alpha Center' already exists")


def test_loading_a_file_with_a_bad_address_writes_nothing(tmp_path):
    path = write_yaml(tmp_path, {"sources": [{"uid": "s", "title": "S", "url": "vbscript:x"}]})

    with pytest.raises(GraphFileInvalid):
        load_graph_file(path)
    assert cypher("MATCH (n:Node) RETURN count(n) AS n")[0]["n"] == 0


# --- One table of limits, complete and documented -----------------------------------------------------------


@pytest.mark.no_graph
def test_every_text_field_has_a_size_limit_and_the_data_model_lists_it():
    documented = (Path(__file__).resolve().parent.parent / "docs" / "data-model.md").read_text()
    text_fields = [
        name
        for label in NODE_CLASSES
        for name, prop in editable_fields(label).items()
        if name not in DATE_FIELDS and not isinstance(prop, IntegerProperty)
    ]
    # What a writer gives of a relationship: its citations' fields, or the single-source form's (`added_at` is a
    # time, checked as one).
    text_fields += [
        name for name in (*CITATION_FIELDS, *SINGLE_SOURCE_FIELDS) if name not in {*DATE_FIELDS, "added_at"}
    ]
    for name in text_fields:
        assert name in TEXT_LIMITS, f"{name} has no size limit"
        assert re.search(rf"\| `{name}` \|[^\n]*\| {TEXT_LIMITS[name]:,} \|", documented), name


@pytest.mark.no_graph
def test_a_service_write_is_checked_by_the_same_rules():
    from orgs import services

    with pytest.raises(ValidationFailed) as refused:
        services.node_create(label="Organization", data={"name": "X", "website": "javascript:alert(1)"})

    assert refused.value.errors == {"website": ["must be an http:// or https:// address"]}
