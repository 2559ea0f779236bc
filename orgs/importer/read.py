"""Read a graph file (the seed graph, an export) into its records: the mapping of sections the check takes.

The file is a mapping with the sections `sources`, `countries`, `organizations`, `events`, `documents`
and `relationships` (see docs/data-model.md), in YAML or JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from orgs.validation import single_source_citation
from orgs.vocabulary import NODE_KINDS, NodeLabel, relationship_python_name

# A graph file's node sections, each named by its kind's plural, in the order files hold them.
SECTIONS: dict[str, NodeLabel] = {
    NODE_KINDS[label].plural: label
    for label in (NodeLabel.SOURCE, NodeLabel.COUNTRY, NodeLabel.ORGANIZATION, NodeLabel.EVENT, NodeLabel.DOCUMENT)
}
# A relationship record's fields: its type and ends, then either its `citations` (with, as exports write them, what
# they support together: checked against it) or today's single-source fields (one citation).
RELATIONSHIP_RECORD_FIELDS = frozenset({"type", "from", "to", "uid"})
SUMMARY_RECORD_FIELDS = ("since", "until", "qualifier", "confidence", "source_count")
SINGLE_SOURCE_FIELDS = frozenset({"source", "evidence"})


class GraphFileInvalid(Exception):
    """The file cannot be loaded; `problems` names each bad record and field. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


def read_graph_file(path: Path) -> dict[str, Any]:
    """Return the parsed YAML or JSON file at `path`; raise GraphFileInvalid if it cannot be read."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GraphFileInvalid([f"{path}: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        raise GraphFileInvalid([f"{path}: not valid YAML/JSON: {error}"]) from None
    except RecursionError:
        raise GraphFileInvalid([f"{path}: nested too deeply to be a graph file"]) from None
    if not isinstance(data, dict):
        raise GraphFileInvalid([f"{path}: expected a mapping of sections at the top"])
    for source in data.get("sources") or []:
        # A source may keep its text in a file beside the graph file.
        if isinstance(source, dict) and source.get("file") and not source.get("text"):
            text_path = path.parent / "sources" / source["file"]
            try:
                source["text"] = text_path.read_text(encoding="utf-8")
            except OSError as error:
                raise GraphFileInvalid([f"sources[{source.get('uid')}]: field 'file': {error.strerror}"]) from None
            del source["file"]
    return data


def record_citations(record: dict[str, Any]) -> tuple[list[Any], dict[str, Any], dict[str, list[str]]]:
    """Return what relationship `record` states: its citations (as written, each for `citation_python`), the
    summary fields it gives beside them (SUMMARY_RECORD_FIELDS, to be checked against what they support), and
    what is wrong with its form by field (unknown fields, both forms at once, `citations` not a list).

    A record in today's single-source form (`source`, `evidence`, `since`…, no `citations`) states one citation.
    """
    problems: dict[str, list[str]] = {}
    fields = {key: value for key, value in record.items() if key not in RELATIONSHIP_RECORD_FIELDS}
    if "citations" not in fields:
        allowed = {*SINGLE_SOURCE_FIELDS, *SUMMARY_RECORD_FIELDS[:4]}
        for name in fields:
            if name not in allowed:
                problems[name] = ["unknown field for a relationship"]
        single = {relationship_python_name(name): value for name, value in fields.items() if name in allowed}
        return [single_source_citation(single)], {}, problems
    for name in sorted(SINGLE_SOURCE_FIELDS & set(fields)):
        problems[name] = ["a relationship with `citations` names its sources in them (give one form, not both)"]
    for name in fields:
        if name not in {"citations", *SINGLE_SOURCE_FIELDS, *SUMMARY_RECORD_FIELDS}:
            problems[name] = ["unknown field for a relationship"]
    citations = fields["citations"]
    if not isinstance(citations, list) or not citations:
        problems["citations"] = ["expected a list of one or more citations"]
        citations = []
    summary = {name: fields[name] for name in SUMMARY_RECORD_FIELDS if fields.get(name) not in (None, "")}
    return citations, summary, problems


def shown(value: Any, limit: int = 80) -> str:
    """Return `value` as a problem quotes it: its repr, cut to `limit` characters (a file may hold anything)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
