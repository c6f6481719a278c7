"""The speaker timer: phases, pauses, extensions and their bounds, speeches recorded, the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conference import auth, demo
from conference.errors import Conflict, InvalidInput
from conference.events import get_event
from conference.i18n import translate_error
from conference.program.agenda import exports, services, timer
from conference.tables import ProgrammeItem, Role, Speaker, SpeechTimer

SLUG = "nguoi-tot-viec-tot-2022"


@pytest.fixture
async def event(db):
    await demo.load()
    return await get_event(SLUG)


async def _item(kind: str) -> dict:
    return await ProgrammeItem.select().where(ProgrammeItem.kind == kind).first()


async def _spoken_for(event, seconds: float) -> None:
    """As if the running timer had been running ``seconds`` (its start moved back)."""
    row = await SpeechTimer.select().where(SpeechTimer.event == event["id"]).first()
    since = (
        datetime.now(UTC) - timedelta(seconds=seconds) + timedelta(milliseconds=row["elapsed_ms"])
    )
    await SpeechTimer.update({SpeechTimer.running_since: since}).where(SpeechTimer.id == row["id"])


async def test_a_slot_counts_down_turns_amber_at_two_minutes_red_at_zero_and_counts_overtime(
    event,
):
    report = await _item("report")  # 30 minutes, one speaker: a 30-minute slot
    idle = await timer.load_timer(event)
    assert idle.phase == "idle" and idle.speaker_id is None
    state = await timer.start_timer(event, item_id=report["id"])
    assert state.phase == "running" and state.planned_s == 1800
    assert state.speaker == "Bà Nguyễn Thị Thanh"
    assert 1799 <= state.remaining_s <= 1800
    await _spoken_for(event, 1800 - 121)
    assert (await timer.load_timer(event)).phase == "running"
    await _spoken_for(event, 1800 - 119)
    warned = await timer.load_timer(event)
    assert warned.phase == "warning" and 118 <= warned.remaining_s <= 119
    await _spoken_for(event, 1800 + 30)
    over = await timer.load_timer(event)
    assert over.phase == "overtime" and -31 <= over.remaining_s <= -30
    paused = await timer.pause_timer(event)
    assert paused.phase == "paused" and -31 <= paused.remaining_s <= -30
    # The speech's length is kept, and shown in the programme's CSV.
    speaker = await Speaker.select().where(Speaker.item == report["id"]).first()
    assert speaker["spoke_s"] in (1830, 1831)
    programme = await services.load_programme(event)
    assert (
        f"Bà Nguyễn Thị Thanh {speaker['spoke_s'] // 60}:{speaker['spoke_s'] % 60:02d}/30:00"
        in (exports.to_csv(programme).decode("utf-8-sig"))
    )


async def test_the_warning_is_the_events_own(event):
    await timer.set_warning(event, 5)
    await timer.start_timer(event, item_id=(await _item("report"))["id"])
    await _spoken_for(event, 1800 - 290)
    assert (await timer.load_timer(event)).phase == "warning"
    with pytest.raises(InvalidInput):
        await timer.set_warning(event, 45)


async def test_a_pause_keeps_the_time_and_start_resumes_from_it(event):
    await timer.start_timer(event, item_id=(await _item("report"))["id"])
    await _spoken_for(event, 600)
    paused = await timer.pause_timer(event)
    assert 1199 <= paused.remaining_s <= 1200
    with pytest.raises(Conflict) as twice:
        await timer.pause_timer(event)
    assert twice.value.code == "timer_paused"
    resumed = await timer.start_timer(event)
    assert resumed.phase == "running" and 1199 <= resumed.remaining_s <= 1200


async def test_plus_one_minute_extends_and_minus_thirty_minutes_is_refused_with_the_reason(event):
    await timer.start_timer(event, item_id=(await _item("report"))["id"])
    extended = await timer.add_time(event, 60)
    assert extended.planned_s == 1860 and extended.remaining_s > 1800
    with pytest.raises(InvalidInput) as refused:
        await timer.add_time(event, -30 * 60)
    assert refused.value.code == "timer_bad_extension"
    assert "Chỉ bớt được thời gian đã cộng thêm" in translate_error(refused.value)
    assert (await timer.load_timer(event)).planned_s == 1860  # nothing changed
    assert (await timer.add_time(event, -60)).planned_s == 1800  # a slip taken back
    with pytest.raises(InvalidInput):
        await timer.add_time(event, 16 * 60)


async def test_a_timer_on_an_item_without_speakers_is_refused(event):
    with pytest.raises(InvalidInput) as refused:
        await timer.start_timer(event, item_id=(await _item("break"))["id"])
    assert refused.value.code == "timer_no_speakers"
    assert "không có người phát biểu" in translate_error(refused.value)
    assert (await timer.load_timer(event)).phase == "idle"


async def test_pause_or_extension_while_idle_is_refused(event):
    for action in (timer.pause_timer(event), timer.add_time(event, 60), timer.stop_timer(event)):
        with pytest.raises(Conflict) as refused:
            await action
        assert refused.value.code == "timer_idle"
        assert "Đồng hồ chưa chạy" in translate_error(refused.value)


async def test_the_next_speaker_keeps_the_first_speech_and_gets_their_own_slot(event):
    opening = await _item("opening")  # 10 minutes, the MC and the presiding leader
    first = await timer.start_timer(event, item_id=opening["id"])
    assert first.planned_s == 300 and len(first.speakers) == 2
    await timer.set_slot(event["id"], first.speakers[1].id, 3)
    await _spoken_for(event, 200)
    second = await timer.start_timer(event, speaker_id=first.speakers[1].id)
    assert second.speaker_id == first.speakers[1].id and second.planned_s == 180
    assert second.speakers[0].spoke_s in (200, 201)
    stopped = await timer.stop_timer(event)
    assert stopped.phase == "idle"
    # The item's speakers have all spoken: a start without naming one begins with the first.
    with pytest.raises(InvalidInput):
        await timer.set_slot(event["id"], first.speakers[0].id, 0)


async def test_the_timer_api_is_public_to_read_and_staff_only_to_drive(
    event, client, sample_password
):
    await auth.create_user("dct", sample_password, Role.mc)
    mc = {"authorization": f"Bearer {await auth.create_token('dct')}"}
    report = await _item("report")
    anonymous = await client.post(f"/api/events/{SLUG}/timer/start", json={})
    assert anonymous.status_code in (401, 403)
    started = await client.post(
        f"/api/events/{SLUG}/timer/start", json={"item_id": report["id"]}, headers=mc
    )
    assert started.status_code == 200, started.text
    answer = (await client.get(f"/api/events/{SLUG}/timer")).json()
    assert {"item_id", "speaker", "planned_s", "remaining_s", "phase", "server_time"} <= set(answer)
    assert answer["phase"] == "running" and answer["item_id"] == report["id"]
    refused = await client.post(
        f"/api/events/{SLUG}/timer/add", json={"seconds": -1800}, headers=mc
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "timer_bad_extension"
    assert "cộng thêm" in refused.json()["detail"]
    lectern = await client.get(f"/events/{SLUG}/timer")
    assert lectern.status_code == 200 and "data-timer" in lectern.text
    assert "<script>" not in lectern.text  # its script is a static file (CSP)


async def test_on_another_day_a_start_without_an_item_times_the_first_item_with_speakers(event):
    # The demo's day is long past: nothing is under way, the reception has no speakers.
    idle = await timer.load_timer(event)
    performance = await _item("performance")
    assert idle.item_id == performance["id"] and idle.speaker
    assert idle.items[0][1] == performance["title"]
    started = await timer.start_timer(event)
    assert started.item_id == performance["id"] and started.phase == "running"
