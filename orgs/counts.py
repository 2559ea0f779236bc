"""The maintained counts: nodes per kind and relationships per type, kept on one `GraphCounts` node.

Every write that adds or removes nodes or relationships (orgs.services, orgs.loader) adds its changes here in
its own transaction, so the counts commit or roll back with it and the statistics and the home page read one
small node instead of counting the graph (see docs/data-model.md, "Maintained counts").
"""

from __future__ import annotations

from collections.abc import Mapping

from orgs import cypher as q
from orgs.graph import cypher, write_transaction


def add_to_counts(deltas: Mapping[str, int]) -> None:
    """Add `deltas` ({label or relationship type: change}) to the counts, inside the current transaction."""
    changes = {name: delta for name, delta in deltas.items() if delta}
    unknown = set(changes) - set(q.COUNTED)
    if unknown:
        raise ValueError(f"not a counted label or type: {sorted(unknown)}")
    if changes:
        cypher(q.ADD_TO_COUNTS, {"deltas": changes})


def ties_removed_with(uid: str) -> dict[str, int]:
    """Return {type: -count} for the relationships a DETACH DELETE of node `uid` removes."""
    return {row["type"]: -row["count"] for row in cypher(q.TIES_OF_NODE_BY_TYPE, {"uid": uid})}


def install_counts() -> None:
    """Make the counts node if there is none, and count live whatever it lacks (nothing on a graph set up
    already; everything on a graph from before the counts; zeros on an empty graph). Safe to repeat."""
    def work() -> None:
        rows = cypher(q.COUNTS)
        missing = set(q.COUNTED) - set(rows[0]["counts"] if rows else ())
        if missing:
            live = cypher(q.LIVE_COUNTS)[0]["counts"]
            cypher(q.SET_COUNTS, {"counts": {name: live[name] for name in missing}})

    write_transaction(work)


def recount_graph() -> dict[str, int]:
    """Count every node kind and relationship type live (a full scan) and set the counts; return them."""
    def work() -> dict[str, int]:
        live = dict(cypher(q.LIVE_COUNTS)[0]["counts"])
        cypher(q.SET_COUNTS, {"counts": live})
        return live

    return write_transaction(work)
