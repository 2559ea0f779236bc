"""The fields the reads return, written once: of the node at the other end of a relationship, and of a
relationship as the pages and the API read it (a map's entries, or columns named as Python names them)."""

from __future__ import annotations

from orgs.graph import queries as q
from orgs.vocabulary import RELATIONSHIP_PROPERTIES

# The fields a page or the API shows of the node at the other end of a relationship.
OTHER_END = (
    f"uid: m.uid, name: {q.name_of('m')}, acronym: m.acronym, kind: m.kind, "
    f"label: {q.kind_of('m')}, degree: m.degree, date: coalesce(m.start, m.date)"
)
# The fields of a relationship `r` as the pages read it (a map's entries), and as the API and files do (columns:
# the file format names the ends `from` and `to` and the source `source`).
RELATIONSHIP_FIELDS = "uid: r.uid, type: type(r), " + ", ".join(f"{name}: r.{name}" for name in RELATIONSHIP_PROPERTIES)

# A relationship as Python names it (`orgs.vocabulary.RELATIONSHIP_PUBLIC_NAMES` gives the API's and the files' names).
RELATIONSHIP_ROW = "r.uid AS uid, type(r) AS type, a.uid AS start, b.uid AS end, " + ", ".join(
    f"r.{name} AS {name}" for name in RELATIONSHIP_PROPERTIES
)
RELATIONSHIP_ROW_FIELDS = ("uid", "type", "start", "end", *RELATIONSHIP_PROPERTIES)
