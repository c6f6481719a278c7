"""Each refusal a user can cause carries its own code, so a caller tells one from another."""

from __future__ import annotations

from datetime import date, time

import pytest

from conference import auth
from conference.errors import Conflict, InvalidInput
from conference.invitations import DelegateInput, create_delegate
from conference.invitations.services import record_rsvp
from conference.program.agenda.items import Day
from conference.program.agenda.schemas import parse_moment, parse_shift
from conference.tables import Role
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
