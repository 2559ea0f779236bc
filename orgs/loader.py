"""Load a graph file (the seed graph, an export) into the graph: validate all of it, then write it at once.

The file is a mapping with the sections `sources`, `countries`, `organizations`, `events`, `documents`
and `relationships` (see docs/data-model.md). Loading is idempotent: nodes are merged on `uid` and
relationships on (start, type, end), so loading a file twice leaves the same graph.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

import yaml

from orgs.graph import queries as q
from orgs.graph.connection import AlreadyExists, cypher, read_cypher, write_transaction
from orgs.graph.counts import add_to_counts
from orgs.search import SEARCHABLE, search_text_for
from orgs.services import retired_uids
from orgs.validation import (
    UID_FORM,
    UID_PATTERN,
    UNIQUE_NAMES,
    ValidationFailed,
    clean_node_properties,
    clean_relationship,
    evidence_problem,
    relationship_key,
    relationship_uid,
    spaced,
)
from orgs.vocabulary import NODE_KINDS, RELATIONSHIP_PROPERTIES, NodeLabel, relationship_public_name

# A graph file's node sections, each named by its kind's plural, in the order files hold them.
SECTIONS: dict[str, NodeLabel] = {
    NODE_KINDS[label].plural: label
    for label in (NodeLabel.SOURCE, NodeLabel.COUNTRY, NodeLabel.ORGANIZATION, NodeLabel.EVENT, NodeLabel.DOCUMENT)
}
BATCH_SIZE = 5000
NOT_RELATIONSHIP_PROPERTIES = frozenset({"type", "from", "to", "source", "uid"})  # a relationship record's other fields


class GraphFileInvalid(Exception):
    """The file cannot be loaded; `problems` names each bad record and field. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


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


def read_graph_file(path: Path) -> dict[str, Any]:
    """Return the parsed YAML or JSON file at `path`; raise GraphFileInvalid if it cannot be read."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GraphFileInvalid([f"{path}: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        raise GraphFileInvalid([f"{path}: not valid YAML/JSON: {error}"]) from None
    except RecursionError:
        raise GraphFileInvalid([f"{path}: nested too deeply to be a graph file"]) from None
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


def validate_graph(data: dict[str, Any], *, retired_uids_allowed: bool = False) -> GraphBatch:
    """Return the file's rows, checked record by record; raise GraphFileInvalid listing every problem.

    Relationship endpoints and sources may be in the file or already in the graph; evidence must be found, word
    for word, in the text of its source when the source has text (`orgs.validation.evidence_problem`). A record
    whose uid a deleted or merged-away node had is a problem (`orgs.services.retired_uids`), unless
    `retired_uids_allowed` (the seed upgrade, which leaves those records out itself).
    """
    checked = _check_nodes(data, retired={} if retired_uids_allowed else retired_uids(_file_uids(data)))
    checked.batch.relationships, relationship_problems = _check_relationships(checked)
    if checked.problems or relationship_problems:
        raise GraphFileInvalid(checked.problems + relationship_problems)
    return checked.batch


def import_graph(data: dict[str, Any], *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Validate `data` and write it in one transaction; return rows written per label and type.

    The same outcome as `write_graph(validate_graph(data))`, sooner for a large file: a second thread checks
    the nodes, then the relationships, and hands them over a batch at a time, while this one writes each batch
    as it comes, so the checking and the graph server use both processor cores. Anything wrong rolls the
    transaction back; raise GraphFileInvalid as validate_graph.
    """
    checked_nodes: CheckedStream[NodeLabel] = CheckedStream()
    checked_relationships: CheckedStream[str] = CheckedStream()
    raw_relationships: list[Any] = data["relationships"] if isinstance(data.get("relationships"), list) else []
    file_uids = _file_uids(data)
    named = _named_by_relationships(raw_relationships)
    graph_labels = _labels_in_graph(named - file_uids)
    graph_texts = _source_texts_in_graph((named - file_uids) | (named & _sources_keeping_their_text(data)))
    retired = retired_uids(file_uids)

    def check_file() -> None:
        yield_processor_to_writers()
        try:
            checked = _check_nodes(
                data, retired=retired, ready=checked_nodes.append, graph_labels=graph_labels, graph_texts=graph_texts
            )
            checked_nodes.close()
            problems = checked.problems + _check_relationships(checked, ready=checked_relationships.append)[1]
            if problems:
                raise GraphFileInvalid(problems)
        except BaseException as error:
            checked_nodes.close(error)
            checked_relationships.close(error)
            raise
        checked_relationships.close()

    ends = [
        (str(record.get("from")), str(record.get("to"))) for record in raw_relationships if isinstance(record, dict)
    ]
    totals: dict[str, int] = Counter(
        str(record.get("type")) for record in raw_relationships if isinstance(record, dict)
    )
    totals.update(
        {
            label.value: len(records)
            for section, label in SECTIONS.items()
            if isinstance(records := data.get(section), list)
        }
    )
    with ThreadPoolExecutor(max_workers=1) as pool, prompt_thread_switches():
        pool.submit(check_file)
        return write_transaction(lambda: _write(checked_nodes, checked_relationships, ends, totals, progress))


