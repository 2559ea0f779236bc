"""The seed graph on a live graph: loaded into an empty graph only, upgraded by an explicit, previewed plan.

An upgrade adds what the seed file has and the graph lacks (nodes, relationships, their citations, properties
the graph has no value for) and leaves everything an editor made: a changed value stays, a deleted node (its
tombstone) or a merged-away one is not brought back, a removed relationship is not added again, a property an
editor cleared is not filled again, a citation an editor changed or removed is left as it is. A citation that no
editor changed whose passage holds the seed's shorter one is narrowed to it. The change history (`orgs.history`)
tells which properties, relationships and citations editors touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgs import services
from orgs.graph import queries as q
from orgs.graph.connection import cypher, write_transaction
from orgs.history import edited_citation_uids, edited_properties, removed_citation_uids, removed_relationship_uids
from orgs.importer.check import validate_graph
from orgs.importer.read import SECTIONS, read_graph_file
from orgs.importer.write import import_graph
from orgs.services import node_create, node_update, relationship_create
from orgs.validation import DERIVED_FIELDS, UNIQUE_NAMES, citation_key, relationship_orientations, relationship_uid
from orgs.vocabulary import CITATION_WRITABLE

CITATIONS_OF_RELATIONSHIP = "MATCH (c:Citation {relationship_uid: $uid}) RETURN properties(c) AS citation"


def graph_is_empty() -> bool:
    """Return True when the graph holds no node and no tombstone (a graph whose every node was deleted is
    not empty: its editors deleted them)."""
    return not cypher(q.ANY_NODE) and not cypher(q.ANY_TOMBSTONE)


def seed_load_if_empty(path: Path) -> dict[str, int] | None:
    """Load the seed file at `path` if the graph is empty and return what was written; return None (writing
    nothing) if the graph has anything in it."""
    if not graph_is_empty():
        return None
    return import_graph(read_graph_file(path))


@dataclass
class SeedPlan:
    """What upgrading the graph to a seed file adds, and what it leaves alone (with the reason)."""

    nodes: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (label, uid, record)
    properties: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (label, uid, values)
    relationships: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)  # (type, from, to, data)
    citations: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (relationship uid, name, data)
    narrowed: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)  # (+ citation uid)
    left: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.nodes or self.properties or self.relationships or self.citations or self.narrowed)

    def lines(self) -> list[str]:
        """Return the plan as lines a person reads: each addition, then each thing left alone."""
        out = [f"add {label} {uid}" for label, uid, _ in self.nodes]
        out += [f"add to {label} {uid}: {', '.join(sorted(values))}" for label, uid, values in self.properties]
        out += [
            f"add relationship {start} {relationship_type} {end}"
            for relationship_type, start, end, _ in self.relationships
        ]
        out += [f"add citation of {data['source_uid']} to {name}" for _, name, data in self.citations]
        out += [
            f"narrow citation {citation_uid} of {data['source_uid']} on {name} to the seed's passage"
            for _, citation_uid, name, data in self.narrowed
        ]
        out += [f"leave {reason}" for reason in self.left]
        return out


def seed_upgrade_plan(data: dict[str, Any]) -> SeedPlan:
    """Return what upgrading the graph to the seed file `data` would add and leave; write nothing.

    Raise GraphFileInvalid if the file is not valid.
    """
    batch = validate_graph(data, retired_uids_allowed=True)  # the plan leaves deleted and merged ones
    plan = SeedPlan()
    records = {section: data.get(section) or [] for section in SECTIONS}
    uids = sorted(str(record["uid"]) for section in records.values() for record in section)
    in_graph = {row["uid"]: row for row in cypher(q.NODES_OF_UIDS, {"uids": uids})}
    deleted = {row["uid"]: row["deleted_at"] for row in cypher(q.TOMBSTONES_OF_UIDS, {"uids": uids})}
    merged = {row["uid"]: row["survivor"] for row in cypher(q.SURVIVORS_OF_UIDS, {"uids": uids})}
    cleaned = {row["uid"]: row["props"] for rows in batch.nodes.values() for row in rows}
    present: set[str] = set()  # the seed's nodes that the graph has, or will have after the upgrade

    for section, label in SECTIONS.items():
        for record in records[section]:
            uid = str(record["uid"])
            if uid in deleted:
                plan.left.append(f"{label.value} {uid}: deleted by an editor ({deleted[uid]})")
            elif uid in merged:
                plan.left.append(f"{label.value} {uid}: merged into {merged[uid]}")
            elif uid not in in_graph:
                taken = (
                    cypher(q.NAME_TAKEN, {"name": cleaned[uid]["name"], "uid": uid, "label": label.value})
                    if label in UNIQUE_NAMES
                    else []
                )
                if taken:
                    plan.left.append(f"{label.value} {uid}: its name is taken by {taken[0]['uid']}")
                else:
                    plan.nodes.append((label.value, uid, {k: v for k, v in record.items() if k != "uid"}))
                    present.add(uid)
            elif in_graph[uid]["label"] != label.value:
                plan.left.append(f"{label.value} {uid}: the graph has a {in_graph[uid]['label']} with that uid")
            else:
                present.add(uid)
                _plan_properties(plan, label.value, uid, record, cleaned[uid], in_graph[uid]["props"])

    removed = removed_relationship_uids()
    seen_of_type: dict[str, int] = {}  # where each record is among the file's records of its type
    for record in data.get("relationships") or []:
        relationship_type, start, end = str(record["type"]), str(record["from"]), str(record["to"])
        name = f"relationship {start} {relationship_type} {end}"
        position = seen_of_type[relationship_type] = seen_of_type.get(relationship_type, -1) + 1
        missing = [uid for uid in (start, end) if uid not in present]
        if missing:
            why = [
                f"{uid} was deleted"
                if uid in deleted
                else f"{uid} was merged into {merged[uid]}"
                if uid in merged
                else f"{uid} is not in the graph"
                for uid in missing
            ]
            plan.left.append(f"{name}: {', '.join(why)}")
            continue
        if {
            relationship_uid(a, relationship_type, b)
            for a, b in relationship_orientations(relationship_type, start, end)
        } & removed:
            plan.left.append(f"{name}: removed by an editor")
            continue
        found = (
            cypher(q.find_relationship(relationship_type), {"start": start, "end": end})
            if start in in_graph and end in in_graph
            else []
        )
        seed_citations = batch.relationships[relationship_type][position]["citations"]
        if not found:
            data = {"citations": [_writable(citation) for citation in seed_citations]}
            plan.relationships.append((relationship_type, start, end, data))
            continue
        _plan_citations(plan, found[0]["uid"], name, seed_citations)
    return plan


def _plan_properties(
    plan: SeedPlan, label: str, uid: str, record: dict[str, Any], seed: dict[str, Any], graph: dict[str, Any]
) -> None:
    """Plan the seed's values for the properties node `uid` has none for; leave those editors touched."""
    edited = edited_properties(uid=uid)
    added: dict[str, Any] = {}
    for name, value in seed.items():
        if name in DERIVED_FIELDS or value in (None, "", []):
            continue
        if graph.get(name) in (None, "", []):
            if name in edited:
                plan.left.append(f"{label} {uid}: {name}, cleared by an editor")
            else:
                added[name] = record[name]
        elif graph[name] != value:
            plan.left.append(f"{label} {uid}: {name}, which differs from the seed")
    if added:
        plan.properties.append((label, uid, added))


