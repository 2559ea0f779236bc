"""Write checked graph-file rows into the graph: UNWIND batches in one transaction, all of them or none.

`import_graph` checks (`orgs.importer.check`) and writes at once, a checking thread handing the writing one each
batch as it is checked; `write_graph` writes a batch checked beforehand; `graph_diff` says what a write would do.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any, Generic, TypeVar

from orgs.graph import queries as q
from orgs.graph.connection import AlreadyExists, cypher, read_cypher, write_transaction
from orgs.graph.counts import add_to_counts
from orgs.importer.check import BATCH_SIZE, GraphBatch, checked_nodes, checked_relationships, graph_facts
from orgs.importer.read import SECTIONS, GraphFileInvalid, read_graph_file
from orgs.validation import citation_key, reading_key, relationship_summary
from orgs.vocabulary import CITATION_FIELDS, RELATIONSHIP_SUMMARY_PROPERTIES, NodeLabel

# What a relationship stores besides its uid and version: what its citations support together.
STORED_PROPERTIES = RELATIONSHIP_SUMMARY_PROPERTIES
# What a Citation node stores besides its uid: its relationship's keys and its reading key, then the citation's own
# fields.
CITATION_KEYS = ("relationship_uid", "relationship_type", "start_uid", "end_uid", "reading_key")
KEPT_WHEN_UPDATED = frozenset({"added_by", "added_at"})  # a citation's recording facts: the first record's stay


def create_citations(fields: tuple[str, ...], shared: tuple[str, ...] = ()) -> str:
    """Create Citation nodes from column lists `$uid` and one per name in `fields` (the CITATION_KEYS and the
    citation's fields, none holding a null), and a single value `$<name>` for each name in `shared` that every
    one of them has alike; return how many.

    Columns, grouped by the fields each has, for the reasons `create_relationships` gives; a value the rows share
    (who added them and when, their relationship's type, a confidence) is sent once, not once a row. A Citation is
    not a `Node`: it is reached through its relationship's uid or its source's (see docs/data-model.md).
    """
    if not all(q.PROPERTY_NAME.match(name) for name in (*fields, *shared)):
        raise ValueError(f"not property names: {fields!r}, {shared!r}")
    properties = "".join(f", {name}: ${name}[i]" for name in fields) + "".join(f", {name}: ${name}" for name in shared)
    return (
        "UNWIND range(0, size($uid) - 1) AS i "
        f"CREATE (c:Citation {{uid: $uid[i]{properties}}}) "
        "RETURN count(c) AS written"
    )


def relationships_with_citations(relationship_type: str) -> str:
    """Return, for each of `$rows` ({start, end}) that has a `relationship_type` relationship, its uid and its
    citations' stored properties (none: an empty list)."""
    return (
        "UNWIND $rows AS row "
        f"MATCH (:Node {{uid: row.start}})-[r:{q.checked_type(relationship_type)}]->(:Node {{uid: row.end}}) "
        "OPTIONAL MATCH (c:Citation {relationship_uid: r.uid}) "
        "RETURN row.start AS start, row.end AS end, r.uid AS uid, collect(properties(c)) AS citations"
    )


# Update Citation nodes from `$rows` of {relationship_uid, uid, props}, found through the relationship_uid index.
UPDATE_CITATIONS = (
    "UNWIND $rows AS row MATCH (c:Citation {relationship_uid: row.relationship_uid}) WHERE c.uid = row.uid "
    "SET c += row.props RETURN count(c) AS written"
)


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


def import_graph(data: dict[str, Any], *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Validate `data` and write it in one transaction; return rows written per label and type.

    The same outcome as `write_graph(validate_graph(data))`, sooner for a large file: a second thread checks
    the nodes, then the relationships, and hands them over a batch at a time, while this one writes each batch
    as it comes, so the checking and the graph server use both processor cores. Anything wrong rolls the
    transaction back; raise GraphFileInvalid as validate_graph.
    """
    node_stream: CheckedStream[NodeLabel] = CheckedStream()
    relationship_stream: CheckedStream[str] = CheckedStream()
    raw_relationships: list[Any] = data["relationships"] if isinstance(data.get("relationships"), list) else []
    facts = graph_facts(data)

    def check_file() -> None:
        yield_processor_to_writers()
        try:
            checked = checked_nodes(data, facts=facts, ready=node_stream.append)
            node_stream.close()
            problems = checked.problems + checked_relationships(checked, ready=relationship_stream.append)[1]
            if problems:
                raise GraphFileInvalid(problems)
        except BaseException as error:
            node_stream.close(error)
            relationship_stream.close(error)
            raise
        relationship_stream.close()

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
        return write_transaction(lambda: _write(node_stream, relationship_stream, ends, totals, progress))


def load_graph_file(path: Path, *, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Validate the graph file at `path` and write it in one transaction; return rows written per kind."""
    return import_graph(read_graph_file(path), progress=progress)


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


def _shapes(
    rows: list[dict[str, Any]], names: tuple[str, ...], values: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Return `rows` grouped by which of `names` each has a value for (`values(row)` not null there), in that
    order."""
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        props = values(row)
        shapes.setdefault(tuple(name for name in names if props.get(name) is not None), []).append(row)
    return shapes


def _citation_rows(relationship_type: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the citations of relationship `rows` as Citation nodes store them (with their relationship's keys)."""
    return [
        {
            **citation,
            "relationship_uid": row["uid"],
            "relationship_type": relationship_type,
            "start_uid": row["start"],
            "end_uid": row["end"],
            "reading_key": reading_key(citation["source_uid"], citation.get("start"), citation["uid"]),
        }
        for row in rows
        for citation in row["citations"]
    ]


def _citation_statements(citations: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Return the statements that create `citations` (`_citation_rows`), one per shape."""
    statements = []
    for fields, shaped in _shapes(citations, CITATION_FIELDS, lambda citation: citation).items():
        columns = {name: [citation[name] for citation in shaped] for name in (*CITATION_KEYS, *fields)}
        shared = tuple(name for name, column in columns.items() if len(column) > 1 and len(set(column)) == 1)
        params = {name: column[0] if name in shared else column for name, column in columns.items()}
        params["uid"] = [citation["uid"] for citation in shaped]
        varying = tuple(name for name in columns if name not in shared)
        statements.append((create_citations(varying, shared), params))
    return statements


def _known_relationship_statements(
    relationship_type: str, rows: list[dict[str, Any]], found: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """Return the statements that write relationship `rows` whose two ends were in the graph, `found` being those
    of them there already ({start, end, uid, citations}): a file's citation with the uid or the source and passage
    of one the relationship has updates it, any other is added, and the others it has stay; its summary is that
    of them all."""
    existing = {(row["start"], row["end"]): row for row in found}
    merged_rows, new_citations, updates = [], [], []
    for row in rows:
        there = existing.get((row["start"], row["end"]))
        if there is None:
            merged_rows.append({name: row[name] for name in ("start", "end", "uid", "props")})
            new_citations += _citation_rows(relationship_type, [row])
            continue
        kept = {citation["uid"]: citation for citation in there["citations"]}
        by_key = {citation_key(citation): uid for uid, citation in kept.items()}
        for citation in row["citations"]:
            uid = citation["uid"] if citation["uid"] in kept else by_key.get(citation_key(citation))
            if uid is None:
                kept[citation["uid"]] = citation
                new_citations += _citation_rows(
                    relationship_type, [{**row, "uid": there["uid"], "citations": [citation]}]
                )
                continue
            props = {name: value for name, value in citation.items() if name not in KEPT_WHEN_UPDATED and name != "uid"}
            kept[uid] = {**kept[uid], **props}
            props["reading_key"] = reading_key(kept[uid]["source_uid"], kept[uid].get("start"), uid)
            updates.append({"relationship_uid": there["uid"], "uid": uid, "props": props})
        summary = relationship_summary(list(kept.values()))
        merged_rows.append({"start": row["start"], "end": row["end"], "uid": there["uid"], "props": summary})
    statements = [(q.merge_relationships(relationship_type), {"rows": merged_rows})]
    if updates:
        statements.append((UPDATE_CITATIONS, {"rows": updates}))
    return statements + _citation_statements(new_citations)


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
                for fields, shaped in _shapes(new_relationships, STORED_PROPERTIES, lambda row: row["props"]).items()
            ]
            statements += _citation_statements(_citation_rows(relationship_type, new_relationships))
            yield relationship_type, statements, known_relationships, len(rows)

    # The next batch's columns are made while the server writes this one.
    for relationship_type, statements, known_relationships, count in prefetched(relationship_statements()):
        if known_relationships:  # only these are read: their citations are combined with the file's
            pairs = [{"start": row["start"], "end": row["end"]} for row in known_relationships]
            there = cypher(relationships_with_citations(relationship_type), {"rows": pairs})
            statements += _known_relationship_statements(relationship_type, known_relationships, there)
            added[relationship_type] -= len(there)
        for statement, params in statements:
            cypher(statement, params)
        added[relationship_type] += count
        report(relationship_type, count)

    recount = sorted(uid for uid in degrees if uid in in_graph)
    for offset in range(0, len(recount), BATCH_SIZE):
        cypher(q.REFRESH_DEGREES_OF_UIDS, {"uids": recount[offset : offset + BATCH_SIZE]})
    add_to_counts(added)
    return dict(written)
