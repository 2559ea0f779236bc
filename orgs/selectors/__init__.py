"""Reads: each function answers one question with one (or a few, bounded) parameterized graph queries.

One module per family of questions: `nodes` (a node's profile and its relationships, lists by kind), `citations`
(those of the relationships a page shows), `sources`, `organizations` (search and browsing by name), `network`
(neighbourhoods), `paths`, `stats`, `relationships` (the API's list), `exports`; `fields` holds the fields they
return. Every query is a named constant or built by a named function from the code's own vocabulary, so a test can
collect them all and lint them against Neo4j 5. `as_of` is a full ISO day (see `orgs.dates.as_of_day`):
relationships not yet begun or already ended on that day are left out.
"""
