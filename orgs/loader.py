"""Load a graph file (the seed graph, an export) into the graph: validate all of it, then write it at once.

The file is a mapping with the sections `sources`, `countries`, `organizations`, `events`, `documents`
and `relationships` (see docs/data-model.md). Loading is idempotent: nodes are merged on `uid` and
relationships on (start, type, end), so loading a file twice leaves the same graph.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from orgs import cypher as q
from orgs.graph import AlreadyExists, cypher, write_transaction
from orgs.search import search_text_for
from orgs.validation import ValidationFailed, clean_node_properties, clean_tie, tie_uid
from orgs.vocabulary import RELATIONSHIP_TYPES, TIE_PROPERTIES, NodeLabel

SECTIONS: dict[str, NodeLabel] = {
    "sources": NodeLabel.SOURCE,
    "countries": NodeLabel.COUNTRY,
    "organizations": NodeLabel.ORGANIZATION,
    "events": NodeLabel.EVENT,
    "documents": NodeLabel.DOCUMENT,
}
SEARCHABLE = frozenset({NodeLabel.ORGANIZATION, NodeLabel.COUNTRY})
UID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
WHITESPACE = re.compile(r"\s+")
BATCH_SIZE = 5000
NOT_TIE_PROPERTIES = frozenset({"type", "from", "to", "source", "uid"})  # a relationship record's other fields


class GraphFileInvalid(Exception):
    """The file cannot be loaded; `problems` names each bad record and field. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass
