"""Scans an offline desk sends later: their own time, refused times, one check-in, conflicts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conference import auth
from conference.checkin.services import SCAN_CLOCK_SKEW, check_in_delegate, redeem
from conference.errors import InvalidInput
from conference.events import get_event
from conference.tables import CheckInAttempt, CheckInConflict, Delegate, Event, Role, ScanResult
from tests.invitations.helpers import make_event

BASE = "https://hoinghi.example.vn"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCAN = "/api/events/hn-2022/checkins"
# The test event is on 12/9/2022: a morning scan of that day, in Hanoi's time.
MORNING = datetime(2022, 9, 12, 7, 41, 5, tzinfo=HANOI)


@pytest.fixture
async def event(db):
    _, ids = await make_event()
    row = await get_event("hn-2022")
    row["ids"] = ids
    return row


async def _token(delegate_id: int) -> str:
    row = await Delegate.select(Delegate.token).where(Delegate.id == delegate_id).first()
    return row["token"]


async def _held_today(event):
    """The event moved to today in Hanoi, as on the morning of a real conference."""
    await Event.update({Event.date: datetime.now(HANOI).date()}).where(Event.id == event["id"])
    moved = await get_event("hn-2022")
    moved["ids"] = event["ids"]
    return moved


async def _checked_in_at(delegate_id: int) -> datetime | None:
    row = await Delegate.select(Delegate.checked_in_at).where(Delegate.id == delegate_id).first()
    return row["checked_in_at"]


async def test_an_offline_scan_records_the_arrival_at_the_scans_own_time(event):
    token = await _token(event["ids"][1])
    answer = await redeem(event, token, desk="Bàn 2", nonce="q-1", scanned_at=MORNING, offline=True)
    assert answer.result == "ok" and answer.checked_in_at == MORNING
    assert await _checked_in_at(event["ids"][1]) == MORNING
    [logged] = await CheckInAttempt.select()
    assert logged["scanned_at"] == MORNING and logged["offline"] is True


async def test_a_scan_time_beyond_the_clock_skew_allowance_is_refused_as_in_the_future(event):
    event = await _held_today(event)
    today = event["date"]
    token = await _token(event["ids"][0])
    ahead = datetime.now(UTC) + SCAN_CLOCK_SKEW + timedelta(minutes=1)
    if ahead.astimezone(HANOI).date() != today:
        pytest.skip("too close to midnight in Hanoi for a same-day time in the future")
    with pytest.raises(InvalidInput) as refused:
        await redeem(event, token, scanned_at=ahead, offline=True)
    assert refused.value.answer_code == "scanned_at_in_future"
    assert await _checked_in_at(event["ids"][0]) is None
    [logged] = await CheckInAttempt.select()
    assert logged["result"] == "invalid" and logged["delegate"] is None


async def test_a_desk_clock_a_little_fast_is_accepted_and_recorded_as_now(event):
    event = await _held_today(event)
    today = event["date"]
    token = await _token(event["ids"][0])
    before = datetime.now(UTC)
    slightly_ahead = before + SCAN_CLOCK_SKEW - timedelta(minutes=1)
    if slightly_ahead.astimezone(HANOI).date() != today:
        pytest.skip("too close to midnight in Hanoi")
    answer = await redeem(event, token, scanned_at=slightly_ahead)
    assert answer.result == "ok"
    assert before <= answer.checked_in_at <= datetime.now(UTC)


@pytest.mark.parametrize(
    "scanned_at",
    [
        datetime(2022, 9, 11, 23, 59, tzinfo=HANOI),  # the evening before
        datetime(2022, 9, 12, 17, 30, tzinfo=UTC),  # 00:30 on the 13th in Hanoi
        datetime(2021, 9, 12, 8, 0, tzinfo=HANOI),
    ],
)
async def test_a_scan_time_not_on_the_events_day_in_its_time_zone_is_refused(event, scanned_at):
    token = await _token(event["ids"][0])
    with pytest.raises(InvalidInput) as refused:
        await redeem(event, token, scanned_at=scanned_at, offline=True)
    assert refused.value.answer_code == "scanned_at_other_day"
    assert await _checked_in_at(event["ids"][0]) is None


async def test_a_time_late_in_the_evening_utc_is_still_the_events_day_in_hanoi(event):
    token = await _token(event["ids"][0])
    evening_before_utc = datetime(2022, 9, 11, 17, 30, tzinfo=UTC)  # 00:30 on the 12th in Hanoi
    answer = await redeem(event, token, scanned_at=evening_before_utc)
    assert answer.result == "ok" and answer.checked_in_at == evening_before_utc


async def test_a_scan_time_without_an_offset_is_refused(event):
    token = await _token(event["ids"][0])
    with pytest.raises(InvalidInput) as refused:
        await redeem(event, token, scanned_at=datetime(2022, 9, 12, 8, 0))
    assert refused.value.answer_code == "scanned_at_without_offset"


async def test_offline_uploads_of_one_person_interleaved_check_in_once_and_conflict_the_rest(
    event,
):
    token = await _token(event["ids"][2])
    answers = await asyncio.gather(
        *(
            redeem(
                event,
                token,
                desk=f"Bàn {i}",
                nonce=f"desk{i}-scan1",
                scanned_at=MORNING + timedelta(seconds=i),
                offline=True,
            )
            for i in range(12)
        )
    )
    results = [a.result for a in answers]
    assert results.count("ok") == 1 and results.count("already_checked_in") == 11
    winner = results.index("ok")
    assert await _checked_in_at(event["ids"][2]) == MORNING + timedelta(seconds=winner)
    conflicts = await CheckInConflict.select().order_by(CheckInConflict.desk)
    assert len(conflicts) == 11
    assert {c["first_desk"] for c in conflicts} == {f"Bàn {winner}"}
    assert f"Bàn {winner}" not in {c["desk"] for c in conflicts}


async def test_a_conflict_is_recorded_once_however_often_its_scan_is_resent(event):
    token = await _token(event["ids"][0])
    await redeem(event, token, desk="Bàn 1", nonce="a")
    for _ in range(3):
        again = await redeem(
            event, token, desk="Bàn 3", nonce="b", scanned_at=MORNING, offline=True
        )
        assert again.result == "already_checked_in"
    [conflict] = await CheckInConflict.select()
    assert (conflict["desk"], conflict["first_desk"], conflict["scanned_at"]) == (
        "Bàn 3",
        "Bàn 1",
        MORNING,
    )
    # Logged once per scan, however often it was resent.
    assert await CheckInAttempt.count() == 2


async def test_an_online_scan_of_someone_already_in_is_no_conflict(event):
    token = await _token(event["ids"][0])
    await redeem(event, token, desk="Bàn 1")
    again = await redeem(event, token, desk="Bàn 2", nonce="x")
    assert again.result == "already_checked_in"
    assert await CheckInConflict.count() == 0


async def test_the_api_takes_the_scan_time_and_refuses_another_day_with_its_code(
    client, event, sample_password
):
    await auth.create_user("letan", sample_password, Role.desk)
    headers = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    token = await _token(event["ids"][1])
    answer = await client.post(
        SCAN,
        json={
            "code": token,
            "nonce": "n1",
            "scanned_at": "2022-09-12T07:41:05+07:00",
            "offline": True,
        },
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"] == "ok"
    assert datetime.fromisoformat(answer.json()["checked_in_at"]) == MORNING
    other_day = await client.post(
        SCAN,
        json={"code": await _token(event["ids"][0]), "scanned_at": "2022-09-13T08:00:00+07:00"},
        headers=headers,
    )
    assert other_day.status_code == 400
    assert other_day.json()["code"] == "scanned_at_other_day"
    assert "không thuộc ngày diễn ra hội nghị" in other_day.json()["detail"]
    not_a_time = await client.post(
        SCAN, json={"code": token, "scanned_at": "hôm qua"}, headers=headers
    )
    assert not_a_time.status_code == 400


async def test_a_person_admitted_by_name_from_the_queue_counts_once_with_the_scan_time(event):
    event = await _held_today(event)
    delegate_id = event["ids"][2]
    now = datetime.now(HANOI).replace(microsecond=0)
    made = max(now - timedelta(minutes=3), now.replace(hour=0, minute=0, second=0))
    first = await check_in_delegate(
        event, delegate_id, desk="Bàn 2", nonce="n-1", scanned_at=made, offline=True
    )
    # The desk sends it again (no answer reached it): the same nonce, the same one check-in.
    again = await check_in_delegate(
        event, delegate_id, desk="Bàn 2", nonce="n-1", scanned_at=made, offline=True
    )
    assert first.result == again.result == ScanResult.ok
    row = await Delegate.select(Delegate.checked_in_at).where(Delegate.id == delegate_id).first()
    assert row["checked_in_at"] == made
    assert await CheckInAttempt.count() == 1
    # Another desk admitted the same person offline: the conflict is recorded, once.
    await check_in_delegate(
        event, delegate_id, desk="Bàn 3", nonce="n-2", scanned_at=made, offline=True
    )
    assert await CheckInConflict.count() == 1
