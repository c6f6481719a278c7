"""Failed logins do not hold up the desk: Argon2 runs off the event loop."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx

from conference import auth
from conference.tables import Delegate, Role
from tests.conftest import csrf_token
from tests.invitations.helpers import make_event

SCAN = "/api/events/hn-2022/checkins"
LOGINS = 8


async def test_a_scan_is_answered_while_failed_logins_are_still_being_checked(
    app, client, sample_password
):
    await make_event()
    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("letan", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    code = (await Delegate.select(Delegate.token).first())["token"]
    finished: list[str] = []
    async with AsyncExitStack() as stack:
        # Each guesser behind its own address, so none of them is throttled.
        guessers = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app, client=(f"10.1.0.{n}", 5000)),
                    base_url="http://127.0.0.1:8000",
                )
            )
            for n in range(LOGINS)
        ]
        forms = [await csrf_token(guesser) for guesser in guessers]

        async def guess(n: int) -> None:
            response = await guessers[n].post(
                "/login",
                data={"username": "btc", "password": f"guess {n}", "_csrf_token": forms[n]},
            )
            assert response.status_code == 401
            finished.append("login")

        async def scan() -> None:
            response = await client.post(SCAN, json={"code": code}, headers=desk)
            assert response.json()["result"] == "ok"
            finished.append("scan")

        logins = [asyncio.create_task(guess(n)) for n in range(LOGINS)]
        await asyncio.sleep(0)  # every login has started
        await asyncio.gather(scan(), *logins)
    # The scan did not queue behind the hashes: it was answered before most were done.
    assert finished.index("scan") < LOGINS // 2, finished
