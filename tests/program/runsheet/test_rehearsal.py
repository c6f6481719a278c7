"""Rehearsals leave no trace: every record put back at the end; refusals; check-ins stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conference import auth, demo
from conference.checkin.services import check_in_delegate
from conference.events import get_event
from conference.i18n import translate_error
from conference.program import runsheet
from conference.program.agenda import services as agenda
from conference.program.agenda import timer
from conference.tables import (
    AwardRecipient,
    Cue,
    Delegate,
    Event,
    Introduction,
    ProgrammeItem,
    Role,
    Speaker,
    SpeechTimer,
)

SLUG = "nguoi-tot-viec-tot-2022"


@pytest.fixture
async def event(db):
    await demo.load()
    return await get_event(SLUG)


async def _recorded(event_id: int) -> dict:
    """Every time, state and mark the day records, as the database holds them."""
    return {
        "cues": await Cue.select(Cue.id, Cue.state, Cue.started_at, Cue.ended_at)
        .where(Cue.event == event_id)
        .order_by(Cue.id),
        "items": await ProgrammeItem.select(
            ProgrammeItem.id, ProgrammeItem.actual_start, ProgrammeItem.actual_end
        )
        .where(ProgrammeItem.event == event_id)
        .order_by(ProgrammeItem.id),
        "recipients": await AwardRecipient.select(
            AwardRecipient.id,
            AwardRecipient.presence,
            AwardRecipient.stand_in_name,
            AwardRecipient.stand_in_delegate,
            AwardRecipient.delivered_at,
        ).order_by(AwardRecipient.id),
        "speeches": await Speaker.select(Speaker.id, Speaker.spoke_s).order_by(Speaker.id),
        "timer": await SpeechTimer.select(
            SpeechTimer.item,
            SpeechTimer.speaker,
            SpeechTimer.planned_s,
            SpeechTimer.elapsed_ms,
            SpeechTimer.running_since,
        ).where(SpeechTimer.event == event_id),
        "introduction": await Introduction.select(Introduction.read_at).where(
            Introduction.event == event_id
        ),
    }


async def _some_real_records(event) -> None:
    """Before the rehearsal: two cues run, a mark at the stage, a speech timed and paused."""
    sheet = await runsheet.next_cue(event)
    await runsheet.next_cue(event, expected=sheet.current.id)
    recipient = (await runsheet.load(event)).recipients[0]
    await runsheet.set_presence(event["id"], recipient.id, "absent")
    report = await ProgrammeItem.select().where(ProgrammeItem.kind == "report").first()
    await timer.start_timer(event, item_id=report["id"])
    await timer.pause_timer(event)
    await runsheet.mark_read(event["id"], True)


async def test_a_rehearsal_run_then_ended_leaves_every_recorded_time_as_before(event):
    await _some_real_records(event)
    before = await _recorded(event["id"])
    await runsheet.start_rehearsal(event)
    assert (await runsheet.load(event)).rehearsal
    # The whole day, rehearsed: every cue, Back, marks, other items, the timer.
    while (await runsheet.load(event)).next is not None:
        await runsheet.next_cue(event)
    await runsheet.next_cue(event)  # the end of the ceremony
    await runsheet.previous_cue(event)
    for recipient in (await runsheet.load(event)).recipients[:3]:
        await runsheet.set_presence(event["id"], recipient.id, "stand_in", stand_in_name="Ông X")
    opening = await ProgrammeItem.select().where(ProgrammeItem.kind == "opening").first()
    await agenda.mark_item_started(event["id"], opening["id"])
    await agenda.mark_item_ended(event["id"], opening["id"])
    await timer.start_timer(event, item_id=opening["id"])
    await timer.add_time(event, 60)
    await timer.stop_timer(event)
    await runsheet.mark_read(event["id"], False)
    assert await _recorded(event["id"]) != before
    await runsheet.end_rehearsal(event)
    assert await _recorded(event["id"]) == before
    sheet = await runsheet.load(event)
    assert not sheet.rehearsal and sheet.current.position == 2


async def test_a_rehearsal_from_nothing_ends_with_nothing_recorded(event):
    before = await _recorded(event["id"])
    await runsheet.start_rehearsal(event)
    await runsheet.next_cue(event)
    await runsheet.next_cue(event)
    report = await ProgrammeItem.select().where(ProgrammeItem.kind == "report").first()
    await timer.start_timer(event, item_id=report["id"])
    await runsheet.end_rehearsal(event)
    after = await _recorded(event["id"])
    assert after["cues"] == before["cues"] and after["items"] == before["items"]
    assert all(cue["state"] == "pending" for cue in after["cues"])
    assert (await timer.load_timer(event)).phase == "idle"


async def test_starting_twice_or_ending_none_is_refused_with_the_reason(event):
    with pytest.raises(runsheet.RehearsalRefused) as none:
        await runsheet.end_rehearsal(event)
    assert none.value.code == "rehearsal_not_running"
    assert "Không có buổi tổng duyệt nào" in translate_error(none.value)
    await runsheet.start_rehearsal(event)
    with pytest.raises(runsheet.RehearsalRefused) as twice:
        await runsheet.start_rehearsal(event)
    assert twice.value.code == "rehearsal_running"
    assert "Đang tổng duyệt" in translate_error(twice.value)
    await runsheet.end_rehearsal(event)
    with pytest.raises(runsheet.RehearsalRefused):
        await runsheet.end_rehearsal(event)


async def test_the_days_real_next_during_a_rehearsal_is_refused_with_the_reason(event):
    zone = ZoneInfo(event["timezone"])
    soon = datetime.now(UTC).astimezone(zone) + timedelta(minutes=10)
    today = {
        **event,
        "date": soon.date(),
        "starts_at": soon.time().replace(microsecond=0),
        "ends_at": (soon + timedelta(hours=3)).time().replace(microsecond=0),
    }
    if today["ends_at"] < today["starts_at"]:  # near midnight: the day runs past it
        today["ends_at"] = today["starts_at"]
    await Event.update({Event.date: today["date"]}).where(Event.id == event["id"])
    await runsheet.start_rehearsal(today)
    with pytest.raises(runsheet.RehearsalRefused) as refused:
        await runsheet.next_cue(today)
    assert refused.value.code == "rehearsal_during_the_event"
    assert "Kết thúc tổng duyệt" in translate_error(refused.value)
    assert (await runsheet.load(today)).current is None  # nothing moved
    await runsheet.end_rehearsal(today)
    assert (await runsheet.next_cue(today)).current is not None  # for real now


async def test_check_ins_during_a_rehearsal_are_real_and_stay(event):
    person = (
        await Delegate.select(Delegate.id).where(Delegate.full_name == "Phạm Đức Thịnh").first()
    )
    await runsheet.start_rehearsal(event)
    await check_in_delegate(event, person["id"])
    await runsheet.end_rehearsal(event)
    row = await Delegate.select(Delegate.checked_in_at).where(Delegate.id == person["id"]).first()
    assert row["checked_in_at"] is not None


async def test_the_rehearsal_api_and_the_run_sheets_flag(event, client, sample_password):
    await auth.create_user("dct", sample_password, Role.mc)
    mc = {"authorization": f"Bearer {await auth.create_token('dct')}"}
    api = f"/api/events/{SLUG}"
    assert (await client.get(f"{api}/runsheet", headers=mc)).json()["rehearsal"] is False
    started = await client.post(f"{api}/rehearsal/start", headers=mc)
    assert started.status_code == 200 and started.json()["rehearsal"] is True
    sheet = (await client.get(f"{api}/runsheet", headers=mc)).json()
    assert sheet["rehearsal"] is True and {"current", "cues", "status", "next"} <= set(sheet)
    again = await client.post(f"{api}/rehearsal/start", headers=mc)
    assert again.status_code == 400 and again.json()["code"] == "rehearsal_running"
    stage = await client.get(f"/events/{SLUG}/runsheet/panel", headers=mc)
    assert "Đang tổng duyệt" in stage.text and "là thật và được giữ lại" in stage.text
    screen = await client.get(f"/events/{SLUG}/screen/panel")
    assert "Đang tổng duyệt" in screen.text
    ended = await client.post(f"{api}/rehearsal/end", headers=mc)
    assert ended.status_code == 200 and ended.json()["rehearsal"] is False
    never = await client.post(f"{api}/rehearsal/end", headers=mc)
    assert never.status_code == 400 and never.json()["code"] == "rehearsal_not_running"


async def test_before_anything_starts_the_hall_screen_shows_the_days_programme(event, client):
    panel = (await client.get(f"/events/{SLUG}/screen/panel")).text
    assert "Hội nghị đã kết thúc" not in panel
    assert 'id="screen-programme"' in panel and "Đón tiếp đại biểu" in panel
    assert "Bế mạc Hội nghị" in panel
