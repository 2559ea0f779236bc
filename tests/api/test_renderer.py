"""The API's JSON renderer writes what DRF's own JSON renderer writes, only faster."""

import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from orgs.api.renderers import FastJSONRenderer

VALUES = {
    "text": "Антитеррористический центр — CIS ATC",
    "numbers": [0, -7, 2**40, 1.5],
    "nothing": None,
    "flags": [True, False],
    "day": datetime.date(2003, 2, 14),
    "moment": datetime.datetime(2003, 2, 14, 9, 30, 15, 123456, tzinfo=datetime.UTC),
    "naive": datetime.datetime(2003, 2, 14, 9, 30),
    "amount": decimal.Decimal("1.50"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("This field is required."),
    "error": ErrorDetail("is before since", code="invalid"),
    "nested": {"list": [{"a": 1}], "empty": {}},
    7: "integer key",
}


def test_renders_the_bytes_drf_renders_for_every_kind_of_value():
    assert FastJSONRenderer().render(VALUES) == JSONRenderer().render(VALUES)


def test_indented_output_for_the_browsable_api_is_drfs():
    context = {"indent": 4}

    assert FastJSONRenderer().render(VALUES, "application/json", context) == JSONRenderer().render(
        VALUES, "application/json", context
    )


def test_renders_nothing_for_no_data():
    assert FastJSONRenderer().render(None) == b""


def test_a_value_json_cannot_hold_is_an_error_not_a_silent_null():
    with pytest.raises(TypeError):
        FastJSONRenderer().render({"unknown": object()})
