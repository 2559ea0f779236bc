"""The adapter between Django's admin and graph nodes: fields, options and the Cypher queryset."""

import pytest
from django.core.exceptions import FieldError
from django.db.models import Q

from orgs.admin_graph import GraphQuerySet, install_graph_options
from orgs.models import Organization
from tests.service_factories import organization


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
    assert names(organizations.exclude(kind="regional_centre").order_by("name")) == ["INTERPOL", "OSCE"]
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
