"""The check-in API over HTTP: the answer of DESIGN.md, roles, undo, and many desks at once."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from conference import auth
from conference.tables import Delegate, Role
from tests.invitations.helpers import DelegateInput, make_event

SCAN = "/api/events/hn-2022/checkins"
STATS = "/api/events/hn-2022/stats"
MALFORMED = [b"", b"not json", b'{"nonce": "x"}', b'{"code": 12}', b"\xff\xfe"]


@pytest.fixture
async def desk_headers(db, sample_password) -> dict[str, str]:
    await auth.create_user("letan", sample_password, Role.desk)
    return {"authorization": f"Bearer {await auth.create_token('letan')}"}


async def _tokens() -> list[str]:
    return [r["token"] for r in await Delegate.select(Delegate.token).order_by(Delegate.id)]


async def test_a_scan_answers_as_design_says(client, desk_headers):
    await make_event()
    token = (await _tokens())[1]
    response = await client.post(
        SCAN,
        json={"code": f"http://127.0.0.1:8000/i/{token}", "nonce": "a1", "desk": "Bàn 2"},
        headers=desk_headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "ok" and body["message"] == "Kính chào Ông Hoàng Cao Thắng."
    assert body["delegate"]["full_name"] == "Hoàng Cao Thắng" and "email" not in body["delegate"]
    assert body["checked_in_at"].endswith("Z") or "+00:00" in body["checked_in_at"]
    again = await client.post(SCAN, json={"code": token, "nonce": "a1"}, headers=desk_headers)
    assert again.json()["result"] == "ok"  # the same nonce: the same check-in
    third = await client.post(SCAN, json={"code": token}, headers=desk_headers)
    assert third.json()["result"] == "already_checked_in" and "Bàn 2" in third.json()["message"]


@pytest.mark.parametrize(
    "body", [b"", b"not json", b'{"nonce": "x"}', b'{"code": 12}', b"\xff\xfe"]
)
async def test_a_malformed_request_is_a_400_not_a_500(client, desk_headers, body):
    await make_event()
    response = await client.post(
        SCAN,
        content=body,
        headers={**desk_headers, "content-type": "application/json"},
    )
    assert response.status_code == 400


async def test_an_mc_cannot_scan_and_an_unknown_event_is_404(client, sample_password, desk_headers):
    await make_event()
    await auth.create_user("mc", sample_password, Role.mc)
    mc = {"authorization": f"Bearer {await auth.create_token('mc')}"}
    assert (await client.post(SCAN, json={"code": "x"}, headers=mc)).status_code == 403
    missing = await client.post(
        "/api/events/khong-co/checkins", json={"code": "x"}, headers=desk_headers
    )
    assert missing.status_code == 404


async def test_undo_then_the_stats_follow(client, desk_headers):
    _, ids = await make_event()
    token = (await _tokens())[0]
    await client.post(SCAN, json={"code": token}, headers=desk_headers)
    stats = (await client.get(STATS, headers=desk_headers)).json()
    assert stats["checked_in"] == 1 and stats["invited"] == 5
    undone = await client.delete(f"/api/events/hn-2022/checkins/{ids[0]}", headers=desk_headers)
    assert undone.status_code == 200
    assert (await client.get(STATS, headers=desk_headers)).json()["checked_in"] == 0
    again = await client.delete(f"/api/events/hn-2022/checkins/{ids[0]}", headers=desk_headers)
    assert again.status_code == 404


async def test_twenty_desks_scanning_the_same_codes_at_once_check_in_each_once(
    live_server, desk_headers
):
    """A real server (uvicorn in its own process), 20 clients at once, several rounds."""
    people = [
        DelegateInput(full_name=f"Đại biểu {i}", email=f"db{i}@example.vn") for i in range(60)
    ]
    await make_event(people=people)
    tokens = await _tokens()
    url = f"{live_server.url}/api/events/hn-2022/checkins"
    async with httpx.AsyncClient(timeout=30, headers=desk_headers) as http:
        for round_ in range(5):
            token = tokens[round_]
            answers = await asyncio.gather(
                *(http.post(url, json={"code": token, "desk": f"Bàn {i}"}) for i in range(20))
            )
            results = [a.json()["result"] for a in answers]
            assert results.count("ok") == 1, results
            assert results.count("already_checked_in") == 19
        # Many different codes at once: all ok, none lost.
        rest = tokens[5:]
        answers = await asyncio.gather(*(http.post(url, json={"code": t}) for t in rest))
        assert [a.json()["result"] for a in answers] == ["ok"] * len(rest)
    assert await Delegate.count().where(Delegate.checked_in_at.is_not_null()) == len(tokens)
