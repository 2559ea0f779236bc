"""The documentation tells the truth about the vocabulary."""

from pathlib import Path

import pytest

from orgs.vocabulary import RELATIONSHIP_TYPES

pytestmark = pytest.mark.no_graph
DATA_MODEL = Path(__file__).resolve().parent.parent / "docs" / "data-model.md"


@pytest.mark.parametrize("rel", RELATIONSHIP_TYPES.values(), ids=list(RELATIONSHIP_TYPES))
def test_every_relationship_type_is_documented_with_both_readings(rel):
    row = next((line for line in DATA_MODEL.read_text().splitlines() if line.startswith(f"| `{rel.name}` |")), "")

    assert f"| {rel.forward} | {rel.backward} |" in row
