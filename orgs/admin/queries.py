"""The Cypher the admin's querysets run (`orgs.admin.backend.GraphQuerySet`), as named builders.

A queryset turns Django's conditions into conditions on the node `n` (`lookup_condition`, `empty_condition`,
`related_condition`), then reads the nodes meeting all of them with `nodes_query` or counts them with
`nodes_count_query`. Labels and relationship types are checked against `orgs.vocabulary`, property names
against the form of a property name (the queryset takes only the node class's own), and every value is a
`$parameter`.
"""

from __future__ import annotations

from collections.abc import Sequence

from orgs.graph.queries import checked_name, checked_type, node_label

# The lookups of a text or number property: `{prop}` is the property, `{value}` the parameter.
TEXT_LOOKUPS = {
    "exact": "{prop} = {value}",
    "iexact": "toLower({prop}) = toLower({value})",
    "contains": "{prop} CONTAINS {value}",
    "icontains": "toLower({prop}) CONTAINS toLower({value})",
    "startswith": "{prop} STARTS WITH {value}",
    "istartswith": "toLower({prop}) STARTS WITH toLower({value})",
    "in": "{prop} IN {value}",
    "gt": "{prop} > {value}",
    "gte": "{prop} >= {value}",
    "lt": "{prop} < {value}",
    "lte": "{prop} <= {value}",
}
# The lookups a list property takes: the list matches when one of its items `x` does.
LIST_LOOKUPS = {
    "exact": "x = {value}",
    "iexact": "toLower(x) = toLower({value})",
    "contains": "x CONTAINS {value}",
    "icontains": "toLower(x) CONTAINS toLower({value})",
    "in": "x IN {value}",
}
# Every lookup: `isnull` (true: the property is missing or empty) has no value to compare with.
LOOKUPS = frozenset({*TEXT_LOOKUPS, "isnull"})


def _property(prop: str) -> str:
    return f"n.{checked_name(prop)}"


def lookup_condition(*, prop: str, lookup: str, value: str, is_list: bool) -> str:
    """Return the condition that `n`'s property `prop` meets `lookup` (a key of TEXT_LOOKUPS, or of LIST_LOOKUPS
    when `is_list`) against the parameter `value` (`$p0`); raise KeyError for a lookup it does not take."""
    if is_list:
        return f"any(x IN coalesce({_property(prop)}, []) WHERE {LIST_LOOKUPS[lookup].format(value=value)})"
    return TEXT_LOOKUPS[lookup].format(prop=_property(prop), value=value)


def empty_condition(*, prop: str, is_list: bool) -> str:
    """Return the condition that `n`'s property `prop` is missing or empty (an empty list, an empty text)."""
    name = _property(prop)
    return f"({name} IS NULL OR size({name}) = 0)" if is_list else f"({name} IS NULL OR {name} = '')"


def related_condition(*, relationship_type: str, other: str) -> str:
    """Return the condition that `n` has a `relationship_type` relationship, either way, to the node whose uid is
    the parameter `other` (`$p0`)."""
    return f"EXISTS {{ (n)-[:{checked_type(relationship_type)}]-(:Node {{uid: {other}}}) }}"


def _nodes_matching(label: str, conditions: Sequence[str], by_uid: bool) -> str:
    """Return the pattern and condition (what follows MATCH) of the `label` nodes meeting all `conditions`."""
    where = " AND ".join(f"({condition})" for condition in conditions)
    if by_uid:
        # The uid is indexed once, on Node (it is unique across kinds): a lookup by uid goes through that index.
        return f"(n:Node) WHERE n:{node_label(label)} AND {where}"
    return f"(n:{node_label(label)}){f' WHERE {where}' if where else ''}"


def nodes_count_query(*, label: str, conditions: Sequence[str], by_uid: bool) -> str:
    """Count the `label` nodes `n` meeting every one of `conditions` (`by_uid`: one of them looks up the uid)."""
    return f"MATCH {_nodes_matching(label, conditions, by_uid)} RETURN count(n) AS count"


def nodes_query(*, label: str, conditions: Sequence[str], by_uid: bool, ordering: Sequence[str], window: bool) -> str:
    """Read the `label` nodes `n` meeting every one of `conditions` (`by_uid`: one of them looks up the uid),
    ordered by the properties `ordering` (`-name`: descending), from `$skip` (up to `$limit` when `window`)."""
    order = ", ".join(f"{_property(field.lstrip('-'))}{' DESC' if field.startswith('-') else ''}" for field in ordering)
    query = f"MATCH {_nodes_matching(label, conditions, by_uid)} RETURN n ORDER BY {order} SKIP $skip"
    return f"{query} LIMIT $limit" if window else query
