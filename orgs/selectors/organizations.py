"""Find organizations: the full-text search (ranked, filtered by kind, country, relationship type and as-of
day; the search page, autocomplete and the path finder's fields), and browsing them by name a window of the name
index at a time."""

from __future__ import annotations

from typing import Any

from orgs.dates import valid_on_clause
from orgs.graph.arcadedb import fulltext_index_name, fulltext_pages_stably
from orgs.graph.connection import read_cypher
from orgs.graph.name_sample import organization_name_sample
from orgs.search import search_words


def fulltext_query(text: str) -> str:
    """Return the full-text query for what a person typed: every word required, each as a prefix.

    Raise ValueError for a search that asks too much (`orgs.search.search_problem`: the views check first).
    """
    return " ".join(f"+{word}*" for word in search_words(text))


# Organization names are unique, so the name orders every equal score (no need to read each match's uid too).
# Among equal scores the shorter search text ranks first, as a length norm would: on Neo4j every prefix match scores
# the same, and "interp" should find INTERPOL before an inter-parliamentary assembly. On the embedded server an
# unfiltered search by relevance needs no sort at all (see organization_list_query).
SEARCH_ORDERS = {
    "relevance": "score DESC, size(o.search_text), o.name",
    "name": "o.name",
    "relationships": "o.degree DESC, o.name",
}
AS_OF_CLAUSE = valid_on_clause("o", begins="founded", ends="dissolved")  # bodies founded and not yet dissolved
SINGLE_SOURCE_CLAUSE = "COUNT { (o)-[t]-() WHERE t.source_count = 1 } > 0"  # a relationship resting on one source


def organization_list_query(
    *,
    searching: bool,
    sort: str = "relevance",
    by_kind: bool = True,
    by_country: bool = True,
    by_relationship_type: bool = True,
    by_as_of: bool = True,
    single_source: bool = False,
    keyset: bool = True,
    descending: bool = False,
    window: bool = False,
    index_pages: bool = True,
) -> str:
    """Return the organization list query: full-text when `searching` (in `sort` order), else by name.

    Only the filters in use (`by_kind`, `by_country`, `by_relationship_type`, `by_as_of` — bodies founded by and not
    dissolved before `$as_of` —, `single_source` — bodies with a relationship resting on one source only — and
    `keyset` for a page after the first) are written into the query, so an
    unfiltered list is a plain range of the name index. `window` also bounds the names from above by
    `$before_name` (below when `descending`, which lists by name from Z to A). `index_pages`: the full-text
    procedure pages an unfiltered search by relevance itself (see `orgs.graph.arcadedb.fulltext_pages_stably`); else the
    matches are sorted (`SEARCH_ORDERS`).
    """
    clauses = [
        *(["o.kind = $kind"] if by_kind else []),
        *(["EXISTS { (o)-[:LOCATED_IN]->(:Country {uid: $country}) }"] if by_country else []),
        *(["COUNT { (o)-[t]-() WHERE type(t) = $relationship_type } > 0"] if by_relationship_type else []),
        *([AS_OF_CLAUSE] if by_as_of else []),
        *([SINGLE_SOURCE_CLAUSE] if single_source else []),
    ]
    columns = (
        "o.uid AS uid, o.name AS name, o.acronym AS acronym, o.aliases AS aliases, o.kind AS kind, o.degree AS degree"
    )
    if searching and sort == "relevance" and not clauses and index_pages:
        # ArcadeDB's procedure returns its matches by score, equal scores in the index's own stable order, and
        # pages them itself: it stops after skip + limit instead of handing every match of a common word over
        # to a sort. Neo4j's scores every prefix match the same and, given a limit, returns equal scores in an order
        # that changes with the limit: there the matches are sorted below (SEARCH_ORDERS).
        return f"""
CALL db.index.fulltext.queryNodes($index, $query, {{skip: $skip, limit: $limit}}) YIELD node, score
WITH node AS o, score
RETURN {columns}, score
"""
    if searching:
        # The index holds organizations only (see orgs.graph.queries), so no label test. Sort the matches before reading
        # their columns: a common word matches thousands of organizations.
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return f"""
CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score
WITH node AS o, score {where}
WITH o, score ORDER BY {SEARCH_ORDERS[sort]} SKIP $skip LIMIT $limit
RETURN {columns}, score ORDER BY {SEARCH_ORDERS[sort]}
"""
    after, order = ("<", " DESC") if descending else (">", "")
    if window:
        clauses.insert(0, f"o.name {'>' if descending else '<'} $before_name")
    if keyset:
        # The bound stands alone (not only inside the OR) so that the server can start the index range there.
        clauses.insert(0, f"o.name {after}= $after_name AND (o.name {after} $after_name OR o.uid {after} $after_uid)")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return f"""
MATCH (o:Organization)
{where}
RETURN {columns} ORDER BY o.name{order}, o.uid{order} LIMIT $limit
"""


