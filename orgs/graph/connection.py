"""The one door to the graph server: connection, queries, retried write transactions.

Everything that talks to the graph goes through `read_cypher()`, `cypher()` or `write_transaction()`, so that
errors are translated once (server down → GraphUnavailable, uniqueness → AlreadyExists) and queries can be
counted. Reads are sent in read mode (a `neo4j://` URL routes them to a cluster's followers and read replicas),
writes in write mode, and every session of the process shares one bookmark manager: a read sees every write
this process committed before it, on whichever server of a cluster it runs.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, Result
from neo4j.api import BookmarkManager
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DatabaseUnavailable,
    ResultFailedError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from neomodel import config as neomodel_config
from neomodel import db
from neomodel.exceptions import UniqueProperty

from orgs.vocabulary import with_article

logger = logging.getLogger(__name__)
T = TypeVar("T")

UNAVAILABLE_ERRORS = (ServiceUnavailable, SessionExpired, DatabaseUnavailable, ConnectionError, OSError, AuthError)
POOL_EXHAUSTED = "failed to obtain a connection from the pool"
UNIQUENESS_CODE = "Neo.ClientError.Schema.ConstraintValidationFailed"
RACE_ON_ARCADEDB_CODE = "Neo.ClientError.Statement.SemanticError"
# Neo4j's "transient" errors of a transaction past its memory limit: retrying the same work cannot help.
OUT_OF_MEMORY_CODES = frozenset(
    {"Neo.TransientError.General.MemoryPoolOutOfMemoryError", "Neo.TransientError.General.OutOfMemoryError"}
)


class GraphUnavailable(Exception):
    """The graph server cannot be reached."""


class AlreadyExists(Exception):
    """A write would break a uniqueness rule."""


_query_log = threading.local()


@contextmanager
def recorded_queries() -> Iterator[list[str]]:
    """Collect the text of every query `cypher()` runs inside the block (for tests and benchmarks)."""
    previous = getattr(_query_log, "queries", None)
    _query_log.queries = []
    try:
        yield _query_log.queries
    finally:
        _query_log.queries = previous


GRAPH_URL = re.compile(
    r"^(?P<scheme>[a-z0-9+]+)://(?P<user>[^:@/]+):(?P<password>.*)@(?P<address>[^@/]+)"
    r"(?:/(?P<database>[^/@]*))?$"
)


class GraphAddress(NamedTuple):
    uri: str  # scheme://host:port
    auth: tuple[str, str]
    database: str | None  # None: the server's default


def parse_graph_url(url: str) -> GraphAddress:
    """Split a graph URL in neomodel's form, scheme://user:password@host:port/database (the password taken
    as written, as neomodel takes it); raise ImproperlyConfigured for anything else."""
    match = GRAPH_URL.match(url)
    if not match:
        raise ImproperlyConfigured(
            "The graph URL must read scheme://user:password@host:port/database, "
            "e.g. neo4j+s://neo4j:secret@example.databases.neo4j.io:7687/neo4j"
        )
    return GraphAddress(
        f"{match['scheme']}://{match['address']}", (match["user"], match["password"]), match["database"] or None
    )


_graph_url = ""


def share_one_driver(url: str | None = None) -> None:
    """Make every thread use one driver for `url` (or the settings' URL), and its connection pool.

    neomodel keeps its connection per thread, and from a URL it makes each thread a driver of its own: under
    a server that runs each request in a new thread (runserver, gunicorn's gthread workers) every request
    opened a new Bolt connection. Given a driver instead, each thread uses that one. Nothing connects yet.
    """
    global _graph_url
    _graph_url = url or settings.NEOMODEL_NEO4J_BOLT_URL
    address = parse_graph_url(_graph_url)
    previous = neomodel_config.DRIVER
    neomodel_config.DRIVER = GraphDatabase.driver(
        address.uri,
        auth=address.auth,
        max_connection_pool_size=settings.NEOMODEL_MAX_CONNECTION_POOL_SIZE,
        # A server that is down or hung costs a request this long, then a 503, instead of the driver's 30-60 s.
        connection_timeout=settings.GRAPH_CONNECTION_TIMEOUT,
        connection_acquisition_timeout=settings.GRAPH_CONNECTION_TIMEOUT,
    )
    neomodel_config.DATABASE_NAME = address.database
    neomodel_config.DATABASE_URL = None  # neomodel prefers a URL to a driver
    global _bookmarks
    _bookmarks = GraphDatabase.bookmark_manager()
    if previous is not None:
        previous.close()


def shared_driver() -> Driver:
    """Return the driver every thread of the process uses (made from the settings' URL on first use)."""
    if neomodel_config.DRIVER is None:
        share_one_driver()
    return neomodel_config.DRIVER


_bookmarks: BookmarkManager = GraphDatabase.bookmark_manager()


def session_bookmarks() -> BookmarkManager:
    """Return the bookmark manager every session of the process shares (causal consistency across sessions)."""
    return _bookmarks


def connect(url: str | None = None) -> None:
    """Point every thread at `url` (neomodel form, credentials and database included), or the settings' URL,
    and connect this one now."""
    share_one_driver(url)
    try:
        db.set_connection(driver=neomodel_config.DRIVER)
    except UNAVAILABLE_ERRORS as error:
        raise GraphUnavailable(str(error)) from error


# How the two servers word a uniqueness breach (the record ids in them mean nothing to a person):
# ArcadeDB: "Duplicated key [x] found on index 'Node[uid]' already assigned to record #72:0"
# Neo4j: "Node(72) already exists with label `Node` and property `uid` = 'x'"
DUPLICATE_MESSAGES = (
    re.compile(r"Duplicated key \[(?P<value>.*)\] found on index '(?P<label>\w+)\[(?P<property>\w+)\]'", re.S),
    re.compile(
        r"already exists with label `(?P<label>\w+)` and property `(?P<property>\w+)` = '?(?P<value>.*?)'?$", re.S
    ),
)


def duplicate_message(server_message: str) -> str:
    """Return what a uniqueness breach the server reported means, in a person's terms: "an organization named
    'X' already exists", "a node with uid 'x' already exists"; never the server's words or record ids."""
    for pattern in DUPLICATE_MESSAGES:
        found = pattern.search(server_message)
        if found:
            kind, prop, value = with_article(found["label"].lower()), found["property"], found["value"]
            if len(value) > 100:
                value = value[:100] + "…"
            if prop == "name":
                return f"{kind} named '{value}' already exists"
            return f"{kind} with {prop} '{value}' already exists"
    return "that would repeat a value that must be unique"


@contextmanager
def translated_errors() -> Iterator[None]:
    """Raise GraphUnavailable for a server that cannot be reached (also a result read after its connection
    dropped) and AlreadyExists for a uniqueness breach (its message in a person's terms: `duplicate_message`)."""
    global _answered_at
    try:
        yield
    except UNAVAILABLE_ERRORS as error:
        _answered_at = 0.0
        raise GraphUnavailable(str(error)) from error
    except ResultFailedError as error:
        # A result read after its connection failed under another call (a rollback reads what is left of its
        # transaction's results): the first failure, its cause, says whether the server is gone.
        if not isinstance(error.__cause__, UNAVAILABLE_ERRORS):
            raise
        _answered_at = 0.0
        raise GraphUnavailable(str(error.__cause__)) from error
    except UniqueProperty as error:
        raise AlreadyExists(duplicate_message(str(error))) from error
    except ClientError as error:
        if error.code == UNIQUENESS_CODE:
            raise AlreadyExists(duplicate_message(error.message or str(error))) from error
        if error.code is None and POOL_EXHAUSTED in str(error):  # the driver's own, with no server code
            # More requests at once than the pool holds (NEOMODEL_MAX_CONNECTION_POOL_SIZE): busy, try again.
            raise GraphUnavailable("every connection to the graph server is busy") from error
        raise


def cypher(query: str, params: dict[str, Any] | None = None, *, access: str = WRITE_ACCESS) -> list[dict[str, Any]]:
    """Run one parameterized query (inside the current transaction, if any, else in a session of `access`
    mode, READ_ACCESS or WRITE_ACCESS) and return its rows as dicts."""
    global _answered_at
    if getattr(_query_log, "queries", None) is not None:
        _query_log.queries.append(query)
    with translated_errors():
        if in_transaction():
            rows = _rows(db._active_transaction.run(query, params or {}))
        else:
            # Outside a transaction, straight through the shared driver: neomodel would first ask the server its
            # version in every new thread (2 ms a request under a server that runs each request on a new one).
            with shared_driver().session(
                database=neomodel_config.DATABASE_NAME, default_access_mode=access, bookmark_manager=_bookmarks
            ) as session:
                rows = _rows(session.run(query, params or {}))
    _answered_at = time.monotonic()
    return rows


_answered_at = 0.0  # time.monotonic() of the graph server's last answer to this process; 0: it failed since


def graph_reachable_confirm(*, within: float) -> None:
    """Return at once if the graph server answered this process in the last `within` seconds, else when it
    answers a ping now; raise GraphUnavailable if it does not (for answers that need no query of their own)."""
    if time.monotonic() - _answered_at > within:
        cypher("RETURN 1 AS one", access=READ_ACCESS)


def read_cypher(query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run one parameterized read-only query (inside the current transaction, if any, else in a read session)
    and return its rows as dicts."""
    return cypher(query, params, access=READ_ACCESS)


def _rows(result: Result) -> list[dict[str, Any]]:
    columns = result.keys()
    return [dict(zip(columns, record.values(), strict=True)) for record in result]


_after_commit = threading.local()
_write_listeners: list[Callable[[], Any]] = []


def on_every_write(listener: Callable[[], Any]) -> None:
    """Call `listener` in the writing thread after every write transaction of the process that commits, and
    after one whose outcome is unknown (the server lost during it), as after `erase_graph`."""
    if listener not in _write_listeners:
        _write_listeners.append(listener)


def tell_write_listeners() -> None:
    """Call every `on_every_write` listener now (after a commit, or a write whose outcome is unknown)."""
    for listener in _write_listeners:
        listener()


def in_transaction() -> bool:
    """Return True when this thread is inside a graph transaction."""
    return getattr(db, "_active_transaction", None) is not None


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the current graph transaction commits (at once outside one; never on rollback)."""
    pending = getattr(_after_commit, "callbacks", None)
    if pending is None:
        callback()
    else:
        pending.append(callback)


@contextmanager
def _transaction(access: str) -> Iterator[None]:
    """Open neomodel's transaction for this thread in `access` mode, with the process's bookmarks; commit at
    the end of the block, roll back on an exception (neomodel's own proxy takes no bookmark manager)."""
    db.begin(access_mode=access, bookmark_manager=_bookmarks)
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.commit()


def write_transaction(work: Callable[[], T], *, attempts: int = 10) -> T:
    """Run `work` in one write transaction, retried on transient errors; roll back on any exception.

    Inside a transaction already open in this thread (neomodel's cannot nest), `work` joins it: the outer
    call commits, retries or rolls back everything together. Otherwise it waits for a write place
    (`_write_slot`): GraphUnavailable if none comes free in time.
    """
    if in_transaction():
        return work()
    with _write_slot():
        return _write_transaction(work, attempts)


_write_slots: dict[int, threading.BoundedSemaphore] = {}
_write_slots_lock = threading.Lock()


@contextmanager
def _write_slot() -> Iterator[None]:
    """Hold one of this process's GRAPH_WRITE_CONCURRENCY places for a write transaction for the block; raise
    GraphUnavailable (busy) when none comes free within GRAPH_WRITE_WAIT seconds.

    A burst of writers is let through a few at a time rather than all at once: on Neo4j, 160 transactions at
    once checking one uniqueness index took minutes together (past the driver's read timeout), where a few at a
    time each take milliseconds and the rest wait their turn.
    """
    limit = settings.GRAPH_WRITE_CONCURRENCY
    with _write_slots_lock:
        slots = _write_slots.setdefault(limit, threading.BoundedSemaphore(limit))
    if not slots.acquire(timeout=settings.GRAPH_WRITE_WAIT):
        raise GraphUnavailable("the graph server is busy with other writes; try again shortly")
    try:
        yield
    finally:
        slots.release()


def _write_transaction(work: Callable[[], T], attempts: int) -> T:
    """Run `work` as `write_transaction` does, outside any transaction, once a write place is held."""
    for attempt in range(1, attempts + 1):
        _after_commit.callbacks = []
        try:
            with translated_errors(), _transaction(WRITE_ACCESS):
                result = work()
            callbacks = _after_commit.callbacks
        except GraphUnavailable:
            _close_unbegun_session()
            tell_write_listeners()  # lost at commit, the write may have happened
            raise
        except TransientError as error:
            if error.code in OUT_OF_MEMORY_CODES:
                # Too large for the server's transaction memory: the same work would fail on every retry.
                raise GraphUnavailable(
                    "the graph server ran out of memory for this write; write it in smaller parts "
                    "(or give the server more transaction memory)"
                ) from error
            if attempt == attempts:
                # Still colliding after every retry (a burst of writers on one node): busy, not a fault (503).
                raise GraphUnavailable("the graph server is busy; try again shortly") from error
            # Jittered: writers that collided on one node and waited alike would collide again (Neo4j reports
            # them as deadlocks; forty at once on one node used up every attempt).
            time.sleep(random.uniform(0.01, 0.02 * 2**attempt))
            continue
        except ClientError as error:
            # ArcadeDB sometimes reports two transactions creating one unique key at once as a bare
            # SemanticError on the CREATE; run the work once more, where its own checks see the winner's write.
            if error.code == RACE_ON_ARCADEDB_CODE and attempt == 1:
                continue
            raise
        finally:
            _after_commit.callbacks = None
        for callback in callbacks:
            callback()
        tell_write_listeners()
        return result
    raise AssertionError("unreachable")


def _close_unbegun_session() -> None:
    """Close the session neomodel opened for a transaction the server never began (it keeps it otherwise)."""
    session = getattr(db, "_session", None)
    if session is not None and not in_transaction():
        db._session = None
        try:
            session.close()
        except UNAVAILABLE_ERRORS:
            pass


# --- Which server: Neo4j or the embedded ArcadeDB (orgs.graph.arcadedb tells them apart) ---------------


_agent_by_url: dict[str, str] = {}


def server_agent() -> str:
    """Return the server's agent string (ArcadeDB's reads 'Neo4j/5.26.0 compatible (ArcadeDB …)').

    Asked once per server URL: search calls this on every request.
    """
    driver = shared_driver()
    if _graph_url not in _agent_by_url:
        try:
            _agent_by_url[_graph_url] = str(driver.get_server_info().agent)
        except UNAVAILABLE_ERRORS as error:
            raise GraphUnavailable(str(error)) from error
    return _agent_by_url[_graph_url]
