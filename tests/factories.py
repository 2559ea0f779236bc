"""Graphs the tests build in one query each."""

from orgs.graph import cypher


def make_hub(*, partners: int) -> None:
    """Create the organization `hub` with `partners` members, each with evidence, in one UNWIND query."""
    cypher(
        """
        CREATE (:Node:Source {uid: 'register', title: 'Register of members'})
        CREATE (hub:Node:Organization {uid: 'hub', name: 'Hub Organization',
                                       kind: 'international_organization', degree: $partners})
        WITH hub UNWIND range(1, $partners) AS i
        CREATE (p:Node:Organization {uid: 'partner-' + toString(1000 + i),
                                     name: 'Partner ' + toString(1000 + i), kind: 'unit', degree: 1})
        CREATE (p)-[:MEMBER_OF {uid: 'membership-' + toString(i), since: '2010', source_uid: 'register',
                                evidence: 'Partner ' + toString(1000 + i) + ' joined the Hub.'}]->(hub)
        """,
        {"partners": partners},
    )