Key = TypeVar("Key")


class CheckedStream(Generic[Key]):
    """Batches of checked rows, (label or type, rows), handed from the checking thread to the writing one.

    Iterating yields every batch appended so far, waits for the next, and ends once the stream is closed, raising
    the error it was closed with, if any. It can start again from the first batch (a write transaction may be
    retried).
    """

    def __init__(self) -> None:
        self._batches: list[tuple[Key, list[dict[str, Any]]]] = []
        self._closed = False
        self._error: BaseException | None = None
        self._changed = threading.Condition()

    def append(self, key: Key, rows: list[dict[str, Any]]) -> None:
        with self._changed:
            self._batches.append((key, rows))
            self._changed.notify_all()

    def close(self, error: BaseException | None = None) -> None:
        with self._changed:
            self._closed, self._error = True, error
            self._changed.notify_all()

    def __iter__(self) -> Iterator[tuple[Key, list[dict[str, Any]]]]:
        position = 0
        while True:
            with self._changed:
                while position == len(self._batches) and not self._closed:
                    self._changed.wait()
                if position == len(self._batches):
                    if self._error is not None:
                        raise self._error
                    return
                batch = self._batches[position]
            position += 1
            yield batch


def yield_processor_to_writers() -> None:
    """Lower the priority of the calling thread (Linux only: there a thread has its own): the checking thread
    is far ahead of the writes, and the graph server's transaction, compiler and collector threads on the same
    two cores should not wait for it (a full-scale import: nodes written in about 5.5 s instead of 7)."""
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


