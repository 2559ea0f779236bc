"""Load a graph file (the seed graph, an export) into the graph: validate all of it, then write it at once.

The file is a mapping with the sections `sources`, `countries`, `organizations`, `events`, `documents`
and `relationships` (see docs/data-model.md). Loading is idempotent: nodes are merged on `uid` and
relationships on (start, type, end), so loading a file twice leaves the same graph.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orgs import cypher as q
from orgs.graph import cypher, write_transaction
from orgs.search import search_text_for
from orgs.validation import ValidationFailed, clean_node_properties, clean_tie, tie_uid
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

logger = logging.getLogger(__name__)

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


class GraphFileInvalid(Exception):
    """The file cannot be loaded; `problems` names each bad record and field. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass
class GraphBatch:
    """A validated graph file: node rows per label, relationship rows per (type, start label, end label)."""

    nodes: dict[NodeLabel, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    ties: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def counts(self) -> dict[str, int]:
        counts = {label.value: len(rows) for label, rows in self.nodes.items()}
        for (rel, _, _), rows in self.ties.items():
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
            try:
                props = clean_node_properties(label, properties)
            except ValidationFailed as error:
                problems += [f"{where}: field '{name}': {' '.join(msgs)}" for name, msgs in error.errors.items()]
                continue
            if label in SEARCHABLE:
                props["search_text"] = search_text_for(props["name"], props.get("acronym"), props.get("aliases", []))
            if label is NodeLabel.SOURCE and props.get("text"):
                source_texts[uid] = WHITESPACE.sub(" ", props["text"])
            batch.nodes[label].append({"uid": uid, "props": props})
    _check_unique_names(batch, problems)

    raw_ties = list(_records(data, "relationships", problems))
    referenced = {record.get(field) for record in raw_ties for field in ("from", "to", "source")}
    outside = {uid for uid in referenced if isinstance(uid, str)} - set(label_of)
    label_of.update(_labels_in_graph(outside))

    seen: set[tuple[str, str, str]] = set()
    for index, record in enumerate(raw_ties):
        rel, start, end, source = (str(record.get(field) or "") for field in ("type", "from", "to", "source"))
        where = f"relationships[{index}] ({start} -{rel}-> {end})"
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
        properties = {key: value for key, value in record.items()
                      if key not in {"type", "from", "to", "source", "uid"}}
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
        row = {"start": start, "end": end, "uid": tie_uid(start, rel, end), "props": props}
        batch.ties[(rel, label_of[start].value, label_of[end].value)].append(row)

    if problems:
        raise GraphFileInvalid(problems)
    return batch


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


def write_graph(batch: GraphBatch, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Write `batch` in one transaction with UNWIND batches; return rows written per label and type."""

    def report(what: str, done: int, total: int) -> None:
        if progress:
            progress(what, done, total)

    def work() -> dict[str, int]:
        for label in SECTIONS.values():
            rows = batch.nodes.get(label, [])
            for done, chunk in enumerate(_batches(rows), start=1):
                cypher(q.merge_nodes(label), {"rows": chunk})
                report(label.value, min(done * BATCH_SIZE, len(rows)), len(rows))
        for (rel, start_label, end_label), rows in batch.ties.items():
            for done, chunk in enumerate(_batches(rows), start=1):
                cypher(q.merge_ties(rel, start_label, end_label), {"rows": chunk})
                report(rel, min(done * BATCH_SIZE, len(rows)), len(rows))
        touched: dict[str, set[str]] = defaultdict(set)
        for (_, start_label, end_label), rows in batch.ties.items():
            for row in rows:
                touched[start_label].add(row["start"])
                touched[end_label].add(row["end"])
        for touched_label, uids in touched.items():
            ordered = sorted(uids)
            for offset in range(0, len(ordered), BATCH_SIZE):
                cypher(q.refresh_degrees(touched_label), {"uids": ordered[offset:offset + BATCH_SIZE]})
        return batch.counts()

    return write_transaction(work)


def load_graph_file(path: Path, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Validate the graph file at `path` and write it in one transaction; return rows written per kind."""
    batch = validate_graph(read_graph_file(path))
    logger.info("Graph file %s is valid: %s", path, batch.counts())
    return write_graph(batch, progress=progress)
