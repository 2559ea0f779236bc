"""Query parameters: validated per request with only the fields the request needs, to the same result."""

import pytest

from orgs.api.serializers import NetworkQuery, OrganizationListQuery, PathsQuery, RelationshipListQuery

pytestmark = pytest.mark.no_graph


def validated(serializer_class, data):
    query = serializer_class(data=data)
    assert query.is_valid(), query.errors
    return dict(query.validated_data)


def test_absent_parameters_are_left_out_and_defaults_filled_in():
    assert validated(OrganizationListQuery, {}) == {"page_size": 50, "ordering": "name"}
    assert validated(OrganizationListQuery, {"kind": "unit", "page_size": "5"}) == {
        "kind": "unit",
        "page_size": 5,
        "ordering": "name",
    }


def test_a_required_parameter_left_out_is_named():
    query = PathsQuery(data={"to": "a"})

    assert not query.is_valid()
    assert set(query.errors) == {"from"}


def test_a_keyword_parameter_is_read_by_its_public_name():
    assert validated(RelationshipListQuery, {"from": "ctc-cis"})["from"] == "ctc-cis"
    assert validated(PathsQuery, {"from": "a", "to": "b"})["from"] == "a"


def test_each_bad_parameter_is_named():
    query = OrganizationListQuery(data={"kind": "castle", "page_size": "0", "as_of": "2003-13"})

    assert not query.is_valid()
    assert set(query.errors) == {"kind", "page_size", "as_of"}


def test_every_request_gets_fields_of_its_own():
    first, second = OrganizationListQuery(data={"q": "x"}), OrganizationListQuery(data={"q": "y"})

    assert first.fields["q"] is not second.fields["q"]
    assert first.fields["q"].parent is first and second.fields["q"].parent is second


def test_the_schema_generator_sees_every_parameter():
    assert set(PathsQuery().fields) == {"from", "to", "k", "max_length", "types", "as_of"}


def test_a_parameter_by_its_former_name_is_refused_naming_todays():
    query = NetworkQuery(data={"kinds": "Organization"})

    assert not query.is_valid()
    assert query.errors == {"kinds": ["renamed: use 'labels'"]}
