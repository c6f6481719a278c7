"""Anonymous live streams are capped per address and in total, with a clear answer past
the cap, and the server raises its open-file limit at start."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import subprocess
import sys

import httpx

from conference.stream_caps import RESERVED_FILES, StreamCaps, total_for
from tests.invitations.helpers import make_event


def test_a_slot_is_refused_past_either_cap_and_given_back_once():
    caps = StreamCaps(total=3, per_address=2)
    first, second = caps.take("198.51.100.1"), caps.take("198.51.100.1")
    assert first and second and caps.take("198.51.100.1") is None  # the address's cap
    assert caps.take("198.51.100.2") and caps.take("198.51.100.3") is None  # the total
    first()
    first()  # twice is once
    assert caps.open == 2 and caps.take("198.51.100.3") and caps.take("198.51.100.4") is None


def test_the_server_raises_its_open_file_limit_to_the_hard_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    probe = (
        "import resource; from conference.stream_caps import raise_open_file_limit;"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (600, resource.getrlimit("
        "resource.RLIMIT_NOFILE)[1])); print(raise_open_file_limit())"
    )
    raised = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert int(raised) == (hard if hard != resource.RLIM_INFINITY else max(600, 65_536))
    assert total_for(600) == (600 - RESERVED_FILES) // 2  # what a limit of 600 serves


_kept: list[object] = []


async def _open(http: httpx.AsyncClient, url: str, address: str, stack) -> httpx.Response:
    response = await stack.enter_async_context(
        http.stream("GET", url, headers={"x-forwarded-for": address})
    )
    if response.status_code == 200:
        lines = response.aiter_lines()
        _kept.append(lines)  # a dropped line iterator would close its stream when collected
        assert (await asyncio.wait_for(lines.__anext__(), 10)).startswith(":")  # connected
    return response


async def test_screens_past_the_caps_are_told_to_retry_and_a_closed_one_frees_its_slot(
    db, start_server
):
    await make_event()
    server = start_server(
        CONFERENCE_PUBLIC_STREAMS="3",
        CONFERENCE_PUBLIC_STREAMS_PER_ADDRESS="2",
        CONFERENCE_TRUSTED_PROXIES="127.0.0.1",
    )
    url = f"{server.url}/events/hn-2022/screen/live"
    async with httpx.AsyncClient(timeout=30) as http, contextlib.AsyncExitStack() as outer:
        async with contextlib.AsyncExitStack() as first:
            assert (await _open(http, url, "198.51.100.1", first)).status_code == 200
            answers = [await _open(http, url, "198.51.100.1", outer) for _ in range(2)]
            assert [a.status_code for a in answers] == [200, 503]  # two from one address
            assert answers[1].headers["retry-after"] == "30"
            assert (await _open(http, url, "198.51.100.2", outer)).status_code == 200
            refused = await _open(http, url, "198.51.100.3", outer)  # three in all
            assert refused.status_code == 503
            await refused.aread()
            assert "quá nhiều màn hình" in refused.text
        # The first screen closed: its slot comes back once the server sees it gone.
        for _ in range(100):
            async with contextlib.AsyncExitStack() as again:
                if (await _open(http, url, "198.51.100.3", again)).status_code == 200:
                    break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the closed stream's slot never came back")
        # Staff pages and the API still answer while the anonymous streams are capped.
        assert (await http.get(f"{server.url}/healthz")).status_code == 200
    _kept.clear()
