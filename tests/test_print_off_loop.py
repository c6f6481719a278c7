"""A print of every delegate does not hold up the desk: it renders off the event loop.

The letters are the heaviest print (bench/desk_while_printing.py: 2,000 letters held every
scan 24 s on the loop); the other prints and the exports render through the same helper."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar

from conference import auth
from conference.tables import Delegate, Role
from tests.conftest import log_in
from tests.invitations.helpers import DelegateInput, make_event

SCAN = "/api/events/hn-2022/checkins"
PEOPLE = [
    DelegateInput(
        full_name=f"Nguyễn Văn Đại Biểu Số {n}",
        honorific="Ông",
        position="Trưởng phòng Quản lý xây dựng",
        organization=f"Ban Quản lý dự án đầu tư xây dựng số {n}",
        group="Đại biểu",
        protocol_rank=n,
    )
    for n in range(1, 61)
]
# The letters of every delegate: each renders the wording and draws its QR code.
PRINT = "/events/hn-2022/invitations/print"


class _Announced:
    """A template that says when it starts rendering (from whichever thread renders it)."""

    def __init__(self, template: Any, started: Callable[[], None]) -> None:
        self.template, self.started = template, started

    def render(self, *args: Any, **kwargs: Any) -> str:
        self.started()
        return str(self.template.render(*args, **kwargs))


def announce_rendering(app: Litestar, name: str, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """An event set once the template ``name`` begins to render."""
    engine = app.template_engine
    assert engine is not None
    started = asyncio.Event()
    loop = asyncio.get_running_loop()
    get_template = engine.get_template

    def announced(template_name: str) -> Any:
        template = get_template(template_name)
        if template_name != name:
            return template
        return _Announced(template, lambda: loop.call_soon_threadsafe(started.set))

    monkeypatch.setattr(engine, "get_template", announced)
    return started


async def test_a_scan_is_answered_while_a_print_of_every_delegate_is_still_rendering(
    app: Litestar,
    client: httpx.AsyncClient,
    sample_password: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await make_event(people=PEOPLE)
    await auth.create_user("btc", sample_password, Role.organizer)
    await auth.create_user("letan", sample_password, Role.desk)
    desk = {"authorization": f"Bearer {await auth.create_token('letan')}"}
    first, code = [row["token"] for row in await Delegate.select(Delegate.token).limit(2)]
    rendering = announce_rendering(app, "invitations/print.html", monkeypatch)
    finished: list[str] = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.2.0.1", 5000)),
        base_url="http://127.0.0.1:8000",
    ) as organizer:
        await log_in(organizer, "btc", sample_password)
        # The desk has been scanning since the doors opened (its connections are open).
        assert (await client.post(SCAN, json={"code": first}, headers=desk)).status_code == 200

        async def print_it() -> httpx.Response:
            response = await organizer.get(PRINT)
            finished.append("print")
            return response

        printing = asyncio.create_task(print_it())
        # On the loop, the page would render whole before this wait could see it begin.
        await rendering.wait()
        scanned = await client.post(SCAN, json={"code": code}, headers=desk)
        finished.append("scan")
        printed = await printing
    assert scanned.json()["result"] == "ok"
    assert printed.status_code == 200
    assert printed.headers["content-type"].startswith("text/html")
    assert printed.text.count("Nguyễn Văn Đại Biểu Số") >= len(PEOPLE)  # every letter
    # The scan was answered while the page was still rendering.
    assert finished == ["scan", "print"], finished
