"""The documentation tells the truth about the vocabulary."""

import re
from pathlib import Path

import pytest

from orgs.vocabulary import RELATIONSHIP_TYPES

pytestmark = pytest.mark.no_graph
ROOT = Path(__file__).resolve().parent.parent
DATA_MODEL = ROOT / "docs" / "data-model.md"


@pytest.mark.parametrize("relationship_type", RELATIONSHIP_TYPES.values(), ids=list(RELATIONSHIP_TYPES))
def test_every_relationship_type_is_documented_with_both_readings(relationship_type):
    row = next(
        (line for line in DATA_MODEL.read_text().splitlines() if line.startswith(f"| `{relationship_type.name}` |")), ""
    )

    assert f"| {relationship_type.forward} | {relationship_type.backward} |" in row


@pytest.mark.parametrize("relationship_type", RELATIONSHIP_TYPES.values(), ids=list(RELATIONSHIP_TYPES))
def test_every_relationship_type_is_documented_with_the_kinds_it_joins(relationship_type):
    row = next(
        (line for line in DATA_MODEL.read_text().splitlines() if line.startswith(f"| `{relationship_type.name}` |")), ""
    )

    assert (
        f"| {', '.join(sorted(relationship_type.start_labels))} | {', '.join(sorted(relationship_type.end_labels))} |"
        in row
    )


def test_the_schema_drawing_joins_exactly_the_kinds_the_vocabulary_joins():
    drawing = DATA_MODEL.read_text().split("```mermaid", 1)[1].split("```", 1)[0]
    drawn = {
        (start, type_name, end)
        for start, types, end in re.findall(r'^\s*(\w+) -- "?([A-Z_ ·<br/>]+?)"? --> (\w+)$', drawing, re.M)
        for type_name in re.split(r" · |<br/>", types)
    }

    declared = {
        (start, relationship_type.name, end)
        for relationship_type in RELATIONSHIP_TYPES.values()
        for start in relationship_type.start_labels
        for end in relationship_type.end_labels
    }

    assert joined(drawn) == joined(declared)


def joined(triples: set[tuple[str, str, str]]) -> set[tuple[object, str]]:
    """Return the (ends, type) of (start, type, end) triples, the ends unordered for a symmetric type (drawn
    once for both directions)."""
    return {
        (
            frozenset((start, end)) if RELATIONSHIP_TYPES[relationship_type].symmetric else (start, end),
            relationship_type,
        )
        for start, relationship_type, end in triples
    }


README = ROOT / "README.md"


def test_the_readmes_map_of_the_code_names_every_module_and_package_of_orgs():
    layout = README.read_text().split("- **Code layout.**", 1)[1].split("## Commands", 1)[0]
    named = set(re.findall(r"`([\w/]+?)(?:\.py)?/?`", layout))
    modules = {
        path.relative_to(ROOT / "orgs").with_suffix("").parts
        for path in (ROOT / "orgs").rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts and "management" not in path.parts
    }
    missing = [
        "/".join(parts)
        for parts in sorted(modules)
        # a module is named by itself inside its package's row, or the package by its name
        if parts[-1] not in named and "/".join(parts) not in named
    ]
    assert not missing, f"README's code map does not name: {missing}"