class GraphBatch:
    """A validated graph file: node rows per label, relationship rows per type."""

    nodes: dict[NodeLabel, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    ties: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def counts(self) -> dict[str, int]:
        counts = {label.value: len(rows) for label, rows in self.nodes.items()}
        for rel, rows in self.ties.items():
            counts[rel] = counts.get(rel, 0) + len(rows)
        return counts


def read_graph_file(path: Path) -> dict[str, Any]:
    """Return the parsed YAML or JSON file at `path`; raise GraphFileInvalid if it cannot be read."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GraphFileInvalid([f"{path}: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        raise GraphFileInvalid([f"{path}: not valid YAML/JSON: {error}"]) from None
    if not isinstance(data, dict):
        raise GraphFileInvalid([f"{path}: expected a mapping of sections at the top"])
    for source in data.get("sources") or []:
        # A source may keep its text in a file beside the graph file.
        if isinstance(source, dict) and source.get("file") and not source.get("text"):
            text_path = path.parent / "sources" / source["file"]
            try:
                source["text"] = text_path.read_text(encoding="utf-8")
            except OSError as error:
                raise GraphFileInvalid([f"sources[{source.get('uid')}]: field 'file': {error.strerror}"]) from None
            del source["file"]
    return data


def validate_graph(data: dict[str, Any]) -> GraphBatch:
    """Return the file's rows, checked record by record; raise GraphFileInvalid listing every problem.

    Relationship endpoints may be in the file or already in the graph; evidence must be found, word for word,
    in the text of its source when the source has text.
    """
    checked = _check_nodes(data)
    checked.batch.ties, tie_problems = _check_ties(checked)
    if checked.problems or tie_problems:
        raise GraphFileInvalid(checked.problems + tie_problems)
    return checked.batch


def import_graph(data: dict[str, Any], *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Validate `data` and write it in one transaction; return rows written per label and type.

    The same outcome as `write_graph(validate_graph(data))`, sooner for a large file: its relationships are
    checked in a second thread while the nodes are written (the transaction is rolled back if any is wrong),
    so the checking and the graph server use both processor cores. Raise GraphFileInvalid as validate_graph.
    """
    checked = _check_nodes(data)
    if checked.problems:
        raise GraphFileInvalid(checked.problems + _check_ties(checked)[1])
    with ThreadPoolExecutor(max_workers=1) as pool:
        tie_check = pool.submit(_check_ties, checked)

        def checked_ties() -> dict[str, list[dict[str, Any]]]:
            ties, problems = tie_check.result()
            if problems:
                raise GraphFileInvalid(problems)
            return ties

        ends = [(str(record.get("from")), str(record.get("to"))) for record in checked.raw_ties]
        return write_transaction(lambda: _write(checked.batch.nodes, ends, checked_ties, progress))


@dataclass
class CheckedNodes:
    """The nodes of a graph file, checked; what checking its relationships needs."""

    batch: GraphBatch
    problems: list[str]
    label_of: dict[str, NodeLabel]  # every uid the file's relationships name: in the file or in the graph
    source_texts: dict[str, str]
    raw_ties: list[dict[str, Any]]


def _check_nodes(data: dict[str, Any]) -> CheckedNodes:
    problems: list[str] = []
    batch = GraphBatch()
    label_of: dict[str, NodeLabel] = {}
    source_texts: dict[str, str] = {}
    unknown_sections = set(data) - set(SECTIONS) - {"relationships", "format", "exported_at"}
    problems += [f"unknown section '{name}'" for name in sorted(unknown_sections)]
    for section, label in SECTIONS.items():
        for index, record in enumerate(_records(data, section, problems)):
            where = f"{section}[{index}]"
            uid = record.get("uid")
            if not isinstance(uid, str) or not UID_PATTERN.match(uid):
                problems.append(f"{where}: field 'uid': expected a lowercase slug (a-z, 0-9, . _ -), got {uid!r}")
                continue
            where = f"{section}[{index}] ({uid})"
            if uid in label_of:
                problems.append(f"{where}: field 'uid': '{uid}' is used twice")
                continue
            label_of[uid] = label
            properties = {key: value for key, value in record.items() if key != "uid"}
            # A merge survivor's former uids (derived, so not editable) travel with an export.
            former_uids = properties.pop("former_uids", None) if label is NodeLabel.ORGANIZATION else None
            try:
                props = clean_node_properties(label, properties)
            except ValidationFailed as error:
                problems += [f"{where}: field '{name}': {' '.join(msgs)}" for name, msgs in error.errors.items()]
                continue
            if former_uids:
                if isinstance(former_uids, list) and all(isinstance(old, str) and UID_PATTERN.match(old)
                                                         for old in former_uids):
                    props["former_uids"] = former_uids
                else:
                    problems.append(f"{where}: field 'former_uids': expected a list of uids, got {former_uids!r}")
            if label in SEARCHABLE:
                props["search_text"] = search_text_for(props["name"], props.get("acronym"), props.get("aliases", []))
            if label is NodeLabel.SOURCE and props.get("text"):
                source_texts[uid] = WHITESPACE.sub(" ", props["text"])
            batch.nodes[label].append({"uid": uid, "props": props})
    _check_unique_names(batch, problems)
    problems += [f"organizations ({row['uid']}): field 'former_uids': '{old}' is a node's uid in this file"
                 for row in batch.nodes.get(NodeLabel.ORGANIZATION, []) for old in row["props"].get("former_uids", [])
                 if old in label_of]

    raw_ties = list(_records(data, "relationships", problems))
    referenced = {record.get(field) for record in raw_ties for field in ("from", "to", "source")}
    outside = {uid for uid in referenced if isinstance(uid, str)} - set(label_of)
    label_of.update(_labels_in_graph(outside))

    return CheckedNodes(batch, problems, label_of, source_texts, raw_ties)


def _check_ties(checked: CheckedNodes) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Return the file's relationship rows per type and the problems found in them (no graph query: this
    runs beside a transaction)."""
    problems: list[str] = []
    ties: dict[str, list[dict[str, Any]]] = defaultdict(list)
    label_of, source_texts = checked.label_of, checked.source_texts
    seen: set[tuple[str, str, str]] = set()
    for index, record in enumerate(checked.raw_ties):
        get = record.get
        rel, start, end = str(get("type") or ""), str(get("from") or ""), str(get("to") or "")
        source = str(get("source") or "")
        where = TiePlace(index, start, rel, end)
        bad = False
        for name, uid in (("from", start), ("to", end)):
            if uid not in label_of:
                problems.append(f"{where}: field '{name}': no node with uid {record.get(name)!r}")
                bad = True
        if source and label_of.get(source) is not NodeLabel.SOURCE:
            problems.append(f"{where}: field 'source': no source with uid {source!r}")
            bad = True
        if bad:
            continue
        properties = {key: value for key, value in record.items() if key not in NOT_TIE_PROPERTIES}
        properties["source_uid"] = source or None
        try:
            props = clean_tie(rel, label_of[start], label_of[end], start, end, properties)
        except ValidationFailed as error:
            problems += [f"{where}: field '{_file_field(name)}': {' '.join(m)}" for name, m in error.errors.items()]
            continue
        key = (start, rel, end)
        mirrored = (end, rel, start)
        if key in seen or (RELATIONSHIP_TYPES[rel].symmetric and mirrored in seen):
            problems.append(f"{where}: the same relationship is stated twice")
            continue
        seen.add(key)
        text = source_texts.get(source)
        if text is not None and WHITESPACE.sub(" ", props["evidence"]) not in text:
            problems.append(f"{where}: field 'evidence': not found word for word in source '{source}'")
            continue
        ties[rel].append({"start": start, "end": end, "uid": tie_uid(start, rel, end), "props": props})
    return ties, problems


class TiePlace(NamedTuple):
    """Where a relationship record is in the file, as problems name it (formatted only when there is one)."""

    position: int
    start: str
    rel: str
    end: str

    def __str__(self) -> str:
        return f"relationships[{self.position}] ({self.start} -{self.rel}-> {self.end})"


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


def _file_field(name: str) -> str:
    return {"source_uid": "source", "type": "type", "from": "from", "to": "to"}.get(name, name)


def _check_unique_names(batch: GraphBatch, problems: list[str]) -> None:
    for label in (NodeLabel.ORGANIZATION, NodeLabel.COUNTRY):
        owners: dict[str, str] = {}
        for row in batch.nodes.get(label, []):
            name = row["props"]["name"]
            if name in owners:
                problems.append(f"{label.value} '{row['uid']}': field 'name': '{name}' is also {owners[name]}'s name")
            owners[name] = row["uid"]


def _labels_in_graph(uids: set[str]) -> dict[str, NodeLabel]:
    if not uids:
        return {}
    return {row["uid"]: NodeLabel(row["label"]) for row in cypher(q.EXISTING_UIDS, {"uids": sorted(uids)})}


def _batches(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start:start + BATCH_SIZE]


def _tie_ends(ties: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str]]:
    return [(row["start"], row["end"]) for rows in ties.values() for row in rows]


def _nodes_in_graph(nodes: dict[NodeLabel, list[dict[str, Any]]],
                    ends: list[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Return {uid: {"label", "id"}} for the uids of `nodes` and of the tie `ends` that are in the graph (`id`:
    the element id)."""
    if not cypher(q.ANY_NODE):
        return {}  # an empty graph (a restore, a first load): no need to look up every uid
    ordered = sorted({row["uid"] for rows in nodes.values() for row in rows} | {*chain.from_iterable(ends)})
    found: dict[str, dict[str, str]] = {}
    for offset in range(0, len(ordered), BATCH_SIZE):
        for row in cypher(q.EXISTING_UIDS, {"uids": ordered[offset:offset + BATCH_SIZE]}):
            found[row["uid"]] = {"label": row["label"], "id": row["id"]}
    return found


