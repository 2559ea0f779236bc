"""The patterns the API schema gives text fields and dates promise no more than the rules every write checks."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgs.api.serializers import PARTIAL_DATE_SCHEMA
from orgs.dates import parse_partial_date
from orgs.validation import SPACE_CHARACTERS, TEXT_LIMITS, text_problem, text_schema_pattern

pytestmark = pytest.mark.no_graph


def test_the_space_characters_are_those_strip_takes_off():
    spaces = re.compile(f"[{SPACE_CHARACTERS}]")

    characters = map(chr, range(sys.maxunicode + 1))

    assert [hex(ord(char)) for char in characters if char.isspace() != bool(spaces.fullmatch(char))] == []


@pytest.mark.parametrize("blank", [False, True], ids=["not blank", "may be blank"])
@pytest.mark.parametrize("name", sorted(TEXT_LIMITS))
@given(data=st.data())
def test_text_the_schema_pattern_allows_is_text_the_rules_take(name, blank, data):
    # What the schema allows, within its maxLength (TEXT_LIMITS), as the API passes it on: stripped.
    pattern = text_schema_pattern(name, blank=blank)
    value = data.draw(st.from_regex(pattern, fullmatch=True).filter(lambda text: len(text) <= TEXT_LIMITS[name]))

    assert text_problem(name, value.strip()) is None
    assert value.strip() or blank


@given(date=st.from_regex(PARTIAL_DATE_SCHEMA["pattern"], fullmatch=True))
def test_a_date_the_schema_pattern_allows_is_a_date_the_rules_take(date):
    assert parse_partial_date(date) == date