@contextmanager
def prompt_thread_switches(interval: float = 0.0001) -> Iterator[None]:
    """Within the block, let a thread waiting for Python's interpreter lock have it within `interval` seconds.

    The writing thread wants the lock back after every round trip to the graph server; with the default 5 ms
    it waits behind the checking thread each time (a full-scale import: 38 → 32 s with this and fewer round
    trips).
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


T = TypeVar("T")


def prefetched(items: Iterable[T], ahead: int = 2) -> Iterator[T]:
    """Yield `items`, each made by a helper thread up to `ahead` items early, so that making the next one (in
    Python) overlaps the caller's wait for the graph server; an error making one is raised in its place."""
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def hand_over(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not hand_over((True, item)):
                    return
        except BaseException as error:  # noqa: BLE001  (raised again in the caller's thread)
            hand_over((False, error))
            return
        hand_over((False, None))

    helper = threading.Thread(target=make, name="prefetch", daemon=True)
    helper.start()
    try:
        while True:
            is_item, value = ready.get()
            if not is_item:
                if value is not None:
                    raise value
                return
            yield value
    finally:
        stop.set()
        helper.join()


@dataclass
class CheckedNodes:
    """The nodes of a graph file, checked; what checking its relationships needs."""

    batch: GraphBatch
    problems: list[str]
    label_of: dict[str, NodeLabel]  # every uid the file's relationships name: in the file or in the graph
    source_texts: dict[str, str]  # the text of each source with one, in the file or in the graph (`spaced`)
    raw_relationships: list[dict[str, Any]]


def _check_nodes(
    data: dict[str, Any],
    *,
    retired: Mapping[str, str],
    ready: Callable[[NodeLabel, list[dict[str, Any]]], None] | None = None,
    graph_labels: dict[str, NodeLabel] | None = None,
    graph_texts: dict[str, str] | None = None,
) -> CheckedNodes:
    """Check the file's nodes; while no problem has been found, hand each BATCH_SIZE of them to `ready`.

    `retired` ({uid: fate}, from `orgs.services.retired_uids`) holds the file's uids that no node may take.

    The relationships' ends and sources that are not nodes of the file are looked up in the graph (their kinds
    and the sources' texts), unless `graph_labels` and `graph_texts` already hold them (a thread other than the
    transaction's cannot query).
    """
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
            if not isinstance(uid, str) or not UID_PATTERN.fullmatch(uid):
                problems.append(f"{where}: field 'uid': expected {UID_FORM}, got {shown(uid)}")
                continue
            where = f"{section}[{index}] ({uid})"
            if uid in label_of:
                problems.append(f"{where}: field 'uid': '{uid}' is used twice")
                continue
            label_of[uid] = label
            if uid in retired:
                problems.append(f"{where}: field 'uid': '{uid}' is {retired[uid]}, and such uids are never reused")
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
                if isinstance(former_uids, list) and all(
                    isinstance(old, str) and UID_PATTERN.fullmatch(old) for old in former_uids
                ):
                    props["former_uids"] = former_uids
                else:
                    problems.append(f"{where}: field 'former_uids': expected a list of uids, got {shown(former_uids)}")
            if label in SEARCHABLE:
                props["search_text"] = search_text_for(props["name"], props.get("acronym"), props.get("aliases", []))
            if label is NodeLabel.SOURCE and props.get("text"):
                source_texts[uid] = spaced(props["text"])
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
    named = _named_by_relationships(raw_relationships)
    outside = named - set(label_of)
    in_graph = _labels_in_graph(outside) if graph_labels is None else graph_labels
    label_of.update((uid, in_graph[uid]) for uid in outside if uid in in_graph)
    if graph_texts is None:
        graph_texts = _source_texts_in_graph(outside | (named & _sources_keeping_their_text(data)))
    source_texts.update((uid, text) for uid, text in graph_texts.items() if uid not in source_texts)

    return CheckedNodes(batch, problems, label_of, source_texts, raw_relationships)


def _check_relationships(
    checked: CheckedNodes,
    ready: Callable[[str, list[dict[str, Any]]], None] | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Return the file's relationship rows per type and the problems found in them; while none has been found
    in them or in the nodes, hand each BATCH_SIZE rows of a type to `ready` (no graph query: this runs beside a
    transaction)."""
    # A node with a problem was not handed over, so a relationship to it must not be either: the writer would fail on
    # the missing end before the checker reported the node's problem.
    problems: list[str] = list(checked.problems)
    relationships: dict[str, list[dict[str, Any]]] = defaultdict(list)
    label_of, source_texts = checked.label_of, checked.source_texts
    seen: set[tuple[str, str, str]] = set()  # `relationship_key`s
    for index, record in enumerate(checked.raw_relationships):
        get = record.get
        relationship_type, start, end = str(get("type") or ""), str(get("from") or ""), str(get("to") or "")
        source = str(get("source") or "")
        where = RelationshipPlace(index, start, relationship_type, end)
        bad = False
        for name, uid in (("from", start), ("to", end)):
            if uid not in label_of:
                problems.append(f"{where}: field '{name}': no node with uid {shown(record.get(name))}")
                bad = True
        if source and label_of.get(source) is not NodeLabel.SOURCE:
            problems.append(f"{where}: field 'source': no source with uid {shown(source)}")
            bad = True
        if bad:
            continue
        properties = record_relationship_properties(record)
        try:
            props = clean_relationship(relationship_type, label_of[start], label_of[end], start, end, properties)
        except ValidationFailed as error:
            problems += [
                f"{where}: field '{relationship_public_name(name)}': {' '.join(m)}" for name, m in error.errors.items()
            ]
            continue
        key = relationship_key(relationship_type, start, end)
        if key in seen:
            problems.append(f"{where}: the same relationship is stated twice")
            continue
        seen.add(key)
        problem = evidence_problem(props["evidence"], source, source_texts.get(source))
        if problem:
            problems.append(f"{where}: field 'evidence': {problem}")
            continue
        rows = relationships[relationship_type]
        rows.append(
            {"start": start, "end": end, "uid": relationship_uid(start, relationship_type, end), "props": props}
        )
        if ready is not None and len(rows) % BATCH_SIZE == 0 and not problems:
            ready(relationship_type, rows[-BATCH_SIZE:])
    if ready is not None and not problems:
        for relationship_type, rows in relationships.items():
            if len(rows) % BATCH_SIZE:
                ready(relationship_type, rows[-(len(rows) % BATCH_SIZE) :])
    return relationships, problems[len(checked.problems) :]


class RelationshipPlace(NamedTuple):
    """Where a relationship record is in the file, as problems name it (formatted only when there is one)."""

    position: int
    start: str
    relationship_type: str
    end: str

    def __str__(self) -> str:
        return f"relationships[{self.position}] ({self.start} -{self.relationship_type}-> {self.end})"


def shown(value: Any, limit: int = 80) -> str:
    """Return `value` as a problem quotes it: its repr, cut to `limit` characters (a file may hold anything)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


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


def record_relationship_properties(record: dict[str, Any]) -> dict[str, Any]:
    """Return a relationship record's properties (its fields but type, ends and uid) as `clean_relationship` and the
    services take them: the file's `source` as `source_uid`."""
    properties = {key: value for key, value in record.items() if key not in NOT_RELATIONSHIP_PROPERTIES}
    source = record.get("source")
    properties["source_uid"] = str(source) if source else None
    return properties


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
    """Return the uids that relationship records name as their ends or source."""
    return {
        uid
        for record in raw_relationships
        if isinstance(record, dict)
        for uid in (record.get("from"), record.get("to"), record.get("source"))
        if isinstance(uid, str)
    }


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
    """Return {uid: text (`spaced`)} for the sources among `uids` that are in the graph and have a text."""
    if not uids:
        return {}
    rows = read_cypher(q.SOURCE_TEXTS, {"uids": sorted(uids)})
    return {row["uid"]: spaced(row["text"]) for row in rows if row["text"]}


def _batches(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start : start + BATCH_SIZE]


def _relationship_ends(relationships: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str]]:
    return [(row["start"], row["end"]) for rows in relationships.values() for row in rows]


def _nodes_in_graph(uids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Return {uid: {"label", "id"}} for those of `uids` that are nodes in the graph (`id`: the element id)."""
    ordered = sorted(set(uids))
    found: dict[str, dict[str, str]] = {}
    for offset in range(0, len(ordered), BATCH_SIZE):
        for row in read_cypher(q.EXISTING_UIDS, {"uids": ordered[offset : offset + BATCH_SIZE]}):
            found[row["uid"]] = {"label": row["label"], "id": row["id"]}
    return found


def _can_exist(row: dict[str, Any], in_graph: dict[str, Any]) -> bool:
    """Whether the relationship `row` may already be in the graph: only if both its ends were there before."""
    return row["start"] in in_graph and row["end"] in in_graph


def _node_columns(rows: list[dict[str, Any]], degrees: Counter[str]) -> tuple[tuple[str, ...], dict[str, list]]:
    """Return the property names `rows` use and one column (list) per name, with `uid` and `degree` (from
    `degrees`: a new node's relationships are all in the batch)."""
    fields = tuple(sorted({name for row in rows for name in row["props"]}))
    columns = {name: [row["props"].get(name) for row in rows] for name in fields}
    columns["uid"] = [row["uid"] for row in rows]
    columns["degree"] = [degrees[row["uid"]] for row in rows]
    return (*fields, "degree"), columns


def _relationship_shapes(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Return `rows` grouped by the relationship properties each has (those not null, in RELATIONSHIP_PROPERTIES
    order)."""
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        props = row["props"]
        shapes.setdefault(tuple(name for name in RELATIONSHIP_PROPERTIES if props.get(name) is not None), []).append(
            row
        )
    return shapes


def _relationship_columns(
    rows: list[dict[str, Any]], fields: tuple[str, ...], element_ids: dict[str, str]
) -> dict[str, list[Any]]:
    """Return the columns `create_relationships(relationship_type, fields)` takes; raise GraphFileInvalid for an end no
    longer in the
    graph."""
    try:
        columns: dict[str, list[Any]] = {
            "start": [element_ids[row["start"]] for row in rows],
            "end": [element_ids[row["end"]] for row in rows],
            "uid": [row["uid"] for row in rows],
        }
    except KeyError as missing:  # checked, but deleted from the graph since
        raise GraphFileInvalid([f"relationships: no node with uid {missing}"]) from None
    for name in fields:
        columns[name] = [row["props"][name] for row in rows]
    return columns


def write_graph(batch: GraphBatch, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Write `batch` in one transaction with UNWIND batches; return rows written per label and type.

    Nodes new to the graph are created with their degree counted from the batch, and their relationships
    created outright (none can exist yet), ends found by element id. Nodes already in the graph are updated;
    relationships between two of them are merged and their degrees recounted. A uid held by a node of another
    kind is refused.
    """
    node_batches = [(label, chunk) for label, rows in batch.nodes.items() for chunk in _batches(rows)]
    relationship_batches = [
        (relationship_type, chunk)
        for relationship_type, rows in batch.relationships.items()
        for chunk in _batches(rows)
    ]
    totals = {label.value: len(rows) for label, rows in batch.nodes.items()}
    totals.update((relationship_type, len(rows)) for relationship_type, rows in batch.relationships.items())
    ends = _relationship_ends(batch.relationships)
    return write_transaction(lambda: _write(node_batches, relationship_batches, ends, totals, progress))


def _write(
    node_batches: Iterable[tuple[NodeLabel, list[dict[str, Any]]]],
    relationship_batches: Iterable[tuple[str, list[dict[str, Any]]]],
    ends: list[tuple[str, str]],
    totals: dict[str, int],
    progress: Callable[[str, int, int], None] | None,
) -> dict[str, int]:
    """Write the `node_batches`, then the `relationship_batches` (type, rows), whose (start, end) are `ends`, as they
    come;
    `totals` (rows per label and type) are for `progress`."""
    graph_has_nodes = bool(cypher(q.ANY_NODE))  # if not (a restore, a first load), no uid needs looking up
    in_graph: dict[str, dict[str, str]] = {}  # the nodes written that were there before
    degrees = Counter(chain.from_iterable(ends))
    element_ids: dict[str, str] = {}
    written: Counter[str] = Counter()
    added: Counter[str] = Counter()  # nodes and relationships new to the graph, for the maintained counts

    def report(what: str, rows: int) -> None:
        written[what] += rows
        if progress:
            progress(what, written[what], totals.get(what, 0))

    for label, rows in node_batches:
        found = _nodes_in_graph(row["uid"] for row in rows) if graph_has_nodes else {}
        other_kind = sorted(uid for uid, node in found.items() if node["label"] != label.value)
        if other_kind:
            raise AlreadyExists(f"uid(s) already used by a node of another kind: {', '.join(other_kind[:10])}")
        in_graph.update(found)
        element_ids.update((uid, node["id"]) for uid, node in found.items())
        new_rows = [row for row in rows if row["uid"] not in found]
        if new_rows:
            fields, columns = _node_columns(new_rows, degrees)
            created = cypher(q.create_nodes(label, fields), columns)[0]
            element_ids.update(zip(created["uids"], created["ids"], strict=True))
            added[label.value] += len(created["uids"])
        if found:
            cypher(q.UPDATE_NODES, {"rows": [row for row in rows if row["uid"] in found]})
        report(label.value, len(rows))

    if graph_has_nodes:  # ends the file does not hold are looked up (in an empty graph, a missing one is an error)
        found = _nodes_in_graph(uid for uid in chain.from_iterable(ends) if uid not in element_ids)
        in_graph.update(found)
        element_ids.update((uid, node["id"]) for uid, node in found.items())

    def relationship_statements() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]], list[dict[str, Any]], int]]:
        """Each batch of relationships as (type, the statements that write it, those of its relationships that may exist
        already, how many relationships)."""
        for relationship_type, rows in relationship_batches:
            new_relationships: list[dict[str, Any]] = []
            known_relationships: list[dict[str, Any]] = []
            for row in rows:
                (known_relationships if _can_exist(row, in_graph) else new_relationships).append(row)
            statements = [
                (q.create_relationships(relationship_type, fields), _relationship_columns(shaped, fields, element_ids))
                for fields, shaped in _relationship_shapes(new_relationships).items()
            ]
            if known_relationships:
                statements.append((q.merge_relationships(relationship_type), {"rows": known_relationships}))
            yield relationship_type, statements, known_relationships, len(rows)

    # The next batch's columns are made while the server writes this one.
    for relationship_type, statements, known_relationships, count in prefetched(relationship_statements()):
        if known_relationships:  # for the counts: those the merge will only update
            pairs = [{"start": row["start"], "end": row["end"]} for row in known_relationships]
            added[relationship_type] -= cypher(q.existing_relationships(relationship_type), {"rows": pairs})[0][
                "existing"
            ]
        for statement, params in statements:
            cypher(statement, params)
        added[relationship_type] += count
        report(relationship_type, count)

    recount = sorted(uid for uid in degrees if uid in in_graph)
    for offset in range(0, len(recount), BATCH_SIZE):
        cypher(q.REFRESH_DEGREES_OF_UIDS, {"uids": recount[offset : offset + BATCH_SIZE]})
    add_to_counts(added)
    return dict(written)


