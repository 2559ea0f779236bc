"""Match a reading's names to the graph's nodes, and find the proposals that restate a relationship it has.

An organization is looked up through the full-text index (every word of its name and acronym, any of them), its
candidates then scored by rapidfuzz against each node's name, acronym and aliases; countries, events and
documents are few and read whole. A name is matched when one node scores `MATCH_AT` or more and no other comes
within `TIE_MARGIN` of it; when two do, it is ambiguous and the editor chooses (nothing is guessed silently).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from orgs.graph.arcadedb import fulltext_index_name
from orgs.graph.connection import read_cypher
from orgs.ingest.reading import Candidate, Entity, Reading
from orgs.ingest.rules import folded, reader_rules
from orgs.search import fold
from orgs.vocabulary import RELATIONSHIP_TYPES, NodeLabel

MATCH_AT = 88  # a name scoring this much against a node is that node
TIE_MARGIN = 2  # a second node scoring within this of the best makes the name ambiguous
KEPT_CANDIDATES = 5  # shown to the editor, best first
CANDIDATE_AT = 60  # a node scoring less is not worth showing
FULLTEXT_HITS = 10  # nodes asked of the index for each name
TELLING_WORDS = 2  # the uncommon words of a name it is looked up by
# A name that begins with another name of at least this many words (or is begun by one) means the same body:
# "Central Asian Regional Information and Coordination Centre for combating …" is CARICC's full name cut short.
PREFIX_WORDS = 4
PREFIX_SCORE = 92
# Words that say nothing of which body is meant (the index would rank half the graph by them).
COMMON_WORDS = frozenset({"of", "the", "for", "on", "and", "in", "to", "de", "against", "at", "a", "an"})

# The organizations of each name {key, name} exactly.
ORGANIZATIONS_NAMED = """
UNWIND $asks AS ask
MATCH (node:Organization {name: ask.name})
RETURN ask.key AS key, node.uid AS uid, node.name AS name, node.acronym AS acronym, node.aliases AS aliases
"""

# Each name's best full-text matches: {key, query} in, the candidate nodes out.
# The index's own `limit` keeps the best-scored hits of each; no CALL subquery (Neo4j 5.23+ wants its scope
# clause, which the embedded server does not read).
ORGANIZATION_CANDIDATES = """
UNWIND $asks AS ask
CALL db.index.fulltext.queryNodes($index, ask.query, {limit: $hits}) YIELD node
RETURN ask.key AS key, node.uid AS uid, node.name AS name, node.acronym AS acronym, node.aliases AS aliases
"""

# Every country, with the names it goes by.
COUNTRY_NAMES = """
MATCH (n:Country)
RETURN n.uid AS uid, n.name AS name, n.iso_code AS iso_code, n.official_name AS official_name, n.aliases AS aliases
"""

# Every event and document, with its name (there are few of either beside organizations).
EVENT_AND_DOCUMENT_NAMES = """
MATCH (n:Node) WHERE n:Event OR n:Document
RETURN n.uid AS uid, n.name AS name, CASE WHEN n:Event THEN 'Event' ELSE 'Document' END AS label
"""

# The relationship each proposal {key, start, end, type, symmetric} restates, if the graph has it, with how many
# sources it rests on.
RESTATED_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:Node {uid: row.start})-[r]-(b:Node {uid: row.end})
WHERE type(r) = row.type AND (row.symmetric OR startNode(r) = a)
RETURN row.key AS key, r.uid AS uid, r.source_count AS source_count
"""


def reading_matched(reading: Reading) -> Reading:
    """Return `reading` with each entity's candidate nodes, its match (or `ambiguous`), and each proposal's
    relationship already in the graph, if any (`existing_uid`, `existing_source_count`)."""
    organizations = [e for e in reading.entities if e.label == NodeLabel.ORGANIZATION.value]
    _match(organizations, _organization_candidates(organizations))
    countries = [e for e in reading.entities if e.label == NodeLabel.COUNTRY.value]
    _match_countries(countries, read_cypher(COUNTRY_NAMES) if countries else [])
    others = [e for e in reading.entities if e.label in (NodeLabel.EVENT.value, NodeLabel.DOCUMENT.value)]
    if others:
        rows = read_cypher(EVENT_AND_DOCUMENT_NAMES)
        _match(others, {e.key: [row for row in rows if row["label"] == e.label] for e in others})
    _mark_restated(reading)
    return reading


