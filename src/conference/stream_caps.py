"""Caps on the anonymous live streams (a hall screen's), so that clients nobody signed in
cannot take every open file of the server and make a desk's scan fail.

Each stream holds a socket for as long as it is open. A process serves at most
``total`` anonymous streams and ``per_address`` from one client address; past either,
the answer is 503 with Retry-After (the screen keeps refreshing itself meanwhile). The
total follows from the open-file limit, which the server first raises to the hard
limit (``raise_open_file_limit``), keeping ``RESERVED_FILES`` for the staff, the
database and the files it writes.
"""

from __future__ import annotations

import logging
import resource
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.exceptions import ServiceUnavailableException

from conference.accounts.addresses import client_address
from conference.errors import N_
from conference.i18n import gettext
from conference.settings import Settings

log = logging.getLogger(__name__)

PER_ADDRESS = 10
RESERVED_FILES = 256
MAX_TOTAL = 2_000
RETRY_AFTER_S = 30


def raise_open_file_limit() -> int:
    """Raise this process's open-file soft limit to its hard limit; the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65_536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            log.warning("cannot raise the open-file limit above %s", soft)
    return int(soft if soft != resource.RLIM_INFINITY else 65_536)


def total_for(open_files: int) -> int:
    """How many anonymous streams a process with ``open_files`` open files may serve."""
    return max(1, min(MAX_TOTAL, (open_files - RESERVED_FILES) // 2))


@dataclass
class StreamCaps:
    """The anonymous streams open in this process, by client address."""

    total: int
    per_address: int = PER_ADDRESS
    _open: Counter[str] = field(default_factory=Counter)

    @property
    def open(self) -> int:
        return sum(self._open.values())

    def take(self, address: str) -> Callable[[], None] | None:
        """A slot for a stream from ``address`` (the function that gives it back), or
        None when this address or the process is at its cap."""
        if self.open >= self.total or self._open[address] >= self.per_address:
            return None
        self._open[address] += 1
        given_back = False

        def give_back() -> None:
            nonlocal given_back
            if given_back:
                return
            given_back = True
            self._open[address] -= 1
            if self._open[address] <= 0:
                del self._open[address]

        return give_back


def configured(total: int | None, per_address: int | None) -> StreamCaps:
    """The caps of a server: ``total`` when configured, else what the open-file limit
    (raised first) allows; said in one log line."""
    open_files = raise_open_file_limit()
    caps = StreamCaps(
        total=total if total is not None else total_for(open_files),
        per_address=per_address if per_address is not None else PER_ADDRESS,
    )
    log.info(
        "open files: %s; anonymous live streams: at most %s, %s per address",
        open_files,
        caps.total,
        caps.per_address,
    )
    return caps


STATE_KEY = "stream_caps"


def public_stream_slot(request: Request[Any, Any, Any]) -> Callable[[], None]:
    """A slot for an anonymous stream of this request (the function giving it back), or
    ServiceUnavailableException (503, Retry-After) past a cap."""
    caps: StreamCaps = request.app.state[STATE_KEY]
    settings: Settings = request.app.state["settings"]
    peer = request.client.host if request.client else "unknown"
    address = client_address(peer, request.headers.getall("x-forwarded-for", []), settings)
    give_back = caps.take(address)
    if give_back is None:
        raise ServiceUnavailableException(
            gettext(
                N_(
                    "This screen cannot follow the programme live right now: too many "
                    "screens are open. It refreshes itself every half minute."
                )
            ),
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    return give_back
