"""The adapter between Django's admin and graph nodes: fields, options and the Cypher queryset."""

import pytest
from django.core.exceptions import FieldError
from django.db.models import Q

from orgs.admin.backend import GraphQuerySet, install_graph_options
from orgs.models import Country, Organization
from tests.service_factories import country, organization, relationship, source


@pytest.fixture
def three_organizations() -> None:
    organization("interpol", "INTERPOL", kind="international_organization", aliases=["ICPO"])
    organization("osce", "OSCE", kind="regional_organization", founded="1975")
    organization("seci", "SECI Center", kind="regional_centre", aliases=["SELEC"])


def names(queryset) -> list[str]:
    return [node.name for node in queryset]


def test_a_node_class_gets_options_the_admin_can_read():
    opts = install_graph_options(Organization)

    assert opts.pk.name == "uid" and not opts.pk.editable
    assert opts.get_field("name").unique and not opts.get_field("acronym").unique
    assert opts.get_field("kind").flatchoices[0] == (
        "international_organization",
        "International organization",
    )
    assert opts.get_field("kind").remote_field is None and not opts.get_field("kind").is_relation
    assert Organization(uid="x", name="X").pk == "x"


@pytest.mark.usefixtures("three_organizations")
def test_the_queryset_filters_excludes_orders_and_counts_in_the_graph():
    organizations = GraphQuerySet(Organization)

    assert names(organizations.order_by("name")) == ["INTERPOL", "OSCE", "SECI Center"]
    assert names(organizations.order_by("-name")) == ["SECI Center", "OSCE", "INTERPOL"]
    assert names(organizations.filter(kind__exact="regional_centre")) == ["SECI Center"]
    assert names(organizations.filter(~Q(kind="regional_centre")).order_by("name")) == ["INTERPOL", "OSCE"]
    assert names(organizations.filter(Q(name__icontains="sce") | Q(aliases__icontains="icpo")).order_by("uid")) == [
        "INTERPOL",
        "OSCE",
    ]
    assert names(organizations.filter(pk__in=["osce", "seci"]).order_by("pk")) == ["OSCE", "SECI Center"]
    assert names(organizations.filter(founded__isnull=False)) == ["OSCE"]
    assert organizations.filter(name__startswith="S").count() == 1
    assert organizations.get(pk="osce").founded == "1975"


@pytest.mark.usefixtures("three_organizations")
def test_the_queryset_slices_into_pages_and_counts_the_slice():
    ordered = GraphQuerySet(Organization).order_by("name")

    assert names(ordered[1:3]) == ["OSCE", "SECI Center"]
    assert names(ordered[1:][:1]) == ["OSCE"]
    assert ordered[1:].count() == 2
    assert ordered[2].name == "SECI Center"


@pytest.mark.usefixtures("three_organizations")
def test_a_list_property_matches_when_one_of_its_items_does():
    organizations = GraphQuerySet(Organization).order_by("uid")

    assert names(organizations.filter(aliases="SELEC")) == ["SECI Center"]
    assert names(organizations.filter(aliases__iexact="icpo")) == ["INTERPOL"]
    assert names(organizations.filter(aliases__in=["ICPO", "SELEC"])) == ["INTERPOL", "SECI Center"]
    assert names(organizations.filter(aliases__isnull=True)) == ["OSCE"]
    with pytest.raises(FieldError):
        organizations.filter(aliases__startswith="S")


@pytest.mark.usefixtures("three_organizations")
def test_the_queryset_finds_the_nodes_related_to_another_either_way():
    source()
    country("at", "Austria")
    relationship("LOCATED_IN", "osce", "at")
    organizations = GraphQuerySet(Organization)

    assert names(organizations.where_related("LOCATED_IN", "at")) == ["OSCE"]
    assert names(GraphQuerySet(Country).where_related("LOCATED_IN", "osce")) == ["Austria"]
    assert organizations.where_related("LOCATED_IN", "interpol").count() == 0


@pytest.mark.usefixtures("three_organizations")
def test_a_lookup_by_uid_finds_only_nodes_of_the_queryset_class():
    country("fr", "France")

    assert names(GraphQuerySet(Organization).filter(pk__in=["osce", "fr"], name__startswith="O")) == ["OSCE"]
    assert GraphQuerySet(Organization).filter(pk="fr").count() == 0
    assert GraphQuerySet(Country).get(uid="fr").name == "France"


@pytest.mark.usefixtures("three_organizations")
def test_a_page_past_the_end_is_empty_and_a_slice_must_be_plain():
    ordered = GraphQuerySet(Organization).order_by("-pk")

    assert names(ordered) == ["SECI Center", "OSCE", "INTERPOL"]
    assert names(ordered[5:10]) == [] and ordered[5:10].count() == 0
    assert len(ordered[:2]) == 2
    with pytest.raises(ValueError):
        ordered[::2]


def test_a_missing_node_raises_does_not_exist():
    with pytest.raises(Organization.DoesNotExist):
        GraphQuerySet(Organization).get(pk="nobody")


def test_unknown_fields_and_lookups_are_refused_not_placed_in_the_query():
    with pytest.raises(FieldError):
        GraphQuerySet(Organization).filter(**{"name) DETACH DELETE n //": "x"})
    with pytest.raises(FieldError):
        GraphQuerySet(Organization).filter(name__regex=".*")
    with pytest.raises(FieldError):
        GraphQuerySet(Organization).order_by("password")