def name_score(name: str, acronym: str | None, node: dict[str, Any]) -> float:
    """Return how well a name (and acronym) the source gives matches a node (its name, acronym and aliases),
    0–100."""
    said = folded(name)
    best = 0.0
    for each in (node.get("name"), *(node.get("aliases") or ())):
        if not each:
            continue
        known = folded(each)
        if known == said:
            return 100.0
        best = max(best, fuzz.token_sort_ratio(said, known))
        shorter, longer = sorted((said.split(), known.split()), key=len)
        if len(shorter) >= PREFIX_WORDS and longer[: len(shorter)] == shorter:
            best = max(best, PREFIX_SCORE)
    node_acronym = node.get("acronym")
    if node_acronym and (acronym or name).replace(" ", "").casefold() == node_acronym.replace(" ", "").casefold():
        best = max(best, 99.0)
    return best


def _organization_candidates(entities: list[Entity]) -> dict[str, list[dict[str, Any]]]:
    """Return each entity's candidate nodes: those of its exact name (the name index), and those the full-text
    index finds by its telling words (`_fulltext_query`), each distinct query asked once."""
    found: dict[str, list[dict[str, Any]]] = {e.key: [] for e in entities}
    if not entities:
        return found
    for row in read_cypher(ORGANIZATIONS_NAMED, {"asks": [{"key": e.key, "name": e.name} for e in entities]}):
        found[row["key"]].append(row)
    keys_by_query: dict[str, list[str]] = {}
    for entity in entities:
        query = _fulltext_query(entity)
        if query:
            keys_by_query.setdefault(query, []).append(entity.key)
    asks = [{"key": query, "query": query} for query in keys_by_query]
    if asks:
        params = {"asks": asks, "index": fulltext_index_name(), "hits": FULLTEXT_HITS}
        for row in read_cypher(ORGANIZATION_CANDIDATES, params):
            for key in keys_by_query[row["key"]]:
                found[key].append(row)
    return found


def _fulltext_query(entity: Entity) -> str:
    """Return the full-text query for the nodes `entity` may be: its `TELLING_WORDS` longest uncommon words
    together ("baltic", "shanghai AND cooperation" is not asked: the index reads every node a common word names),
    or its acronym; a name of common words only is asked by its first words."""
    common = reader_rules().common_name_words
    words = list(dict.fromkeys(fold(entity.name).split()))
    telling = sorted((w for w in words if w not in common and len(w) > 2), key=len, reverse=True)[:TELLING_WORDS]
    query = " AND ".join(telling or [w for w in words if w not in COMMON_WORDS][: TELLING_WORDS + 1])
    if entity.acronym:
        acronym = fold(entity.acronym).replace(" ", "")
        query = f"({query}) OR {acronym}" if query else acronym
    return query


def _match(entities: Iterable[Entity], candidates: dict[str, list[dict[str, Any]]]) -> None:
    for entity in entities:
        scored: dict[str, Candidate] = {}
        for node in candidates.get(entity.key, []):
            score = name_score(entity.name, entity.acronym, node)
            if score >= CANDIDATE_AT and (node["uid"] not in scored or scored[node["uid"]].score < score):
                scored[node["uid"]] = Candidate(uid=node["uid"], name=node["name"], score=round(score, 1))
        _decide(entity, sorted(scored.values(), key=lambda c: (-c.score, c.name))[:KEPT_CANDIDATES])


def _match_countries(entities: list[Entity], rows: list[dict[str, Any]]) -> None:
    by_code = {row["iso_code"]: row for row in rows if row.get("iso_code")}
    for entity in entities:
        node = by_code.get(entity.fields.get("iso_code", ""))
        if node is not None:
            _decide(entity, [Candidate(uid=node["uid"], name=node["name"], score=100.0)])
            continue
        named = [{**row, "aliases": [row.get("official_name"), *(row.get("aliases") or [])]} for row in rows]
        _match([entity], {entity.key: named})


def _decide(entity: Entity, candidates: list[Candidate]) -> None:
    entity.candidates = candidates
    entity.match_uid, entity.ambiguous = None, False
    if not candidates or candidates[0].score < MATCH_AT:
        return
    if len(candidates) > 1 and candidates[1].score >= candidates[0].score - TIE_MARGIN:
        entity.ambiguous = True
        return
    entity.match_uid = candidates[0].uid


def _mark_restated(reading: Reading) -> None:
    matched = {e.key: e.match_uid for e in reading.entities if e.match_uid}
    rows = [
        {
            "key": p.key,
            "start": matched[p.start],
            "end": matched[p.end],
            "type": p.relationship_type,
            "symmetric": RELATIONSHIP_TYPES[p.relationship_type].symmetric,
        }
        for p in reading.proposals
        if p.start in matched and p.end in matched
    ]
    found = {row["key"]: row for row in read_cypher(RESTATED_RELATIONSHIPS, {"rows": rows})} if rows else {}
    for proposal in reading.proposals:
        row = found.get(proposal.key)
        proposal.existing_uid = row["uid"] if row else None
        proposal.existing_source_count = (row["source_count"] or 0) if row else 0
