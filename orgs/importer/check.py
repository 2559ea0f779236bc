"""Check a graph file's records against the rules and the graph: the plan a write carries out, or every problem.

Each node goes through `clean_node_properties` and each relationship through `clean_relationship`, the rules every
write path shares (`orgs.validation`); what only a file can get wrong (a uid used twice in it, a name two of its
records share, a relationship stated twice) is checked here. A relationship's ends and source may be in the file or
already in the graph.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from orgs.dates import parse_partial_date
from orgs.graph import queries as q
from orgs.graph.connection import read_cypher
from orgs.importer.read import SECTIONS, GraphFileInvalid, record_citations, shown
from orgs.search import SEARCHABLE, search_text_for
from orgs.services import retired_uids
from orgs.validation import (
    UID_FORM,
    UNIQUE_NAMES,
    SourceText,
    ValidationFailed,
    anchor_citation,
    citation_key,
    citation_uid,
    clean_citation,
    clean_node_properties,
    is_uid,
    relationship_end_problems,
    relationship_key,
    relationship_summary,
    relationship_uid,
    whole_number,
)
from orgs.vocabulary import CITATION_PUBLIC_NAMES, NodeLabel, citation_python

BATCH_SIZE = 5000  # rows per batch handed to the writer, and per UNWIND


@dataclass
class GraphBatch:
    """A validated graph file: node rows per label, relationship rows per type."""

    nodes: dict[NodeLabel, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    relationships: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def counts(self) -> dict[str, int]:
        counts = {label.value: len(rows) for label, rows in self.nodes.items()}
        for relationship_type, rows in self.relationships.items():
            counts[relationship_type] = counts.get(relationship_type, 0) + len(rows)
        return counts


def validate_graph(data: dict[str, Any], *, retired_uids_allowed: bool = False) -> GraphBatch:
    """Return the file's rows, checked record by record; raise GraphFileInvalid listing every problem.

    A record whose uid a deleted or merged-away node had is a problem (`orgs.services.retired_uids`), unless
    `retired_uids_allowed` (the seed upgrade, which leaves those records out itself).
    """
    checked = checked_nodes(data, facts=graph_facts(data, retired_uids_allowed=retired_uids_allowed))
    checked.batch.relationships, relationship_problems = checked_relationships(checked)
    if checked.problems or relationship_problems:
        raise GraphFileInvalid(checked.problems + relationship_problems)
    return checked.batch


@dataclass(frozen=True)
class GraphFacts:
    """What checking a graph file needs to know of the graph, read before the check starts (`import_graph` checks
    in a thread other than the transaction's, which cannot query)."""

    labels: dict[str, NodeLabel]  # the kind of each node the file's relationships name that the file does not hold
    source_texts: dict[str, str]  # the text of each source they name whose text the file does not give
    retired: Mapping[str, str]  # {uid: fate} of the file's uids that no node may take (`orgs.services.retired_uids`)


def graph_facts(data: dict[str, Any], *, retired_uids_allowed: bool = False) -> GraphFacts:
    """Return what the graph holds that checking the graph file `data` needs (no retired uid if
    `retired_uids_allowed`)."""
    file_uids = _file_uids(data)
    relationships = data.get("relationships")
    named = _named_by_relationships(relationships if isinstance(relationships, list) else [])
    return GraphFacts(
        labels=_labels_in_graph(named - file_uids),
        source_texts=_source_texts_in_graph((named - file_uids) | (named & _sources_keeping_their_text(data))),
        retired={} if retired_uids_allowed else retired_uids(file_uids),
    )


@dataclass
class CheckedNodes:
    """The nodes of a graph file, checked; what checking its relationships needs."""

    batch: GraphBatch
    problems: list[str]
    label_of: dict[str, NodeLabel]  # every uid the file's relationships name: in the file or in the graph
    source_texts: dict[str, str]  # the text of each source with one, in the file or in the graph
    raw_relationships: list[dict[str, Any]]


def checked_nodes(
    data: dict[str, Any],
    *,
    facts: GraphFacts,
    ready: Callable[[NodeLabel, list[dict[str, Any]]], None] | None = None,
) -> CheckedNodes:
    """Return the file's nodes checked, with what checking its relationships needs; while no problem has been
    found, hand each BATCH_SIZE of them to `ready`. Nothing is asked of the graph: `facts` holds what is needed."""
    problems: list[str] = []
    batch = GraphBatch()
    label_of: dict[str, NodeLabel] = {}
    source_texts: dict[str, str] = {}
    unknown_sections = set(data) - set(SECTIONS) - {"relationships", "format", "exported_at"}
    problems += [f"unknown section '{name}'" for name in sorted(unknown_sections)]
    for section, label in SECTIONS.items():
        owner_of_name: dict[str, str] = {}
        unsent: list[dict[str, Any]] = []
        for index, record in enumerate(_records(data, section, problems)):
            where = f"{section}[{index}]"
            uid = record.get("uid")
            if not is_uid(uid):
                problems.append(f"{where}: field 'uid': expected {UID_FORM}, got {shown(uid)}")
                continue
            where = f"{section}[{index}] ({uid})"
            if uid in label_of:
                problems.append(f"{where}: field 'uid': '{uid}' is used twice")
                continue
            label_of[uid] = label
            if uid in facts.retired:
                problems.append(
                    f"{where}: field 'uid': '{uid}' is {facts.retired[uid]}, and such uids are never reused"
                )
                continue
            properties = {key: value for key, value in record.items() if key != "uid"}
            # A merge survivor's former uids (derived, so not editable) travel with an export.
            former_uids = properties.pop("former_uids", None) if label is NodeLabel.ORGANIZATION else None
            try:
                props = clean_node_properties(label, properties)
            except ValidationFailed as error:
                problems += [f"{where}: field '{name}': {' '.join(msgs)}" for name, msgs in error.errors.items()]
                continue
            if former_uids:
                if isinstance(former_uids, list) and all(is_uid(old) for old in former_uids):
                    props["former_uids"] = former_uids
                else:
                    problems.append(f"{where}: field 'former_uids': expected a list of uids, got {shown(former_uids)}")
            if label in SEARCHABLE:
                props["search_text"] = search_text_for(props["name"], props.get("acronym"), props.get("aliases", []))
            if label is NodeLabel.SOURCE and props.get("text"):
                source_texts[uid] = props["text"]
            if label in UNIQUE_NAMES:
                if props["name"] in owner_of_name:
                    problems.append(
                        f"{label.value} '{uid}': field 'name': '{props['name']}' is also "
                        f"{owner_of_name[props['name']]}'s name"
                    )
                owner_of_name[props["name"]] = uid
            row = {"uid": uid, "props": props}
            batch.nodes[label].append(row)
            if ready is not None and not problems:
                unsent.append(row)
                if len(unsent) == BATCH_SIZE:
                    ready(label, unsent)
                    unsent = []
        if ready is not None and unsent and not problems:
            ready(label, unsent)
    problems += [
        f"organizations ({row['uid']}): field 'former_uids': '{old}' is a node's uid in this file"
        for row in batch.nodes.get(NodeLabel.ORGANIZATION, [])
        for old in row["props"].get("former_uids", [])
        if old in label_of
    ]

    raw_relationships = list(_records(data, "relationships", problems))
    label_of.update((uid, label) for uid, label in facts.labels.items() if uid not in label_of)
    source_texts.update((uid, text) for uid, text in facts.source_texts.items() if uid not in source_texts)

    return CheckedNodes(batch, problems, label_of, source_texts, raw_relationships)


def checked_relationships(
    checked: CheckedNodes,
    ready: Callable[[str, list[dict[str, Any]]], None] | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Return the file's relationship rows per type and the problems found in them; while none has been found
    in them or in the nodes, hand each BATCH_SIZE rows of a type to `ready` (no graph query: this runs beside a
    transaction).

    A row is `{start, end, uid, props, citations}`: `props` what its citations support together
    (`relationship_summary`), each citation anchored in its source's text (`anchor_citation`; each source's
    text made ready once).
    """
    # A node with a problem was not handed over, so a relationship to it must not be either: the writer would fail on
    # the missing end before the checker reported the node's problem.
    problems: list[str] = list(checked.problems)
    relationships: dict[str, list[dict[str, Any]]] = defaultdict(list)
    label_of = checked.label_of
    texts: dict[str, SourceText | None] = {}
    seen: set[tuple[str, str, str]] = set()  # `relationship_key`s
    recorded_at = datetime.now(UTC).isoformat(timespec="seconds")

    def source_text(uid: str) -> SourceText | None:
        if uid not in texts:
            text = checked.source_texts.get(uid)
            texts[uid] = SourceText(text) if text else None
        return texts[uid]

    for index, record in enumerate(checked.raw_relationships):
        get = record.get
        relationship_type, start, end = str(get("type") or ""), str(get("from") or ""), str(get("to") or "")
        where = RelationshipPlace(index, start, relationship_type, end)
        errors: dict[str, list[str]] = {}
        for name, uid in (("from", start), ("to", end)):
            if uid not in label_of:
                errors[name] = [f"no node with uid {shown(record.get(name))}"]
        if not errors:
            errors = relationship_end_problems(relationship_type, label_of[start], label_of[end], start, end)
        raw_citations, stated_summary, form_problems = record_citations(record)
        errors.update(form_problems)
        uid = relationship_uid(start, relationship_type, end)
        single_source = "citations" not in record
        citations: list[dict[str, Any]] = []
        keys: dict[tuple[str, ...], int] = {}
        for position, raw in enumerate(raw_citations):
            field_name = _single_source_name if single_source else functools.partial(_citation_field, position)
            if not isinstance(raw, dict):
                errors.setdefault(f"citations[{position}]", []).append("expected a mapping of fields")
                continue
            try:
                citation = _checked_citation(raw, label_of, source_text, recorded=not single_source)
            except ValidationFailed as error:
                for name, messages in error.errors.items():
                    errors.setdefault(field_name(name), []).extend(messages)
                continue
            key = citation_key(citation)
            if key in keys:
                errors.setdefault(field_name("exact"), []).append(f"the same passage as citations[{keys[key]}]")
                continue
            keys[key] = position
            citation["uid"] = citation.get("uid") or citation_uid(uid, citation, taken={c["uid"] for c in citations})
            citation["added_by"] = citation.get("added_by") or "import"
            citation["added_at"] = citation.get("added_at") or recorded_at
            citations.append(citation)
        summary = relationship_summary(citations)
        if citations and len(citations) == len(raw_citations):
            errors.update(_summary_differences(stated_summary, summary))
        if errors:
            problems += [f"{where}: field '{name}': {' '.join(messages)}" for name, messages in errors.items()]
            continue
        key = relationship_key(relationship_type, start, end)
        if key in seen:
            problems.append(f"{where}: the same relationship is stated twice")
            continue
        seen.add(key)
        rows = relationships[relationship_type]
        rows.append({"start": start, "end": end, "uid": uid, "props": summary, "citations": citations})
        if ready is not None and len(rows) % BATCH_SIZE == 0 and not problems:
            ready(relationship_type, rows[-BATCH_SIZE:])
    if ready is not None and not problems:
        for relationship_type, rows in relationships.items():
            if len(rows) % BATCH_SIZE:
                ready(relationship_type, rows[-(len(rows) % BATCH_SIZE) :])
    return relationships, problems[len(checked.problems) :]


def _checked_citation(
    raw: dict[str, Any],
    label_of: dict[str, NodeLabel],
    source_text: Callable[[str], SourceText | None],
    *,
    recorded: bool,
) -> dict[str, Any]:
    """Return the citation `raw` (public names) cleaned and anchored in its source's text; raise ValidationFailed
    (Python names) for a bad field, a source not in the file or the graph, a passage not in its text."""
    citation = clean_citation(citation_python(raw), recorded=recorded)
    source_uid = citation["source_uid"]
    if label_of.get(source_uid) is not NodeLabel.SOURCE:
        raise ValidationFailed({"source_uid": [f"no source with uid '{source_uid}'"]})
    anchor = anchor_citation(
        citation["exact"],
        source_uid,
        source_text(source_uid),
        prefix=citation["prefix"],
        suffix=citation["suffix"],
        start=citation["start"],
    )
    citation.update(anchor)
    return citation


def _single_source_name(name: str) -> str:
    """Return the field of a single-source record that a citation's field `name` comes from."""
    return {"exact": "evidence", "source_uid": "source"}.get(name, name)


def _citation_field(position: int, name: str) -> str:
    return f"citations[{position}].{CITATION_PUBLIC_NAMES.get(name, name)}"


def _summary_differences(stated: dict[str, Any], summary: dict[str, Any]) -> dict[str, list[str]]:
    """Return, by field, where the summary a record states beside its citations (as exports write it) is not
    what they support together (`summary`)."""
    errors: dict[str, list[str]] = {}
    for name, value in stated.items():
        expected = summary[name]
        try:
            given = (
                parse_partial_date(value)
                if name in ("since", "until")
                else whole_number(str(value).strip(), low=0, high=10**6)
                if name == "source_count"
                else str(value).strip()
            )
        except ValueError as error:
            errors[name] = [str(error)]
            continue
        if given != expected:
            errors[name] = [f"differs from what its citations support ({'none' if expected is None else expected})"]
    return errors


class RelationshipPlace(NamedTuple):
    """Where a relationship record is in the file, as problems name it (formatted only when there is one)."""

    position: int
    start: str
    relationship_type: str
    end: str

    def __str__(self) -> str:
        return f"relationships[{self.position}] ({self.start} -{self.relationship_type}-> {self.end})"


def _records(data: dict[str, Any], section: str, problems: list[str]) -> Iterable[dict[str, Any]]:
    records = data.get(section) or []
    if not isinstance(records, list):
        problems.append(f"{section}: expected a list")
        return []
    valid = []
    for index, record in enumerate(records):
        if isinstance(record, dict):
            valid.append(record)
        else:
            problems.append(f"{section}[{index}]: expected a mapping of fields")
    return valid


def _file_uids(data: dict[str, Any]) -> set[str]:
    """Return the uids the file's node records give (whatever their type: they are checked later)."""
    return {
        record["uid"]
        for section in SECTIONS
        if isinstance(data.get(section), list)
        for record in data[section]
        if isinstance(record, dict) and isinstance(record.get("uid"), str)
    }


def _named_by_relationships(raw_relationships: Iterable[Any]) -> set[str]:
    """Return the uids that relationship records name as their ends or sources (theirs or their citations')."""
    named: set[str] = set()
    for record in raw_relationships:
        if not isinstance(record, dict):
            continue
        citations = record.get("citations")
        cited = [c.get("source") for c in citations if isinstance(c, dict)] if isinstance(citations, list) else []
        named.update(
            uid for uid in (record.get("from"), record.get("to"), record.get("source"), *cited) if isinstance(uid, str)
        )
    return named


def _labels_in_graph(uids: set[str]) -> dict[str, NodeLabel]:
    if not uids:
        return {}
    return {row["uid"]: NodeLabel(row["label"]) for row in read_cypher(q.EXISTING_UIDS, {"uids": sorted(uids)})}


def _sources_keeping_their_text(data: dict[str, Any]) -> set[str]:
    """Return the uids of the file's sources that name no text: written over a source in the graph, they keep
    its text, which their relationships' evidence is then looked for in."""
    sources = data.get("sources")
    return (
        {
            record["uid"]
            for record in sources
            if isinstance(record, dict) and isinstance(record.get("uid"), str) and "text" not in record
        }
        if isinstance(sources, list)
        else set()
    )


def _source_texts_in_graph(uids: set[str]) -> dict[str, str]:
    """Return {uid: text} for the sources among `uids` that are in the graph and have a text."""
    if not uids:
        return {}
    rows = read_cypher(q.SOURCE_TEXTS, {"uids": sorted(uids)})
    return {row["uid"]: row["text"] for row in rows if row["text"]}
