"""The QR code workers that sending starts end with the process that started them: at a
clean shutdown, and within a second or two when it is killed."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from conference.invitations import DelegateInput, add_delegates
from conference.invitations.qr import PARALLEL_FROM
from conference.tables import DelegateSource
from tests.conftest import CSRF_FIELD, log_in
from tests.invitations.helpers import make_event


def _forkservers() -> set[int]:
    """The processes running multiprocessing's fork server or its workers, by pid."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing.forkserver" in command or b"multiprocessing.spawn" in command:
            found.add(int(entry.name))
    return found


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _descends_from(pid: int, ancestor: int) -> bool:
    """Whether ``pid`` is ``ancestor``'s child, grandchild…: other suites running on the
    same machine have fork servers of their own, which are not this server's."""
    while pid > 1:
        pid = _parent(pid)
        if pid == ancestor:
            return True
    return False


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.add(pid)
    return alive


async def _send_through(server_url: str, password: str) -> None:
    async with httpx.AsyncClient(base_url=server_url, timeout=60) as organizer:
        await log_in(organizer, "btc", password)
        page = await organizer.get("/events/hn-2022/invitations/")
        token = CSRF_FIELD.search(page.text).group(1)  # type: ignore[union-attr]
        sent = await organizer.post("/events/hn-2022/invitations/send", data={"_csrf_token": token})
        assert sent.status_code < 400, sent.text


async def _workers_started_by(server, password: str, before: set[int]) -> set[int]:
    await _send_through(server.url, password)
    for _ in range(150):  # up to 30 s
        found = _forkservers() - before
        if started := {pid for pid in found if _descends_from(pid, server.process.pid)}:
            break
        await asyncio.sleep(0.2)
    assert started, "sending made its QR codes without the worker processes"
    return started


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


# "Within a few seconds of a kill" is a time: beside another test process the workers once
# took longer than the 5 s to notice their parent had gone.
@pytest.mark.alone
async def test_the_workers_end_at_a_clean_shutdown_and_after_a_kill(
    db, start_server, sample_password
):
    from conference import auth
    from conference.tables import Role

    event_id, _ = await make_event()
    people = [
        DelegateInput(full_name=f"Đại biểu {n}", email=f"db{n}@example.vn")
        for n in range(PARALLEL_FROM + 10)
    ]
    await add_delegates(event_id, people, source=DelegateSource.manual)
    await auth.create_user("btc", sample_password, Role.organizer)
    for stop in (signal.SIGTERM, signal.SIGKILL):
        before = _forkservers()
        server = start_server(CONFERENCE_MAIL_RATE="0")
        started = await _workers_started_by(server, sample_password, before)
        server.process.send_signal(stop)
        server.process.wait(timeout=15)
        assert _gone_within(started, 5) == set(), stop
