"""The maintained counts: nodes per kind and relationships per type, kept on `COUNT_SHARDS` `GraphCounts` nodes.

Every write that adds or removes nodes or relationships (orgs.services, orgs.importer.write) adds its changes to one
shard in its own transaction, so the counts commit or roll back with it and the statistics and the home page
read a few small nodes instead of counting the graph (see docs/data-model.md, "Maintained counts"). The shards
are there so that concurrent writers do not all wait for one node's lock: each thread writes its own shard
(chosen at random once per thread), and a count is the sum over the shards.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping

from orgs.graph import queries as q
from orgs.graph.connection import cypher, write_transaction

COUNT_SHARDS = 16

_thread_shard = threading.local()


def _shard_of_this_thread() -> int:
    """Return this thread's counts shard: the same for every write of a transaction, so that a transaction
    holds one shard's lock (two could deadlock with another writer holding them the other way round)."""
    if not hasattr(_thread_shard, "shard"):
        _thread_shard.shard = random.randrange(COUNT_SHARDS)
    return int(_thread_shard.shard)


def add_to_counts(deltas: Mapping[str, int]) -> None:
    """Add `deltas` ({label or relationship type: change}) to this thread's counts shard, inside the current
    transaction.

    Call it after the transaction's other writes: its holder then waits for no other lock until it commits,
    so the shard's lock is in no deadlock with the uniqueness and node locks those writes take.
    """
    changes = {name: delta for name, delta in deltas.items() if delta}
    unknown = set(changes) - set(q.COUNTED)
    if unknown:
        raise ValueError(f"not a counted label or type: {sorted(unknown)}")
    if changes:
        cypher(q.ADD_TO_COUNTS, {"shard": _shard_of_this_thread(), "deltas": changes})


def relationships_removed_with(uid: str) -> dict[str, int]:
    """Return {type: -count} for the relationships a DETACH DELETE of node `uid` removes."""
    return {row["type"]: -row["count"] for row in cypher(q.RELATIONSHIPS_OF_NODE_BY_TYPE, {"uid": uid})}


def _shards_set(first: Mapping[str, int], others: Mapping[str, int]) -> None:
    """Number the one counts node of a graph from before the shards as shard 0, make every missing shard, and
    set `first` on shard 0 and `others` on every other shard (inside the current transaction)."""
    cypher(q.NUMBER_UNSHARDED_COUNTS, {"shard": 0})
    shards = [{"shard": shard, "counts": dict(first if shard == 0 else others)} for shard in range(COUNT_SHARDS)]
    cypher(q.SET_COUNT_SHARDS, {"shards": shards})


def install_counts() -> None:
    """Make the counts shards that are missing, and count live whatever no shard counts yet (nothing on a graph
    set up already; everything on a graph from before the counts; zeros on an empty graph). A graph from before
    the shards keeps its one counts node as shard 0. Safe to repeat."""

    def work() -> None:
        rows = cypher(q.COUNTS_BY_SHARD)
        counted = {name for row in rows for name in row["counts"]}
        missing = set(q.COUNTED) - counted
        live = cypher(q.LIVE_COUNTS)[0]["counts"] if missing else {}
        _shards_set({name: live[name] for name in missing}, dict.fromkeys(missing, 0))

    write_transaction(work)


def recount_graph() -> dict[str, int]:
    """Count every node kind and relationship type live (a full scan) and set the counts (all on shard 0, the
    other shards at zero); return them."""

    def work() -> dict[str, int]:
        live = dict(cypher(q.LIVE_COUNTS)[0]["counts"])
        _shards_set(live, dict.fromkeys(live, 0))
        return live

    return write_transaction(work)
