"""Nodes and relationships the tests build one at a time through the services (`orgs.services`), checked as
every write is; for a whole graph written in one Cypher query, see cypher_factories."""

from __future__ import annotations

from typing import Any

from orgs import services

EVIDENCE = "The two bodies closely collaborate."


def source(uid: str = "partners", title: str = "Partners page") -> str:
    return services.node_create(label="Source", data={"title": title}, uid=uid)["uid"]


def organization(uid: str, name: str, **data: Any) -> str:
    return services.node_create(label="Organization", data={"name": name, **data}, uid=uid)["uid"]


def country(uid: str, name: str, **data: Any) -> str:
    return services.node_create(label="Country", data={"name": name, **data}, uid=uid)["uid"]


def relationship(
    relationship_type: str, start: str, end: str, source_uid: str = "partners", **data: Any
) -> dict[str, Any]:
    created, _ = services.relationship_create(
        relationship_type=relationship_type,
        start_uid=start,
        end_uid=end,
        data={"source_uid": source_uid, "evidence": EVIDENCE, **data},
    )
    return created


def node(uid: str) -> dict[str, Any]:
    return services.node_get(uid=uid)[1]


def form_data(response: Any) -> dict[str, Any]:
    """Return what a browser would post back from an admin change page, unchanged (its nested formsets, the
    relationships and citations, included)."""
    form = response.context["adminform"].form
    forms = [form]
    for formset in getattr(form, "nested_formsets", []):
        forms.extend([formset.management_form, *formset.forms])
    data: dict[str, Any] = {}
    for each in forms:
        for bound in each:
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(value, list):
                value = "\n".join(value)
            data[bound.html_name] = value
    return data
