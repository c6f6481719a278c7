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


def test_a_form_page_shows_a_refusal_at_the_top_and_each_field_under_it():
    from conference.errors import FormErrors, InvalidInput
    from conference.forms import form_errors

    assert form_errors(None) == {"error": None, "errors": {}}
    shown = form_errors(FormErrors({"email": "Enter an e-mail address like an@example.vn."}))
    assert shown["error"] and set(shown["errors"]) == {"email"}
    assert form_errors(InvalidInput("Enter a time like 08:00."))["errors"] == {}