def _writable(citation: dict[str, Any]) -> dict[str, Any]:
    """Return the fields of a checked citation that a writer gives (`relationship_create`, `citation_add`)."""
    return {name: citation[name] for name in CITATION_WRITABLE if citation.get(name) is not None}


def _plan_citations(plan: SeedPlan, uid: str, name: str, seed_citations: list[dict[str, Any]]) -> None:
    """Plan the seed's citations of relationship `uid`, which the graph has: add those it lacks, narrow a
    citation that no editor changed and whose passage holds the seed's to the seed's; leave a citation an editor
    removed, or changed while its passage holds the seed's."""
    graph = [row["citation"] for row in cypher(CITATIONS_OF_RELATIONSHIP, {"uid": uid})]
    keys = {citation_key(citation) for citation in graph}
    edited, removed = edited_citation_uids(relationship_uid=uid), removed_citation_uids()
    for seed in seed_citations:
        source = seed["source_uid"]
        if citation_key(seed) in keys:
            continue
        if seed["uid"] in removed:
            plan.left.append(f"{name}: its citation of {source}, removed by an editor")
            continue
        holding = [
            citation
            for citation in graph
            if citation["source_uid"] == source
            and None not in (citation.get("start"), seed["start"])
            and citation["start"] <= seed["start"]
            and seed["end"] <= citation["end"]
        ]
        unedited = [citation for citation in holding if citation["uid"] not in edited]
        if unedited:
            plan.narrowed.append((uid, unedited[0]["uid"], name, _writable(seed)))
        elif holding:
            plan.left.append(f"{name}: its citation of {source}, which an editor changed, holds the seed's passage")
        else:
            plan.citations.append((uid, name, _writable(seed)))


def seed_upgrade_apply(data: dict[str, Any], *, actor: Any = None) -> SeedPlan:
    """Add what `seed_upgrade_plan(data)` plans, in one transaction, each addition recorded in the change
    history; return the plan carried out. Nothing an editor changed, deleted or removed is touched."""

    def work() -> SeedPlan:
        plan = seed_upgrade_plan(data)
        for label, uid, record in plan.nodes:
            node_create(label=label, data=record, uid=uid, actor=actor)
        for label, uid, values in plan.properties:
            node_update(label=label, uid=uid, data=values, actor=actor)
        for relationship_type, start, end, relationship in plan.relationships:
            relationship_create(
                relationship_type=relationship_type, start_uid=start, end_uid=end, data=relationship, actor=actor
            )
        for uid, _, citation in plan.citations:
            services.citation_add(relationship_uid=uid, data=citation, actor=actor)
        for uid, citation_uid, _, citation in plan.narrowed:
            services.citation_update(relationship_uid=uid, citation_uid=citation_uid, data=citation, actor=actor)
        return plan

    return write_transaction(work)