def _can_exist(row: dict[str, Any], in_graph: dict[str, Any]) -> bool:
    """Whether the tie `row` may already be in the graph: only if both its ends were there before."""
    return row["start"] in in_graph and row["end"] in in_graph


def _node_columns(rows: list[dict[str, Any]], degrees: Counter[str]) -> tuple[tuple[str, ...], dict[str, list]]:
    """Return the property names `rows` use and one column (list) per name, with `uid` and `degree` (from
    `degrees`: a new node's relationships are all in the batch)."""
    fields = tuple(sorted({name for row in rows for name in row["props"]}))
    columns = {name: [row["props"].get(name) for row in rows] for name in fields}
    columns["uid"] = [row["uid"] for row in rows]
    columns["degree"] = [degrees[row["uid"]] for row in rows]
    return (*fields, "degree"), columns


def _tie_columns(rows: list[dict[str, Any]], element_ids: dict[str, str]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        "start": [element_ids[row["start"]] for row in rows],
        "end": [element_ids[row["end"]] for row in rows],
        "uid": [row["uid"] for row in rows],
    }
    for name in TIE_PROPERTIES:
        columns[name] = [row["props"].get(name) for row in rows]
    return columns


def write_graph(batch: GraphBatch, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Write `batch` in one transaction with UNWIND batches; return rows written per label and type.

    Nodes new to the graph are created with their degree counted from the batch, and their relationships
    created outright (none can exist yet), ends found by element id. Nodes already in the graph are updated;
    relationships between two of them are merged and their degrees recounted. A uid held by a node of another
    kind is refused.
    """
    ends = _tie_ends(batch.ties)
    return write_transaction(lambda: _write(batch.nodes, ends, lambda: batch.ties, progress))


def _write(nodes: dict[NodeLabel, list[dict[str, Any]]], ends: list[tuple[str, str]],
           checked_ties: Callable[[], dict[str, list[dict[str, Any]]]],
           progress: Callable[[str, int, int], None] | None) -> dict[str, int]:
    """Write `nodes`, then the relationships `checked_ties()` returns, whose (start, end) are `ends`."""

    def report(what: str, done: int, total: int) -> None:
        if progress:
            progress(what, done, total)

    in_graph = _nodes_in_graph(nodes, ends)
    other_kind = sorted(uid for label, rows in nodes.items() for row in rows
                        if (uid := row["uid"]) in in_graph and in_graph[uid]["label"] != label.value)
    if other_kind:
        raise AlreadyExists(f"uid(s) already used by a node of another kind: {', '.join(other_kind[:10])}")
    degrees = Counter(chain.from_iterable(ends))
    element_ids = {uid: found["id"] for uid, found in in_graph.items()}
    counts: dict[str, int] = {}

    for label in SECTIONS.values():
        rows = nodes.get(label, [])
        done = 0
        for chunk in _batches([row for row in rows if row["uid"] not in in_graph]):
            fields, columns = _node_columns(chunk, degrees)
            created = cypher(q.create_nodes(label, fields), columns)[0]
            element_ids.update(zip(created["uids"], created["ids"], strict=True))
            done += len(chunk)
            report(label.value, done, len(rows))
        for chunk in _batches([row for row in rows if row["uid"] in in_graph]):
            cypher(q.UPDATE_NODES, {"rows": chunk})
            done += len(chunk)
            report(label.value, done, len(rows))
        if rows:
            counts[label.value] = len(rows)

    ties = checked_ties()
    gone = sorted({uid for uid in chain.from_iterable(ends) if uid not in element_ids})
    if gone:  # deleted from the graph since the file was checked
        raise GraphFileInvalid([f"relationships: no node with uid '{uid}'" for uid in gone[:20]])
    for rel, rows in ties.items():
        done = 0
        for chunk in _batches([row for row in rows if not _can_exist(row, in_graph)]):
            cypher(q.create_ties(rel), _tie_columns(chunk, element_ids))
            done += len(chunk)
            report(rel, done, len(rows))
        for chunk in _batches([row for row in rows if _can_exist(row, in_graph)]):
            cypher(q.merge_ties(rel), {"rows": chunk})
            done += len(chunk)
            report(rel, done, len(rows))
        counts[rel] = len(rows)

    recount = sorted(uid for uid in degrees if uid in in_graph)
    for offset in range(0, len(recount), BATCH_SIZE):
        cypher(q.REFRESH_DEGREES_OF_UIDS, {"uids": recount[offset:offset + BATCH_SIZE]})
    return counts


def graph_diff(batch: GraphBatch) -> dict[str, dict[str, int]]:
    """Return what writing `batch` would do, per label and type: `{name: {"create": n, "update": m}}`.

    Nothing is written; a dry run of an import reports this.
    """
    in_graph = _nodes_in_graph(batch.nodes, _tie_ends(batch.ties))
    diff: dict[str, dict[str, int]] = {}

    def add(name: str, total: int, existing: int) -> None:
        entry = diff.setdefault(name, {"create": 0, "update": 0})
        entry["create"] += total - existing
        entry["update"] += existing

    for label, rows in batch.nodes.items():
        add(label.value, len(rows), sum(row["uid"] in in_graph for row in rows))
    for rel, rows in batch.ties.items():
        existing = 0
        for chunk in _batches([row for row in rows if _can_exist(row, in_graph)]):
            pairs = [{"start": row["start"], "end": row["end"]} for row in chunk]
            existing += cypher(q.existing_ties(rel), {"rows": pairs})[0]["existing"]
        add(rel, len(rows), existing)
    return diff


def load_graph_file(path: Path, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Validate the graph file at `path` and write it in one transaction; return rows written per kind."""
    return import_graph(read_graph_file(path), progress=progress)
