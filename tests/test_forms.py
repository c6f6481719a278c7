"""Whole numbers typed in a form: ASCII digits with an optional minus, anything else the default."""

from __future__ import annotations

import pytest

from conference.forms import form_int


@pytest.mark.parametrize(
    ("typed", "read"),
    [("12", 12), (" 7 ", 7), ("-3", -3), ("0", 0)],
)
def test_digits_typed_in_a_field_are_read_as_a_number(typed, read):
    assert form_int(typed) == read


@pytest.mark.parametrize("typed", ["", "  ", "1_000", "+5", "٣", "5.0", "1e3", "--2", "-", None, 4])
def test_anything_else_gives_the_default(typed):
    assert form_int(typed) is None
    assert form_int(typed, 9) == 9