def graph_diff(batch: GraphBatch) -> dict[str, dict[str, int]]:
    """Return what writing `batch` would do, per label and type: `{name: {"create": n, "update": m}}`.

    Nothing is written; a dry run of an import reports this.
    """
    uids = {row["uid"] for rows in batch.nodes.values() for row in rows}
    ends = set(chain.from_iterable(_relationship_ends(batch.relationships)))
    in_graph = _nodes_in_graph(uids | ends) if read_cypher(q.ANY_NODE) else {}
    diff: dict[str, dict[str, int]] = {}

    def add(name: str, total: int, existing: int) -> None:
        entry = diff.setdefault(name, {"create": 0, "update": 0})
        entry["create"] += total - existing
        entry["update"] += existing

    for label, rows in batch.nodes.items():
        add(label.value, len(rows), sum(row["uid"] in in_graph for row in rows))
    for relationship_type, rows in batch.relationships.items():
        existing = 0
        for chunk in _batches([row for row in rows if _can_exist(row, in_graph)]):
            pairs = [{"start": row["start"], "end": row["end"]} for row in chunk]
            existing += read_cypher(q.existing_relationships(relationship_type), {"rows": pairs})[0]["existing"]
        add(relationship_type, len(rows), existing)
    return diff


def load_graph_file(path: Path, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Validate the graph file at `path` and write it in one transaction; return rows written per kind."""
    return import_graph(read_graph_file(path), progress=progress)
