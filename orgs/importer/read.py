"""Read a graph file (the seed graph, an export) into its records: the mapping of sections the check takes.

The file is a mapping with the sections `sources`, `countries`, `organizations`, `events`, `documents`
and `relationships` (see docs/data-model.md), in YAML or JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from orgs.vocabulary import NODE_KINDS, NodeLabel

# A graph file's node sections, each named by its kind's plural, in the order files hold them.
SECTIONS: dict[str, NodeLabel] = {
    NODE_KINDS[label].plural: label
    for label in (NodeLabel.SOURCE, NodeLabel.COUNTRY, NodeLabel.ORGANIZATION, NodeLabel.EVENT, NodeLabel.DOCUMENT)
}
NOT_RELATIONSHIP_PROPERTIES = frozenset({"type", "from", "to", "source", "uid"})  # a relationship record's other fields


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


def record_relationship_properties(record: dict[str, Any]) -> dict[str, Any]:
    """Return a relationship record's properties (its fields but type, ends and uid) as `clean_relationship` and the
    services take them: the file's `source` as `source_uid`."""
    properties = {key: value for key, value in record.items() if key not in NOT_RELATIONSHIP_PROPERTIES}
    source = record.get("source")
    properties["source_uid"] = str(source) if source else None
    return properties


def shown(value: Any, limit: int = 80) -> str:
    """Return `value` as a problem quotes it: its repr, cut to `limit` characters (a file may hold anything)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
