"""The fields the reads return, written once: of the node at the other end of a relationship, and of a
relationship as the pages and the API read it (a map's entries, or columns named as Python names them)."""

from __future__ import annotations

from orgs.graph import queries as q
from orgs.vocabulary import CITATION_FIELDS, RELATIONSHIP_PROPERTIES

# The fields a page or the API shows of the node at the other end of a relationship.
OTHER_END = (
    f"uid: m.uid, name: {q.name_of('m')}, acronym: m.acronym, kind: m.kind, "
    f"label: {q.kind_of('m')}, degree: m.degree, date: coalesce(m.start, m.date)"
)
# The fields of a relationship `r` as the pages read it (a map's entries): what its citations support together
# (`orgs.validation.relationship_summary`), `source_count` among them; its citations come in a second query
# (`orgs.selectors.citations.citations_of`). The API and files read columns (below).
RELATIONSHIP_FIELDS = "uid: r.uid, type: type(r), " + ", ".join(f"{name}: r.{name}" for name in RELATIONSHIP_PROPERTIES)
# The fields of a citation `c` as pages and the API read it (a map's entries): its own, not the keys it is
# stored under (its relationship's uid, type and ends).
CITATION_MAP = "uid: c.uid, " + ", ".join(f"{name}: c.{name}" for name in CITATION_FIELDS)

# A relationship as Python names it (`orgs.vocabulary.RELATIONSHIP_PUBLIC_NAMES` gives the API's and the files' names).
RELATIONSHIP_ROW = "r.uid AS uid, type(r) AS type, a.uid AS start, b.uid AS end, " + ", ".join(
    f"r.{name} AS {name}" for name in RELATIONSHIP_PROPERTIES
)
RELATIONSHIP_ROW_FIELDS = ("uid", "type", "start", "end", *RELATIONSHIP_PROPERTIES)


def sources_clause(variable: str) -> str:
    """Return Cypher that is true when relationship `variable` rests on at least `$sources_min` and at most
    `$sources_max` distinct sources (either null: no bound), from its stored `source_count`."""
    v = variable
    return (
        f"($sources_min IS NULL OR {v}.source_count >= $sources_min) "
        f"AND ($sources_max IS NULL OR {v}.source_count <= $sources_max)"
    )
