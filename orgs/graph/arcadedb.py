"""The ArcadeDB adapter: where the embedded ArcadeDB server differs from Neo4j, in one place.

Which server this is (`is_arcadedb`), the full-text search index (ArcadeDB makes it in SQL and names it after its
property), typed property declarations for its indexes, and dropping and making its database again: what Bolt
cannot say to ArcadeDB goes as one request to its HTTP API (`_request`). The rest is the same Cypher on both.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from orgs.graph.connection import GraphUnavailable, server_agent
from orgs.graph.queries import NEO4J_FULLTEXT_INDEX, SEARCH_LABEL, SEARCH_PROPERTY, range_index_name


def is_arcadedb() -> bool:
    """Return True when the graph server is ArcadeDB's Bolt endpoint rather than Neo4j."""
    return "ArcadeDB" in server_agent()


def _request(path: str, payload: dict[str, str]) -> bytes:
    """Send `payload` as JSON to the embedded server's HTTP API at `path` with its root credentials; return the
    answer's body. Raise GraphUnavailable if the server refuses the command or cannot be reached."""
    server = settings.GRAPH_SERVER
    credentials = base64.b64encode(f"{server['USER']}:{server['PASSWORD']}".encode()).decode()
    request = urllib.request.Request(
        f"http://{server['HOST']}:{server['HTTP_PORT']}{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {credentials}"},
    )
    try:
        return bytes(urllib.request.urlopen(request, timeout=30).read())
    except urllib.error.HTTPError as error:
        raise GraphUnavailable(f"ArcadeDB refused '{payload['command']}': {error.read()[:300]!r}") from error
    except OSError as error:
        raise GraphUnavailable(str(error)) from error


def _arcadedb_sql(command: str) -> list[dict[str, Any]]:
    """Run the SQL `command` on the graph's database; return its result rows."""
    answer = _request(f"/api/v1/command/{settings.GRAPH_SERVER['DATABASE']}", {"language": "sql", "command": command})
    return list(json.loads(answer or b"{}").get("result") or [])


def arcadedb_schema() -> set[str]:
    """Return the database's schema, one JSON line per type that declares properties or indexes: its name, kind,
    parent types, properties and indexes (not its records or buckets).

    ArcadeDB makes a type for each label, and each set of labels (`Node~Organization`), on a node's first write;
    one that declares nothing is what writing data left, not schema, so it is left out.
    """
    rows = _arcadedb_sql("SELECT name, type, parentTypes, properties, indexes FROM schema:types")
    return {json.dumps(row, sort_keys=True) for row in rows if row.get("properties") or row.get("indexes")}


def recreate_arcadedb_database() -> None:
    """Drop the graph's database, schema included, and create it empty (Cypher can empty a graph but not drop
    its schema)."""
    database = settings.GRAPH_SERVER["DATABASE"]
    for command in (f"drop database {database}", f"create database {database}"):
        _request("/api/v1/server", {"command": command})


# --- Full-text search index: the one place where the two servers' Cypher differs -------------------------------


def fulltext_index_name() -> str:
    """Return the name `db.index.fulltext.queryNodes` takes for the organization search index."""
    return f"{SEARCH_LABEL}[{SEARCH_PROPERTY}]" if is_arcadedb() else NEO4J_FULLTEXT_INDEX


def fulltext_pages_stably() -> bool:
    """Return True when `db.index.fulltext.queryNodes`' own `skip` and `limit` options page one stable order.

    ArcadeDB's do. Neo4j's return the top `skip + limit` scores with equal scores in an order that changes with
    the limit (pages of 3 did not continue a page of 9), and every prefix match scores the same there.
    """
    return is_arcadedb()


def install_arcadedb_fulltext_index() -> None:
    """Create the organization search index on ArcadeDB if it does not exist (it refuses `CREATE FULLTEXT INDEX`)."""
    # ArcadeDB indexes only declared properties.
    _arcadedb_sql(f"CREATE PROPERTY {SEARCH_LABEL}.{SEARCH_PROPERTY} IF NOT EXISTS STRING")
    _arcadedb_sql(f"CREATE INDEX IF NOT EXISTS ON {SEARCH_LABEL} ({SEARCH_PROPERTY}) FULL_TEXT")


# --- Typed properties for the range indexes ---------------------------------------------------------------------

# ArcadeDB keys an index on an undeclared property as strings: a range or an ORDER BY on a number then cannot use
# it (the home page's hubs sorted every organization: ~400 ms at 100k instead of under 1 ms).
ARCADEDB_PROPERTY_TYPES = {"IntegerProperty": "INTEGER", "FloatProperty": "DOUBLE", "BooleanProperty": "BOOLEAN"}


def declare_arcadedb_property(label: str, name: str, kind: str) -> None:
    """On ArcadeDB, declare `label`.`name` as `kind` and drop its range index if that one keys other values
    (install_schema then creates it again, typed); on Neo4j, nothing to do."""
    if not is_arcadedb():
        return
    _arcadedb_sql(f"CREATE VERTEX TYPE {label} IF NOT EXISTS")
    _arcadedb_sql(f"CREATE PROPERTY {label}.{name} IF NOT EXISTS {kind}")
    index = range_index_name(label, name)
    for row in _arcadedb_sql("SELECT name, keyTypes FROM schema:indexes"):
        if row.get("name") == index and row.get("keyTypes") != [kind]:
            _arcadedb_sql(f"DROP INDEX `{index}`")
