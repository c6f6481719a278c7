"""A desk's queue uploaded at once: answers in order, a bad entry alone refused, safe to resend."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from conference import auth
from conference.checkin.services import MAX_BATCH
from conference.tables import CheckInAttempt, CheckInConflict, Delegate, Role
from tests.invitations.helpers import DelegateInput, make_event

BATCH = "/api/events/hn-2022/checkins/batch"


@pytest.fixture
async def desk_headers(db, sample_password) -> dict[str, str]:
    await auth.create_user("letan", sample_password, Role.desk)
    return {"authorization": f"Bearer {await auth.create_token('letan')}"}


async def _tokens() -> list[str]:
    return [r["token"] for r in await Delegate.select(Delegate.token).order_by(Delegate.id)]


def _queue(tokens: list[str]) -> list[Any]:
    """What a desk offline for the morning sends: every scan with its nonce and time,
    one person admitted twice, one entry broken, one time on another day, one foreign code."""
    scans: list[Any] = [
        {
            "code": token,
            "nonce": f"ban3-{i}",
            "desk": "Bàn 3",
            "scanned_at": f"2022-09-12T07:{10 + i % 50:02d}:00+07:00",
            "offline": True,
        }
        for i, token in enumerate(tokens)
    ]
    scans.insert(2, {"code": tokens[0], "nonce": "ban3-again", "offline": True})
    scans.insert(4, {"nonce": "no-code", "scanned_at": "2022-09-12T07:30:00+07:00"})
    scans.insert(5, {"code": tokens[1], "nonce": "x", "scanned_at": "2022-09-13T07:30:00+07:00"})
    scans.append({"code": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "nonce": "ban3-rac"})
    return scans


async def _state() -> tuple[Any, ...]:
    """Everything an upload may change."""
    checked_in = await Delegate.select(
        Delegate.id, Delegate.checked_in_at, Delegate.checked_in_desk
    ).order_by(Delegate.id)
    return (
        checked_in,
        await CheckInConflict.count(),
        await CheckInAttempt.count(),
    )


async def test_a_batch_is_answered_in_order_with_a_bad_entry_refused_alone(client, desk_headers):
    await make_event()
    tokens = await _tokens()
    answer = await client.post(BATCH, json={"scans": _queue(tokens)}, headers=desk_headers)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["result"] for r in results] == [
        "ok",
        "ok",
        "already_checked_in",
        "ok",
        "invalid",
        "invalid",
        "ok",
        "ok",
        "unknown",
    ]
    assert results[0]["delegate"]["full_name"] == "Nguyễn Thị Thủy Lệ"
    assert results[2]["delegate"]["full_name"] == "Nguyễn Thị Thủy Lệ"
    assert results[4]["code"] == "malformed_scan" and results[4]["delegate"] is None
    assert results[4]["message"].startswith("Không đọc được lượt quét này")
    assert "code" in results[4]["detail"]
    assert results[5]["code"] == "scanned_at_other_day"
    assert "code" not in results[0]  # an answer as POST /checkins gives it
    assert await CheckInConflict.count() == 1
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == 5


async def test_the_same_batch_sent_twice_changes_nothing_the_second_time(client, desk_headers):
    await make_event()
    queue = {"scans": _queue(await _tokens())}
    first = await client.post(BATCH, json=queue, headers=desk_headers)
    after_first = await _state()
    second = await client.post(BATCH, json=queue, headers=desk_headers)
    assert await _state() == after_first
    assert [r["result"] for r in second.json()["results"]] == [
        r["result"] for r in first.json()["results"]
    ]


async def test_a_batch_above_the_maximum_is_refused_whole_with_its_code(client, desk_headers):
    await make_event()
    token = (await _tokens())[0]
    scans = [{"code": token, "nonce": f"n{i}"} for i in range(10_000)]
    answer = await client.post(BATCH, json={"scans": scans}, headers=desk_headers)
    assert answer.status_code == 400
    assert answer.json()["code"] == "batch_too_large"
    assert f"tối đa {MAX_BATCH} lượt quét" in answer.json()["detail"]
    assert await CheckInAttempt.count() == 0
    at_the_limit = await client.post(BATCH, json={"scans": scans[:MAX_BATCH]}, headers=desk_headers)
    assert at_the_limit.status_code == 200
    assert len(at_the_limit.json()["results"]) == MAX_BATCH


@pytest.mark.parametrize("body", [b"", b"[]", b'{"scans": 5}', b'{"scan": []}', b"\xff"])
async def test_a_body_that_is_not_a_batch_is_a_400(client, desk_headers, body):
    await make_event()
    answer = await client.post(
        BATCH, content=body, headers={**desk_headers, "content-type": "application/json"}
    )
    assert answer.status_code == 400


async def test_an_mc_cannot_upload_scans(client, sample_password):
    await make_event()
    await auth.create_user("mc", sample_password, Role.mc)
    mc = {"authorization": f"Bearer {await auth.create_token('mc')}"}
    assert (await client.post(BATCH, json={"scans": []}, headers=mc)).status_code == 403


async def test_twenty_desks_uploading_the_same_batch_at_once_change_the_database_once(
    live_server, desk_headers
):
    """A real server in its own process; 20 clients send one queue at the same moment."""
    people = [DelegateInput(full_name=f"Đại biểu {i}") for i in range(40)]
    await make_event(people=people)
    queue = {"scans": _queue(await _tokens())}
    url = f"{live_server.url}{BATCH}"
    async with httpx.AsyncClient(timeout=60, headers=desk_headers) as http:
        answers = await asyncio.gather(*(http.post(url, json=queue) for _ in range(20)))
    assert {a.status_code for a in answers} == {200}
    results = [[r["result"] for r in a.json()["results"]] for a in answers]
    assert all(r == results[0] for r in results), results
    assert results[0].count("ok") == 40 and results[0].count("already_checked_in") == 1
    checked_in, conflicts, attempts = await _state()
    assert sum(1 for d in checked_in if d["checked_in_at"] is not None) == 40
    assert {d["checked_in_desk"] for d in checked_in} == {"Bàn 3"}
    assert conflicts == 1
    # One log row per scan that was read (the broken entry has no code to log).
    assert attempts == len(queue["scans"]) - 1
