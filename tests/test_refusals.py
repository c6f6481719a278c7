"""Each refusal a user can cause carries its own code, so a caller tells one from another."""

from __future__ import annotations

from datetime import date, time

import pytest

from conference import auth
from conference.errors import Conflict, InvalidInput
from conference.invitations import DelegateInput, create_delegate
from conference.invitations.services import record_rsvp
from conference.limits import LONG_TEXT_LIMIT, TEXT_LIMIT, guard_writes
from conference.program.agenda.items import Day
from conference.program.agenda.schemas import parse_moment, parse_shift
from conference.tables import ALL_TABLES, Delegate, Event, Role
from tests.invitations.helpers import make_event


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [("bàn-1", "mật khẩu đủ dài", "invalid_username"), ("ban1", "ngắn", "password_too_short")],
)
async def test_a_bad_account_is_refused_with_what_is_wrong(db, username, password, code):
    with pytest.raises(InvalidInput) as refused:
        await auth.create_user(username, password, Role.desk)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("minutes", "code"),
    [("0", "shift_not_a_number"), ("soon", "shift_not_a_number"), ("5000", "shift_too_far")],
)
def test_a_bad_shift_is_refused_with_what_is_wrong(minutes, code):
    with pytest.raises(InvalidInput) as refused:
        parse_shift(minutes)
    assert refused.value.code == code


def test_an_actual_time_that_is_not_a_time_is_refused_as_such():
    event = {"date": date(2022, 9, 12), "starts_at": time(7, 30), "ends_at": time(11, 30)}
    day = Day.of({**event, "timezone": "Asia/Ho_Chi_Minh"})  # type: ignore[typeddict-item]
    with pytest.raises(InvalidInput) as refused:
        parse_moment("chín giờ", day)
    assert refused.value.code == "bad_time"


async def test_a_taken_email_and_a_taken_code_are_told_apart(db):
    event_id, _ = await make_event()
    await create_delegate(
        event_id, DelegateInput(full_name="Nguyễn Văn An", email="an@soxaydung.vn", code="DB-1")
    )
    with pytest.raises(Conflict) as email_taken:
        await create_delegate(
            event_id, DelegateInput(full_name="Trần Thị Bình", email="an@soxaydung.vn")
        )
    with pytest.raises(Conflict) as code_taken:
        await create_delegate(event_id, DelegateInput(full_name="Trần Thị Bình", code="DB-1"))
    assert (email_taken.value.code, code_taken.value.code) == ("email_taken", "delegate_code_taken")
    # JSON answers keep the code they always carried.
    assert email_taken.value.answer_code == code_taken.value.answer_code == "conflict"


async def test_an_answer_that_is_neither_yes_nor_no_is_refused_before_anything_is_read(db):
    with pytest.raises(InvalidInput) as refused:
        await record_rsvp("any-token", "maybe")
    assert refused.value.code == "rsvp_not_chosen"


@pytest.mark.parametrize(
    ("write", "code"),
    [
        (lambda: Delegate.update({Delegate.honorific: "Ô" * 33}), "too_long"),
        (lambda: Delegate.update(seat="G" * 51), "too_long"),
        (lambda: Delegate.update({"notes": "n\x00"}), "control_character"),
        (lambda: Event.update({Event.title: "T" * (TEXT_LIMIT + 1)}), "too_long"),
        (
            lambda: Delegate.insert(Delegate(full_name="A", event=1, protocol_rank=2**31)),
            "number_out_of_range",
        ),
        (
            lambda: Delegate.insert(Delegate(full_name="A", event=-(2**31) - 1)),
            "number_out_of_range",
        ),
    ],
    ids=[
        "varchar-by-column",
        "varchar-by-keyword",
        "nul-by-name",
        "text",
        "integer",
        "foreign-key",
    ],
)
def test_a_write_past_its_columns_limit_is_refused_before_it_is_sent(write, code):
    """The database's limits, checked as the query is built: on SQLite too, which keeps
    any length in a varchar, and before PostgreSQL could answer with an error."""
    guard_writes(ALL_TABLES)  # as binding the tables to an engine does
    with pytest.raises(InvalidInput) as refused:
        write()
    assert refused.value.code == code


def test_long_texts_and_derived_columns_have_their_own_limits():
    guard_writes(ALL_TABLES)
    Event.update({Event.invitation_body: "x" * (TEXT_LIMIT * 10)})  # the wording is long text
    Delegate.update({Delegate.search_key: "x" * (TEXT_LIMIT * 3)})  # written from checked parts
    with pytest.raises(InvalidInput):
        Event.update({Event.invitation_body: "x" * (LONG_TEXT_LIMIT + 1)})
