"""The award list: forms highest first, recipients in calling order, checked input."""

from __future__ import annotations

import unicodedata
from datetime import date, time

import pytest

from conference import auth, demo
from conference.errors import Conflict, FormErrors
from conference.events import get_event
from conference.invitations import DelegateInput, add_delegates
from conference.program import runsheet
from conference.program.awards import services as awards
from conference.tables import DelegateSource, Event, Role
from tests.conftest import csrf_token, log_in


async def _event() -> int:
    event = Event(
        slug="hn", title="Hội nghị", date=date(2022, 9, 12), starts_at=time(8), ends_at=time(11)
    )
    await event.save()
    return int(event.id)


async def test_forms_and_recipients_are_kept_in_order_and_in_nfc(db):
    event_id = await _event()
    lower = await awards.create_form(event_id, awards.FormInput(title="Giấy khen", rank=2))
    higher = await awards.create_form(
        event_id,
        awards.FormInput(
            title="Bằng khen của Bộ trưởng",
            rank=1,
            decision_number=" 1069/QĐ-BXD ",
            decision_date=date(2022, 8, 26),
        ),
    )
    assert [f["id"] for f in await awards.award_forms(event_id)] == [higher, lower]
    [delegate] = await add_delegates(
        event_id,
        [DelegateInput(full_name="Lê Minh Đức", honorific="Ông")],
        source=DelegateSource.manual,
    )
    first = await awards.add_recipient(
        event_id,
        higher,
        awards.RecipientInput(
            name=unicodedata.normalize("NFD", "Tổ A"), kind="collective", delegate_id=delegate
        ),
    )
    second = await awards.add_recipient(event_id, higher, awards.RecipientInput(name="Lê Văn B"))
    listed = await awards.recipients(event_id, form_id=higher)
    assert [r["id"] for r in listed] == [first, second]
    assert (
        listed[0]["name"] == unicodedata.normalize("NFC", "Tổ A")
        and listed[0]["delegate_name"] == "Lê Minh Đức"
    )
    await awards.move_recipient_in_list(event_id, second, -1)
    assert [r["id"] for r in await awards.recipients(event_id, form_id=higher)] == [second, first]
    with pytest.raises(FormErrors) as wrong:
        await awards.add_recipient(
            event_id, higher, awards.RecipientInput(name=" ", kind="team", delegate_id=999_999)
        )
    assert set(wrong.value.fields) == {"name", "kind", "delegate_id"}
    with pytest.raises(FormErrors):
        await awards.create_form(event_id, awards.FormInput(title="", rank=0))


async def test_an_award_form_once_presented_cannot_be_removed(db):
    await demo.load()
    event = await get_event("nguoi-tot-viec-tot-2022")
    forms = await awards.award_forms(event["id"])
    await runsheet.next_cue(event)
    with pytest.raises(Conflict, match="presented already") as refused:
        await awards.delete_form(event["id"], forms[0]["id"])
    assert refused.value.code == "award_presented"
    await awards.delete_form(event["id"], forms[2]["id"])
    sheet = await runsheet.load(event)
    assert [c.award_form_id for c in sheet.cues] == [forms[0]["id"]] * 2 + [forms[1]["id"]] * 3


async def test_the_award_list_pages(client, db, sample_password):
    await demo.load()
    await auth.create_user("btc", sample_password, Role.organizer)
    await log_in(client, "btc", sample_password)
    slug = "nguoi-tot-viec-tot-2022"
    token = await csrf_token(client, f"/events/{slug}/awards/")
    bad = await client.post(
        f"/events/{slug}/awards/forms", data={"_csrf_token": token, "title": "", "rank": "x"}
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    made = await client.post(
        f"/events/{slug}/awards/forms",
        data={
            "_csrf_token": token,
            "title": "Giấy khen của Công đoàn ngành",
            "rank": "4",
            "decision_number": "15/QĐ-CĐN",
            "decision_date": "2022-09-09",
            "issuer": "",
        },
        follow_redirects=False,
    )
    assert made.status_code in (302, 303)
    page = await client.get(f"/events/{slug}/awards/")
    assert "Giấy khen của Công đoàn ngành" in page.text and "15/QĐ-CĐN" in page.text
    form_id = (await awards.award_forms((await get_event(slug))["id"]))[-1]["id"]
    added = await client.post(
        f"/events/{slug}/awards/forms/{form_id}/recipients",
        data={
            "_csrf_token": token,
            "name": "Tổ Công đoàn số 1",
            "kind": "collective",
            "delegate_id": "",
            "representative_name": "Trần Văn C",
            "honorific": "Ông",
        },
        follow_redirects=False,
    )
    assert added.status_code in (302, 303)
    page = await client.get(f"/events/{slug}/awards/")
    assert "Tổ Công đoàn số 1" in page.text and "Trần Văn C" in page.text