def organization_list(
    *,
    q: str = "",
    kind: str | None = None,
    country: str | None = None,
    relationship_type: str | None = None,
    after: tuple[str, str] | None = None,
    skip: int = 0,
    limit: int = 50,
    sort: str = "relevance",
    as_of: str | None = None,
    single_source: bool = False,
    descending: bool = False,
) -> list[dict[str, Any]]:
    """Return one page of organizations matching the filters (`single_source`: only those with a relationship that
    rests on a single source, for analysts to find what needs corroborating).

    With `q` (name, acronym or alias; case- and accent-insensitive; words may be partial) the page is ranked
    by relevance (or by name, or most relationships first: `sort`) and paged with `skip`: equally relevant bodies come
    shortest search text first, then by name, except on the embedded server without a filter, where they come in
    its full-text index's own stable order. Without `q`, ordered by name
    and paged by the keyset `after` = (name, uid) of the last row of the previous page, which stays fast at
    any depth.
    """
    query_text = fulltext_query(q) if q else ""
    filtered = kind is not None or country is not None or relationship_type is not None or as_of is not None
    if not query_text and not filtered and not single_source:
        return organizations_by_name(after=after, limit=limit, descending=descending)
    params = {"kind": kind, "country": country, "relationship_type": relationship_type, "limit": limit, "as_of": as_of}
    after_name, after_uid = after or (None, None)
    if query_text:
        params.update(index=fulltext_index_name(), query=query_text, skip=skip)
    else:
        params.update(after_name=after_name, after_uid=after_uid)
    query = organization_list_query(
        searching=bool(query_text),
        sort=sort,
        by_kind=kind is not None,
        by_country=country is not None,
        by_relationship_type=relationship_type is not None,
        by_as_of=as_of is not None,
        single_source=single_source,
        keyset=after is not None,
        descending=descending,
        index_pages=bool(query_text) and fulltext_pages_stably(),
    )
    return read_cypher(query, params)


def organizations_by_name(
    *, after: tuple[str, str] | None = None, limit: int = 50, descending: bool = False
) -> list[dict[str, Any]]:
    """Return one page of all organizations by name (keyset `after` = (name, uid)), reading a window at a time.

    Usually one query over about `NAME_WINDOW` names, whatever the depth; the next window only when the first
    held fewer than `limit` organizations after `after`.
    """
    sample = organization_name_sample()
    if descending:
        bounds = [name for name in reversed(sample) if after is None or name < after[0]]
    else:
        bounds = [name for name in sample if after is None or name > after[0]]
    rows: list[dict[str, Any]] = []
    for before in [*bounds, None]:
        query = organization_list_query(
            searching=False,
            by_kind=False,
            by_country=False,
            by_relationship_type=False,
            by_as_of=False,
            keyset=after is not None,
            descending=descending,
            window=before is not None,
        )
        after_name, after_uid = after or (None, None)
        rows += read_cypher(
            query, {"after_name": after_name, "after_uid": after_uid, "before_name": before, "limit": limit - len(rows)}
        )
        if len(rows) >= limit or before is None:
            break
        # The next window starts at `before` itself: every uid sorts after "" (before "\uffff" from Z to A).
        after = (before, "\uffff" if descending else "")
    return rows
