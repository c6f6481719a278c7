"""A delegate's e-mail and own code are unique within the event, and the refusal names them."""

from __future__ import annotations

import pytest

from conference.errors import Conflict
from conference.i18n import set_locale, translate_error
from conference.invitations import DelegateInput, create_delegate
from tests.invitations.helpers import make_event


async def test_a_taken_code_is_refused_with_the_code_in_the_message(db):
    event_id, _ = await make_event()
    await create_delegate(event_id, DelegateInput(full_name="Nguyễn Văn An", code="DB-017"))
    with pytest.raises(Conflict) as refused:
        await create_delegate(event_id, DelegateInput(full_name="Trần Thị Bình", code="DB-017"))
    assert refused.value.answer_code == "conflict"
    assert str(refused.value) == "Another delegate of this event already has the code DB-017."
    set_locale("vi")
    assert translate_error(refused.value) == (
        "Mã DB-017 đã thuộc về một đại biểu khác của hội nghị này."
    )
