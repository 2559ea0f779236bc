"""The importer: a graph file read into records (`read`), checked against the rules and the graph (`check`), written
in UNWIND batches in one transaction (`write`); and the seed graph on a live graph (`seed`).

Loading is idempotent: nodes are merged on `uid` and relationships on (start, type, end), so loading a file twice
leaves the same graph.
"""
